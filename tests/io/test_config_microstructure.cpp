// The `microstructure:` block (src/io/config_microstructure.cpp): what it builds, and bad
// microstructure input refused before the run with the file and the key named.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "dendrite/io/config.hpp"
#include "dendrite/microstructure/microstructure.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;

const std::string kCase = R"(model: electrodeposition
cell:
  metal: Na
  electrolyte: NZSP_grain
  temperature: 25 degC
  thickness: 10 um
  anode_thickness: 3 um
  width: 8 um
microstructure:
  generate: {seed: 4, grain_size: 2 um, gb_width: 0.5 um}
  grain_boundary: pristine_nzsp
control: {mode: galvanostatic, current_density: 0.5 mA/cm^2, duration: 1 min}
phase_field: {interface_width: 1 um}
grid: {dx: 0.25 um}
output: {dir: out}
)";

std::string with(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return s.replace(p, from.size(), to);
}

/// A scratch folder for case files that name image files beside them.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("dendrite_cfgms_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};

std::string error_of(const std::string& path) {
  try {
    load_config(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigMicrostructure, GeneratedOnTheCaseGridWithTheCasesMaterials) {
  const RunConfig c = parse_config(kCase, "case.yaml");
  ASSERT_TRUE(c.microstructure.present);
  const micro::Microstructure& m = *c.microstructure.structure;
  EXPECT_EQ(m.n[0], c.grid.n[0]);
  EXPECT_EQ(m.n[1], c.grid.n[1]);
  EXPECT_DOUBLE_EQ(m.voxel, c.grid.dx[0]);
  EXPECT_GT(m.fraction(micro::Phase::grain_boundary), 0.1);
  EXPECT_EQ(c.microstructure.phases[micro::Phase::grain].name, "NZSP grain");
  EXPECT_NEAR(c.microstructure.phases[micro::Phase::grain_boundary].film_thickness, 2e-9, 1e-15);
  // The same text gives the same cells.
  const RunConfig again = parse_config(kCase, "case.yaml");
  EXPECT_EQ(micro::fingerprint(m), micro::fingerprint(*again.microstructure.structure));
}

TEST(ConfigMicrostructure, MissingMaterialsAndBadGeneratorValuesAreNamed) {
  // Secondary-phase cells without a material.
  std::string e;
  try {
    parse_config(with(kCase, "gb_width: 0.5 um}",
                      "gb_width: 0.5 um, secondary_phase: {fraction: 0.05, radius: 0.5 um}}"),
                 "case.yaml");
  } catch (const ConfigError& x) {
    e = x.what();
  }
  EXPECT_NE(e.find("case.yaml:10:3: microstructure: the microstructure has"), std::string::npos)
      << e;
  EXPECT_NE(e.find("microstructure.secondary_phase"), std::string::npos) << e;
  // A GB band narrower than two cells, a wide size spread, an unknown preset.
  for (const auto& [from, to, expect] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"gb_width: 0.5 um", "gb_width: 0.3 um", "microstructure.generate: "},
           {"gb_width: 0.5 um", "gb_width: 0.5 um, size_spread: 1.0",
            "microstructure.generate.size_spread: must lie in [0, 0.5]"},
           {"grain_boundary: pristine_nzsp", "grain_boundary: pristine_nzp",
            "microstructure.grain_boundary: no file for 'pristine_nzp'"},
           {"grain_boundary: pristine_nzsp", "grain_boundary: NZSP",
            "microstructure.grain_boundary: no file for 'NZSP'"},
           {"gb_width: 0.5 um}", "gb_width: 0.5 um, grains: 4}",
            "give one of grains (a number) or grain_size"}}) {
    std::string msg;
    try {
      parse_config(with(kCase, from, to), "case.yaml");
    } catch (const ConfigError& x) {
      msg = x.what();
    }
    EXPECT_NE(msg.find(expect), std::string::npos) << to << "\n" << msg;
  }
}

TEST(ConfigMicrostructure, MechanicalGateNeedsFractureResistances) {
  // Issue 12, item 2: the presets and the grain material give sigma_c; the plain NZSP file
  // does not, and the message names it.
  const RunConfig c = parse_config(kCase + "mechanics: {gate: true}\n", "case.yaml");
  EXPECT_TRUE(c.cell.mechanical_gate);
  EXPECT_NEAR(c.microstructure.phases[micro::Phase::grain_boundary].fracture_resistance, 40e6, 1);
  std::string e;
  try {
    const std::string plain = with(with(kCase, "electrolyte: NZSP_grain", "electrolyte: NZSP"),
                                   "microstructure:\n  generate: {seed: 4, grain_size: 2 um, "
                                   "gb_width: 0.5 um}\n  grain_boundary: pristine_nzsp\n",
                                   "");
    parse_config(plain + "mechanics: {gate: true}\n", "case.yaml");
  } catch (const ConfigError& x) {
    e = x.what();
  }
  EXPECT_NE(e.find("mechanics.gate: the electrolyte"), std::string::npos) << e;
  EXPECT_NE(e.find("nzsp.yaml) gives no fracture_resistance"), std::string::npos) << e;
}

