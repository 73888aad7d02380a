// The CCD current-ramp protocol (issue 13, items 1-2): its segments, the cycler log, the
// short detectors and the result file, through the run driver.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dendrite/app/protocol.hpp"
#include "dendrite/app/run.hpp"
#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/electrodeposition_K.hpp"
#include "dendrite/models/flat_cell.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "ramp.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}

/// A 20 um NZSP cell, 6 um wide, under `protocol`, with extra `initial` shapes.
std::string ramp_case(const std::string& protocol, const std::string& shapes,
                      const std::string& dir) {
  return "model: electrodeposition\n"
         "cell: {metal: Na, electrolyte: NZSP, temperature: 30 degC, thickness: 20 um, "
         "anode_thickness: 5 um, width: 6 um}\n" +
         protocol +
         "phase_field: {interface_width: 1.5 um}\n"
         "grid: {dx: 0.5 um}\n" +
         shapes + "output: {dir: " + dir + ", every: 1 h}\n";
}

const char* kRamp =
    "protocol: {start: 0.5 mA/cm^2, increment: 0.5 mA/cm^2, until: 2 mA/cm^2, step_time: 2 min}\n";

/// Steps of `step_time` from `start` by `increment` to `until` (A/m^2), plating only.
ProtocolConfig steps_of(double step_time, double start, double increment, double until) {
  ProtocolConfig p;
  p.start = start;
  p.increment = increment;
  p.until = until;
  p.step_time = step_time;
  return p;
}

TEST(Protocol, SegmentsByTimeByChargeAlternatingAndWithRests) {
  ProtocolConfig p = steps_of(60.0, 5.0, 5.0, 20.0);
  std::vector<ProtocolSegment> s = protocol_segments(p);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_DOUBLE_EQ(s[3].current, 20.0);
  EXPECT_DOUBLE_EQ(s[3].end, 240.0);
  // 0.5 mAh/cm^2 per step: 1 h at 0.5 mA/cm^2, 15 min at 2 mA/cm^2.
  p.step_time = 0.0;
  p.step_charge = 0.5 * 3.6e4;
  s = protocol_segments(p);
  EXPECT_DOUBLE_EQ(s[0].end - s[0].begin, 3600.0);
  EXPECT_DOUBLE_EQ(s[3].end - s[3].begin, 900.0);
  // Plate, rest, strip, rest per step.
  p.alternate = true;
  p.rest = 30.0;
  s = protocol_segments(p);
  ASSERT_EQ(s.size(), 16u);
  EXPECT_GT(s[0].current, 0.0);
  EXPECT_TRUE(s[1].rest);
  EXPECT_DOUBLE_EQ(s[2].current, -5.0);
  EXPECT_EQ(s[15].level, 3);
  const CurrentRamp ramp(p);
  EXPECT_EQ(ramp.segment_at(s[2].begin), 2u);  // a boundary belongs to the segment it opens
  EXPECT_EQ(ramp.segment_at(s[2].begin - 1e-3), 1u);
  EXPECT_DOUBLE_EQ(ramp.next_boundary(s[2].begin), s[2].end);
}

