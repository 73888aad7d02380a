#pragma once
/// \file electrodeposition.hpp
/// Solid-electrolyte electrodeposition (dual potential): the metal order parameter grows by
/// Butler-Volmer kinetics while the ionic and electronic potentials are solved implicitly
/// with the reaction linearised around the current iterate (docs/model.md, section 6).
///
/// Symmetric cell along x: metal anode at x = 0 (phi_s = V_cell, no ionic flux), counter
/// electrode of the same metal at x = Lx (phi_s = 0; Butler-Volmer or non-polarisable for
/// phi_l), lateral sides periodic or no-flux. A positive current plates metal at x = 0.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dendrite/core/halo.hpp"
#include "dendrite/microstructure/properties.hpp"
#include "dendrite/models/electrodeposition_K.hpp"
#include "dendrite/models/flat_cell.hpp"
#include "dendrite/models/interface.hpp"
#include "dendrite/solver/elliptic.hpp"

namespace dnd {

/// How the order parameter moves (docs/model.md, sections 6 and 8).
enum class Formulation {
  /// Eq. (20): Allen-Cahn relaxation with L_sigma plus L_eta h'(xi) BV(eta) (Chen et al.
  /// 2015). Capillarity is set by L_sigma kappa, explicit, step limited by eq. (3).
  chen2015,
  /// Eqs. (40)-(47): the profile translated at the Butler-Volmer speed of eta + eta_GT,
  /// curvature only through the Gibbs-Thomson overpotential, curvature-free relaxation
  /// taken semi-implicitly; steps limited by accuracy.
  gibbs_thomson
};

/// Accuracy targets of the adaptive step (docs/model.md, section 8, "time steps").
struct StepControl {
  double front_move = 0.1;       ///< largest |Delta xi| of a step is front_move / 2 (w units)
  double control_change = 0.01;  ///< relative change of V_cell (or of I, potentiostatic)
  double control_floor = 1e-4;  ///< V (or fraction of the current) below which changes are absolute
  double dt_min = 1e-9;         ///< s: a step that must shrink below this stops the run
  double dt_max = 1e30;         ///< s
  double growth = 2.0;          ///< largest factor between two steps
};

/// Nucleation of metal inside the electrolyte (docs/model.md, 10.2, eqs. 57-58): per cell
/// and accepted step, probability 1 - exp(-J dV dt) with
///   J = rate sigma_e(x) / reference_conductivity exp(-f_het(x) DeltaG*(eta) / kB T),
///   DeltaG* = 16 pi gamma^3 Omega_a^2 / (3 (n e eta)^2),   only where eta < 0,
/// drawn by the counter-based generator keyed by (seed, step, cell). A nucleus enters as the
/// tanh profile of a disc (sphere) of `radius` and owes the metal it added: the reaction
/// inside it pays that debt before it moves its xi (eq. 58), so it is paid at the rate the
/// potentials deliver electrons and ions to it, and one that draws net anodic current before
/// it is paid dissolves.
struct NucleationParams {
  bool enabled = false;
  double rate = 0.0;                    ///< J_ref, 1/(m^3 s)
  double reference_conductivity = 1.0;  ///< sigma_e at which J0 = J_ref, S/m
  double interface_energy = 0.3;        ///< gamma, J/m^2
  double atomic_volume = 0.0;           ///< Omega_a = Omega_m / N_A, m^3
  double temperature = 298.15;          ///< K
  int valence = 1;
  double radius = 0.0;   ///< m, of the inserted nucleus
  double xi_max = 0.05;  ///< only cells with xi below this nucleate (electrolyte)
  std::uint64_t seed = 1;
};

/// Interface widths that the Wagner length sigma_ion R_int must span for islands (nuclei
/// once paid) to keep their profile in the field (docs/model.md 10.2): measured, a paid
/// nucleus stopped the run at 0.3 and 1 widths and grew on for 40 min at 3 and 10.
inline constexpr double kWagnerWidths = 3.0;

struct ElectrodepositionParams {
  Formulation formulation = Formulation::gibbs_thomson;
  allen_cahn::Params capillary;  ///< L_sigma, kappa, W of eq. (20) (chen2015)
  InterfaceParams interface;     ///< eqs. (40)-(47) (gibbs_thomson)
  StepControl control;           ///< adaptive steps (gibbs_thomson)
  echem::Kinetics kinetics;
  echem::Conductivity sigma;
  /// Electrolyte properties per phase (docs/model.md, section 9). Without a microstructure
  /// (has_phases false) every cell is phase 0 with sigma.ion and sigma.e: the same numbers.
  micro::PhaseTable phases;
  bool has_phases = false;
  /// The mechanical gate M(x, eta) of eq. (56): ahead of the uniform plating front, metal
  /// enters the solid only where the deposit's pressure n F |eta| / Omega_m exceeds the
  /// phase's fracture resistance. false: M = 1 (mechanics off).
  bool mechanical_gate = false;
  NucleationParams nucleation;
  double gate_opening_time = 1.0;     ///< s: time a cell takes to open fully (eq. 56)
  double i0_counter = 0.0;            ///< A/m^2, exchange current density of the counter electrode
  bool counter_butler_volmer = true;  ///< false: non-polarisable counter electrode (phi_l = 0)
  bool lateral_periodic = true;       ///< false: no-flux lateral sides
  /// 1/s: Langevin term a h'(xi) u sqrt(noise_reference_dt / dt), u uniform in (-1, 1):
  /// the spread a of the rate at steps of noise_reference_dt, scaled so that the variance
  /// injected per unit time does not depend on the step.
  double noise_amplitude = 0.0;
  double noise_reference_dt = 1.0;  ///< s
  std::uint64_t noise_seed = 1;
  /// When block Gauss-Seidel sweeps converge slowly (one removes less than half of the last
  /// change), follow each by a shift of phi_l and phi_s together by the delta that restores
  /// total charge balance (docs/model.md, section 6, "common mode"): where the reaction
  /// outweighs both conductions (a floating metal island, a nucleus) the sweeps alone
  /// converge at a rate near 1.
  bool common_mode_correction = true;
  int max_newton = 50;
  double newton_tol = 1e-9;    ///< V, largest potential change of a converged iteration
  double max_eta_step = 0.05;  ///< V, Newton steps changing eta by more are damped
  int max_control = 40;
  double control_rtol = 1e-6;  ///< galvanostatic: |I - I_app| <= control_rtol |I_app|
  /// Reuse the potentials of the last solve while the charge source n F c_s R, evaluated
  /// with them for the new xi, differs from the solved one by at most reuse_tol (relative,
  /// max norm): that difference is the residual the old potentials leave. 0: solve every step.
  double reuse_tol = 0.0;
  int max_reuse = 200;  ///< steps at most between two solves
  EllipticOptions solver{1e-11, 400, 2, 64};
};

enum class ControlMode { potentiostatic, galvanostatic };

struct CellControl {
  ControlMode mode = ControlMode::galvanostatic;
  double v_cell = 0.0;  ///< V, potentiostatic
  double i_app = 0.0;   ///< A/m^2, galvanostatic; positive plates metal at x = 0
  /// A/m^2, galvanostatic: |I - I_app| allowed (0: control_rtol of |I_app|). A protocol's
  /// rest (I_app = 0) sets it, as no relative tolerance exists there.
  double current_tolerance = 0.0;
};

/// Current densities entering the cell at x = Lx (A/m^2), from the potential fluxes.
struct CellCurrents {
  double ionic = 0.0;
  double electronic = 0.0;
  double total() const { return ionic + electronic; }
};

struct PotentialReport {
  bool reused = false;  ///< the previous potentials passed the residual check
  int newton_iterations = 0;
  int control_iterations = 0;
  int linear_iterations = 0;
  bool converged = false;
};

class Electrodeposition {
 public:
  Electrodeposition(const Grid& grid, const ElectrodepositionParams& p);
  ~Electrodeposition();

