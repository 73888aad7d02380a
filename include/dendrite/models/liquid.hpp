#pragma once
/// \file liquid.hpp
/// Liquid-electrolyte reference mode (Hong & Viswanathan 2018): order parameter xi, cation
/// chemical potential w and one electric potential phi, eqs. (30)-(32) of docs/model.md.
/// The metal sits at x = 0 (xi = 1, phi = v_left), the bulk electrolyte at x = Lx (xi = 0,
/// w = 0, phi = v_right); the other sides are no-flux.

#include <cstdint>
#include <vector>

#include "dendrite/core/halo.hpp"
#include "dendrite/models/liquid_K.hpp"
#include "dendrite/solver/elliptic.hpp"

namespace dnd {

struct LiquidSetup {
  liquid::Params p;
  double v_left = -0.45;          ///< applied potential at x = 0 (electrode side), V
  double v_right = 0.0;           ///< at x = Lx (bulk electrolyte), V
  bool lateral_periodic = false;  ///< sides other than x: periodic, or no-flux (default)
  /// Langevin term: amplitude a u, u uniform in (-1, 1), drawn per cell and step and added
  /// to d xi/dt everywhere (as MOOSE's LangevinNoise). The draw does not scale with the
  /// step or the cell, so its effect does; noise_dt, noise_dx != 0 rescale a by
  /// sqrt(noise_dt / dt) (noise_dx / dx)^(dim/2), the scaling of space-time white noise, so
  /// that a run on another grid and step sees the forcing of one at noise_dt, noise_dx.
  double noise = 0.0;
  double noise_dt = 0.0;
  double noise_dx = 0.0;
  std::uint64_t seed = 1;
};

/// What one step did, for logs and tests.
struct LiquidStepReport {
  int potential_iterations = 0;  ///< fixed-point iterations of eq. (32)
  int transport_iterations = 0;  ///< Newton iterations of eq. (31)
  double cation_flux = 0.0;      ///< cations that entered through x = Lx during the step
  int substeps = 1;              ///< the step was split where xi would have moved too far
};

class LiquidCell {
 public:
  LiquidCell(const Grid& grid, const LiquidSetup& s);
  /// Step limit of the semi-implicit eq. (33) (independent of the grid).
  static double stable_dt(const liquid::Params& p, double v_span);

  /// Solve eq. (32) at the present xi and w (also what the initial output shows).
  int solve_potential();
  /// One step: phi (eq. 32) with the reaction implicit and the rest of d xi/dt from the
  /// present state; xi semi-implicit (eq. 33); then rho backward Euler (eq. 31) with Newton
  /// on w, the mobility from the old state.
  LiquidStepReport step(double dt);

  Field<real>& xi() { return xi_; }
  const Field<real>& xi() const { return xi_; }
  Field<double>& w() { return w_; }
  const Field<double>& w() const { return w_; }
  Field<double>& phi() { return phi_; }
  const Field<double>& phi() const { return phi_; }
  const Grid& grid() const { return grid_; }

  std::vector<double> concentration();  ///< c = c_l (1 - h)
  /// Integral of rho (all cations, in the electrolyte and reduced in the metal).
  double total_cations();
  /// Integral of h(xi): the metal area (2D) or volume (3D).
  double metal_amount() const;
  /// Current density through x = Lx (normalised units), from the potential flux;
  /// positive when cations move towards the metal.
  double current() const;

  std::uint64_t steps_taken() const { return step_; }
  void set_steps_taken(std::uint64_t s) { step_ = s; }

 private:
  void fill_ghosts();
  double noise_amplitude(double dt) const;
  int solve_potential(double noise, int substep);
  void substep(double dt, LiquidStepReport& rep);
  int transport(double dt);
  void advance_order_parameter(double dt);

  Grid grid_;
  LiquidSetup s_;
  BoundarySet xi_bcs_, w_bcs_, phi_bcs_, mob_bcs_;
  Field<real> xi_;
  Field<double> w_, phi_, cap_, grad_, rate_, g_, sigma_, chi_, mob_, rhs_, prev_, rho_old_, mig_;
  Field<double> xi_new_;
  Halo halo_;
  EllipticSolver phi_solver_, w_solver_, xi_solver_;
  double xi_solver_dt_ = 0.0;
  std::uint64_t step_ = 0;
};

}  // namespace dnd