TEST(ConfigMicrostructure, NucleationNeedsAWidthThatResolvesTheWagnerLength) {
  // docs/model.md 10.2: a paid nucleus keeps its profile only where w <= sigma_ion R_int / 3.
  // The shipped channel example passes at 30 degC (4.5 um = 3 w); at 60 degC its interface
  // resistance (0.41 eV) falls fourfold and the case is refused at its nucleation block.
  const std::string example = inputs_dir() + "/examples/nucleation_gb_channels_2d.yaml";
  EXPECT_TRUE(load_config(example).cell.nucleation.enabled);
  std::string msg;
  try {
    load_config(example, {"cell.temperature=60 degC"});
  } catch (const ConfigError& x) {
    msg = x.what();
  }
  // The message points into the nucleation block (its first key, a line below it).
  std::ifstream in(example);
  int line = 0, block = 0;
  for (std::string text; std::getline(in, text) && block == 0;)
    if (++line, text.rfind("nucleation:", 0) == 0) block = line;
  ASSERT_GT(block, 0);
  EXPECT_NE(msg.find("nucleation_gb_channels_2d.yaml:" + std::to_string(block + 1) +
                     ":3: nucleation: the interface width w = 1.5 um does not resolve the "
                     "Wagner length sigma_ion R_int = 1.1 um"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("Use interface_width <= 0.365 um"), std::string::npos) << msg;
}

TEST(ConfigMicrostructure, NucleationBlockIsReadAndBadValuesAreRefused) {
  // Issue 12, item 1: J_ref with its units, sigma_ref, gamma (the cell's unless given), the
  // nucleus radius (w unless given; never below w) and the seed.
  const RunConfig c = parse_config(
      kCase + "nucleation: {rate: 1e9 1/(cm^3 s), reference_conductivity: 0.5 S/m, seed: 9}\n",
      "case.yaml");
  const NucleationParams& n = c.cell.nucleation;
  EXPECT_TRUE(n.enabled);
  EXPECT_DOUBLE_EQ(n.rate, 1e15);
  EXPECT_DOUBLE_EQ(n.reference_conductivity, 0.5);
  EXPECT_DOUBLE_EQ(n.radius, 1e-6);
  EXPECT_DOUBLE_EQ(n.interface_energy, c.cell.spec.interface_energy);
  EXPECT_EQ(n.seed, 9u);
  EXPECT_NEAR(c.microstructure.phases[micro::Phase::grain_boundary].nucleation_factor, 0.3, 1e-12);
  for (const auto& [block, expect] : std::vector<std::pair<std::string, std::string>>{
           {"nucleation: {rate: 1e15 1/(m^3 s), radius: 0.5 um}",
            "case.yaml:16:44: nucleation.radius: a nucleus narrower than the interface width w = 1 "
            "um is not resolved"},
           {"nucleation: {rate: -1e15}", "nucleation.rate"},
           {"nucleation: {rate: 1e15 1/s}", "nucleation.rate"},
           {"nucleation: {J: 1e15}", "nucleation.J"},
           {"nucleation: {reference_conductivity: 1 S/m}", "missing required key 'rate'"},
           {"nucleation: {rate: 1e15, seed: -2}", "nucleation.seed: use a seed >= 0"}}) {
    std::string msg;
    try {
      parse_config(kCase + block + "\n", "case.yaml");
    } catch (const ConfigError& x) {
      msg = x.what();
    }
    EXPECT_NE(msg.find(expect), std::string::npos) << block << "\n" << msg;
  }
  std::string msg;
  try {
    parse_config(with(kCase, "phase_field: {interface_width: 1 um}",
                      "phase_field: {formulation: chen2015, interface_width: 1 um, mobility: "
                      "2.5e-6 m^3/(J s)}") +
                     "nucleation: {rate: 1e15}\n",
                 "case.yaml");
  } catch (const ConfigError& x) {
    msg = x.what();
  }
  EXPECT_NE(msg.find("formulation: gibbs_thomson"), std::string::npos) << msg;
}

TEST(ConfigMicrostructure, GeneratedRoundTripsThroughHdf5AndTiffBitForBit) {
  const Scratch s;
  const RunConfig c = parse_config(kCase, "case.yaml");
  const micro::Microstructure& m = *c.microstructure.structure;
  micro::write_microstructure((s.dir / "m.h5").string(), m, "test");
  micro::write_tiff((s.dir / "phase.tif").string(), m, false);
  micro::write_tiff((s.dir / "grain.tif").string(), m, true);
  const std::string tail = R"(  grain_boundary: pristine_nzsp
control: {mode: galvanostatic, current_density: 0.5 mA/cm^2, duration: 1 min}
phase_field: {interface_width: 1 um}
grid: {dx: 0.25 um}
output: {dir: out}
)";
  const std::string head = kCase.substr(0, kCase.find("microstructure:"));
  const RunConfig h5 = load_config(
      s.write("h5.yaml", head +
                             "microstructure:\n  import: {file: m.h5, grain_dataset: grain, "
                             "voxel: 0.25 um, gb_width: 0.5 um}\n" +
                             tail));
  const RunConfig tif = load_config(
      s.write("tif.yaml", head +
                              "microstructure:\n  import: {file: phase.tif, grain_file: "
                              "grain.tif, voxel: 0.25 um, gb_width: 0.5 um}\n" +
                              tail));
  for (const RunConfig* r : {&h5, &tif}) {
    const micro::Microstructure& back = *r->microstructure.structure;
    EXPECT_EQ(back.phase, m.phase);
    EXPECT_EQ(back.grain, m.grain);
  }
  EXPECT_EQ(h5.microstructure.structure->centres, m.centres);  // stored seeds, exactly
}

