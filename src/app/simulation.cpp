// The two models behind the Simulation interface (host code only).
#include "dendrite/app/simulation.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "dendrite/app/microstructure_cli.hpp"
#include "dendrite/core/random_K.hpp"
#include "dendrite/models/allen_cahn.hpp"
#include "dendrite/models/electrodeposition.hpp"
#include "dendrite/models/liquid.hpp"
#include "dendrite/models/metal_extent.hpp"

namespace dnd {

namespace {

std::vector<real> to_real(const std::vector<double>& v) {
  return {v.begin(), v.end()};
}

class AllenCahnSimulation : public Simulation {
 public:
  explicit AllenCahnSimulation(const RunConfig& cfg)
      : cfg_(cfg), model_(cfg.grid, cfg.boundary, cfg.allen_cahn) {
    model_.xi().upload_interior(initial_order_parameter(cfg));
  }
  std::string describe() const override {
    std::ostringstream os;
    os << "model allen_cahn, " << grid_text(cfg_) << ", dt " << cfg_.time.dt << " s ("
       << cfg_.time.dt / AllenCahn::stable_dt(cfg_.grid, cfg_.allen_cahn)
       << " of the stability limit)";
    return os.str();
  }
  void step(double dt) override { model_.step(dt); }
  std::vector<std::string> columns() const override {
    return {"metal_volume", "free_energy", "xi_min", "xi_max"};
  }
  std::vector<double> scalars() override {
    return {model_.integral(), model_.free_energy(), model_.min_value(), model_.max_value()};
  }
  std::vector<std::string> field_names() const override { return {"xi"}; }
  std::vector<std::pair<std::string, std::vector<real>>> fields(
      const std::vector<std::string>&) override {
    return {{"xi", model_.xi().download_interior()}};
  }
  void save(Checkpoint& c) const override { c.fields["xi"] = model_.xi().download_interior(); }
  void load(const Checkpoint& c) override { model_.xi().upload_interior(c.fields.at("xi")); }
  std::string progress() override {
    std::ostringstream os;
    os.precision(4);
    os << "metal " << model_.integral();
    return os.str();
  }
  static std::string grid_text(const RunConfig& cfg) {
    std::ostringstream os;
    os << cfg.grid.dim << "D grid";
    for (int d = 0; d < cfg.grid.dim; ++d) os << (d ? " x " : " ") << cfg.grid.n[d];
    os << ", dx " << cfg.grid.dx[0] * 1e6 << " um";
    return os.str();
  }

