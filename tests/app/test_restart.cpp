// Restart bit-identity: a run stopped half-way and resumed from its checkpoint ends with
// exactly the bytes of a run that was never stopped.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dendrite/app/run.hpp"
#include "dendrite/io/hdf5_file.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;

RunConfig small_case(const std::string& dir) {
  const std::string text = R"(grid: {cells: [48, 40], dx: 1}
boundary: {x: periodic, y: neumann}
allen_cahn: {mobility: 1, kappa: 1, barrier: 0.5}
initial:
  shapes:
    - {sphere: {center: [20, 18], radius: 9}}
    - {slab: {axis: y, from: 0, to: 4}}
  noise: {amplitude: 0.02, seed: 3}
time: {end: 30}
output: {dir: OUT, every: 10, scalars_every: 5}
checkpoint: {every: never}
)";
  std::string t = text;
  t.replace(t.find("OUT"), 3, dir);
  return parse_config(t, "restart.yaml");
}

template <class T = real>
std::vector<T> final_field(const std::string& dir, std::int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "/fields/fields_%08lld.h5", static_cast<long long>(step));
  h5::Reader r(dir + name);
  if constexpr (sizeof(T) == sizeof(double))
    return r.read_double("xi");
  else
    return r.read_float("xi");
}

TEST(Restart, StoppedAndResumedRunIsBitIdentical) {
  const fs::path base =
      fs::temp_directory_path() / ("dendrite_restart_" + std::to_string(::getpid()));
  fs::remove_all(base);
  const std::string a = (base / "straight").string(), b = (base / "resumed").string();
  std::ostringstream log;
  RunOptions quiet;
  quiet.quiet = true;
  const RunSummary full = run_case(small_case(a), quiet, log);
  ASSERT_TRUE(full.completed);

  RunOptions stop = quiet;
  stop.stop_after = full.steps / 2 + 3;  // not on an output step
  const RunSummary half = run_case(small_case(b), stop, log);
  EXPECT_FALSE(half.completed);
  RunOptions resume = quiet;
  resume.resume = true;
  const RunSummary rest = run_case(small_case(b), resume, log);
  ASSERT_TRUE(rest.completed);
  EXPECT_EQ(rest.steps, full.steps);
  EXPECT_EQ(rest.time, full.time);

  const auto fa = final_field(a, full.steps), fb = final_field(b, rest.steps);
  ASSERT_EQ(fa.size(), fb.size());
  EXPECT_EQ(std::memcmp(fa.data(), fb.data(), fa.size() * sizeof(real)), 0);
  // The scalar table and the output schedule are the same too.
  std::ifstream sa(a + "/scalars.csv"), sb(b + "/scalars.csv");
  std::stringstream ta, tb;
  ta << sa.rdbuf();
  tb << sb.rdbuf();
  EXPECT_EQ(ta.str(), tb.str());
  std::ifstream xa(full.xdmf), xb(rest.xdmf);
  std::stringstream ya, yb;
  ya << xa.rdbuf();
  yb << xb.rdbuf();
  std::string sya = ya.str(), syb = yb.str();
  EXPECT_EQ(sya, syb);
  fs::remove_all(base);
}

TEST(Restart, ElectrodepositionResumesBitIdentically) {
  const fs::path base =
      fs::temp_directory_path() / ("dendrite_restart_ed_" + std::to_string(::getpid()));
  fs::remove_all(base);
  auto make = [&](const std::string& dir) {
    return parse_config(R"(model: electrodeposition
cell: {metal: Na, electrolyte: NZSP, temperature: 30 degC, thickness: 10 um,
       anode_thickness: 5 um, width: 2 um}
control: {mode: galvanostatic, current_density: 5 mA/cm^2, duration: 0.4 s}
phase_field: {interface_width: 1 um}
grid: {dx: 0.25 um}
initial: {shapes: [{sphere: {center: [5 um, 1 um], radius: 1 um}}]}
output: {dir: )" + dir + R"(, every: 0.1 s, fields: [xi, phi_l, phi_s, current], scalars_every: 3}
checkpoint: {every: never}
)",
                        "restart_ed.yaml");
  };
  const std::string a = (base / "straight").string(), b = (base / "resumed").string();
  std::ostringstream log;
  RunOptions quiet;
  quiet.quiet = true;
  const RunSummary full = run_case(make(a), quiet, log);
  ASSERT_TRUE(full.completed);
  RunOptions stop = quiet;
  stop.stop_after = full.steps / 2 + 1;
  run_case(make(b), stop, log);
  RunOptions resume = quiet;
  resume.resume = true;
  const RunSummary rest = run_case(make(b), resume, log);
  ASSERT_TRUE(rest.completed);
  char name[64];
  std::snprintf(name, sizeof name, "/fields/fields_%08lld.h5", static_cast<long long>(full.steps));
  h5::Reader ra(a + name), rb(b + name);
  for (const char* f : {"phi_l", "phi_s", "current"}) {
    const auto va = sizeof(real) == 8 ? ra.read_double(f) : std::vector<double>();
    const auto vb = sizeof(real) == 8 ? rb.read_double(f) : std::vector<double>();
    EXPECT_EQ(va, vb) << f;
  }
  std::ifstream sa(a + "/scalars.csv"), sb(b + "/scalars.csv");
  std::stringstream ta, tb;
  ta << sa.rdbuf();
  tb << sb.rdbuf();
  EXPECT_EQ(ta.str(), tb.str());
  fs::remove_all(base);
}

}  // namespace
}  // namespace dnd
