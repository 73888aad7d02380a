// The `microstructure:` block of a case and microstructure files on their own: how the
// electrolyte's phases are generated or imported and which material each phase is
// (docs/model.md, section 9). Errors name the file, line, column and key path.
#include <cmath>
#include <filesystem>
#include <sstream>

#include "config_entry.hpp"
#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/microstructure/properties.hpp"

namespace dnd {

using namespace config_detail;

namespace config_detail {

namespace {

micro::Site read_site(const Entry& e) {
  const std::string s = e.str();
  if (s == "random") return micro::Site::random;
  if (s == "grain_boundary") return micro::Site::grain_boundary;
  if (s == "triple_junction") return micro::Site::triple_junction;
  e.fail("'" + s + "': use random, grain_boundary or triple_junction");
}

double fraction_in(const Entry& e, double hi) {
  const double f = e.number();
  if (!(f >= 0.0 && f < hi))
    e.fail("must lie in [0, " + std::to_string(hi).substr(0, 3) + "), got " + e.str());
  return f;
}

micro::InclusionSpec read_inclusions(const Entry& e) {
  e.allow_only({"fraction", "site", "radius", "radius_spread"});
  micro::InclusionSpec s;
  s.fraction = fraction_in(e.at("fraction"), 0.9);
  if (e.has("site")) s.site = read_site(e.at("site"));
  s.mean_radius = positive(e.at("radius"), Kind::length);
  if (e.has("radius_spread")) s.radius_spread = fraction_in(e.at("radius_spread"), 2.0);
  return s;
}

void read_generate(const Entry& e, micro::GeneratorSpec& s) {
  e.allow_only({"seed", "grains", "grain_size", "size_spread", "regularity", "gb_width", "pores",
                "secondary_phase", "damage_layer", "contact"});
  if (e.has("seed")) {
    const std::int64_t seed = e.at("seed").integer();
    if (seed < 0) e.at("seed").fail("must not be negative");
    s.seed = std::uint64_t(seed);
  }
  if (e.has("grains") == e.has("grain_size"))
    e.fail("give one of grains (a number) or grain_size (a length)");
  if (e.has("grains")) {
    const std::int64_t n = e.at("grains").integer();
    if (n < 1 || n > 100000000) e.at("grains").fail("must lie in [1, 1e8]");
    s.grains = int(n);
  } else {
    s.grain_size = positive(e.at("grain_size"), Kind::length);
  }
  if (e.has("size_spread")) {
    // Seeds are uniform, not spaced by their radii: above 0.5 heavy Laguerre weights swallow
    // neighbours (400 seeds keep 304 grains at 0.5, 175 at 0.7, 4 at 1.0).
    const Entry sp = e.at("size_spread");
    s.size_spread = sp.number();
    if (!(s.size_spread >= 0.0 && s.size_spread <= 0.5))
      sp.fail(
          "must lie in [0, 0.5] (sigma of ln grain size); wider spreads lose most grains "
          "in a Laguerre tessellation of uniform seeds");
  }
  if (e.has("regularity")) {
    const Entry r = e.at("regularity");
    s.regularity = r.number();
    if (!(s.regularity >= 0.0 && s.regularity < 0.9))
      r.fail("must lie in [0, 0.9): the least seed spacing over the sum of the grain radii");
  }
  if (e.has("gb_width")) {
    s.gb_width = e.at("gb_width").quantity(Kind::length);
    if (s.gb_width < 0) e.at("gb_width").fail("must not be negative");
  }
  if (e.has("pores")) s.pores = read_inclusions(e.at("pores"));
  if (e.has("secondary_phase")) s.secondary = read_inclusions(e.at("secondary_phase"));
  if (e.has("damage_layer")) s.damage_thickness = positive(e.at("damage_layer"), Kind::length);
  if (e.has("contact")) {
    const Entry c = e.at("contact");
    c.allow_only({"fraction", "patch_size", "gap"});
    s.contact_fraction = c.at("fraction").number();
    if (!(s.contact_fraction > 0.0 && s.contact_fraction <= 1.0))
      c.at("fraction").fail("must lie in (0, 1]: the share of the anode surface in contact");
    s.patch_size = positive(c.at("patch_size"), Kind::length);
    s.gap_thickness = positive(c.at("gap"), Kind::length);
  }
}

int read_index(const Entry& e, int lo) {
  const std::int64_t v = e.integer();
  if (v < lo || v > (1 << 20)) e.fail("must lie in [" + std::to_string(lo) + ", 1048576]");
  return int(v);
}

void read_import(const Entry& e, const std::string& case_dir, micro::ImportSpec& s) {
  namespace fs = std::filesystem;
  e.allow_only({"file", "format", "dataset", "grain_dataset", "grain_file", "dims", "type",
                "byte_order", "labels", "voxel", "crop", "downsample", "gb_width"});
  auto resolve = [&](const Entry& f) {
    const fs::path p = f.str();
    const fs::path here = p.is_absolute() ? p : fs::path(case_dir) / p;
    if (!fs::exists(here)) f.fail("no such file: " + here.string());
    return here.string();
  };
  s.file = resolve(e.at("file"));
  const std::string ext = fs::path(s.file).extension().string();
  std::string format = ext == ".tif" || ext == ".tiff" ? "tiff" : ext == ".raw" ? "raw" : "hdf5";
  if (e.has("format")) format = e.at("format").str();
  if (format == "hdf5")
    s.format = micro::LabelFormat::hdf5;
  else if (format == "tiff")
    s.format = micro::LabelFormat::tiff;
  else if (format == "raw")
    s.format = micro::LabelFormat::raw;
  else
    e.at("format").fail("'" + format + "': use hdf5, tiff or raw");
  if (e.has("dataset")) s.dataset = e.at("dataset").str();
  if (e.has("grain_dataset")) s.grain_dataset = e.at("grain_dataset").str();
  if (e.has("grain_file")) s.grain_file = resolve(e.at("grain_file"));
  if (s.format == micro::LabelFormat::raw) {
    const Entry d = e.at("dims");
    if (!d.node.IsSequence() || d.node.size() < 2 || d.node.size() > 3)
      d.fail("give [nx, ny] or [nx, ny, nz]");
    for (std::size_t i = 0; i < d.node.size(); ++i) s.dims[i] = read_index(d.item(i), 1);
    if (d.node.size() == 2) s.dims[2] = 1;
    s.raw_type = e.at("type").str();
    if (e.has("byte_order")) {
      const std::string b = e.at("byte_order").str();
      if (b != "little" && b != "big") e.at("byte_order").fail("use little or big");
      s.big_endian = b == "big";
    }
  } else {
    for (const char* k : {"dims", "type", "byte_order"})
      if (e.has(k)) e.at(k).fail("belongs to format: raw (other formats store their size)");
  }
  if (!e.has("voxel"))
    e.fail("missing required key 'voxel': the edge of one voxel with its unit, e.g. 0.5 um");
  s.voxel = positive(e.at("voxel"), Kind::length);
  if (e.has("labels")) {
    const Entry l = e.at("labels");
    l.expect_map();
    for (auto it = l.node.begin(); it != l.node.end(); ++it) {
      const Entry key{it->first, l.path, l.file};
      const Entry val{it->second, l.child_path(it->first.Scalar()), l.file};
      const std::int64_t label = key.integer();
      const int id = micro::phase_id(val.str());
      if (id < 0)
        val.fail("'" + val.str() +
                 "' is not a phase; use grain, grain_boundary, pore, secondary_phase or "
                 "damage_layer");
      s.labels.push_back({label, id});
    }
  }
  if (e.has("crop")) {
    const Entry c = e.at("crop");
    c.allow_only({"from", "to"});
    for (const char* k : {"from", "to"}) {
      if (!c.has(k)) continue;
      const Entry v = c.at(k);
      if (!v.node.IsSequence() || v.node.size() < 2 || v.node.size() > 3)
        v.fail("give [i, j] or [i, j, k] (voxel indices)");
      for (std::size_t i = 0; i < v.node.size(); ++i)
        (std::string(k) == "from" ? s.crop_lo : s.crop_hi)[i] = read_index(v.item(i), 0);
    }
  }
  if (e.has("downsample")) s.downsample = read_index(e.at("downsample"), 1);
  if (e.has("gb_width")) s.gb_width = positive(e.at("gb_width"), Kind::length);
}

/// nucleation_factor and fracture_resistance of a material file, where given.
void read_failure_properties(const Entry& m, micro::PhaseMaterial& p) {
  if (m.has("nucleation_factor"))
    p.nucleation_factor = read_nucleation_factor(m.at("nucleation_factor"));
  if (m.has("fracture_resistance"))
    p.fracture_resistance = sourced_value(m.at("fracture_resistance"), Kind::pressure);
}

/// Name, conductivities (from `conductor`: the file's root, or a preset's film), the metal
/// contact's resistance where listed, and the failure properties of a material file.
void read_transport(const Entry& m, const Entry& conductor, const std::string& metal,
                    micro::PhaseMaterial& p) {
  p.present = true;
  p.name = m.at("name").str();
  p.sigma_ion = read_arrhenius(conductor.at("ionic_conductivity"), Kind::conductivity);
  p.sigma_e = read_arrhenius(conductor.at("electronic_conductivity"), Kind::conductivity);
  if (m.has("interfaces") && m.at("interfaces").has(metal))
    p.conductance_int = read_arrhenius(m.at("interfaces").at(metal), Kind::area_resistance, true);
  read_failure_properties(m, p);
}

/// A phase's material: an electrolyte or phase file (grain interiors, particles, damage).
micro::PhaseMaterial read_phase_material(const Entry& ref, const std::string& case_dir,
                                         const std::string& metal) {
  micro::PhaseMaterial p;
  p.file = find_library_file(ref, case_dir, "materials");
  const MaterialFile mf = open_material(ref, p.file);
  const Entry m{mf.root, "", &p.file};
  const std::string kind = m.at("kind").str();
  if (kind != "electrolyte" && kind != "phase")
    m.at("kind").fail("this file is of kind '" + kind + "'; a phase needs electrolyte or phase");
  m.allow_only({"name", "kind", "composition", "description", "ionic_conductivity",
                "electronic_conductivity", "interfaces", "nucleation_factor",
                "fracture_resistance"});
  read_transport(m, m, metal, p);
  return p;
}

/// A grain-boundary preset (inputs/modifiers/): the real film and its failure properties.
micro::PhaseMaterial read_modifier(const Entry& ref, const std::string& case_dir,
                                   const std::string& metal) {
  micro::PhaseMaterial p;
  p.file = find_library_file(ref, case_dir, "modifiers");
  const MaterialFile mf = open_material(ref, p.file);
  const Entry m{mf.root, "", &p.file};
  if (m.at("kind").str() != "grain_boundary")
    m.at("kind").fail("this file is of kind '" + m.at("kind").str() +
                      "', not 'grain_boundary' (GB presets live in inputs/modifiers/)");
  m.allow_only({"name", "kind", "applies_to", "description", "film", "interfaces",
                "nucleation_factor", "fracture_resistance", "derivation", "bias_dependence"});
  const Entry film = m.at("film");
  film.allow_only({"thickness", "ionic_conductivity", "electronic_conductivity"});
  p.film_thickness = sourced_value(film.at("thickness"), Kind::length);
  read_transport(m, film, metal, p);
  return p;
}

/// Refuse a microstructure whose phases have no material, or a film without a band.
void check_phases(const Entry& e, const MicrostructureConfig& mc) {
  const micro::Microstructure& m = *mc.structure;
  struct Need {
    micro::Phase phase;
    const char* key;
  };
  for (const Need& n : {Need{micro::Phase::grain_boundary, "grain_boundary"},
                        Need{micro::Phase::secondary, "secondary_phase"},
                        Need{micro::Phase::damage, "damage_layer"}}) {
    const double f = m.fraction(n.phase);
    if (f > 0.0 && !mc.phases[n.phase].present) {
      std::ostringstream os;
      os.precision(3);
      os << "the microstructure has " << 100.0 * f << " % " << micro::phase_name(n.phase)
         << " cells: name their material with microstructure." << n.key;
      e.fail(os.str());
    }
  }
  const micro::PhaseMaterial& gb = mc.phases[micro::Phase::grain_boundary];
  if (gb.present && gb.film_thickness > 0.0 && m.fraction(micro::Phase::grain_boundary) > 0.0) {
    if (!(m.gb_width > 0.0))
      e.fail("the GB preset is a film of " + std::to_string(gb.film_thickness * 1e9) +
             " nm mapped to the GB band's width, but the width is unknown: give gb_width");
    if (gb.film_thickness > m.gb_width)
      e.fail("the GB film (" + std::to_string(gb.film_thickness * 1e6) +
             " um) is thicker than the GB band (" + std::to_string(m.gb_width * 1e6) +
             " um): widen gb_width");
  }
}

/// Build the structure now, naming the block's key in any error.
void build_structure(const Entry& e, MicrostructureConfig& mc) {
  const Entry src = e.at(mc.generated ? "generate" : "import");
  try {
    mc.structure = std::make_shared<const micro::Microstructure>(
        mc.generated ? micro::generate(mc.generator) : micro::import_labels(mc.import));
  } catch (const micro::MicrostructureError& ex) {
    src.fail(ex.what());
  }
}

void read_source(const Entry& e, const std::string& case_dir, MicrostructureConfig& mc) {
  if (e.has("generate") == e.has("import"))
    e.fail("give one of generate (a Voronoi polycrystal) or import (a voxel label image)");
  mc.generated = e.has("generate");
  if (mc.generated)
    read_generate(e.at("generate"), mc.generator);
  else
    read_import(e.at("import"), case_dir, mc.import);
}

void read_phase_keys(const Entry& e, const std::string& case_dir, const std::string& metal,
                     MicrostructureConfig& mc) {
  if (e.has("grain"))
    mc.phases[micro::Phase::grain] = read_phase_material(e.at("grain"), case_dir, metal);
  if (e.has("grain_boundary"))
    mc.phases[micro::Phase::grain_boundary] =
        read_modifier(e.at("grain_boundary"), case_dir, metal);
  if (e.has("secondary_phase"))
    mc.phases[micro::Phase::secondary] =
        read_phase_material(e.at("secondary_phase"), case_dir, metal);
  if (e.has("damage_layer"))
    mc.phases[micro::Phase::damage] = read_phase_material(e.at("damage_layer"), case_dir, metal);
  if (e.has("grain_boundary_scaling")) {
    // A sweep knob for maps (CCD over GB/grain conductivity ratios): multiplies the preset's
    // film conductivities, keeping its thickness and activation energies.
    const Entry k = e.at("grain_boundary_scaling");
    if (!e.has("grain_boundary")) k.fail("scales the grain_boundary preset: give one");
    k.allow_only({"ionic", "electronic"});
    micro::PhaseMaterial& gb = mc.phases[micro::Phase::grain_boundary];
    if (k.has("ionic")) gb.sigma_ion.ref *= positive(k.at("ionic"), Kind::dimensionless);
    if (k.has("electronic")) gb.sigma_e.ref *= positive(k.at("electronic"), Kind::dimensionless);
  }
  if (e.has("pore")) {
    const std::string p = e.at("pore").str();
    if (p != "insulating" && p != "metal_filled")
      e.at("pore").fail("'" + p + "': use insulating or metal_filled");
    mc.metal_filled_pores = p == "metal_filled";
  }
}

const std::initializer_list<const char*> kBlockKeys = {
    "generate", "import",          "grain",       "grain_boundary", "grain_boundary_scaling",
    "pore",     "secondary_phase", "damage_layer"};

}  // namespace

void read_microstructure(const Entry& e, const std::string& case_dir, RunConfig& cfg) {
  e.allow_only(kBlockKeys);
  MicrostructureConfig& mc = cfg.microstructure;
  mc.present = true;
  const CellSpec& c = cfg.cell.spec;
  micro::PhaseMaterial& grain = mc.phases[micro::Phase::grain];
  grain.present = true;
  grain.name = c.electrolyte.name;
  grain.file = cfg.cell.electrolyte_file;
  grain.sigma_ion = c.electrolyte.sigma_ion;
  grain.sigma_e = c.electrolyte.sigma_e;
  grain.conductance_int = c.electrolyte.conductance_int;
  grain.fracture_resistance = c.electrolyte.fracture_resistance;
  grain.nucleation_factor = c.electrolyte.nucleation_factor;
  read_source(e, case_dir, mc);
  read_phase_keys(e, case_dir, c.metal.name, mc);
  const Grid& g = cfg.grid;
  if (mc.generated) {
    micro::GeneratorSpec& s = mc.generator;
    s.dim = g.dim;
    for (int d = 0; d < 3; ++d) s.n[d] = g.n[d];
    s.voxel = g.dx[0];
    s.periodic[0] = false;
    s.periodic[1] = s.periodic[2] = c.lateral_periodic;
    s.electrolyte_from = c.anode_thickness;
    build_structure(e, mc);
  } else {
    build_structure(e, mc);
    // The image fills the grid, or the electrolyte behind the anode (CT data of the
    // separator): then the anode's cells are put in front of it as grain 0.
    const micro::Microstructure& m = *mc.structure;
    const int anode = int(std::lround(c.anode_thickness / g.dx[0]));
    const bool whole = m.n[0] == g.n[0], behind = m.n[0] + anode == g.n[0];
    std::ostringstream os;
    os << "the image has " << m.n[0] << " x " << m.n[1] << " x " << m.n[2] << " voxels of "
       << m.voxel * 1e6 << " um; the cell has " << g.n[0] << " x " << g.n[1] << " x " << g.n[2]
       << " cells of " << g.dx[0] * 1e6 << " um (or " << g.n[0] - anode
       << " along x for the electrolyte alone)";
    if (m.dim != g.dim || m.n[1] != g.n[1] || m.n[2] != g.n[2] || !(whole || behind) ||
        std::abs(m.voxel / g.dx[0] - 1.0) > 1e-6)
      e.at("import").fail(os.str() +
                          ": crop or downsample the image, or change grid.dx and the cell size");
    if (behind) {
      auto full = std::make_shared<micro::Microstructure>(m);
      full->n[0] = g.n[0];
      full->phase.assign(full->cells(), micro::Phase::grain);
      full->grain.assign(full->cells(), 0);
      for (int k = 0; k < m.n[2]; ++k)
        for (int j = 0; j < m.n[1]; ++j)
          for (int i = 0; i < m.n[0]; ++i) {
            full->phase[full->index(i + anode, j, k)] = m.phase[m.index(i, j, k)];
            full->grain[full->index(i + anode, j, k)] = m.grain[m.index(i, j, k)];
          }
      for (auto& ctr : full->centres) ctr[0] += anode * g.dx[0];
      mc.anode_cells = anode;
      mc.structure = full;
    }
  }
  check_phases(e, mc);
}

}  // namespace config_detail

MicrostructureFile load_microstructure_file(const std::string& path) {
  MicrostructureFile f;
  f.source = path;
  {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot open the file");
    std::stringstream ss;
    ss << in.rdbuf();
    f.text = ss.str();
  }
  YAML::Node root;
  try {
    root = YAML::Load(f.text);
  } catch (const YAML::Exception& ex) {
    std::ostringstream os;
    os << path << ":" << ex.mark.line + 1 << ":" << ex.mark.column + 1
       << ": YAML syntax: " << ex.msg;
    throw ConfigError(os.str());
  }
  if (!root || root.IsNull()) throw ConfigError(path + ": the file is empty");
  const Entry top{root, "", &f.source};
  top.allow_only({"microstructure", "size", "dx", "temperature", "metal", "lateral",
                  "anode_surface", "output"});
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const std::string case_dir = dir.empty() ? "." : dir;
  const Entry e = top.at("microstructure");
  e.allow_only(kBlockKeys);
  MicrostructureConfig& mc = f.micro;
  mc.present = true;
  if (top.has("temperature")) f.temperature = positive(top.at("temperature"), Kind::temperature);
  const std::string metal = top.has("metal") ? top.at("metal").str() : "Na";
  read_source(e, case_dir, mc);
  read_phase_keys(e, case_dir, metal, mc);
  if (!mc.phases[micro::Phase::grain].present)
    e.fail("missing required key 'grain': the material of the grain interiors (e.g. NZSP_grain)");
  if (mc.generated) {
    micro::GeneratorSpec& s = mc.generator;
    const Entry size = top.at("size");
    if (!size.node.IsSequence() || size.node.size() < 2 || size.node.size() > 3)
      size.fail("give [Lx, Ly] or [Lx, Ly, Lz] with units");
    s.dim = int(size.node.size());
    s.voxel = positive(top.at("dx"), Kind::length);
    double total = 1.0;
    for (int d = 0; d < s.dim; ++d) {
      const double n = std::round(positive(size.item(d), Kind::length) / s.voxel);
      if (n < 1 || n > (1 << 20))
        size.item(d).fail("gives " + std::to_string(n) + " cells at this dx");
      s.n[d] = int(n);
      total *= n;
    }
    if (total > 2147483647.0) top.at("dx").fail("more than 2^31 - 1 cells: use a coarser dx");
    s.periodic[0] = false;
    bool lateral = true;
    if (top.has("lateral")) {
      const std::string l = top.at("lateral").str();
      if (l != "periodic" && l != "no_flux")
        top.at("lateral").fail("'" + l + "': use periodic or no_flux");
      lateral = l == "periodic";
    }
    s.periodic[1] = s.periodic[2] = lateral;
    if (top.has("anode_surface")) {
      s.electrolyte_from = top.at("anode_surface").quantity(Kind::length);
      if (s.electrolyte_from < 0) top.at("anode_surface").fail("must not be negative");
    }
  } else {
    for (const char* k : {"size", "dx", "lateral", "anode_surface"})
      if (top.has(k)) top.at(k).fail("an imported image brings its own size and voxel");
  }
  build_structure(e, mc);
  check_phases(e, mc);
  if (top.has("output")) {
    const Entry o = top.at("output");
    o.allow_only({"dir", "name"});
    f.output.dir = o.at("dir").str();
    if (o.has("name")) f.output.name = o.at("name").str();
  } else {
    f.output.dir = ".";
    f.output.name = std::filesystem::path(path).stem().string();
  }
  return f;
}

micro::PhaseTable microstructure_table(const MicrostructureConfig& m, double t, double floor,
                                       double metal_sigma) {
  const double w = m.structure ? m.structure->gb_width : 0.0;
  return micro::phase_table(m.phases, t, w, floor, m.metal_filled_pores, metal_sigma);
}

}  // namespace dnd