TEST(Protocol, AVoltageThatFallsWhenTheCurrentRisesIsACollapse) {
  // Alternating 10 s half-cycles at 10 and 20 A/m^2, collapse threshold 0.8.
  ProtocolConfig p = steps_of(10.0, 10.0, 10.0, 20.0);
  p.alternate = true;
  p.voltage_collapse = 0.8;
  // A sound cell: |V| rises with |i| and changes sign with it; nothing fires.
  CurrentRamp sound(p);
  const double v_sound[] = {-0.30, 0.30, -0.55, 0.55};
  for (int seg = 0; seg < 4; ++seg)
    for (int n = 1; n <= 10; ++n) sound.record(10.0 * seg + n, 1.0, {v_sound[seg], 0.0, 0.0});
  EXPECT_FALSE(sound.shorted());
  // The plating half of step 2 opens at |V| 0.2: below 0.8 of the last plating half's mean
  // (0.3), so it fires at its first reading (the running mean is |V| itself there); the
  // strip half in between (another direction) is not the reference.
  CurrentRamp failing(p);
  for (int n = 1; n <= 10; ++n) failing.record(n, 1.0, {-0.30, 0.0, 0.0});
  for (int n = 11; n <= 20; ++n) failing.record(n, 1.0, {0.10, 0.0, 0.0});
  EXPECT_FALSE(failing.shorted()) << "the strip half has no stripping half before it";
  failing.record(21.0, 1.0, {-0.20, 0.0, 0.0});
  ASSERT_TRUE(failing.collapse().fired);
  EXPECT_EQ(failing.collapse().level, 1);
  EXPECT_NEAR(failing.collapse().value, 0.2 / 0.3, 1e-12);
  EXPECT_NE(failing.collapse().detail.find("previous step's mean"), std::string::npos)
      << failing.collapse().detail;
  // With rests between the halves, a strip half's reference is the last strip half, not
  // the rest before it (whose current, 0, is not plating either).
  ProtocolConfig rested = p;
  rested.rest = 5.0;
  CurrentRamp with_rests(rested);
  const double v_rested[] = {-0.30, 0.0, 0.30, 0.0, -0.55, 0.0};  // plate, rest, strip, ...
  const double length[] = {10, 5, 10, 5, 10, 5};
  double t = 0.0;
  for (int seg = 0; seg < 6; ++seg)
    for (int n = 0; n < int(length[seg]); ++n)
      with_rests.record(t += 1.0, 1.0, {v_rested[seg], 0.0, 0.0});
  EXPECT_FALSE(with_rests.shorted());
  with_rests.record(t += 1.0, 1.0,
                    {0.10, 0.0, 0.0});  // the second strip half opens at 1/3 of the first
  ASSERT_TRUE(with_rests.collapse().fired);
  EXPECT_EQ(with_rests.segments()[std::size_t(with_rests.collapse().segment)].current, -20.0);
  EXPECT_NEAR(with_rests.collapse().value, 0.1 / 0.3, 1e-12);
  // The running mean still catches a collapse inside a step, once armed.
  CurrentRamp inside(p);
  for (int n = 1; n <= 5; ++n) inside.record(n, 1.0, {-0.30, 0.0, 0.0});
  inside.record(6.0, 1.0, {-0.20, 0.0, 0.0});
  ASSERT_TRUE(inside.collapse().fired);
  EXPECT_NE(inside.collapse().detail.find("running mean"), std::string::npos);
}

TEST(Protocol, CaseFilesAreReadAndRefusedByKey) {
  const RunConfig c = parse_config(ramp_case(kRamp, "", "out"), "ramp.yaml");
  EXPECT_TRUE(c.protocol.present);
  EXPECT_DOUBLE_EQ(c.time.end, 4 * 120.0);
  EXPECT_DOUBLE_EQ(c.cell.control.i_app, 5.0);
  EXPECT_NEAR(parse_config(ramp_case("protocol: {start: 0.5 mA/cm^2, until: 0.5 mA/cm^2, "
                                     "step_charge: 0.1 mAh/cm^2}\n",
                                     "", "out"),
                           "ramp.yaml")
                  .time.end,
              720.0, 1e-9);
  const std::string both =
      ramp_case(std::string(kRamp) +
                    "control: {mode: galvanostatic, current_density: 1 mA/cm^2, duration: "
                    "1 h}\n",
                "", "out");
  EXPECT_NE(error_of(both).find("ramp.yaml:4:10: control: a case with protocol:"),
            std::string::npos)
      << error_of(both);
  const std::string neither = ramp_case(
      "protocol: {start: 0.5 mA/cm^2, until: 1 mA/cm^2, increment: 0.5 mA/cm^2}\n", "", "out");
  EXPECT_NE(error_of(neither).find("protocol: give either step_time"), std::string::npos)
      << error_of(neither);
  const std::string down = ramp_case(
      "protocol: {start: 1 mA/cm^2, until: 0.5 mA/cm^2, increment: 0.5 mA/cm^2, step_time: 1 "
      "min}\n",
      "", "out");
  EXPECT_NE(error_of(down).find("protocol.until: must not lie below"), std::string::npos)
      << error_of(down);
  const std::string threshold = ramp_case(
      "protocol: {start: 1 mA/cm^2, until: 1 mA/cm^2, step_time: 1 min, short: "
      "{electronic_fraction: 1.5}}\n",
      "", "out");
  EXPECT_NE(error_of(threshold).find("protocol.short.electronic_fraction: must lie strictly"),
            std::string::npos)
      << error_of(threshold);
  // The resolution bound of docs/model.md 8.8 holds the ramp's highest current.
  const std::string high = ramp_case(
      "protocol: {start: 1 mA/cm^2, until: 2 A/cm^2, increment: 1 mA/cm^2, step_time: 1 min}\n", "",
      "out");
  EXPECT_NE(error_of(high).find("at 2e+03 mA/cm^2 the ohmic field"), std::string::npos)
      << error_of(high);
}

