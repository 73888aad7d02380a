// Restart bit-identity: a run stopped part-way and resumed from its checkpoint ends with
// exactly the bytes of a run that was never stopped (fields, scalar table, XDMF).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "dendrite/app/run.hpp"
#include "dendrite/io/hdf5_file.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;
using CaseMaker = std::function<RunConfig(const std::string& output_dir)>;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <class T = real>
std::vector<T> read_field(const std::string& dir, std::int64_t step, const char* name) {
  char file[64];
  std::snprintf(file, sizeof file, "/fields/fields_%08lld.h5", static_cast<long long>(step));
  h5::Reader r(dir + file);
  if constexpr (sizeof(T) == sizeof(double))
    return r.read_double(name);
  else
    return r.read_float(name);
}

/// Run a case straight through, and again stopped after `stop_after` steps and resumed;
/// compare the final fields, the scalar tables and the XDMF files byte for byte.
void expect_bit_identical_restart(const CaseMaker& make, const std::string& tag,
                                  std::int64_t stop_offset,
                                  const std::vector<const char*>& fields) {
  const fs::path base = fs::temp_directory_path() / (tag + std::to_string(::getpid()));
  fs::remove_all(base);
  const std::string a = (base / "straight").string(), b = (base / "resumed").string();
  std::ostringstream log;
  RunOptions quiet;
  quiet.quiet = true;
  const RunSummary full = run_case(make(a), quiet, log);
  ASSERT_TRUE(full.completed);
  RunOptions stop = quiet;
  stop.stop_after = full.steps / 2 + stop_offset;  // not on an output step
  EXPECT_FALSE(run_case(make(b), stop, log).completed);
  RunOptions resume = quiet;
  resume.resume = true;
  const RunSummary rest = run_case(make(b), resume, log);
  ASSERT_TRUE(rest.completed);
  EXPECT_EQ(rest.steps, full.steps);
  EXPECT_EQ(rest.time, full.time);
  for (const char* f : fields)
    EXPECT_EQ(read_field(a, full.steps, f), read_field(b, rest.steps, f)) << f;
  EXPECT_EQ(slurp(a + "/scalars.csv"), slurp(b + "/scalars.csv"));
  EXPECT_EQ(slurp(full.xdmf), slurp(rest.xdmf));
  fs::remove_all(base);
}

TEST(Restart, AllenCahnResumesBitIdentically) {
  const CaseMaker make = [](const std::string& dir) {
    // L kappa / dx^2 = 1/s and L W = 0.5/s: the unit-free case of earlier tests, in SI.
    return parse_config(R"(grid: {cells: [48, 40], dx: 1 um}
boundary: {x: periodic, y: neumann}
allen_cahn: {mobility: 1, kappa: 1e-12, barrier: 0.5}
initial:
  shapes:
    - {sphere: {center: [20 um, 18 um], radius: 9 um}}
    - {slab: {axis: y, from: 0 um, to: 4 um}}
  noise: {amplitude: 0.02, seed: 3}
time: {end: 30 s}
output: {dir: )" + dir + R"(, every: 10 s, scalars_every: 5}
checkpoint: {every: never}
)",
                        "restart.yaml");
  };
  expect_bit_identical_restart(make, "dendrite_restart_ac_", 3, {"xi"});
}

/// The small Na | NZSP | Na cell with a bump that the electrodeposition restart tests share;
/// `control`, `physics` and `every` are the lines that differ between them.
CaseMaker bump_cell(const std::string& control, const std::string& physics,
                    const std::string& every, const std::string& name) {
  return
      [=](const std::string& dir) {
        return parse_config(R"(model: electrodeposition
cell: {metal: Na, electrolyte: NZSP, temperature: 30 degC, thickness: 10 um,
       anode_thickness: 5 um, width: 2 um}
)" + control + "\n" + physics + R"(
solver: {reuse_tolerance: 1e-2}
grid: {dx: 0.25 um}
initial: {shapes: [{sphere: {center: [5 um, 1 um], radius: 1 um}}]}
output: {dir: )" + dir +
                                ", every: " + every +
                                R"(, fields: [xi, phi_l, phi_s, current], scalars_every: 3}
checkpoint: {every: never}
)",
                            name);
      };
}

const std::vector<const char*> kCellFields{"xi", "phi_l", "phi_s", "current"};