 private:
  RunConfig cfg_;
  AllenCahn model_;
};

/// The model's parameters from the cell, plus what the rest of the case sets: noise,
/// potential reuse and the adaptive step's targets.
ElectrodepositionParams model_params(const RunConfig& cfg) {
  ElectrodepositionParams p = cell_params(cfg.cell.spec);
  p.noise_amplitude = cfg.cell.noise_amplitude;
  p.noise_reference_dt = cfg.cell.noise_reference_dt;
  p.noise_seed = cfg.cell.noise_seed;
  p.reuse_tol = cfg.cell.reuse_tolerance;
  if (cfg.microstructure.present) {
    p.phases = microstructure_table(cfg.microstructure, cfg.cell.spec.temperature, p.sigma.floor,
                                    p.sigma.metal);
    p.has_phases = true;
  }
  p.mechanical_gate = cfg.cell.mechanical_gate;
  if (p.mechanical_gate && !p.has_phases) {
    p.phases = micro::uniform_table(p.sigma.ion, p.sigma.e);
    for (double& s : p.phases.fracture_resistance)
      s = cfg.cell.spec.electrolyte.fracture_resistance;
    p.has_phases = true;
  }
  if (cfg.cell.nucleation.enabled) {
    const CellSpec& c = cfg.cell.spec;
    p.nucleation = cfg.cell.nucleation;
    p.nucleation.atomic_volume = c.metal.molar_volume() / 6.02214076e23;  // Omega_m / N_A
    p.nucleation.valence = c.metal.valence;
    p.nucleation.temperature = c.temperature;
    if (!p.has_phases) {  // a homogeneous electrolyte: f_het of the electrolyte file
      p.phases = micro::uniform_table(p.sigma.ion, p.sigma.e);
      for (double& f : p.phases.nucleation_factor) f = c.electrolyte.nucleation_factor;
      p.has_phases = true;
    }
  }
  if (cfg.time.adaptive) {
    p.control.front_move = cfg.time.front_move;
    p.control.control_change = cfg.time.control_change;
    p.control.dt_min = cfg.time.dt_min;
    p.control.dt_max = cfg.time.dt_max;
  }
  return p;
}

class ElectrodepositionSimulation : public Simulation {
 public:
  explicit ElectrodepositionSimulation(const RunConfig& cfg)
      : cfg_(cfg), params_(model_params(cfg)), model_(cfg.grid, params_) {
    if (cfg.microstructure.present) model_.set_microstructure(*cfg.microstructure.structure);
    model_.xi().upload_interior(initial_order_parameter(cfg));
    // Shapes drawn from tanh profiles (their junctions are not) relax to the discrete
    // profile before t = 0, so the run does not start with the relaxation's charge.
    model_.equilibrate_profile();
    model_.solve_potentials(cfg.cell.control);  // so the t = 0 output has its potentials
  }
  std::string describe() const override {
    const CellSpec& c = cfg_.cell.spec;
    std::ostringstream os;
    os.precision(4);
    const double t = c.temperature;
    os << "model electrodeposition: " << c.metal.name << " | " << c.electrolyte.name << " | "
       << c.metal.name << " at " << t - 273.15 << " degC, electrolyte " << c.thickness * 1e6
       << " um, anode " << c.anode_thickness * 1e6 << " um\n"
       << "  sigma_ion " << params_.sigma.ion << " S/m, sigma_e " << params_.sigma.e << " S/m, i0 "
       << exchange_current(c) << " A/m^2 (alpha " << c.alpha << "), L_eta "
       << params_.kinetics.l_eta << " 1/s, sigma_floor " << params_.sigma.floor << " S/m\n"
       << "  " << AllenCahnSimulation::grid_text(cfg_) << ", w/dx " << c.interface_width / c.dx
       << ", formulation "
       << (params_.formulation == Formulation::gibbs_thomson ? "gibbs_thomson" : "chen2015");
    if (cfg_.time.adaptive)
      os << ", dt adaptive (front move <= " << cfg_.time.front_move
         << " w, V change <= " << 100 * cfg_.time.control_change << " %, dt <= " << cfg_.time.dt_max
         << " s)";
    else
      os << ", dt " << cfg_.time.dt << " s ("
         << cfg_.time.dt / Electrodeposition::stable_dt(cfg_.grid, params_)
         << " of the stability limit)";
    if (cfg_.microstructure.present) os << "\n" << microstructure_text(cfg_);
    if (cfg_.protocol.present) {
      const CurrentRamp ramp(cfg_.protocol);
      os << "\n  protocol: " << ramp.segments().size() << " segments, "
         << ramp.summary().substr(ramp.summary().find('(')) << "; a short ends the run";
      return os.str();
    }
    os << "\n  control "
       << (cfg_.cell.control.mode == ControlMode::galvanostatic ? "galvanostatic "
                                                                : "potentiostatic ");
    if (cfg_.cell.control.mode == ControlMode::galvanostatic)
      os << cfg_.cell.control.i_app / 10.0 << " mA/cm^2";
    else
      os << cfg_.cell.control.v_cell * 1e3 << " mV";
    return os.str();
  }
  void step(double dt) override {
    time_before_ = model_.model_time();
    last_ = cfg_.time.adaptive ? model_.advance(dt, cfg_.cell.control)
                               : model_.step(dt, cfg_.cell.control);
    substeps_ = cfg_.time.adaptive ? model_.last_substeps() : 1;
  }
  double suggested_dt() const override { return cfg_.time.adaptive ? model_.next_dt() : 0.0; }
  double advanced_before_failure() const override {
    return cfg_.time.adaptive ? model_.model_time() - time_before_ : 0.0;
  }
  std::vector<std::string> columns() const override {
    return {"v_cell_V",
            "i_ionic_A_m2",
            "i_electronic_A_m2",
            "plated_charge_C_m2",
            "metal_volume",
            "metal_thickness_m",
            "tip_m",
            "deepest_m",
            "newton_iterations",
            "linear_iterations",
            "potentials_reused",
            "substeps",
            "nuclei",
            "metal_clusters",
            "gb_metal_fraction",
            "unpaid_nuclei_m"};
  }
  /// Of the metal cells (xi > 1/2) ahead of the uniform front (x beyond the mean thickness
  /// plus w), the fraction on grain-boundary cells (0 without a microstructure or such metal).
  double gb_metal_fraction(const std::vector<real>& xi) const {
    if (!cfg_.microstructure.present) return 0.0;
    const micro::Microstructure& m = *cfg_.microstructure.structure;
    const Grid& g = cfg_.grid;
    const double front = g.origin[0] + model_.metal_thickness() + cfg_.cell.spec.interface_width;
    double on_gb = 0.0, all = 0.0;
    for (int k = 0; k < g.n[2]; ++k)
      for (int j = 0; j < g.n[1]; ++j)
        for (int i = 0; i < g.n[0]; ++i) {
          const std::size_t c = m.index(i, j, k);
          if (g.centre(0, i) <= front || !(xi[c] > real(0.5))) continue;
          all += 1.0;
          if (m.phase[c] == micro::Phase::grain_boundary) on_gb += 1.0;
        }
    return all > 0.0 ? on_gb / all : 0.0;
  }
  std::vector<double> scalars() override {
    const std::vector<real> xi = model_.xi().download_interior();
    const MetalExtent e = metal_extent(cfg_.grid, xi);
    const CellCurrents i = model_.currents();
    return {model_.v_cell(),
            i.ionic,
            i.electronic,
            model_.plated_charge(),
            model_.metal_thickness() * model_.cross_section(),  // m^3 (3D), m^2 per depth (2D)
            model_.metal_thickness(),
            e.tip,
            e.deepest,
            double(last_.newton_iterations),
            double(last_.linear_iterations),
            last_.reused ? 1.0 : 0.0,
            double(substeps_),
            double(model_.nuclei()),
            double(e.clusters),
            gb_metal_fraction(xi),
            model_.unpaid_thickness()};
  }
  std::vector<std::string> field_names() const override {
    return {"xi", "phi_l", "phi_s", "current"};
  }
  std::vector<std::pair<std::string, std::vector<real>>> fields(
      const std::vector<std::string>& names) override {
    std::vector<std::pair<std::string, std::vector<real>>> out;
    for (const std::string& n : names) {
      if (n == "xi") out.emplace_back(n, model_.xi().download_interior());
      if (n == "phi_l") out.emplace_back(n, to_real(model_.phi_l().download_interior()));
      if (n == "phi_s") out.emplace_back(n, to_real(model_.phi_s().download_interior()));
      if (n == "current") out.emplace_back(n, to_real(model_.current_magnitude()));
    }
    return out;
  }
  void save(Checkpoint& c) const override {
    c.fields["xi"] = model_.xi().download_interior();
    c.double_fields["phi_l"] = model_.phi_l().download_interior();
    c.double_fields["phi_s"] = model_.phi_s().download_interior();
    c.controller["v_cell"] = model_.v_cell();
    c.controller["plated_charge"] = model_.plated_charge();
    c.controller["counter_eta"] = model_.counter_overpotential();
    c.rng_counter = model_.steps_taken();
    c.double_fields["solved_rate"] = model_.solved_rate().download_interior();
    if (params_.mechanical_gate) c.double_fields["gate"] = model_.gate().download_interior();
    c.controller["steps_since_solve"] = model_.steps_since_solve();
    // The step controller's state: the next step and the front speed that sets lambda.
    c.controller["next_dt"] = model_.next_dt();
    c.controller["front_speed"] = model_.front_speed();
    c.controller["current_ionic"] = model_.currents().ionic;
    c.controller["current_electronic"] = model_.currents().electronic;
    const Electrodeposition::ControlHistory h = model_.control_history();
    c.controller["v_rate"] = h.v_rate;
    c.controller["v_rate_dt"] = h.last_dt;
    c.controller["control_resistance"] = h.resistance;
    c.controller["model_time"] = model_.model_time();
    if (params_.nucleation.enabled) save_nuclei(c);
  }
  /// nuclei.csv: where and when each nucleus formed (its centre cell), how it ended, what it
  /// still owes (m^3, per metre of depth in 2D) and whether it formed on a GB cell.
  std::vector<std::pair<std::string, std::string>> tables() const override {
    if (!params_.nucleation.enabled) return {};
    const Grid& g = cfg_.grid;
    const micro::Microstructure* m =
        cfg_.microstructure.present ? cfg_.microstructure.structure.get() : nullptr;
    static const char* kState[] = {"owing", "paid", "dissolved"};
    std::ostringstream os;
    os.precision(10);
    os << "nucleus,i,j,k,x_m,y_m,z_m,time_s,state,settled_s,owed_m3,on_grain_boundary\n";
    const auto& sites = model_.nucleus_sites();
    for (std::size_t n = 0; n < sites.size(); ++n) {
      const Electrodeposition::NucleusSite& s = sites[n];
      const bool gb = m && m->phase[m->index(s.i, s.j, s.k)] == micro::Phase::grain_boundary;
      os << n << "," << s.i << "," << s.j << "," << s.k << "," << g.centre(0, s.i) << ","
         << g.centre(1, s.j) << "," << (g.dim == 3 ? g.centre(2, s.k) : 0.0) << "," << s.time << ","
         << kState[s.state] << "," << s.settled << "," << s.owed * g.cell_volume() << ","
         << (gb ? 1 : 0) << "\n";
    }
    return {{"nuclei.csv", os.str()}};
  }
  /// The nuclei's restart state: per cell the inserted xi and owner, and the sites (8 numbers
  /// each: i, j, k, time, owed, state, settled, growth).
  void save_nuclei(Checkpoint& c) const {
    c.double_fields["nucleus_inserted"] = model_.nucleus_inserted().download_interior();
    c.double_fields["nucleus_owner"] = model_.nucleus_owner().download_interior();
    std::vector<double> s;
    for (const Electrodeposition::NucleusSite& n : model_.nucleus_sites())
      s.insert(s.end(), {double(n.i), double(n.j), double(n.k), n.time, n.owed, double(n.state),
                         n.settled, n.growth});
    if (!s.empty()) c.series["nucleus_sites"] = s;  // no empty datasets
  }
  void load_nuclei(const Checkpoint& c) {
    model_.nucleus_inserted().upload_interior(c.double_fields.at("nucleus_inserted"));
    model_.nucleus_owner().upload_interior(c.double_fields.at("nucleus_owner"));
    const auto found = c.series.find("nucleus_sites");
    const std::vector<double> s = found == c.series.end() ? std::vector<double>{} : found->second;
    std::vector<Electrodeposition::NucleusSite> sites;
    for (std::size_t q = 0; q + 8 <= s.size(); q += 8) {
      Electrodeposition::NucleusSite n;
      n.i = int(s[q]);
      n.j = int(s[q + 1]);
      n.k = int(s[q + 2]);
      n.time = s[q + 3];
      n.owed = s[q + 4];
      n.state = int(s[q + 5]);
      n.settled = s[q + 6];
      n.growth = s[q + 7];
      sites.push_back(n);
    }
    model_.set_nucleus_sites(sites);
  }
  void load(const Checkpoint& c) override {
    model_.xi().upload_interior(c.fields.at("xi"));
    model_.phi_l().upload_interior(c.double_fields.at("phi_l"));
    model_.phi_s().upload_interior(c.double_fields.at("phi_s"));
    model_.set_v_cell(c.controller.at("v_cell"));
    model_.set_plated_charge(c.controller.at("plated_charge"));
    model_.set_counter_overpotential(c.controller.at("counter_eta"));
    model_.set_steps_taken(c.rng_counter);
    model_.solved_rate().upload_interior(c.double_fields.at("solved_rate"));
    if (params_.mechanical_gate) model_.gate().upload_interior(c.double_fields.at("gate"));
    model_.set_steps_since_solve(int(c.controller.at("steps_since_solve")));
    if (c.controller.count("next_dt")) model_.set_next_dt(c.controller.at("next_dt"));
    if (c.controller.count("front_speed")) model_.set_front_speed(c.controller.at("front_speed"));
    if (c.controller.count("current_ionic"))
      model_.set_currents(
          {c.controller.at("current_ionic"), c.controller.at("current_electronic")});
    if (c.controller.count("v_rate"))
      model_.set_control_history({c.controller.at("v_rate"), c.controller.at("v_rate_dt"),
                                  c.controller.at("control_resistance")});
    if (c.controller.count("model_time")) model_.set_model_time(c.controller.at("model_time"));
    if (params_.nucleation.enabled) load_nuclei(c);
  }
  std::string progress() override {
    char buf[96];
    std::snprintf(buf, sizeof buf, "V = %.4g mV  metal %.4g um", model_.v_cell() * 1e3,
                  model_.metal_thickness() * 1e6);
    return buf;
  }
  /// A filament from the anode that reaches the counter electrode has shorted the cell.
  std::string stop_reason() const override {
    return short_circuit(cfg_.grid, model_.xi(), cfg_.cell.spec.interface_width);
  }
  void set_applied_current(double i, bool jump) override {
    cfg_.cell.control.mode = ControlMode::galvanostatic;
    cfg_.cell.control.i_app = i;
    // A rest holds I = 0 to 1e-4 of the ramp's first current (no relative tolerance at 0).
    cfg_.cell.control.current_tolerance = i == 0.0 ? 1e-4 * cfg_.protocol.start : 0.0;
    if (jump) model_.control_changed();
  }
  CellReading reading() const override {
    const CellCurrents i = model_.currents();
    return {model_.v_cell(), i.ionic, i.electronic};
  }