TEST(Protocol, AFlatCellWithoutLeakageNeverShortsAndLogsOhmPlusButlerVolmer) {
  // Issue 13: a flat, defect-free cell with no electronic leakage never shorts across a
  // ramp. Its cycler log gives each step's mean V within 1 % of the flat cell (eq. 55).
  const fs::path dir =
      fs::temp_directory_path() / ("dendrite_ramp_flat_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  RunConfig cfg = parse_config(ramp_case(kRamp, "", dir.string()), "flat.yaml");
  cfg.cell.spec.electrolyte.sigma_e = {1e-12, cfg.cell.spec.temperature, 0.0};
  std::ostringstream log;
  const RunSummary s = run_case(cfg, RunOptions{}, log);
  EXPECT_TRUE(s.completed);
  EXPECT_TRUE(s.ended_because.empty()) << s.ended_because;
  EXPECT_NE(log.str().find("no short up to 2 mA/cm^2"), std::string::npos) << log.str();
  const std::string result = slurp((dir / "ccd.json").string());
  EXPECT_NE(result.find("\"shorted\": false"), std::string::npos) << result;
  EXPECT_NE(result.find("\"ccd_A_m2\": null"), std::string::npos) << result;
  std::istringstream csv(slurp((dir / "protocol.csv").string()));
  std::string line;
  std::getline(csv, line);
  const CellSpec& c = cfg.cell.spec;
  FlatCell flat;
  flat.sigma_ion = c.electrolyte.sigma_ion.at(c.temperature);
  flat.i0_anode = flat.i0_counter = exchange_current(c);
  flat.alpha = c.alpha;
  flat.f = echem::kFaraday / (echem::kGas * c.temperature);
  int rows = 0;
  double charge = 0.0;
  while (std::getline(csv, line)) {
    std::vector<double> v;
    std::string cellv;
    std::istringstream ls(line);
    while (std::getline(ls, cellv, ','))
      v.push_back(cellv == "plate" || cellv == "strip" || cellv == "rest" ? 0.0 : std::stod(cellv));
    ASSERT_EQ(v.size(), 11u) << line;
    const double i = v[2], mean_v = v[8];
    // The front advances ~0.2 um per step; take the electrolyte at mid-step as L.
    flat.length = c.thickness - charge / (echem::kFaraday * c.metal.density / c.metal.molar_mass) -
                  0.5 * v[7] / (echem::kFaraday * c.metal.density / c.metal.molar_mass);
    const double expected = flat_cell_at_current(flat, i).v_cell;
    std::printf(
        "  step %d: %.2f mA/cm^2, mean V %.4f mV, flat cell %.4f mV, electronic share "
        "%.2e\n",
        rows + 1, i / 10.0, mean_v * 1e3, expected * 1e3, v[10]);
    EXPECT_NEAR(mean_v / expected, 1.0, 0.01) << line;
    EXPECT_LT(v[10], 1e-6);
    charge += v[7];
    ++rows;
  }
  EXPECT_EQ(rows, 4);
  fs::remove_all(dir);
}

/// A filament seeded from the anode's surface (x = 5 um) to x = tip, 3 um wide.
std::string filament(int tip_um = 16) {
  std::string s = "initial:\n  shapes:\n";
  for (int x = 7; x + 2 <= tip_um; x += 1)
    s += "    - {sphere: {center: [" + std::to_string(x) + " um, 3 um], radius: 1.5 um}}\n";
  return s;
}

/// The step ("step": N) at which a detector fired in ccd.json, or -1.
int step_of(const std::string& result, const std::string& detector) {
  const auto at = result.find("\"" + detector + "\": {");
  if (at == std::string::npos) return -1;
  const auto st = result.find("\"step\": ", at);
  return std::stoi(result.substr(st + 8));
}

TEST(Protocol, ASeededFilamentGrowsIntoASoftShortThatEndsTheRamp) {
  // Issue 13: a filament seeded to 11 um short of the counter electrode grows with the ramp
  // until electrons reach the electrode through it: the electronic share passes 0.5 in a
  // later step (not at once), the run ends with that step, and the CCD is its current.
  const fs::path dir =
      fs::temp_directory_path() / ("dendrite_ramp_filament_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const RunConfig cfg = parse_config(
      ramp_case("protocol: {start: 0.5 mA/cm^2, increment: 0.5 mA/cm^2, until: 5 mA/cm^2, "
                "step_time: 5 min}\n",
                filament(), dir.string()),
      "filament.yaml");
  std::ostringstream log;
  const RunSummary s = run_case(cfg, RunOptions{}, log);
  std::printf("%s\n", log.str().substr(log.str().find("ended at")).c_str());
  EXPECT_TRUE(s.completed);
  EXPECT_NE(s.ended_because.find("the cell shorted"), std::string::npos) << s.ended_because;
  const std::string result = slurp((dir / "ccd.json").string());
  EXPECT_NE(result.find("\"shorted\": true"), std::string::npos) << result;
  const int step = step_of(result, "electronic_fraction");
  EXPECT_GT(step, 2) << "the filament must grow into the short: " << result;
  const auto ccd = result.find("\"ccd_A_m2\": ");
  EXPECT_NEAR(std::stod(result.substr(ccd + 12)), 5.0 * step, 1e-9) << result;
  EXPECT_NEAR(s.time, 300.0 * step, 1e-6) << "the run ends with the shorting step";
  // The cycler log ends with the shorting step.
  std::ostringstream last_row;
  last_row << '\n' << step - 1 << ',' << step << ',';
  EXPECT_NE(slurp((dir / "protocol.csv").string()).find(last_row.str()), std::string::npos);
  fs::remove_all(dir);
}

TEST(Protocol, AFilamentAtTheCounterElectrodeFiresTheMetalPathAndTheSoftShortInOneStep) {
  // Issue 13: the metal path (xi > 1/2 connected from the anode to within w of the counter
  // electrode) and the soft short fire in the same current step: the first.
  const fs::path dir =
      fs::temp_directory_path() / ("dendrite_ramp_contact_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const RunConfig cfg = parse_config(
      ramp_case("protocol: {start: 0.5 mA/cm^2, increment: 0.5 mA/cm^2, until: 5 mA/cm^2, "
                "step_time: 5 min}\n",
                filament(25), dir.string()),
      "contact.yaml");
  std::ostringstream log;
  const RunSummary s = run_case(cfg, RunOptions{}, log);
  std::printf("%s\n", log.str().substr(log.str().find("ended at")).c_str());
  const std::string result = slurp((dir / "ccd.json").string());
  EXPECT_NE(s.ended_because.find("short circuit: metal from the electrode reached"),
            std::string::npos)
      << s.ended_because;
  EXPECT_EQ(step_of(result, "metal_path"), 1) << result;
  EXPECT_EQ(step_of(result, "electronic_fraction"), 1) << result;
  EXPECT_NE(result.find("\"ccd_A_m2\": 5,"), std::string::npos) << result;
  fs::remove_all(dir);
}

TEST(Protocol, AResumedRampLogsAndDetectsAsAnUninterruptedOne) {
  const fs::path base =
      fs::temp_directory_path() / ("dendrite_ramp_resume_" + std::to_string(::getpid()));
  fs::remove_all(base);
  const std::string a = (base / "straight").string(), b = (base / "resumed").string();
  const std::string protocol =
      "protocol: {start: 0.5 mA/cm^2, increment: 0.5 mA/cm^2, until: 5 mA/cm^2, step_time: 5 "
      "min, direction: alternate, rest: 1 min}\n";
  std::ostringstream log;
  RunOptions quiet;
  quiet.quiet = true;
  const RunSummary full =
      run_case(parse_config(ramp_case(protocol, filament(), a), "r.yaml"), quiet, log);
  for (std::int64_t stop : {full.steps / 3, 2 * full.steps / 3}) {
    fs::remove_all(b);
    RunOptions part = quiet;
    part.stop_after = stop;
    run_case(parse_config(ramp_case(protocol, filament(), b), "r.yaml"), part, log);
    RunOptions resume = quiet;
    resume.resume = true;
    const RunSummary rest =
        run_case(parse_config(ramp_case(protocol, filament(), b), "r.yaml"), resume, log);
    EXPECT_EQ(rest.steps, full.steps) << stop;
    EXPECT_EQ(slurp(a + "/protocol.csv"), slurp(b + "/protocol.csv")) << stop;
    EXPECT_EQ(slurp(a + "/ccd.json"), slurp(b + "/ccd.json")) << stop;
    EXPECT_EQ(slurp(a + "/scalars.csv"), slurp(b + "/scalars.csv")) << stop;
  }
  fs::remove_all(base);
}

/// The rows of a run's nuclei.csv: (on a grain boundary, formed at s).
std::vector<std::pair<bool, double>> nuclei_of(const fs::path& dir) {
  std::ifstream in(dir / "nuclei.csv");
  std::string line;
  std::getline(in, line);
  std::vector<std::pair<bool, double>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    rows.emplace_back(cells.back() == "1", std::stod(cells.at(7)));
  }
  return rows;
}