TEST(Restart, ElectrodepositionResumesBitIdentically) {
  // With noise and potential reuse on: the RNG counter and the reuse state are restart state.
  // Gibbs-Thomson formulation with adaptive steps: the controller's next step, the front
  // speed and the galvanostatic predictor are restart state too. Stopped at three steps.
  const CaseMaker make =
      bump_cell("control: {mode: galvanostatic, current_density: 5 mA/cm^2, duration: 0.4 s}",
                "phase_field: {interface_width: 1 um, noise: {amplitude: 0.2 1/s, seed: 5}}",
                "0.1 s", "restart_ed.yaml");
  for (std::int64_t offset : {-1, 1, 2})
    expect_bit_identical_restart(make, "dendrite_restart_ed_", offset, kCellFields);
}

TEST(Restart, ResumesBitIdenticallyFromEveryStepWithPotentialReuse) {
  // Issue 14, item 5: with potential reuse, 5 of 10 resumes differed in the scalar table
  // (plated charge, the counter electrode's current): the currents were not restart state.
  // Here a galvanostatic run at 0.5 mA/cm^2 (reuse active) is stopped at each of its steps.
  const CaseMaker make =
      bump_cell("control: {mode: galvanostatic, current_density: 0.5 mA/cm^2, duration: 60 s}",
                "phase_field: {interface_width: 1 um}", "20 s", "restart_every.yaml");
  std::ostringstream log;
  RunOptions quiet;
  quiet.quiet = true;
  const fs::path probe =
      fs::temp_directory_path() / ("dendrite_restart_n_" + std::to_string(::getpid()));
  const std::int64_t steps = run_case(make(probe.string()), quiet, log).steps;
  fs::remove_all(probe);
  ASSERT_GE(steps, 4);
  for (std::int64_t stop = 1; stop < steps; ++stop)
    expect_bit_identical_restart(make, "dendrite_restart_every_", stop - steps / 2, kCellFields);
}

TEST(Restart, PotentiostaticElectrodepositionResumesBitIdentically) {
  // The controller watches the current here, and the currents are restart state.
  const CaseMaker make = bump_cell(
      "control: {mode: potentiostatic, voltage: -20 mV, duration: 20 s}\n"
      "time: {control_change: 0.001}",
      "phase_field: {interface_width: 1 um}", "5 s", "restart_ed_pot.yaml");
  for (std::int64_t offset : {-1, 1})
    expect_bit_identical_restart(make, "dendrite_restart_edp_", offset, kCellFields);
}

TEST(Restart, NucleiAreRestartState) {
  // Nucleation on with a barrier low enough (gamma 1 mJ/m^2) that a nucleus forms in the
  // bump cell in its first step and still owes at the end: its site, debt and growth, each
  // cell's owner and inserted xi, and the model's clock must all carry over.
  const CaseMaker make = bump_cell(
      "control: {mode: galvanostatic, current_density: 5 mA/cm^2, duration: 0.4 s}\n"
      "nucleation: {rate: 1e24 1/(m^3 s), interface_energy: 1 mJ/m^2, seed: 11}",
      "phase_field: {interface_width: 1 um}", "0.1 s", "restart_nuclei.yaml");
  for (std::int64_t offset : {-2, 2})
    expect_bit_identical_restart(make, "dendrite_restart_nuc_", offset, kCellFields);
}

TEST(Restart, ExplicitElectrodepositionResumesBitIdentically) {
  const CaseMaker make = bump_cell(
      "control: {mode: galvanostatic, current_density: 5 mA/cm^2, duration: 0.4 s}",
      "phase_field: {formulation: chen2015, interface_width: 1 um, mobility: 2.5e-6 m^3/(J s),\n"
      "              noise: {amplitude: 0.2 1/s, reference_dt: 0.005 s, seed: 5}}",
      "0.1 s", "restart_ed_explicit.yaml");
  expect_bit_identical_restart(make, "dendrite_restart_edx_", 1, kCellFields);
}