TEST(ConfigMicrostructure, BadImagesAreRefusedBeforeTheRunNamingFileAndKey) {
  const Scratch s;
  const RunConfig c = parse_config(kCase, "case.yaml");
  micro::write_tiff((s.dir / "phase.tif").string(), *c.microstructure.structure, false);
  const std::string head = kCase.substr(0, kCase.find("microstructure:"));
  const std::string tail = kCase.substr(kCase.find("control:"));
  // A raw file one byte short of its dims.
  const int n0 = c.grid.n[0], n1 = c.grid.n[1];
  {
    std::ofstream raw(s.dir / "short.raw", std::ios::binary);
    const std::string bytes(std::size_t(n0) * n1 - 1, '\0');
    raw << bytes;
  }
  // A raw file of the right size with a label the map does not know.
  {
    std::ofstream raw(s.dir / "labels.raw", std::ios::binary);
    std::string bytes(std::size_t(n0) * n1, '\0');
    bytes[17] = char(7);
    raw << bytes;
  }
  const std::string dims = "dims: [" + std::to_string(n0) + ", " + std::to_string(n1) + "]";
  struct Bad {
    std::string block, expect;
  };
  for (const Bad& b : std::vector<Bad>{
           {"import: {file: short.raw, " + dims + ", type: uint8, voxel: 0.25 um}",
            "microstructure.import: " + (s.dir / "short.raw").string() + ": truncated"},
           {"import: {file: labels.raw, " + dims +
                ", type: uint8, voxel: 0.25 um, labels: {0: grain}}",
            "labels.raw"},
           {"import: {file: phase.tif}", "microstructure.import: missing required key 'voxel'"},
           {"import: {file: phase.tif, voxel: 0.5 um}", "microstructure.import: the image has"},
           {"import: {file: missing.tif, voxel: 0.25 um}",
            "microstructure.import.file: no such file"},
           {"import: {file: phase.tif, voxel: 0.25 um, labels: {0: grian}}",
            "microstructure.import.labels.0: 'grian' is not a phase"},
           {"import: {file: phase.tif, voxel: 0.25 um}\n  grain_boundary: pristine_nzsp",
            "give gb_width"}}) {
    const std::string path =
        s.write("bad.yaml", head + "microstructure:\n  " + b.block + "\n" + tail);
    const std::string e = error_of(path);
    EXPECT_NE(e.find(path + ":"), std::string::npos) << e;
    EXPECT_NE(e.find(b.expect), std::string::npos) << b.block << "\n" << e;
  }
  // The unknown label's message names the value and where it is.
  const std::string e = error_of(
      s.write("bad.yaml", head + "microstructure:\n  import: {file: labels.raw, " + dims +
                              ", type: uint8, voxel: 0.25 um, labels: {0: grain}}\n" + tail));
  EXPECT_NE(e.find("7"), std::string::npos) << e;
}

}  // namespace
}  // namespace dnd
