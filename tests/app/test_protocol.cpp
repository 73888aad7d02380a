// The CCD current-ramp protocol (issue 13, items 1-2): its segments, the cycler log, the
// short detectors and the result file, through the run driver.
#include <gtest/gtest.h>

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

TEST(Protocol, SegmentsByTimeByChargeAlternatingAndWithRests) {
  ProtocolConfig p;
  p.start = 5.0;
  p.increment = 5.0;
  p.until = 20.0;
  p.step_time = 60.0;
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

}  // namespace
}  // namespace dnd
