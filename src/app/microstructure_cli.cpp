#include "dendrite/app/microstructure_cli.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <set>
#include <sstream>

#include "dendrite/microstructure/effective.hpp"
#include "dendrite/models/cell_setup.hpp"

namespace dnd {

namespace {

const char* kMicroHelp =
    "usage: dendrite microstructure FILE.yaml [--output-dir DIR]\n"
    "\n"
    "Generate (Voronoi/Laguerre polycrystal with GBs, pores, particles, a damage layer, a\n"
    "partly contacting anode) or import (HDF5, raw, multi-page TIFF label image) the\n"
    "microstructure the file describes, print its phases and properties, and write\n"
    "  OUTPUT_DIR/NAME.h5 + NAME.xmf   phase and grain ids (open NAME.xmf in ParaView)\n"
    "  OUTPUT_DIR/NAME_phase.tif, NAME_grain.tif   the same as TIFF stacks\n"
    "File keys: microstructure: {generate: {...} | import: {...}, grain, grain_boundary, pore,\n"
    "secondary_phase, damage_layer}, size: [Lx, Ly(, Lz)], dx, temperature, lateral,\n"
    "anode_surface, output: {dir, name}. See inputs/microstructures/ and docs/model.md, 9.\n"
    "A case names the same block under microstructure:.\n";

const char* kEffectiveHelp =
    "usage: dendrite effective CASE_OR_MICROSTRUCTURE.yaml [--axes x,y,z]\n"
    "\n"
    "Effective ionic and electronic conductivity of the electrolyte along each axis (potential\n"
    "solve with 1 V across the sample, no-flux sides), the tortuosity factor\n"
    "epsilon sigma_grain / sigma_eff, the geometric tortuosity (shortest paths through\n"
    "non-pore cells) and the brick-layer estimate from the grain size, GB film and grains:\n"
    "what impedance spectroscopy measures as total vs grain conductivity. For a case, the\n"
    "electrolyte behind the anode at the case's temperature.\n";

std::string si(double v, int digits = 4) {
  std::ostringstream os;
  os << std::setprecision(digits) << v;
  return os.str();
}

bool is_case(const std::string& path) {
  // A case names a model or a cell; a microstructure file names neither.
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model:", 0) == 0 || line.rfind("cell:", 0) == 0) return true;
  return false;
}

/// The electrolyte part of a case's microstructure (cells behind the anode).
micro::Microstructure electrolyte_part(const micro::Microstructure& m, int from) {
  if (from <= 0) return m;
  micro::Microstructure e = m;
  e.n[0] = m.n[0] - from;
  e.phase.assign(e.cells(), 0);
  e.grain.assign(e.cells(), 0);
  for (int k = 0; k < m.n[2]; ++k)
    for (int j = 0; j < m.n[1]; ++j)
      for (int i = 0; i < e.n[0]; ++i) {
        e.phase[e.index(i, j, k)] = m.phase[m.index(i + from, j, k)];
        e.grain[e.index(i, j, k)] = m.grain[m.index(i + from, j, k)];
      }
  for (auto& c : e.centres) c[0] -= from * m.voxel;
  return e;
}

void print_effective(std::ostream& out, const micro::EffectiveReport& r, int axes_mask) {
  const char* names[3] = {"x", "y", "z"};
  out << "  grain interior: sigma_ion " << si(r.sigma0_ion * 10.0) << " mS/cm, sigma_e "
      << si(r.sigma0_e * 1e-2) << " S/cm; non-pore fraction " << si(r.conducting_fraction)
      << ", mean grain size " << si(r.grain_size * 1e6) << " um\n";
  for (int d = 0; d < r.dim; ++d) {
    if (!(axes_mask & (1 << d))) continue;
    const micro::EffectiveAxis& a = r.axis[d];
    out << "  along " << names[d] << ": sigma_ion " << si(a.sigma_ion * 10.0) << " mS/cm, sigma_e "
        << si(a.sigma_e * 1e-2) << " S/cm, tortuosity factor " << si(a.tortuosity_factor)
        << ", geometric tortuosity " << si(a.geometric_tortuosity) << " (" << a.iterations
        << " CG iterations)\n";
  }
  if (r.brick_ion > 0.0)
    out << "  brick-layer estimate (eq. 54): sigma_ion " << si(r.brick_ion * 10.0)
        << " mS/cm, sigma_e " << si(r.brick_e * 1e-2) << " S/cm\n";
}

}  // namespace

std::string microstructure_text(const MicrostructureConfig& mc, double t, double floor,
                                double metal_sigma) {
  const micro::Microstructure& m = *mc.structure;
  std::ostringstream os;
  std::set<std::int32_t> grains(m.grain.begin(), m.grain.end());
  os << "  microstructure: "
     << (mc.generated ? "generated (seed " + std::to_string(mc.generator.seed) + ")"
                      : "imported from " + mc.import.file)
     << ", " << m.n[0] << " x " << m.n[1];
  if (m.dim == 3) os << " x " << m.n[2];
  os << " voxels of " << si(m.voxel * 1e6) << " um, " << grains.size() << " grains, GB band "
     << si(m.gb_width * 1e6) << " um\n  phases:";
  const micro::PhaseTable tab = microstructure_table(mc, t, floor, metal_sigma);
  for (int p = 0; p < micro::kPhaseCount; ++p) {
    const double f = m.fraction(micro::Phase(p));
    if (f == 0.0) continue;
    const micro::PhaseMaterial& mat = mc.phases[p];
    os << "\n    " << std::left << std::setw(16) << micro::phase_name(p) << std::right
       << std::setw(7) << si(100.0 * f, 3) << " %  "
       << (p == micro::Phase::pore ? (mc.metal_filled_pores ? "metal-filled" : "insulating")
                                   : (mat.present ? mat.name : mc.phases[0].name))
       << ": sigma_ion " << si(tab.sigma_ion[p]) << " S/m, sigma_e " << si(tab.sigma_e[p])
       << " S/m";
    if (tab.i0_factor[p] != 1.0) os << ", i0 x " << si(tab.i0_factor[p]);
  }
  const micro::PhaseMaterial& gb = mc.phases[micro::Phase::grain_boundary];
  if (tab.has_film)
    os << "\n  GB film " << si(gb.film_thickness * 1e9) << " nm (sigma_ion "
       << si(gb.sigma_ion.at(t)) << ", sigma_e " << si(gb.sigma_e.at(t)) << " S/m) in the "
       << si(m.gb_width * 1e6)
       << " um band: along it the band's values above (eq. 51), across it a series resistance "
       << si(tab.film_resistance_ion * 1e4) << " (ionic) and " << si(tab.film_resistance_e * 1e4)
       << " (electronic) ohm cm^2 per boundary (eq. 52)";
  return os.str();
}

std::string microstructure_text(const RunConfig& cfg) {
  if (!cfg.microstructure.present) return "";
  const CellSpec& c = cfg.cell.spec;
  return microstructure_text(cfg.microstructure, c.temperature, c.sigma_floor, c.metal.sigma);
}

double bytes_per_cell(const RunConfig& cfg) {
  return double(estimated_bytes(cfg)) / double(cfg.grid.cells());
}

int microstructure_command(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err) {
  std::string path, outdir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--help" || s == "-h") {
      out << kMicroHelp;
      return 0;
    }
    if (s == "--output-dir") {
      if (i + 1 >= args.size()) {
        err << "dendrite: --output-dir needs a directory\n\n" << kMicroHelp;
        return 2;
      }
      outdir = args[++i];
      continue;
    }
    if (!s.empty() && s[0] == '-') {
      err << "dendrite: unknown option '" << s << "'\n\n" << kMicroHelp;
      return 2;
    }
    if (!path.empty()) {
      err << "dendrite: only one microstructure file\n\n" << kMicroHelp;
      return 2;
    }
    path = s;
  }
  if (path.empty()) {
    err << "dendrite: no microstructure file given\n\n" << kMicroHelp;
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  MicrostructureFile f = load_microstructure_file(path);
  if (!outdir.empty()) f.output.dir = outdir;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out << path << ": " << (f.micro.generated ? "generated" : "imported") << " in " << si(secs, 3)
      << " s\n"
      << microstructure_text(f.micro, f.temperature, 1e-4, 2.1e7) << "\n";
  std::filesystem::create_directories(f.output.dir);
  const std::string stem = (std::filesystem::path(f.output.dir) / f.output.name).string();
  micro::write_microstructure(stem + ".h5", *f.micro.structure, f.text);
  micro::write_tiff(stem + "_phase.tif", *f.micro.structure, false);
  micro::write_tiff(stem + "_grain.tif", *f.micro.structure, true);
  out << "wrote " << stem << ".h5, " << stem << ".xmf (ParaView), " << stem << "_phase.tif, "
      << stem << "_grain.tif\n";
  return 0;
}