 private:
  RunConfig cfg_;
  ElectrodepositionParams params_;
  Electrodeposition model_;
  double time_before_ = 0.0;  ///< the model's clock when the current step began
  PotentialReport last_{};
  int substeps_ = 0;
};

LiquidSetup liquid_setup(const RunConfig& cfg) {
  const LiquidConfig& l = cfg.liquid;
  LiquidSetup s;
  s.p = l.params;
  s.v_left = l.v_left;
  s.v_right = l.v_right;
  s.lateral_periodic = l.lateral_periodic;
  s.noise = l.noise_amplitude;
  s.noise_dt = l.noise_dt;
  s.noise_dx = l.noise_dx;
  s.seed = l.noise_seed;
  return s;
}

/// The liquid-electrolyte reference mode, in the paper's normalised units.
class LiquidSimulation : public Simulation {
 public:
  explicit LiquidSimulation(const RunConfig& cfg) : cfg_(cfg), model_(cfg.grid, liquid_setup(cfg)) {
    model_.xi().upload_interior(initial_order_parameter(cfg));
    model_.solve_potential();  // so the t = 0 output has its potential
  }
  std::string describe() const override {
    const LiquidConfig& l = cfg_.liquid;
    std::ostringstream os;
    os.precision(4);
    os << "model liquid (Hong & Viswanathan 2018 form, normalised units), parameters "
       << l.parameters_file << "\n  applied potential " << l.v_left << " V | " << l.v_right
       << " V, noise " << l.noise_amplitude;
    if (l.noise_dt > 0) os << " (set at dt " << l.noise_dt << ")";
    if (l.noise_dx > 0) os << " (set at dx " << l.noise_dx << ")";
    os << "\n  " << cfg_.grid.dim << "D grid";
    for (int d = 0; d < cfg_.grid.dim; ++d) os << (d ? " x " : " ") << cfg_.grid.n[d];
    os << ", dx " << cfg_.grid.dx[0] << ", dt " << cfg_.time.dt << " ("
       << cfg_.time.dt / LiquidCell::stable_dt(l.params, l.v_left - l.v_right)
       << " of the stability limit)";
    return os.str();
  }
  void step(double dt) override {
    last_ = model_.step(dt);
    inflow_ += last_.cation_flux;
  }
  std::vector<std::string> columns() const override {
    return {"current",  "metal_amount",   "tip",
            "deepest",  "total_cations",  "cation_inflow",
            "substeps", "phi_iterations", "transport_iterations"};
  }
  std::vector<double> scalars() override {
    const MetalExtent e = metal_extent(cfg_.grid, model_.xi().download_interior());
    return {model_.current(),
            model_.metal_amount(),
            e.tip,
            e.deepest,
            model_.total_cations(),
            inflow_,
            double(last_.substeps),
            double(last_.potential_iterations),
            double(last_.transport_iterations)};
  }
  std::vector<std::string> field_names() const override { return model_fields("liquid"); }
  std::vector<std::pair<std::string, std::vector<real>>> fields(
      const std::vector<std::string>& names) override {
    std::vector<std::pair<std::string, std::vector<real>>> out;
    for (const std::string& n : names) {
      if (n == "xi") out.emplace_back(n, model_.xi().download_interior());
      if (n == "w") out.emplace_back(n, to_real(model_.w().download_interior()));
      if (n == "concentration") out.emplace_back(n, to_real(model_.concentration()));
      if (n == "phi") out.emplace_back(n, to_real(model_.phi().download_interior()));
    }
    return out;
  }
  void save(Checkpoint& c) const override {
    c.fields["xi"] = model_.xi().download_interior();
    c.double_fields["w"] = model_.w().download_interior();
    c.double_fields["phi"] = model_.phi().download_interior();
    c.controller["cation_inflow"] = inflow_;
    c.rng_counter = model_.steps_taken();
  }
  void load(const Checkpoint& c) override {
    model_.xi().upload_interior(c.fields.at("xi"));
    model_.w().upload_interior(c.double_fields.at("w"));
    model_.phi().upload_interior(c.double_fields.at("phi"));
    inflow_ = c.controller.at("cation_inflow");
    model_.set_steps_taken(c.rng_counter);
  }
  std::string progress() override {
    const MetalExtent e = metal_extent(cfg_.grid, model_.xi().download_interior());
    char buf[96];
    std::snprintf(buf, sizeof buf, "tip %.4g  current %.4g", e.tip, model_.current());
    return buf;
  }
  /// Metal connected to the electrode within one interface width of the counter electrode
  /// has shorted the cell: nothing after that is electrodeposition.
  std::string stop_reason() const override {
    return short_circuit(cfg_.grid, model_.xi(), AllenCahn::interface_width(cfg_.allen_cahn));
  }