TEST(Restart, ACheckpointResumesOnlyItsOwnCaseAndPointsToThePreviousOne) {
  // Issue 14, item 5.
  const fs::path base =
      fs::temp_directory_path() / ("dendrite_ckpt_id_" + std::to_string(::getpid()));
  fs::remove_all(base);
  const std::string a = (base / "a").string(), b = (base / "b").string();
  const CaseMaker make_a =
      bump_cell("control: {mode: galvanostatic, current_density: 5 mA/cm^2, duration: 0.4 s}",
                "phase_field: {interface_width: 1 um}", "0.1 s", "a.yaml");
  const CaseMaker make_b =
      bump_cell("control: {mode: galvanostatic, current_density: 2 mA/cm^2, duration: 0.4 s}",
                "phase_field: {interface_width: 1 um}", "0.1 s", "b.yaml");
  std::ostringstream log;
  RunOptions stop;
  stop.stop_after = 3;
  run_case(make_a(a), stop, log);  // a checkpoint part-way
  // A stale temporary file of a killed checkpoint write is removed by the next run.
  std::ofstream(a + "/checkpoint/checkpoint.h5.new.tmp-99999") << "partial";
  RunOptions resume;
  resume.resume = true;
  EXPECT_TRUE(run_case(make_a(a), resume, log).completed);  // a second one: .prev exists
  EXPECT_FALSE(fs::exists(a + "/checkpoint/checkpoint.h5.new.tmp-99999"));
  const std::string ckpt = a + "/checkpoint/checkpoint.h5";
  ASSERT_TRUE(fs::exists(ckpt + ".prev"));
  // Another case from this checkpoint: refused, naming both.
  RunOptions other;
  other.restart_path = ckpt;
  try {
    run_case(make_b(b), other, log);
    ADD_FAILURE() << "another case resumed from a.yaml's checkpoint";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("does not belong to this run"), std::string::npos) << m;
    EXPECT_NE(m.find("a.yaml"), std::string::npos) << m;
    EXPECT_NE(m.find("b.yaml"), std::string::npos) << m;
  }
  // A damaged checkpoint: the message points to the intact previous one, which resumes.
  fs::resize_file(ckpt, fs::file_size(ckpt) / 2);
  try {
    run_case(make_a(a), resume, log);
    ADD_FAILURE() << "a truncated checkpoint was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--restart " + ckpt + ".prev"), std::string::npos)
        << e.what();
  }
  RunOptions from_prev;
  from_prev.restart_path = ckpt + ".prev";
  EXPECT_TRUE(run_case(make_a(a), from_prev, log).completed);
  // --resume with no checkpoint says so.
  std::ostringstream fresh;
  RunOptions loud;
  loud.resume = true;
  run_case(make_b(b), loud, fresh);
  EXPECT_NE(fresh.str().find("no checkpoint at"), std::string::npos);
  fs::remove_all(base);
}

TEST(Restart, AKillBetweenTheRenamesOfACheckpointResumesTheNewest) {
  // Issue 14, item 5: a kill after the old checkpoint became ".prev" and before the new one
  // took its name left no checkpoint.h5, and --resume started again at t = 0. A kill inside
  // a field write left "<file>.tmp-<pid>" for good. Both are put right by the next start.
  const CaseMaker make =
      bump_cell("control: {mode: galvanostatic, current_density: 5 mA/cm^2, duration: 0.4 s}",
                "phase_field: {interface_width: 1 um}", "0.1 s", "rename.yaml");
  const fs::path base =
      fs::temp_directory_path() / ("dendrite_ckpt_rename_" + std::to_string(::getpid()));
  fs::remove_all(base);
  const std::string a = (base / "straight").string(), b = (base / "killed").string();
  std::ostringstream log;
  RunOptions quiet;
  quiet.quiet = true;
  const RunSummary full = run_case(make(a), quiet, log);
  RunOptions stop = quiet;
  stop.stop_after = full.steps / 2;
  run_case(make(b), stop, log);
  const std::string ckpt = b + "/checkpoint/checkpoint.h5";
  fs::rename(ckpt, ckpt + ".new");  // the state the kill left
  const std::string stale = b + "/fields/fields_00000099.h5.tmp-99999";
  std::ofstream(stale) << "partial";
  RunOptions resume;
  resume.resume = true;
  std::ostringstream said;
  const RunSummary rest = run_case(make(b), resume, said);
  EXPECT_NE(said.str().find("at step " + std::to_string(full.steps / 2)), std::string::npos)
      << said.str();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(ckpt + ".new"));
  EXPECT_EQ(rest.steps, full.steps);
  EXPECT_EQ(slurp(a + "/scalars.csv"), slurp(b + "/scalars.csv"));
  for (const char* f : kCellFields)
    EXPECT_EQ(read_field(a, full.steps, f), read_field(b, rest.steps, f)) << f;
  fs::remove_all(base);
}

TEST(Restart, LiquidResumesBitIdentically) {
  // Noise on (its counter is restart state), and the cumulative inflow column continues.
  const CaseMaker make = [](const std::string& dir) {
    return parse_config(R"(model: liquid
liquid:
  parameters: hong2018_li_liquid
  applied_potential: {left: -0.45 V, right: 0 V}
  front: 5
  noise: {amplitude: 0.04, reference_dt: 0.02, seed: 11}
grid: {cells: [64, 16], length: [16, 4]}
time: {end: 0.3}
output: {dir: )" + dir + R"(, every: 0.1, fields: [xi, w, concentration, phi], scalars_every: 3}
checkpoint: {every: never}
)",
                        "restart_liquid.yaml");
  };
  expect_bit_identical_restart(make, "dendrite_restart_lq_", 1,
                               {"xi", "w", "concentration", "phi"});
}

}  // namespace
}  // namespace dnd
