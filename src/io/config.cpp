// The only file that includes yaml-cpp: YAML -> validated RunConfig.
#include "dendrite/io/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config_entry.hpp"
#include "dendrite/app/protocol.hpp"
#include "dendrite/core/memory.hpp"
#include "dendrite/io/insitu.hpp"
#include "dendrite/io/units.hpp"
#include "dendrite/models/allen_cahn.hpp"
#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/electrodeposition.hpp"

namespace dnd {

using namespace config_detail;

namespace {

using units::Kind;

/// Lengths and times carry units, except in the liquid reference mode, whose equations are
/// written in the paper's normalised units (bare numbers only).
Kind length_kind(const RunConfig& cfg) {
  return cfg.model == "liquid" ? Kind::dimensionless : Kind::length;
}
Kind time_kind(const RunConfig& cfg) {
  return cfg.model == "liquid" ? Kind::dimensionless : Kind::time;
}

void read_grid(const Entry& g, RunConfig& cfg) {
  const Kind lk = length_kind(cfg);
  g.allow_only({"cells", "dx", "length", "origin"});
  const Entry cells = g.at("cells");
  if (!cells.node.IsSequence() || (cells.node.size() != 2 && cells.node.size() != 3))
    cells.fail("expected [nx, ny] or [nx, ny, nz]");
  Grid& grid = cfg.grid;
  grid.dim = int(cells.node.size());
  for (int d = 0; d < 3; ++d) grid.n[d] = 1;
  for (int d = 0; d < grid.dim; ++d) {
    const Entry c = cells.item(d);
    const std::int64_t n = c.integer();
    if (n < 2 || n > (1 << 20)) c.fail("cell count must be between 2 and 1048576");
    grid.n[d] = int(n);
  }
  if (g.has("dx") == g.has("length")) g.fail("give exactly one of 'dx' (cubic cells) or 'length'");
  if (g.has("dx")) {
    const double dx = positive(g.at("dx"), lk);
    for (int d = 0; d < 3; ++d) grid.dx[d] = dx;
  } else {
    const Entry len = g.at("length");
    if (!len.node.IsSequence() || int(len.node.size()) != grid.dim)
      len.fail("expected one length per axis, as many as 'cells' has");
    for (int d = 0; d < grid.dim; ++d) grid.dx[d] = positive(len.item(d), lk) / grid.n[d];
    for (int d = grid.dim; d < 3; ++d) grid.dx[d] = grid.dx[0];
  }
  if (g.has("origin")) {
    const Entry o = g.at("origin");
    if (!o.node.IsSequence() || int(o.node.size()) != grid.dim)
      o.fail("expected one value per axis");
    for (int d = 0; d < grid.dim; ++d) grid.origin[d] = o.item(d).quantity(lk);
  }
  grid.ghost = 1;
}

BoundaryCondition read_side(const Entry& e) {
  std::istringstream is(e.str());
  std::string kind;
  is >> kind;
  std::string rest;
  std::getline(is, rest);
  const bool has_value = rest.find_first_not_of(' ') != std::string::npos;
  double value = 0.0;
  if (has_value) {
    try {
      value = units::parse(rest, Kind::dimensionless);
    } catch (const units::UnitError& err) {
      e.fail(err.what());
    }
  }
  if (kind == "neumann") return BoundaryCondition::neumann(value);
  if (kind == "dirichlet") {
    if (!has_value) e.fail("dirichlet needs a value, e.g. 'dirichlet 1'");
    return BoundaryCondition::dirichlet(value);
  }
  if (kind == "periodic") e.fail("periodic applies to both sides: write 'x: periodic'");
  std::string msg = "'";
  msg += e.str();
  msg += "' is not a side condition; use 'neumann', 'neumann <gradient>' or 'dirichlet <value>'";
  e.fail(msg);
}

void read_boundary(const Entry& b, RunConfig& cfg) {
  b.allow_only({"x", "y", "z"});
  const char* names[3] = {"x", "y", "z"};
  for (int d = 0; d < 3; ++d) {
    if (!b.has(names[d])) continue;
    const Entry a = b.at(names[d]);
    if (d >= cfg.grid.dim) a.fail("the grid is 2D: there is no z boundary");
    auto& side = cfg.boundary.side[d];
    if (a.node.IsScalar()) {
      const std::string s = a.str();
      if (s == "periodic") {
        side[0] = side[1] = BoundaryCondition::periodic();
      } else {
        side[0] = side[1] = read_side(a);
      }
    } else {
      a.allow_only({"low", "high"});
      side[0] = read_side(a.at("low"));
      side[1] = read_side(a.at("high"));
    }
  }
}

void read_allen_cahn(const Entry& e, RunConfig& cfg) {
  e.allow_only(
      {"mobility", "kappa", "barrier", "interface_energy", "interface_width", "anisotropy"});
  allen_cahn::Params& p = cfg.allen_cahn;
  p.mobility = positive(e.at("mobility"), Kind::mobility);
  const bool direct = e.has("kappa") || e.has("barrier");
  const bool physical = e.has("interface_energy") || e.has("interface_width");
  if (direct == physical)
    e.fail("give either 'kappa' and 'barrier', or 'interface_energy' and 'interface_width'");
  if (direct) {
    p.kappa = positive(e.at("kappa"), Kind::gradient_coefficient);
    p.barrier = positive(e.at("barrier"), Kind::energy_density);
  } else {
    // gamma = sqrt(kappa W / 18), w = sqrt(2 kappa / W)  =>  kappa = 3 gamma w, W = 6 gamma / w.
    const double gamma = positive(e.at("interface_energy"), Kind::energy_per_area);
    const double w = positive(e.at("interface_width"), Kind::length);
    p.kappa = 3.0 * gamma * w;
    p.barrier = 6.0 * gamma / w;
  }
  if (e.has("anisotropy")) {
    const Entry a = e.at("anisotropy");
    p.anisotropy = a.number();
    if (!(std::abs(p.anisotropy) < 1.0 / 15.0))
      a.fail("|anisotropy| must stay below 1/15 (0.0667)");
  }
}

void read_initial(const Entry& e, RunConfig& cfg) {
  e.allow_only({"background", "shapes", "noise"});
  InitialConfig& init = cfg.initial;
  if (e.has("background")) init.background = e.at("background").number();
  if (e.has("shapes")) {
    const Entry list = e.at("shapes");
    if (!list.node.IsSequence()) list.fail("expected a list of shapes");
    for (std::size_t i = 0; i < list.node.size(); ++i) {
      const Entry item = list.item(i);
      item.allow_only({"sphere", "slab"});
      if (item.node.size() != 1) item.fail("each list item is one shape: 'sphere' or 'slab'");
      ShapeConfig s;
      if (item.has("sphere")) {
        const Entry sp = item.at("sphere");
        sp.allow_only({"center", "radius"});
        const Entry c = sp.at("center");
        if (!c.node.IsSequence() || int(c.node.size()) != cfg.grid.dim)
          c.fail("expected one coordinate per axis");
        for (int d = 0; d < cfg.grid.dim; ++d) s.center[d] = c.item(d).quantity(length_kind(cfg));
        s.radius = positive(sp.at("radius"), length_kind(cfg));
        s.kind = ShapeConfig::Kind::sphere;
      } else {
        const Entry sl = item.at("slab");
        sl.allow_only({"axis", "from", "to"});
        s.kind = ShapeConfig::Kind::slab;
        s.axis = axis_index(sl.at("axis"));
        if (s.axis >= cfg.grid.dim) sl.at("axis").fail("the grid is 2D");
        s.from = sl.at("from").quantity(length_kind(cfg));
        s.to = sl.at("to").quantity(length_kind(cfg));
        if (!(s.to > s.from)) sl.at("to").fail("'to' must be beyond 'from'");
      }
      init.shapes.push_back(s);
    }
  }
  if (e.has("noise")) {
    const Entry n = e.at("noise");
    n.allow_only({"amplitude", "seed"});
    init.noise_amplitude = n.at("amplitude").number();
    if (init.noise_amplitude < 0) n.at("amplitude").fail("must not be negative");
    if (n.has("seed")) init.noise_seed = std::uint64_t(n.at("seed").integer());
  }
}

/// Step limit of a fixed dt: the explicit limit of the model's stiff terms.
double step_limit(const RunConfig& cfg) {
  if (cfg.model == "liquid")
    return liquid::stable_dt(cfg.liquid.params, cfg.liquid.v_left - cfg.liquid.v_right);
  if (cfg.model == "electrodeposition")
    return Electrodeposition::stable_dt(cfg.grid, cell_params(cfg.cell.spec));
  return AllenCahn::stable_dt(cfg.grid, cfg.allen_cahn);
}

void read_time(const Entry& e, RunConfig& cfg) {
  e.allow_only(
      {"end", "dt", "safety", "max_steps", "dt_max", "dt_min", "front_move", "control_change"});
  TimeConfig& t = cfg.time;
  if (cfg.model != "electrodeposition")
    t.end = positive(e.at("end"), time_kind(cfg));
  else if (e.has("end"))
    e.at("end").fail(cfg.protocol.present ? "the run's length is the protocol's"
                                          : "the run's length is control.duration");
  if (e.has("safety")) {
    const Entry s = e.at("safety");
    t.safety = s.number();
    if (!(t.safety > 0.0 && t.safety <= 1.0)) s.fail("must lie in (0, 1]");
  }
  const bool liquid = cfg.model == "liquid";
  const bool gibbs =
      cfg.model == "electrodeposition" && cfg.cell.spec.formulation == Formulation::gibbs_thomson;
  for (const char* k : {"dt_max", "dt_min", "front_move", "control_change"})
    if (e.has(k) && !gibbs)
      e.at(k).fail(
          "belongs to adaptive steps (model: electrodeposition, formulation: "
          "gibbs_thomson, dt: auto)");
  const double limit = step_limit(cfg);
  if (e.has("dt") && e.at("dt").str() != "auto") {
    const Entry d = e.at("dt");
    t.dt = positive(d, time_kind(cfg));
    t.dt_auto = false;
    for (const char* k : {"dt_max", "dt_min", "front_move", "control_change"})
      if (e.has(k)) e.at(k).fail("belongs to adaptive steps (dt: auto); this run has a fixed dt");
    if (t.dt > limit) {
      std::ostringstream os;
      if (liquid)
        os << "dt = " << t.dt << " exceeds the step limit " << limit
           << " of the semi-implicit order-parameter update for these parameters and applied "
              "potentials (2 / (2 L W + 5.8 L_eta exp(alpha f |v_left - v_right|))); use "
              "'dt: auto' or a smaller value";
      else if (gibbs)
        os << "dt = " << t.dt << " s exceeds the explicit Gibbs-Thomson limit " << limit
           << " s of this grid and interface energy (docs/model.md, eq. 48); use 'dt: auto' "
              "(adaptive) or a smaller value";
      else
        os << "dt = " << t.dt << " s exceeds the explicit stability limit " << limit
           << " s of this grid and these parameters (2 / (L (2 W + 4 kappa sum 1/dx^2))); use "
              "'dt: auto' or a smaller value";
      d.fail(os.str());
    }
  } else if (gibbs) {
    // Adaptive: dt is chosen every step from the accuracy targets (docs/model.md, section 8).
    t.adaptive = true;
    t.dt_auto = true;
    t.dt_max = std::min(t.end / 10.0, limit);
    if (e.has("dt_max")) t.dt_max = positive(e.at("dt_max"), Kind::time);
    if (e.has("dt_min")) t.dt_min = positive(e.at("dt_min"), Kind::time);
    if (t.dt_min >= t.dt_max) e.fail("dt_min must be smaller than dt_max");
    if (e.has("front_move")) {
      const Entry f = e.at("front_move");
      t.front_move = f.number();
      if (!(t.front_move > 0.0 && t.front_move <= 1.0))
        f.fail("must lie in (0, 1]: the largest front move of one step, in interface widths");
    }
    if (e.has("control_change")) {
      const Entry f = e.at("control_change");
      t.control_change = f.number();
      if (!(t.control_change > 0.0 && t.control_change <= 0.5))
        f.fail("must lie in (0, 0.5]: the largest relative change of V_cell (or I) of a step");
    }
    t.dt = t.dt_max;
  } else {
    t.dt = t.safety * limit;
    t.dt_auto = true;
  }
  if (e.has("max_steps")) {
    t.max_steps = e.at("max_steps").integer();
    if (t.max_steps < 1) e.at("max_steps").fail("must be at least 1");
  }
  // A fixed step must advance the run in a countable number of steps.
  const double steps = t.end / (t.adaptive ? t.dt_max : t.dt);
  if (!(t.dt > 0.0 && std::isfinite(t.dt)) || !(steps < 1e9)) {
    std::ostringstream os;
    os << "dt = " << t.dt << " would need " << steps << " steps to reach the end time " << t.end
       << " (at most 1e9); " << (e.has("dt") ? "use a larger dt" : "check the parameters");
    (e.has("dt") ? e.at("dt") : e).fail(os.str());
  }
}

void read_output(const Entry& e, RunConfig& cfg) {
  e.allow_only({"dir", "name", "every", "fields", "scalars_every"});
  OutputConfig& o = cfg.output;
  o.dir = e.at("dir").str();
  if (e.has("name")) o.name = e.at("name").str();
  if (e.has("every")) o.every = positive(e.at("every"), time_kind(cfg));
  if (e.has("scalars_every")) {
    const Entry s = e.at("scalars_every");
    const std::int64_t v = s.integer();
    if (v < 1) s.fail("must be at least 1 step");
    o.scalars_every = int(v);
  }
  if (e.has("fields")) {
    const Entry f = e.at("fields");
    if (!f.node.IsSequence()) f.fail("expected a list such as [xi]");
    o.fields.clear();
    for (std::size_t i = 0; i < f.node.size(); ++i) {
      const Entry item = f.item(i);
      const std::string name = item.str();
      const std::vector<std::string> known = model_fields(cfg.model);
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        item.fail("'" + name + "' is not a field of this model; available: " + list);
      }
      o.fields.push_back(name);
    }
  }
}

void read_checkpoint(const Entry& e, RunConfig& cfg) {
  e.allow_only({"every", "every_steps"});
  if (e.has("every")) {
    const Entry w = e.at("every");
    cfg.checkpoint.every_wall = w.str() == "never" ? 0.0 : positive(w, Kind::time);
  }
  if (e.has("every_steps")) {
    const Entry s = e.at("every_steps");
    cfg.checkpoint.every_steps = s.integer();
    if (cfg.checkpoint.every_steps < 0) s.fail("must not be negative");
  }
}

MetalProps read_metal(const Entry& ref, const std::string& case_dir, std::string& file) {
  const MaterialFile mf = open_material_of_kind(ref, case_dir, "metal", file);
  const Entry m{mf.root, "", &file};
  m.allow_only({"name", "kind", "molar_mass", "density", "valence", "electronic_conductivity",
                "shear_modulus", "melting_point"});
  MetalProps p;
  p.name = m.at("name").str();
  p.molar_mass = sourced_value(m.at("molar_mass"), Kind::molar_mass);
  p.density = sourced_value(m.at("density"), Kind::density);
  p.valence = int(m.at("valence").integer());
  if (p.valence < 1) m.at("valence").fail("must be at least 1");
  p.sigma = sourced_value(m.at("electronic_conductivity"), Kind::conductivity);
  return p;
}

ElectrolyteProps read_electrolyte(const Entry& ref, const std::string& case_dir,
                                  const std::string& metal, std::string& file) {
  const MaterialFile mf = open_material_of_kind(ref, case_dir, "electrolyte", file);
  const Entry m{mf.root, "", &file};
  m.allow_only({"name", "kind", "composition", "description", "ionic_conductivity",
                "electronic_conductivity", "interfaces", "nucleation_factor",
                "fracture_resistance"});
  ElectrolyteProps p;
  p.name = m.at("name").str();
  p.sigma_ion = read_arrhenius(m.at("ionic_conductivity"), Kind::conductivity);
  p.sigma_e = read_arrhenius(m.at("electronic_conductivity"), Kind::conductivity);
  const Entry ifs = m.at("interfaces");
  if (!ifs.has(metal)) ifs.fail("no interface with " + metal + " is listed; add its resistance");
  p.conductance_int = read_arrhenius(ifs.at(metal), Kind::area_resistance, true);
  if (m.has("fracture_resistance"))
    p.fracture_resistance = sourced_value(m.at("fracture_resistance"), Kind::pressure);
  if (m.has("nucleation_factor"))
    p.nucleation_factor = read_nucleation_factor(m.at("nucleation_factor"));
  if (ifs.at(metal).has("transfer_coefficient"))
    p.transfer_coefficient = read_transfer_coefficient(ifs.at(metal).at("transfer_coefficient"));
  return p;
}

// ---- electrodeposition cell ---------------------------------------------------------

/// `lateral: periodic | no_flux` (the sides other than x).
bool periodic_sides(const Entry& e) {
  const std::string s = e.str();
  if (s != "periodic" && s != "no_flux") e.fail("'" + s + "': use periodic or no_flux");
  return s == "periodic";
}

void read_cell(const Entry& e, const std::string& case_dir, RunConfig& cfg) {
  e.allow_only({"metal", "electrolyte", "temperature", "thickness", "anode_thickness", "width",
                "depth", "counter_electrode", "lateral", "transfer_coefficient"});
  CellSpec& c = cfg.cell.spec;
  c.metal = read_metal(e.at("metal"), case_dir, cfg.cell.metal_file);
  c.electrolyte =
      read_electrolyte(e.at("electrolyte"), case_dir, c.metal.name, cfg.cell.electrolyte_file);
  c.temperature = positive(e.at("temperature"), Kind::temperature);
  c.thickness = positive(e.at("thickness"), Kind::length);
  c.anode_thickness = positive(e.at("anode_thickness"), Kind::length);
  c.width = positive(e.at("width"), Kind::length);
  c.dim = e.has("depth") ? 3 : 2;
  if (e.has("depth")) c.depth = positive(e.at("depth"), Kind::length);
  if (e.has("counter_electrode")) {
    const std::string ce = e.at("counter_electrode").str();
    if (ce != "butler_volmer" && ce != "non_polarisable")
      e.at("counter_electrode").fail("'" + ce + "': use butler_volmer or non_polarisable");
    c.counter_butler_volmer = ce == "butler_volmer";
  }
  if (e.has("lateral")) c.lateral_periodic = periodic_sides(e.at("lateral"));
  // alpha of the interface: the electrolyte file's value for this metal (0.5 if it gives
  // none), or the case's own.
  c.alpha = c.electrolyte.transfer_coefficient;
  if (e.has("transfer_coefficient"))
    c.alpha = read_transfer_coefficient(e.at("transfer_coefficient"));
}

/// `mechanics: {gate: true}`: the mechanical gate of eq. (56). Every solid phase of the cell
/// needs a fracture resistance.
void read_mechanics(const Entry& e, RunConfig& cfg) {
  e.allow_only({"gate"});
  const Entry g = e.at("gate");
  const std::string v = g.str();
  if (v != "true" && v != "false" && v != "on" && v != "off") g.fail("use true or false");
  cfg.cell.mechanical_gate = v == "true" || v == "on";
  if (!cfg.cell.mechanical_gate) return;
  if (cfg.cell.spec.formulation != Formulation::gibbs_thomson)
    g.fail("the gate acts on the front speed of formulation: gibbs_thomson");
  const MicrostructureConfig& mc = cfg.microstructure;
  if (!mc.present) {
    if (!(cfg.cell.spec.electrolyte.fracture_resistance > 0.0))
      g.fail("the electrolyte (" + cfg.cell.electrolyte_file +
             ") gives no fracture_resistance: add one with its source");
    return;
  }
  for (int p = 0; p < micro::kPhaseCount; ++p) {
    if (p == micro::Phase::pore || mc.structure->fraction(micro::Phase(p)) == 0.0) continue;
    const micro::PhaseMaterial& m = mc.phases[p].present ? mc.phases[p] : mc.phases[0];
    if (!(m.fracture_resistance > 0.0))
      g.fail(std::string("the ") + micro::phase_name(p) + " phase (" + m.file +
             ") gives no fracture_resistance: add one with its source");
  }
}

/// `nucleation:` (docs/model.md 10.2, eqs. 57-58): metal nucleating inside the electrolyte,
/// at J = rate sigma_e / reference_conductivity exp(-f_het DeltaG* / kB T) per volume where
/// eta < 0. f_het comes per phase from the materials (nucleation_factor).
void read_nucleation(const Entry& e, RunConfig& cfg) {
  e.allow_only({"rate", "reference_conductivity", "interface_energy", "radius", "seed"});
  const CellSpec& c = cfg.cell.spec;
  if (c.formulation != Formulation::gibbs_thomson)
    e.fail("nuclei are inserted into the profile of formulation: gibbs_thomson");
  // A paid nucleus is an island in the field: where w is not well below the Wagner length,
  // its diffuse tail reacts unlike the front it belongs to and outruns it (measured, 10.2).
  if (const double lw = wagner_length(c); c.interface_width * kWagnerWidths > lw * (1.0 + 1e-9)) {
    std::ostringstream os;
    os.precision(3);
    os << "the interface width w = " << c.interface_width * 1e6
       << " um does not resolve the Wagner length sigma_ion R_int = " << lw * 1e6 << " um of "
       << c.electrolyte.name << " at " << c.temperature - 273.15
       << " degC: an island grown from a nucleus outruns its own profile there "
          "(docs/model.md 10.2). Use interface_width <= "
       << std::floor(lw / kWagnerWidths * 1e9 * (1.0 + 1e-9)) / 1e3  // down: the advice passes
       << " um (with a grid.dx that resolves it)";
    e.fail(os.str());
  }
  NucleationParams& n = cfg.cell.nucleation;
  n.enabled = true;
  n.rate = positive(e.at("rate"), Kind::volumetric_rate);
  if (e.has("reference_conductivity"))
    n.reference_conductivity = positive(e.at("reference_conductivity"), Kind::conductivity);
  n.interface_energy = e.has("interface_energy")
                           ? positive(e.at("interface_energy"), Kind::energy_per_area)
                           : c.interface_energy;
  n.radius = c.interface_width;
  if (e.has("radius")) {
    const Entry r = e.at("radius");
    n.radius = positive(r, Kind::length);
    std::ostringstream os;
    os.precision(4);
    if (n.radius < c.interface_width * (1.0 - 1e-12)) {
      os << "a nucleus narrower than the interface width w = " << c.interface_width * 1e6
         << " um is not resolved: use at least w";
      r.fail(os.str());
    }
    if (n.radius > 0.25 * c.thickness) {
      os << "a nucleus wider than a quarter of the electrolyte (" << c.thickness * 1e6
         << " um) is not a nucleus";
      r.fail(os.str());
    }
  }
  if (e.has("seed")) {
    const Entry s = e.at("seed");
    const std::int64_t v = s.integer();
    if (v < 0) s.fail("use a seed >= 0");
    n.seed = std::uint64_t(v);
  }
}

/// `protocol:` (a CCD current ramp, docs/model.md section 11): galvanostatic steps that
/// replace `control:`.
void read_protocol(const Entry& e, RunConfig& cfg) {
  e.allow_only(
      {"start", "increment", "until", "step_time", "step_charge", "direction", "rest", "short"});
  ProtocolConfig& p = cfg.protocol;
  p.present = true;
  p.temperature = cfg.cell.spec.temperature;
  p.start = positive(e.at("start"), Kind::current_density);
  p.until = positive(e.at("until"), Kind::current_density);
  if (e.has("increment")) {
    p.increment = e.at("increment").quantity(Kind::current_density);
    if (p.increment < 0.0) e.at("increment").fail("must not be negative");
  }
  if (p.until < p.start * (1.0 - 1e-12))
    e.at("until").fail("must not lie below protocol.start (the ramp goes up)");
  if (p.increment == 0.0 && p.until > p.start * (1.0 + 1e-12))
    e.at("increment").fail("a ramp from start to until needs an increment above zero");
  if (p.increment > 0.0 && (p.until - p.start) / p.increment > 10000.0)
    e.at("increment").fail("gives more than 10000 current steps from start to until");
  if (e.has("step_time") == e.has("step_charge"))
    e.fail(
        "give either step_time (each current step lasts so long) or step_charge (each passes "
        "so much charge, e.g. 0.5 mAh/cm^2)");
  if (e.has("step_time")) p.step_time = positive(e.at("step_time"), Kind::time);
  if (e.has("step_charge")) p.step_charge = positive(e.at("step_charge"), Kind::areal_charge);
  if (e.has("direction")) {
    const Entry d = e.at("direction");
    const std::string v = d.str();
    if (v == "alternate")
      p.alternate = true;
    else if (v != "plate")
      d.fail("'" + v + "': use plate (plating only) or alternate (plate, then strip, per step)");
  }
  if (e.has("rest")) p.rest = positive(e.at("rest"), Kind::time);
  if (e.has("short")) {
    const Entry sh = e.at("short");
    sh.allow_only({"electronic_fraction", "voltage_collapse"});
    for (const char* k : {"electronic_fraction", "voltage_collapse"}) {
      if (!sh.has(k)) continue;
      const double v = sh.at(k).number();
      if (!(v > 0.0 && v < 1.0)) sh.at(k).fail("must lie strictly between 0 and 1");
      (std::string(k) == "electronic_fraction" ? p.electronic_fraction : p.voltage_collapse) = v;
    }
  }
  double total = 0.0;
  for (const ProtocolSegment& s : protocol_segments(p)) total = s.end;
  if (!(total <= units::physical_range(Kind::time).hi))
    e.fail("the protocol lasts " + std::to_string(total) + " s, beyond any run");
  CellControl& k = cfg.cell.control;
  k.mode = ControlMode::galvanostatic;
  k.i_app = p.start;
  cfg.time.end = total;
}

void read_control(const Entry& e, RunConfig& cfg) {
  e.allow_only({"mode", "current_density", "voltage", "duration"});
  CellControl& k = cfg.cell.control;
  const std::string mode = e.at("mode").str();
  if (mode == "galvanostatic") {
    k.mode = ControlMode::galvanostatic;
    k.i_app = e.at("current_density").quantity(Kind::current_density);
    if (k.i_app == 0.0) e.at("current_density").fail("must not be zero");
  } else if (mode == "potentiostatic") {
    k.mode = ControlMode::potentiostatic;
    k.v_cell = e.at("voltage").quantity(Kind::voltage);
  } else {
    e.at("mode").fail("'" + mode + "': use galvanostatic or potentiostatic");
  }
  cfg.time.end = positive(e.at("duration"), Kind::time);
}

constexpr double kMaxFrontDrop = 0.5;  ///< in RT/(alpha F), docs/model.md 8.8

/// The ohmic field i / sigma_ion must drop well under RT/(alpha F) across the interface
/// width (docs/model.md, 8.8): the diffuse front reacts at the overpotential of each of its
/// levels, and its tail, which conducts electrons as metal, would otherwise outrun it.
void check_field_across_front(const Entry& w_entry, const RunConfig& cfg) {
  const CellSpec& c = cfg.cell.spec;
  const CellControl& control = cfg.cell.control;
  const double sigma = c.electrolyte.sigma_ion.at(c.temperature);
  const double f = c.metal.valence * echem::kFaraday / (echem::kGas * c.temperature);
  const double alpha = std::max(c.alpha, 1.0 - c.alpha);
  const double i_max = kMaxFrontDrop * sigma / (alpha * f * c.interface_width);
  // A potentiostatic cell draws the current of its flat cell (eq. 55) at the start, when the
  // electrolyte is thickest; a rough front draws more later, as a galvanostatic one does not.
  FlatCell flat;
  flat.length = c.thickness;
  flat.sigma_ion = sigma;
  flat.i0_anode = exchange_current(c);
  flat.i0_counter = c.counter_butler_volmer ? flat.i0_anode : 0.0;
  flat.alpha = c.alpha;
  flat.f = f;
  const bool galvanostatic = control.mode == ControlMode::galvanostatic;
  const double i = cfg.protocol.present ? cfg.protocol.until
                   : galvanostatic      ? std::abs(control.i_app)
                                        : std::abs(flat_cell_current(flat, control.v_cell));
  if (i <= i_max) return;
  std::ostringstream os;
  os.precision(3);
  if (!galvanostatic)
    os << "control.voltage " << control.v_cell << " V drives about " << i / 10.0
       << " mA/cm^2 through the flat cell (eq. 55 of docs/model.md); ";
  os << "at " << i / 10.0 << " mA/cm^2 the ohmic field i/sigma_ion = " << i / sigma << " V/m drops "
     << i / i_max * kMaxFrontDrop << " RT/(alpha F) across the interface width (at most "
     << kMaxFrontDrop << "): the diffuse front would react unevenly across its width and its "
     << "tail outrun it. Use interface_width <= " << c.interface_width * i_max / i * 1e6
     << " um (with a grid.dx that resolves it) or ";
  if (galvanostatic)
    os << "a lower current";
  else
    os << "|voltage| <= " << std::abs(flat_cell_at_current(flat, i_max).v_cell) << " V";
  w_entry.fail(os.str());
}

void read_phase_field(const Entry& e, RunConfig& cfg) {
  e.allow_only({"formulation", "interface_width", "interface_energy", "mobility",
                "profile_relaxation", "sigma_floor", "anisotropy", "noise"});
  CellSpec& c = cfg.cell.spec;
  if (e.has("formulation")) {
    const Entry f = e.at("formulation");
    const std::string v = f.str();
    if (v == "gibbs_thomson")
      c.formulation = Formulation::gibbs_thomson;
    else if (v == "chen2015")
      c.formulation = Formulation::chen2015;
    else
      f.fail("'" + v +
             "': use gibbs_thomson (capillarity as the Gibbs-Thomson overpotential, adaptive "
             "steps) or chen2015 (the Allen-Cahn relaxation of Chen et al. 2015, explicit)");
  }
  const bool gibbs = c.formulation == Formulation::gibbs_thomson;
  c.interface_width = positive(e.at("interface_width"), Kind::length);
  check_field_across_front(e.at("interface_width"), cfg);
  if (e.has("interface_energy"))
    c.interface_energy = positive(e.at("interface_energy"), Kind::energy_per_area);
  if (e.has("mobility")) {
    if (gibbs)
      e.at("mobility")
          .fail(
              "the Allen-Cahn mobility L_sigma belongs to formulation: chen2015; the "
              "gibbs_thomson formulation moves the front by Butler-Volmer kinetics and "
              "capillarity by the Gibbs-Thomson overpotential (docs/model.md, section 8): "
              "remove the key or set phase_field.formulation: chen2015");
    c.mobility = positive(e.at("mobility"), Kind::mobility);
  }
  if (e.has("profile_relaxation")) {
    const Entry r = e.at("profile_relaxation");
    if (!gibbs) r.fail("belongs to formulation: gibbs_thomson");
    c.profile_relaxation = r.number();
    if (!(c.profile_relaxation >= 0.5 && c.profile_relaxation <= 1000.0))
      r.fail(
          "must lie in [0.5, 1000]: the profile is restored while the front moves w / "
          "profile_relaxation (default 2)");
  }
  if (e.has("sigma_floor")) c.sigma_floor = positive(e.at("sigma_floor"), Kind::conductivity);

  if (e.has("anisotropy")) {
    const Entry a = e.at("anisotropy");
    c.anisotropy = a.number();
    // Beyond 1/15 the four-fold stiffness turns negative (missing orientations): of the
    // interface energy, gamma + gamma'' (gibbs_thomson), or of kappa (chen2015).
    if (!(std::abs(c.anisotropy) < 1.0 / 15.0))
      a.fail(gibbs ? "|anisotropy| (eps of gamma = gamma0 (1 + eps cos 4 theta)) must stay below "
                     "1/15 (0.0667): beyond it the stiffness gamma + gamma'' turns negative"
                   : "|anisotropy| (delta of kappa) must stay below 1/15 (0.0667)");
  }
  if (e.has("noise")) {
    const Entry n = e.at("noise");
    n.allow_only({"amplitude", "reference_dt", "seed"});
    cfg.cell.noise_amplitude = n.at("amplitude").quantity(Kind::rate);
    if (cfg.cell.noise_amplitude < 0) n.at("amplitude").fail("must not be negative");
    if (n.has("reference_dt"))
      cfg.cell.noise_reference_dt = positive(n.at("reference_dt"), Kind::time);
    if (n.has("seed")) cfg.cell.noise_seed = std::uint64_t(n.at("seed").integer());
  }
}

void read_cell_grid(const Entry& g, const Entry& cell_entry, RunConfig& cfg) {
  g.allow_only({"dx"});
  CellSpec& c = cfg.cell.spec;
  c.dx = positive(g.at("dx"), Kind::length);
  if (c.interface_width < 2.0 * c.dx)
    g.at("dx").fail(
        "the interface width must span at least 2 cells (4 for quantitative runs); "
        "w / dx = " +
        std::to_string(c.interface_width / c.dx));
  if (c.anode_thickness < 3.0 * c.interface_width)
    cell_entry.at("anode_thickness")
        .fail("must be at least 3 interface widths (" + std::to_string(3e6 * c.interface_width) +
              " um): a thinner anode never reaches xi = 1 and biases eta");
  // Cells per axis from the lengths, checked before they become ints: at least one cell
  // across, at most 2^20 along any axis and 2^31 - 1 in all (the kernels index with int).
  const char* names[3] = {"thickness", "width", "depth"};
  const double lengths[3] = {c.anode_thickness + c.thickness, c.width, c.depth};
  double total = 1.0;
  for (int d = 0; d < c.dim; ++d) {
    const double n = lengths[d] / c.dx;
    const Entry where = cell_entry.at(names[d]);
    if (n < 0.5) where.fail("is below one cell of dx = " + std::to_string(c.dx * 1e6) + " um");
    if (n > double(1 << 20))
      where.fail("needs " + std::to_string(std::llround(n)) +
                 " cells along this axis at this dx (at most 1048576)");
    total *= std::round(n);
  }
  if (total > 2147483647.0) {
    std::ostringstream os;
    os.precision(4);
    os << "the cell would have " << total
       << " cells, more than 2^31 - 1: use a coarser dx or a smaller cell";
    g.at("dx").fail(os.str());
  }
  cfg.grid = cell_grid(c);
  cfg.allen_cahn = cell_params(c).capillary;
}

// ---- liquid-electrolyte reference mode ----------------------------------------------

/// {value, source, note} where the value may have either sign.
double sourced_number(const Entry& e) {
  e.allow_only({"value", "source", "note"});
  e.at("source");
  return e.at("value").number();
}

/// A normalised parameter set (kind: liquid_reference), every value with its source.
void read_liquid_parameters(const Entry& ref, const std::string& case_dir, RunConfig& cfg) {
  LiquidConfig& l = cfg.liquid;
  const MaterialFile mf =
      open_material_of_kind(ref, case_dir, "liquid_reference", l.parameters_file);
  const Entry m{mf.root, "", &l.parameters_file};
  m.allow_only({"name", "kind", "units", "kappa", "interface_mobility", "reaction_rate", "barrier",
                "diffusivity", "sigma_electrode", "sigma_electrolyte", "f", "transfer_coefficient",
                "eps_electrode", "eps_electrolyte", "grand_potential_a", "site_ratio", "nfcs"});
  m.at("name");
  liquid::Params& p = l.params;
  auto pos = [&](const char* key) {
    const Entry v = m.at(key);
    const double x = sourced_number(v);
    if (!(x > 0.0)) v.at("value").fail("must be positive");
    return x;
  };
  p.kappa = pos("kappa");
  p.mobility = pos("interface_mobility");
  p.l_eta = pos("reaction_rate");
  p.barrier = pos("barrier");
  p.m0 = pos("diffusivity");
  p.sigma_s = pos("sigma_electrode");
  p.sigma_l = pos("sigma_electrolyte");
  p.f = pos("f");
  p.alpha = pos("transfer_coefficient");
  if (!(p.alpha < 1.0)) m.at("transfer_coefficient").at("value").fail("must lie in (0, 1)");
  p.eps_s = sourced_number(m.at("eps_electrode"));
  p.eps_l = sourced_number(m.at("eps_electrolyte"));
  p.a = pos("grand_potential_a");
  p.dv = pos("site_ratio");
  p.nfcs = pos("nfcs");
}

void read_liquid(const Entry& e, const std::string& case_dir, RunConfig& cfg) {
  e.allow_only({"parameters", "applied_potential", "front", "lateral", "noise"});
  LiquidConfig& l = cfg.liquid;
  read_liquid_parameters(e.at("parameters"), case_dir, cfg);
  const Entry v = e.at("applied_potential");
  v.allow_only({"left", "right"});
  l.v_left = v.at("left").quantity(Kind::voltage);
  l.v_right = v.at("right").quantity(Kind::voltage);
  if (e.has("front")) {
    l.front = e.at("front").number();
    if (!(l.front > 0.0)) e.at("front").fail("must be positive (x of the planar metal front)");
  }
  if (e.has("lateral")) l.lateral_periodic = periodic_sides(e.at("lateral"));
  if (e.has("noise")) {
    const Entry n = e.at("noise");
    n.allow_only({"amplitude", "reference_dt", "reference_dx", "seed"});
    l.noise_amplitude = n.at("amplitude").number();
    if (l.noise_amplitude < 0) n.at("amplitude").fail("must not be negative");
    if (n.has("reference_dt")) l.noise_dt = positive(n.at("reference_dt"), Kind::dimensionless);
    if (n.has("reference_dx")) l.noise_dx = positive(n.at("reference_dx"), Kind::dimensionless);
    if (n.has("seed")) l.noise_seed = std::uint64_t(n.at("seed").integer());
  }
  const liquid::Params& p = l.params;
  cfg.allen_cahn = {p.mobility, p.kappa, p.barrier, 0.0};
}

/// A file named in a case: against the case's folder, then inputs/.
std::string find_input_file(const Entry& e, const std::string& case_dir) {
  namespace fs = std::filesystem;
  const std::string v = e.str();
  for (const fs::path& p : {fs::path(case_dir) / v, fs::path(inputs_dir()) / v})
    if (fs::exists(p)) return p.string();
  e.fail("no such file: '" + v + "' (looked beside the case and in " + inputs_dir() + ")");
}

void read_insitu(const Entry& e, const std::string& case_dir, RunConfig& cfg) {
  e.allow_only({"scripts", "every", "every_steps"});
  if (!catalyst_built_in())
    e.fail(
        "in-situ visualisation needs ParaView Catalyst, which this build does not include; "
        "configure with -DDENDRITE_WITH_CATALYST=ON (Debian paraview-dev, python3-paraview)");
  const Entry list = e.at("scripts");
  if (!list.node.IsSequence() || list.node.size() == 0)
    list.fail("expected a list of pipeline scripts");
  for (std::size_t i = 0; i < list.node.size(); ++i)
    cfg.insitu.scripts.push_back(find_input_file(list.item(i), case_dir));
  if (e.has("every")) cfg.insitu.every = positive(e.at("every"), time_kind(cfg));
  if (e.has("every_steps")) {
    cfg.insitu.every_steps = e.at("every_steps").integer();
    if (cfg.insitu.every_steps < 1) e.at("every_steps").fail("must be at least 1");
  }
}

void check_memory(const Entry& grid_entry, const RunConfig& cfg) {
  const std::size_t need = estimated_bytes(cfg);
  const std::size_t have = memory::available_bytes();
  if (need > have) {
    std::ostringstream os;
    os << "a grid of " << cfg.grid.cells() << " cells needs about " << need / (1 << 20)
       << " MiB, but only " << have / (1 << 20) << " MiB are available on this backend ("
       << memory::device_description() << ")";
    (grid_entry.has("cells") ? grid_entry.at("cells") : grid_entry).fail(os.str());
  }
}

}  // namespace