  /// chen2015: largest stable explicit step of the capillary terms, eq. (3).
  /// gibbs_thomson: the explicit Gibbs-Thomson limit, eq. (48), at the linear kinetics.
  static double stable_dt(const Grid& grid, const ElectrodepositionParams& p);
  /// gibbs_thomson: the Gibbs-Thomson limit, eq. (48), at the present front speed.
  double gibbs_thomson_dt() const;

  /// Solve the potentials (and V_cell under galvanostatic control) for the current xi,
  /// then advance xi by dt with the rate those potentials give (the same rate is the
  /// charge source, so Faraday's law holds to solver tolerance).
  PotentialReport step(double dt, const CellControl& control);
  /// Advance by exactly h with the adaptive step controller (gibbs_thomson): steps of at
  /// most next_dt(), each checked against the accuracy targets and retried shorter from the
  /// saved state when it misses them or a solve fails. Throws when a step would have to be
  /// shorter than StepControl::dt_min. The report sums the iterations of all steps taken.
  PotentialReport advance(double h, const CellControl& control);
  /// The step the controller proposes next (s), within dt_max and the Gibbs-Thomson limit;
  /// restart state with front_speed().
  double next_dt() const;
  void set_next_dt(double dt) { next_dt_ = dt; }
  /// Largest |v_n| at the interface (xi in [0.1, 0.9]) of the last solve, m/s: sets the
  /// relaxation rate lambda of the next step.
  double front_speed() const { return front_speed_; }
  void set_front_speed(double v) { front_speed_ = v; }
  int last_substeps() const { return last_substeps_; }
  /// Galvanostatic predictor state (restart state): dV_cell/dt of the last solved step, the
  /// step after which V_cell is predicted, and -dV_cell/dI of the last secant (0: unknown).
  struct ControlHistory {
    double v_rate = 0.0, last_dt = 0.0, resistance = 0.0;
  };
  ControlHistory control_history() const { return history_; }
  /// The applied control changed at this step boundary (a protocol's next current): the
  /// next step starts from potentials solved for it, and V_cell is not extrapolated across
  /// the jump. -dV/dI of the last secant is kept (the cell is the same).
  void control_changed() {
    for (NucleusSite& n : sites_) n.growth = 0.0;  // unknown at the new current
    reuse_count_ = -1;
    history_.v_rate = 0.0;
    history_.last_dt = 0.0;
  }
  void set_control_history(const ControlHistory& h) { history_ = h; }
  int rejected_steps() const { return rejected_; }
  /// gibbs_thomson: relax the profile of the present xi to the discrete equilibrium of
  /// eq. (44) without moving the front (curvature-free; no charge is counted): how an
  /// initial condition drawn from tanh profiles is made ready, so the run does not start
  /// with a transient that is the relaxation's charge. Returns the largest change of xi.
  double equilibrate_profile(int sweeps = 20);
  /// Give the electrolyte a microstructure (same cells as the grid): its phase ids select
  /// the conductivities and exchange-current factors of params().phases, and its GB faces
  /// carry the film resistances of eq. (52). Before the first step.
  void set_microstructure(const micro::Microstructure& m);
  const micro::PhaseTable& phases() const { return table_; }
  /// Where and when each nucleus of this run formed (cell indices; model time, s), what it
  /// still owes (xi summed over cells: times the cell volume, metal volume) and how it ended:
  /// the nucleus map, and restart state.
  struct NucleusSite {
    enum State : int { owing = 0, paid = 1, dissolved = 2 };
    int i = 0, j = 0, k = 0;
    double time = 0.0;
    double owed = 0.0;
    int state = owing;
    double settled = -1.0;  ///< s: when it was paid or dissolved (-1: owing)
    double growth = 0.0;    ///< xi per s its cells grew by in the last step
  };
  const std::vector<NucleusSite>& nucleus_sites() const { return sites_; }
  /// Nucleation state (restart state): per cell the xi a nucleus that still owes inserted
  /// there and that nucleus's index in nucleus_sites() (-1: none); the model's clock.
  Field<double>& nucleus_inserted() { return nuc_inserted_; }
  Field<double>& nucleus_owner() { return nuc_owner_; }
  const Field<double>& nucleus_inserted() const { return nuc_inserted_; }
  const Field<double>& nucleus_owner() const { return nuc_owner_; }
  void set_nucleus_sites(const std::vector<NucleusSite>& s);
  double model_time() const { return time_; }
  void set_model_time(double t) { time_ = t; }
  std::int64_t nuclei() const { return std::int64_t(sites_.size()); }
  /// Nuclei that still owe, that were paid, that dissolved.
  std::array<int, 3> nucleus_states() const;
  /// Metal volume per cross-section (m) inserted by nuclei and not yet paid in charge.
  double unpaid_thickness() const;
  /// The mechanical gate M in [0, 1] per cell (restart state; allocated only with the gate):
  /// opened cells stay open (eq. 56).
  Field<double>& gate() { return gate_; }
  const Field<double>& gate() const { return gate_; }
  /// The flat cell of eq. (55) with this cell's electrolyte between the front and the
  /// counter electrode, its kinetics and the ionic conductivity of phase 0: the controls'
  /// cold start.
  FlatCell flat_cell() const;
  /// i0 of the anode's interface (A/m^2): the sharp-interface one (gibbs_thomson) or that
  /// of the diffuse reaction term (chen2015).
  double anode_exchange_current() const;
  /// Solve the potentials only.
  PotentialReport solve_potentials(const CellControl& control);