TEST(Protocol, AColderNzspCellFailsByNucleationAtALowerCurrent) {
  // T1 (issue 13) through a failure mechanism of issue 12: the shipped NZSP ramp with two
  // electron-conducting channels (inputs/examples/nzsp_ccd_nucleation.yaml). Metal
  // nucleates at the channels' far end once the ohmic drop i x / sigma_ion(T) builds the
  // overpotential, the islands take the current and |V| collapses. From 25 to 90 degC
  // sigma_ion rises 5.8-fold and the interface resistance falls 14-fold: the CCD must rise. The
  // same cell at 25 degC with the channels' electronic conduction removed never shorts: the
  // failure is the nucleation, not the ramp.
  const std::string example = inputs_dir() + "/examples/nzsp_ccd_nucleation.yaml";
  const fs::path base =
      fs::temp_directory_path() / ("dendrite_ramp_t1_" + std::to_string(::getpid()));
  fs::remove_all(base);
  RunOptions quiet;
  quiet.quiet = true;
  auto ramp_at = [&](const std::string& name, std::vector<std::string> set) {
    RunConfig cfg = load_config(example, set);
    cfg.output.dir = (base / name).string();
    std::ostringstream log;
    run_case(cfg, quiet, log);
    return slurp((base / name / "ccd.json").string());
  };
  auto ccd_of = [](const std::string& result) {
    const auto at = result.find("\"ccd_A_m2\": ");
    return at == std::string::npos ? -1.0 : std::stod(result.substr(at + 12));
  };
  const std::string cold = ramp_at("25", {"cell.temperature=25 degC"});
  const std::string warm = ramp_at("90", {"cell.temperature=90 degC"});
  const std::string cold_no_channels = ramp_at(
      "25_blocked",
      {"cell.temperature=25 degC", "microstructure.grain_boundary_scaling.electronic=1e-6"});
  const double ccd_cold = ccd_of(cold), ccd_warm = ccd_of(warm);
  std::printf(
      "T1: CCD %.0f mA/cm^2 at 25 degC, %.0f mA/cm^2 at 90 degC (steps of 20 mA/cm^2 "
      "and 0.1 mAh/cm^2)\n",
      0.1 * ccd_cold, 0.1 * ccd_warm);
  ASSERT_NE(cold.find("\"shorted\": true"), std::string::npos) << cold;
  ASSERT_NE(warm.find("\"shorted\": true"), std::string::npos) << warm;
  EXPECT_GT(ccd_warm, ccd_cold) << "T1: the warmer cell, lower in resistance, holds more current";
  for (const std::string& r : {cold, warm})
    EXPECT_EQ(step_of(r, "voltage_collapse"), int(std::lround(ccd_of(r) / 200.0))) << r;
  // Nuclei made the short: they formed, >= 80 % on the channels, before the collapse fired.
  for (const auto& [run, result] : {std::pair{"25", cold}, std::pair{"90", warm}}) {
    const auto nuclei = nuclei_of(base / run);
    ASSERT_FALSE(nuclei.empty()) << run;
    int on_gb = 0;
    for (const auto& [gb, time] : nuclei) on_gb += gb ? 1 : 0;
    EXPECT_GE(on_gb, 0.8 * double(nuclei.size())) << run;
    const auto fired = result.find("\"time_s\": ", result.find("\"voltage_collapse\": {"));
    EXPECT_LE(nuclei.front().second, std::stod(result.substr(fired + 10))) << run;
  }
  EXPECT_NE(cold_no_channels.find("\"shorted\": false"), std::string::npos) << cold_no_channels;
  EXPECT_TRUE(nuclei_of(base / "25_blocked").empty());
  fs::remove_all(base);
}

