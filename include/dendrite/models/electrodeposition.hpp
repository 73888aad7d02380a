#pragma once
/// \file electrodeposition.hpp
/// Solid-electrolyte electrodeposition (dual potential): the metal order parameter grows by
/// Butler-Volmer kinetics while the ionic and electronic potentials are solved implicitly
/// with the reaction linearised around the current iterate (docs/model.md, section 6).
///
/// Symmetric cell along x: metal anode at x = 0 (phi_s = V_cell, no ionic flux), counter
/// electrode of the same metal at x = Lx (phi_s = 0; Butler-Volmer or non-polarisable for
/// phi_l), lateral sides periodic or no-flux. A positive current plates metal at x = 0.

#include <cstdint>
#include <vector>

#include "dendrite/core/halo.hpp"
#include "dendrite/models/electrodeposition_K.hpp"
#include "dendrite/solver/elliptic.hpp"

namespace dnd {

struct ElectrodepositionParams {
  allen_cahn::Params capillary;  ///< L_sigma, kappa, W of eq. (20)
  echem::Kinetics kinetics;
  echem::Conductivity sigma;
  double i0_counter = 0.0;            ///< A/m^2, exchange current density of the counter electrode
  bool counter_butler_volmer = true;  ///< false: non-polarisable counter electrode (phi_l = 0)
  bool lateral_periodic = true;       ///< false: no-flux lateral sides
  double noise_amplitude = 0.0;       ///< 1/s, Langevin term a h'(xi) u of eq. (20)
  std::uint64_t noise_seed = 1;
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

  /// Largest stable explicit step of the capillary terms, eq. (3).
  static double stable_dt(const Grid& grid, const ElectrodepositionParams& p);

  /// Solve the potentials (and V_cell under galvanostatic control) for the current xi,
  /// then advance xi by dt with the rate those potentials give (the same rate is the
  /// charge source, so Faraday's law holds to solver tolerance).
  PotentialReport step(double dt, const CellControl& control);
  /// Solve the potentials only.
  PotentialReport solve_potentials(const CellControl& control);

  double v_cell() const { return v_cell_; }
  void set_v_cell(double v) { v_cell_ = v; }
  CellCurrents currents() const { return currents_; }
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
  void prepare_state();
  PotentialReport solve_prepared(const CellControl& control);
  BoundarySet bcs_l() const;
  BoundarySet bcs_s(double v_cell) const;
  void measure_currents();

  Grid grid_;
  ElectrodepositionParams p_;
  BoundarySet xi_bcs_;
  Field<real> xi_, next_;
  Field<double> phi_l_, phi_s_, rate_cap_, rate_, g_, sig_l_, sig_s_, rhs_, old_l_, old_s_;
  Halo halo_;
  EllipticSolver sol_l_, sol_s_;
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
};

}  // namespace dnd