  double v_cell() const { return v_cell_; }
  void set_v_cell(double v) { v_cell_ = v; }
  CellCurrents currents() const { return currents_; }
  /// The currents of the last solve (restart state: the controller and the reuse path read them).
  void set_currents(const CellCurrents& c) { currents_ = c; }
  double plated_charge() const { return plated_charge_; }  ///< C/m^2 of integrated ionic current
  /// Linearisation point of the counter electrode (restart state).
  double counter_overpotential() const { return counter_eta_; }
  void set_counter_overpotential(double e) { counter_eta_ = e; }
  /// Source of the last potential solve and steps since (restart state for reuse).
  Field<double>& solved_rate() { return solved_rate_; }
  const Field<double>& solved_rate() const { return solved_rate_; }
  int steps_since_solve() const { return reuse_count_; }
  void set_steps_since_solve(int n) { reuse_count_ = n; }
  /// Steps taken: the counter of the random draws (restart state).
  std::uint64_t steps_taken() const { return step_; }
  void set_steps_taken(std::uint64_t s) { step_ = s; }
  void set_plated_charge(double q) { plated_charge_ = q; }
  /// Metal volume per unit cross-section (m): the mean anode thickness.
  double metal_thickness() const;
  /// Largest |d xi/dt| dt of the last step (how far xi moved in one step).
  double last_max_change() const { return last_max_change_; }