std::string inputs_dir() {
  if (const char* env = std::getenv("DENDRITE_INPUTS")) return env;
#ifdef DENDRITE_INPUTS_DIR
  return DENDRITE_INPUTS_DIR;
#else
  return "inputs";
#endif
}

std::size_t estimated_bytes(const RunConfig& cfg) {
  Grid g = cfg.grid;
  std::size_t with_ghosts = 1;
  for (int d = 0; d < 3; ++d) with_ghosts *= std::size_t(g.n[d] + 2 * g.ghost_along(d));
  // xi and its update buffer, plus one host staging copy for output.
  std::size_t bytes = 2 * with_ghosts * sizeof(real) + std::size_t(g.cells()) * sizeof(real);
  // Electrodeposition: 10 double work fields and two solver hierarchies (~14 doubles per
  // cell each, levels included).
  if (cfg.model == "electrodeposition") {
    bytes += with_ghosts * (sizeof(double) * (10 + 2 * 14) + 1);  // + the phase id
    // GB films: staircase factors and the two potentials' face resistances, 3 axes each.
    if (cfg.microstructure.present &&
        cfg.microstructure.phases[micro::Phase::grain_boundary].film_thickness > 0)
      bytes += with_ghosts * sizeof(double) * 9;
  }
  // Liquid mode: 13 double work fields and two solver hierarchies.
  if (cfg.model == "liquid") bytes += with_ghosts * sizeof(double) * (13 + 2 * 14);
  return bytes;
}

