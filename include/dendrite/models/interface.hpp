#pragma once
/// \file interface.hpp
/// The metal interface of the Gibbs-Thomson formulation (docs/model.md, section 8): the
/// curvature-free profile relaxation R_p of eq. (44), taken semi-implicitly through the
/// elliptic solver, and the Gibbs-Thomson overpotential eta_GT of eq. (43). The reaction
/// that moves the front (eqs. 41-42, 47) is evaluated by the coupled potential solve of the
/// electrodeposition model from the state prepared here; `translate_uniform` applies it at
/// a prescribed overpotential (the Gibbs-Thomson tests).

#include "dendrite/core/halo.hpp"
#include "dendrite/models/interface_K.hpp"
#include "dendrite/solver/elliptic.hpp"

namespace dnd {

struct InterfaceParams {
  interface::FrontKinetics kinetics;
  double interface_energy = 0.3;  ///< gamma0, J/m^2
  double anisotropy = 0.0;        ///< eps of gamma(n) = gamma0 (1 + eps cos 4 theta) (cubic in 3D)
  double omega_over_nf = 0.0;     ///< Omega_m / (n F), m^3/C: eta_GT = omega_over_nf div xi_CH
  /// lambda = relaxation * max(|v_n|, speed_floor) / w: the profile is restored in the time
  /// the front needs to move w / relaxation (docs/model.md, section 8, "profile relaxation").
  double relaxation = 2.0;
  double speed_floor = 0.0;    ///< m/s
  double stabilisation = 2.0;  ///< S of the linearly implicit double well, >= max |g''| = 2
  bool lateral_periodic = true;
  EllipticOptions solver{1e-11, 200, 2, 64};
};

class InterfaceRelaxation {
 public:
  InterfaceRelaxation(const Grid& grid, const InterfaceParams& p);

  /// Relaxation rate lambda (1/s) for a front moving at `speed` (m/s).
  double lambda(double speed) const;

  /// From xi (ghosts filled by the caller with Neumann x sides): eta_GT, the relaxed state
  /// xi* of a step dt, and the relaxation rate (xi* - xi)/dt; dt = 0 gives xi* = xi and the
  /// explicit rate R_p[xi].
  void prepare(const Field<real>& xi, double dt, double lambda);

  const Field<double>& relaxed() const { return relaxed_; }
  const Field<double>& relaxation_rate() const { return rate_; }
  const Field<double>& gibbs_thomson() const { return eta_gt_; }  ///< V
  int last_iterations() const { return iterations_; }

  /// Relax xi to the discrete equilibrium profile of eq. (44) without moving the front
  /// (`sweeps` linearised projections, lambda dt = 1); returns the largest change of xi.
  double equilibrate(Field<real>& xi, Halo& halo, const BoundarySet& bcs, int sweeps = 20);

  /// Advance xi by dt at a uniform electrode overpotential eta (no potential solve): the
  /// relaxation, then the exact translation at v_n(eta + eta_GT), with lambda from the front
  /// speed of the previous call. For tests of eqs. (40)-(47).
  void step_uniform(Field<real>& xi, double dt, double eta, Halo& halo, const BoundarySet& bcs);

  /// Largest |v_n| (m/s) over the cells with xi* in [0.1, 0.9], at a uniform eta.
  double max_speed_uniform(double eta) const;

  const InterfaceParams& params() const { return p_; }

 private:
  Grid grid_;
  InterfaceParams p_;
  BoundarySet bcs_;
  Field<double> psi_, eta_gt_, relaxed_, rate_, rhs_;
  Halo halo_;
  EllipticSolver solver_;
  int iterations_ = 0;
  double uniform_speed_ = 0.0;  ///< front speed of the last step_uniform (sets its lambda)
};

}  // namespace dnd