int effective_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string path;
  int mask = 7;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--help" || s == "-h") {
      out << kEffectiveHelp;
      return 0;
    } else if (s == "--axes") {
      if (i + 1 >= args.size()) {
        err << "dendrite: --axes needs a list such as x or x,y\n\n" << kEffectiveHelp;
        return 2;
      }
      mask = 0;
      for (char ch : args[++i]) {
        if (ch == 'x')
          mask |= 1;
        else if (ch == 'y')
          mask |= 2;
        else if (ch == 'z')
          mask |= 4;
        else if (ch != ',') {
          err << "dendrite: --axes takes x, y, z separated by commas\n\n" << kEffectiveHelp;
          return 2;
        }
      }
    } else if (!s.empty() && s[0] == '-') {
      err << "dendrite: unknown option '" << s << "'\n\n" << kEffectiveHelp;
      return 2;
    } else if (path.empty()) {
      path = s;
    } else {
      err << "dendrite: only one file\n\n" << kEffectiveHelp;
      return 2;
    }
  }
  if (path.empty()) {
    err << "dendrite: no file given\n\n" << kEffectiveHelp;
    return 2;
  }
  MicrostructureConfig mc;
  micro::Microstructure m;
  double t = 298.15, floor = 1e-4, metal_sigma = 2.1e7;
  if (is_case(path)) {
    const RunConfig cfg = load_config(path);
    if (cfg.model != "electrodeposition") {
      err << path << ": effective properties need an electrodeposition case or a "
          << "microstructure file\n";
      return 2;
    }
    const CellSpec& c = cfg.cell.spec;
    t = c.temperature;
    floor = c.sigma_floor;
    metal_sigma = c.metal.sigma;
    if (cfg.microstructure.present) {
      mc = cfg.microstructure;
    } else {
      mc.present = true;
      micro::PhaseMaterial& g = mc.phases[micro::Phase::grain];
      g.present = true;
      g.name = c.electrolyte.name;
      g.sigma_ion = c.electrolyte.sigma_ion;
      g.sigma_e = c.electrolyte.sigma_e;
      mc.structure = std::make_shared<const micro::Microstructure>(
          micro::uniform(cfg.grid.dim, cfg.grid.n, cfg.grid.dx[0]));
    }
    m = electrolyte_part(*mc.structure, int(std::lround(c.anode_thickness / cfg.grid.dx[0])));
  } else {
    const MicrostructureFile f = load_microstructure_file(path);
    mc = f.micro;
    t = f.temperature;
    m = *mc.structure;
  }
  const micro::PhaseTable tab = microstructure_table(mc, t, floor, metal_sigma);
  out << path << ": effective properties at " << si(t - 273.15) << " degC\n"
      << microstructure_text(mc, t, floor, metal_sigma) << "\n";
  const micro::EffectiveReport r = micro::effective_properties(m, tab, mc.phases, t, mask);
  print_effective(out, r, mask);
  return 0;
}

}  // namespace dnd