std::vector<std::string> model_fields(const std::string& model) {
  if (model == "electrodeposition") return {"xi", "phi_l", "phi_s", "current"};
  if (model == "liquid") return {"xi", "w", "concentration", "phi"};
  return {"xi"};
}

namespace {

/// Apply "KEY.PATH=VALUE" to the case's YAML: the value is YAML (a scalar, "[1, 2]" or
/// "{a: 1}"), mappings on the way are made where missing.
std::vector<std::pair<std::string, std::string>> apply_overrides(
    YAML::Node& root, const std::vector<std::string>& overrides, const std::string& name) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    const std::string key = o.substr(0, eq),
                      value = eq == std::string::npos ? "" : o.substr(eq + 1);
    auto refuse = [&](const std::string& why) {
      throw ConfigError(name + ": --set " + (o.size() > 60 ? o.substr(0, 40) + "..." : o) + ": " +
                        why);
    };
    if (eq == std::string::npos || key.empty())
      refuse("expected KEY.PATH=VALUE, e.g. control.current_density=\"1 mA/cm^2\"");
    std::vector<std::string> parts;
    std::stringstream ks(key);
    for (std::string part; std::getline(ks, part, '.');) {
      if (part.empty() || part.find_first_of(" []{}:,") != std::string::npos)
        refuse("'" + key + "' is not a key path (names joined by dots)");
      parts.push_back(part);
    }
    YAML::Node value_node;
    try {
      value_node = YAML::Load(value);
    } catch (const YAML::Exception& e) {
      refuse("the value is not YAML: " + e.msg);
    }
    if (!root || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    YAML::Node node = root;
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      walked += (i ? "." : "") + parts[i];
      if (!node.IsMap()) refuse(walked + " is not a mapping of keys");
      if (!node[parts[i]]) node[parts[i]] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = node[parts[i]];
      node.reset(next);
    }
    if (!node.IsMap()) refuse((walked.empty() ? "the file" : walked) + " is not a mapping of keys");
    node[parts.back()] = value_node;
    out.emplace_back(key, value);
  }
  return out;
}

}  // namespace