TEST(Protocol, ANumericalStopAfterAShortEndsTheRampAsShorted) {
  // A soft short lets its level run on. The T1 cell held at 60 mA/cm^2 for 10 min: nuclei
  // form on a channel at once, the outermost are paid and grow from the channel's end toward
  // the counter electrode, |V| collapses at ~196 s (steps never below 0.22 s until then), and
  // as the island's tail nears the electrode the step falls to 0.03 s. With dt_min 0.1 s
  // that is a numerical stop after the short: the run ends as shorted, with the stop named,
  // instead of as a failed run.
  std::string text = slurp(inputs_dir() + "/examples/nzsp_ccd_nucleation.yaml");
  auto replace = [&text](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  replace("../microstructures/", inputs_dir() + "/microstructures/");
  replace("start: 20 mA/cm^2", "start: 60 mA/cm^2");
  replace("step_charge: 0.1 mAh/cm^2", "step_time: 10 min");
  replace("grid: {dx: 0.5 um}", "grid: {dx: 0.5 um}\ntime: {dt: auto, dt_min: 0.1 s}");
  const fs::path dir =
      fs::temp_directory_path() / ("dendrite_ramp_stop_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  RunConfig cfg = parse_config(text, "held.yaml");
  cfg.output.dir = dir.string();
  RunOptions quiet;
  quiet.quiet = true;
  std::ostringstream log;
  const RunSummary s = run_case(cfg, quiet, log);
  EXPECT_TRUE(s.completed);
  EXPECT_LT(s.time, 600.0) << "the level was cut short";
  EXPECT_NE(s.ended_because.find("the cell shorted (|V_cell|"), std::string::npos)
      << s.ended_because;
  EXPECT_NE(s.ended_because.find("time.dt_min"), std::string::npos) << s.ended_because;
  const std::string result = slurp((dir / "ccd.json").string());
  EXPECT_NE(result.find("\"shorted\": true"), std::string::npos) << result;
  EXPECT_NE(result.find("\"ccd_A_m2\": 600,"), std::string::npos) << result;
  // The paid islands grew on beyond the channels' end (145 um into the electrolyte).
  int paid = 0;
  std::ifstream nuclei(dir / "nuclei.csv");
  for (std::string line; std::getline(nuclei, line);)
    paid += line.find(",paid,") != std::string::npos ? 1 : 0;
  EXPECT_GE(paid, 1);
  std::ifstream table(dir / "scalars.csv");
  std::string header, row, last;
  std::getline(table, header);
  long previous_step = -1;
  while (std::getline(table, row)) {
    const long row_step = std::stol(row);
    EXPECT_GT(row_step, previous_step) << "one row per step";
    previous_step = row_step;
    last = row;
  }
  std::vector<std::string> names, values;
  for (auto [text, out] : {std::pair{&header, &names}, std::pair{&last, &values}}) {
    std::stringstream ss(*text);
    for (std::string c; std::getline(ss, c, ',');) out->push_back(c);
  }
  const auto deepest = std::find(names.begin(), names.end(), "deepest_m") - names.begin();
  ASSERT_LT(std::size_t(deepest), values.size());
  const double anode = 5e-6, channel_end = anode + 145e-6;
  std::printf("deepest metal at the stop: %.2f um (channels end at %.0f um)\n",
              1e6 * std::stod(values[deepest]), 1e6 * channel_end);
  EXPECT_GT(std::stod(values[deepest]), channel_end + 10e-6);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dnd
