// A model can end a run before time.end (a short circuit): the run says why, keeps its last
// state as an output, and counts as completed.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "dendrite/app/run.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;

TEST(RunEnd, LiquidFilamentShortingTheCellEndsTheRun) {
  const fs::path dir = fs::temp_directory_path() / ("dendrite_short_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const RunConfig cfg = parse_config(R"(model: liquid
liquid:
  parameters: hong2018_li_liquid
  applied_potential: {left: -0.45 V, right: 0 V}
  front: 5
initial: {shapes: [{sphere: {center: [5, 2.5], radius: 1.5}}]}
grid: {cells: [80, 20], length: [20, 5]}
time: {end: 5}
output: {dir: )" + dir.string() + R"(, every: 1, scalars_every: 5}
checkpoint: {every: never}
)",
                                     "short.yaml");
  std::ostringstream log;
  const RunSummary s = run_case(cfg, RunOptions{}, log);
  EXPECT_TRUE(s.completed);
  EXPECT_LT(s.time, 2.0);  // the filament crosses 15 units in about one time unit
  EXPECT_NE(s.ended_because.find("short circuit"), std::string::npos) << s.ended_because;
  EXPECT_NE(log.str().find("ended at step"), std::string::npos) << log.str();
  EXPECT_TRUE(fs::exists(s.xdmf));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dnd