RunConfig parse_config(const std::string& text, const std::string& name,
                       const std::vector<std::string>& overrides) {
  // A UTF-16 or binary file reads as a few odd scalars: refuse it by its bytes first.
  if (text.find('\0') != std::string::npos ||
      (text.size() >= 2 &&
       ((text[0] == '\xff' && text[1] == '\xfe') || (text[0] == '\xfe' && text[1] == '\xff'))))
    throw ConfigError(name + ":1:1: (top level): the file is not UTF-8 text (UTF-16 or binary?)");
  YAML::Node root;
  try {
    const std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1) {
      std::ostringstream os;
      os << name << ":" << docs[1].Mark().line + 1 << ":1: (top level): a second YAML document "
         << "(after '---') would be ignored; one case per file";
      throw ConfigError(os.str());
    }
    root = docs.empty() ? YAML::Node() : docs[0];
  } catch (const YAML::Exception& e) {
    std::ostringstream os;
    os << name << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": YAML syntax: " << e.msg;
    throw ConfigError(os.str());
  }
  const std::vector<std::pair<std::string, std::string>> settings =
      apply_overrides(root, overrides, name);
  struct OverrideScope {  // messages name the overrides while this case is read
    explicit OverrideScope(const std::vector<std::pair<std::string, std::string>>* o) {
      g_overrides = o;
    }
    ~OverrideScope() { g_overrides = nullptr; }
  } scope(&settings);
  const Entry top{root, "", &name};
  if (!root || root.IsNull()) throw ConfigError(name + ": the file is empty");
  top.allow_only({"model", "grid", "boundary", "allen_cahn", "cell", "control", "phase_field",
                  "solver", "liquid", "initial", "time", "output", "checkpoint", "insitu",
                  "progress_every", "microstructure", "mechanics", "nucleation", "protocol"});
  RunConfig cfg;
  cfg.source = name;
  cfg.text = text;
  // The overrides belong to the case: outputs record them, and a checkpoint of another
  // setting refuses to resume (its case hash differs).
  if (!settings.empty()) {
    cfg.text += "\n# dendrite run --set:\n";
    for (const auto& [k, v] : settings) cfg.text += "#   " + k + "=" + v + "\n";
  }
  if (top.has("model")) {
    const Entry m = top.at("model");
    cfg.model = m.str();
    if (cfg.model != "allen_cahn" && cfg.model != "electrodeposition" && cfg.model != "liquid")
      m.fail("'" + cfg.model +
             "' is not a model of this version; available: allen_cahn, electrodeposition, liquid");
  }
  cfg.boundary = BoundarySet::all(BoundaryCondition::periodic());
  if (cfg.model != "liquid" && top.has("liquid")) top.at("liquid").fail("belongs to model: liquid");
  if (cfg.model != "electrodeposition")
    for (const char* k : {"cell", "control", "phase_field", "solver", "microstructure", "mechanics",
                          "nucleation", "protocol"})
      if (top.has(k)) top.at(k).fail("belongs to model: electrodeposition");
  if (cfg.model == "liquid") {
    if (top.has("boundary") || top.has("allen_cahn"))
      (top.has("boundary") ? top.at("boundary") : top.at("allen_cahn"))
          .fail("belongs to model: allen_cahn (the liquid mode sets its own boundaries)");
    const std::string case_dir = std::filesystem::path(name).parent_path().string();
    read_grid(top.at("grid"), cfg);
    read_liquid(top.at("liquid"), case_dir.empty() ? "." : case_dir, cfg);
    if (cfg.liquid.front >= cfg.grid.origin[0] + cfg.grid.length(0))
      top.at("liquid").at("front").fail("lies beyond the grid");
    const double w = AllenCahn::interface_width(cfg.allen_cahn);
    for (int d = 0; d < cfg.grid.dim; ++d)
      if (w < 2.0 * cfg.grid.dx[d])
        top.at("grid").fail("cells of " + std::to_string(cfg.grid.dx[d]) +
                            " do not resolve the interface: its width sqrt(2 kappa / W) = " +
                            std::to_string(w) + " must span at least 2 cells");
  } else if (cfg.model == "allen_cahn") {
    read_grid(top.at("grid"), cfg);
    if (top.has("boundary")) read_boundary(top.at("boundary"), cfg);
    read_allen_cahn(top.at("allen_cahn"), cfg);
  } else {
    for (const char* k : {"boundary", "allen_cahn"})
      if (top.has(k)) top.at(k).fail("belongs to model: allen_cahn (the cell sets the boundaries)");
    const std::string case_dir = std::filesystem::path(name).parent_path().string();
    read_cell(top.at("cell"), case_dir.empty() ? "." : case_dir, cfg);
    if (top.has("protocol") && top.has("control"))
      top.at("control").fail(
          "a case with protocol: (a current ramp) sets its currents there: "
          "remove control:");
    if (top.has("protocol"))
      read_protocol(top.at("protocol"), cfg);
    else
      read_control(top.at("control"), cfg);
    read_phase_field(top.at("phase_field"), cfg);
    read_cell_grid(top.at("grid"), top.at("cell"), cfg);
    if (top.has("microstructure"))
      read_microstructure(top.at("microstructure"), case_dir.empty() ? "." : case_dir, cfg);
    if (top.has("mechanics")) read_mechanics(top.at("mechanics"), cfg);
    if (top.has("nucleation")) read_nucleation(top.at("nucleation"), cfg);
    if (top.has("solver")) {
      const Entry sv = top.at("solver");
      sv.allow_only({"reuse_tolerance"});
      const Entry r = sv.at("reuse_tolerance");
      cfg.cell.reuse_tolerance = r.number();
      if (!(cfg.cell.reuse_tolerance >= 0.0 && cfg.cell.reuse_tolerance < 0.1))
        r.fail("must lie in [0, 0.1): it bounds the relative change of the charge source");
    }
  }
  if (top.has("initial")) read_initial(top.at("initial"), cfg);
  if (top.has("time"))
    read_time(top.at("time"), cfg);
  else if (cfg.model != "electrodeposition")
    top.at("time");
  else
    read_time(Entry{YAML::Node(YAML::NodeType::Map), "time", &name}, cfg);
  read_output(top.at("output"), cfg);
  if (top.has("checkpoint")) read_checkpoint(top.at("checkpoint"), cfg);
  if (top.has("insitu")) {
    const std::string dir = std::filesystem::path(name).parent_path().string();
    read_insitu(top.at("insitu"), dir.empty() ? "." : dir, cfg);
  }
  if (top.has("progress_every"))
    cfg.progress_every = positive(top.at("progress_every"), Kind::time);
  check_memory(top.at("grid"), cfg);
  return cfg;
}

RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path, overrides);
}

std::string format_sim_time(const RunConfig& cfg, double t) {
  if (time_kind(cfg) != Kind::dimensionless) return units::format_duration(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", t);
  return buf;
}

}  // namespace dnd
