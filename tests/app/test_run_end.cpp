// A model can end a run before time.end (a short circuit): the run says why, keeps its last
// state as an output, and counts as completed.
#include <gtest/gtest.h>

#include <unistd.h>
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

TEST(RunEnd, NumericalStopKeepsTheLastGoodStateAndSaysHowToGoOn) {
  // Issue 14, item 6: potentiostatic -2 V on the explicit form moves xi by far more than a
  // step allows. The run stops with the cause, and the table, the fields and a checkpoint of
  // the last good state are on disk, named in the message. A case file at -2 V is now refused
  // (ConfigCell.PotentiostaticCaseIsBoundedByTheCurrentItDraws), so the voltage is set after
  // reading: the run-time stop remains the net for what the reader cannot foresee.
  const fs::path dir =
      fs::temp_directory_path() / ("dendrite_numstop_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  RunConfig cfg = parse_config(R"(model: electrodeposition
cell: {metal: Na, electrolyte: NZSP, temperature: 30 degC, thickness: 20 um, anode_thickness: 5 um, width: 5 um}
control: {mode: potentiostatic, voltage: -0.2 V, duration: 1 s}
phase_field: {formulation: chen2015, interface_width: 1.5 um, mobility: 2.5e-6 m^3/(J s)}
grid: {dx: 0.5 um}
output: {dir: )" + dir.string() + R"(}
checkpoint: {every: never}
)",
                               "numstop.yaml");
  cfg.cell.control.v_cell = -2.0;
  std::ostringstream log;
  RunOptions quiet;
  quiet.quiet = true;
  std::string msg;
  try {
    run_case(cfg, quiet, log);
  } catch (const std::runtime_error& e) {
    msg = e.what();
  }
  EXPECT_NE(msg.find("the order parameter would change by"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the last good state (step 0, t = 0 s) is written"), std::string::npos) << msg;
  EXPECT_NE(msg.find("to go on"), std::string::npos) << msg;
  EXPECT_TRUE(fs::exists(dir / "checkpoint" / "checkpoint.h5"));
  EXPECT_TRUE(fs::exists(dir / "scalars.csv"));
  EXPECT_TRUE(fs::exists(dir / "cell.xmf") || fs::exists(dir / "fields.xmf"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dnd