 private:
  RunConfig cfg_;
  LiquidCell model_;
  LiquidStepReport last_{};
  double inflow_ = 0.0;
};

}  // namespace

std::vector<real> initial_order_parameter(const RunConfig& cfg) {
  const Grid& g = cfg.grid;
  const bool cell = cfg.model == "electrodeposition";
  const double w =
      cell ? cfg.cell.spec.interface_width : AllenCahn::interface_width(cfg.allen_cahn);
  std::vector<real> xi(g.cells());
  std::int64_t m = 0;
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i, ++m) {
        const double x[3] = {g.centre(0, i), g.centre(1, j), g.dim == 3 ? g.centre(2, k) : 0.0};
        double v = cfg.initial.background;
        auto add = [&](double signed_distance) {
          v = std::max(v, 0.5 * (1.0 - std::tanh(signed_distance / w)));
        };
        if (cell) add(x[0] - cfg.cell.spec.anode_thickness);
        if (cfg.model == "liquid" && cfg.liquid.front > 0) add(x[0] - cfg.liquid.front);
        for (const ShapeConfig& s : cfg.initial.shapes) {
          if (s.kind == ShapeConfig::Kind::sphere) {
            double r2 = 0;
            for (int a = 0; a < g.dim; ++a) r2 += (x[a] - s.center[a]) * (x[a] - s.center[a]);
            add(std::sqrt(r2) - s.radius);
          } else {
            add(std::max(s.from - x[s.axis], x[s.axis] - s.to));
          }
        }
        if (cfg.initial.noise_amplitude > 0)
          v += cfg.initial.noise_amplitude *
               rng::uniform_symmetric(cfg.initial.noise_seed, 0, std::uint64_t(m));
        xi[m] = real(v);
      }
  return xi;
}

std::unique_ptr<Simulation> make_simulation(const RunConfig& cfg) {
  if (cfg.model == "electrodeposition") return std::make_unique<ElectrodepositionSimulation>(cfg);
  if (cfg.model == "liquid") return std::make_unique<LiquidSimulation>(cfg);
  return std::make_unique<AllenCahnSimulation>(cfg);
}

}  // namespace dnd