  Field<real>& xi() { return xi_; }
  const Field<real>& xi() const { return xi_; }
  Field<double>& phi_l() { return phi_l_; }
  Field<double>& phi_s() { return phi_s_; }
  const Field<double>& phi_l() const { return phi_l_; }
  const Field<double>& phi_s() const { return phi_s_; }
  /// |i_l + i_s| at cell centres (A/m^2), for output.
  std::vector<double> current_magnitude();
  const Grid& grid() const { return grid_; }
  const ElectrodepositionParams& params() const { return p_; }
  double cross_section() const;

 private:
  PotentialReport newton(double v_cell);
  void prepare_state(double dt);
  double measure_front_speed() const;
  struct Saved;
  void save_state(Saved& s) const;
  void restore_state(const Saved& s);
  PotentialReport solve_prepared(const CellControl& control);
  BoundarySet bcs_l() const;
  BoundarySet bcs_s(double v_cell) const;
  void measure_currents();
  void film_resistances(const View<double>& xi_seen);
  void cold_potentials(const FlatCellEstimate& est, double i);

  Grid grid_;
  ElectrodepositionParams p_;
  BoundarySet xi_bcs_;
  Field<real> xi_, next_;
  Field<double> phi_l_, phi_s_, rate_cap_, noise_, rate_, g_, sig_l_, sig_s_, rhs_, old_l_, old_s_;
  micro::PhaseTable table_;
  Field<std::uint8_t> phase_;          ///< phase id per cell (all 0: uniform electrolyte)
  std::array<Field<double>, 3> film_;  ///< staircase factors of eq. (52) on GB faces
  std::array<Field<double>, 3> face_r_l_, face_r_s_;  ///< film resistances, ohm m^2
  bool has_film_ = false;
  Field<double> gate_;  ///< M of eq. (56) per cell, from the last solved potentials (gate on)
  void update_gate();
  Field<double> nuc_inserted_, nuc_owner_, nuc_flag_;  ///< nucleation on
  double time_ = 0.0;                                  ///< s, accepted steps only
  bool has_debt_ = false;                              ///< some nucleus still owes its metal
  std::vector<NucleusSite> sites_;
  void settle_nuclei(double dt);
  /// A step of dt may pay some nucleus off (or its growth is not yet known): its cells then
  /// count in the step's accuracy check, as the payment's remainder moves their xi.
  bool may_pay_off(double dt) const;
  /// The largest share of the last step of dt (rates in rate_) over which no nucleus that
  /// owes dissolves and draws more than kOverdraw of its metal beyond what it holds.
  double overdraw_share(double dt) const;
  /// For a message: the known limit a run with a paid nucleus meets (empty without one).
  std::string paid_nucleus_hint() const;
  bool paying_off_ = false;
  int nucleate(double dt);  ///< returns the nuclei formed in this step
  bool i0_varies_ = false;  ///< some phase has an exchange-current factor other than 1
  std::unique_ptr<InterfaceRelaxation> front_;  ///< gibbs_thomson only
  double step_dt_ = 0.0;                        ///< dt of the step being solved (0: none)
  bool has_noise_ = false;                      ///< noise_ holds this step's Langevin term
  Halo halo_;
  EllipticSolver sol_l_, sol_s_;
  /// The common-mode solver and its correction, made when the correction first switches on.
  std::unique_ptr<EllipticSolver> sol_c_;
  Field<double> delta_;
  BoundarySet bcs_c() const;
  void common_mode();
  bool common_faces_current_ = false;  ///< sol_c_ holds this step's sigma_l + sigma_s
  bool common_mode_on_ = false;        ///< this step's sweeps converge slowly: correct them
  double v_cell_ = 0.0;
  double counter_eta_ = 0.0;  ///< linearisation point of the counter electrode (V)
  double plated_charge_ = 0.0;
  double last_max_change_ = 0.0;
  std::uint64_t step_ = 0;
  Field<double> solved_rate_;
  int reuse_count_ = -1;  ///< -1: no solve yet
  /// The solvers' face weights hold the present conductivities: Newton and control
  /// iterations then rebuild only the diagonals (the conductivities change with xi alone).
  bool faces_current_ = false;
  CellCurrents currents_{};
  double front_speed_ = 0.0;
  ControlHistory history_{};
  double next_dt_ = 0.0;
  double last_det_change_ = 0.0;  ///< largest |Delta xi| of the last step without the noise
  int last_substeps_ = 0;
  int rejected_ = 0;
  std::unique_ptr<Saved> saved_;
};

}  // namespace dnd
