// The Gibbs-Thomson formulation's interface: curvature-free profile relaxation (semi-implicit
// through the elliptic solver) and the Gibbs-Thomson overpotential. One source for CPU and
// CUDA: every kernel launch is in a free function.
#include "dendrite/models/interface.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "dendrite/core/parallel.hpp"

namespace dnd {

namespace {

void distance_field(const Grid& g, double w, const View<real>& xi, const View<double>& psi) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        psi(i, j, k) = interface::profile_distance(double(xi(i, j, k)), w);
      });
}

/// eta_GT of eq. (43) and the explicit relaxation rate R_p[xi] of eq. (44).
template <bool ThreeD>
void curvature_and_relaxation(const Grid& g, const InterfaceParams& p, double lambda,
                              const View<real>& xi, const View<double>& psi,
                              const View<double>& eta_gt, const View<double>& rate) {
  const allen_cahn::InvDx2 inv2 = allen_cahn::inv_dx2_of(g);
  const double w = p.kinetics.width, half_w2 = 0.5 * w * w;
  const double gt = p.omega_over_nf * p.interface_energy, eps = p.anisotropy;
  const double k_max = 2.0 / w;
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double inv[3] = {std::sqrt(inv2.x), std::sqrt(inv2.y), std::sqrt(inv2.z)};
        double k_iso, k_an;
        interface::curvatures<ThreeD>(psi, i, j, k, inv, eps, k_max, k_iso, k_an);
        eta_gt(i, j, k) = gt * k_an;
        const double x = double(xi(i, j, k));
        const double counter = half_w2 * interface::front_weight_w(x) / w * k_iso;
        const double lap = allen_cahn::laplacian<ThreeD>(xi, i, j, k, inv2);
        rate(i, j, k) = lambda * (half_w2 * lap + counter - allen_cahn::double_well_derivative(x));
      });
}

/// Right-hand side dt R_p[xi] of the linearly implicit relaxation, solved for the increment
/// delta = xi* - xi (so its tolerance is relative to the increment, not to xi):
///   (1 + lambda dt S) delta - lambda dt (w^2/2) lap delta = dt R_p[xi]              (eq. 44)
void increment_rhs(const Grid& g, double dt, const View<double>& rate, const View<double>& rhs,
                   const View<double>& delta) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        rhs(i, j, k) = dt * rate(i, j, k);
        delta(i, j, k) = 0.0;
      });
}

/// xi* = xi + delta and the relaxation rate delta / dt (dt = 0: xi* = xi, rate unchanged).
void apply_increment(const Grid& g, double dt, const View<real>& xi, const View<double>& delta,
                     const View<double>& relaxed, const View<double>& rate) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double d = dt > 0.0 ? delta(i, j, k) : 0.0;
        relaxed(i, j, k) = double(xi(i, j, k)) + d;
        if (dt > 0.0) rate(i, j, k) = d / dt;
      });
}

void translate_uniform(const Grid& g, const interface::FrontKinetics& fk, double dt, double eta,
                       const View<double>& relaxed, const View<double>& eta_gt,
                       const View<real>& xi) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double x = relaxed(i, j, k);
        double r, w, v;
        interface::front_reaction(x, eta + eta_gt(i, j, k), dt, fk, r, w, v);
        xi(i, j, k) = real(x + dt * r);
      });
}

double max_front_speed(const Grid& g, const interface::FrontKinetics& fk, double eta,
                       const View<double>& relaxed, const View<double>& eta_gt) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double x = relaxed(i, j, k);
        if (x < 0.1 || x > 0.9) return 0.0;
        double bv, slope;
        interface::bv_and_slope(eta + eta_gt(i, j, k), fk, bv, slope);
        return std::abs(fk.speed_scale * bv);
      });
}

/// xi = xi*, returning the largest change.
double store_relaxed(const Grid& g, const View<double>& relaxed, const View<real>& xi) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double change = std::abs(relaxed(i, j, k) - double(xi(i, j, k)));
        xi(i, j, k) = real(relaxed(i, j, k));
        return change;
      });
}

BoundarySet interface_sides(bool lateral_periodic) {
  BoundarySet s = BoundarySet::all(lateral_periodic ? BoundaryCondition::periodic()
                                                    : BoundaryCondition::neumann());
  s.side[0][0] = s.side[0][1] = BoundaryCondition::neumann();
  return s;
}

}  // namespace

InterfaceRelaxation::InterfaceRelaxation(const Grid& grid, const InterfaceParams& p)
    : grid_(grid),
      p_(p),
      bcs_(interface_sides(p.lateral_periodic)),
      psi_(grid),
      eta_gt_(grid),
      relaxed_(grid),
      rate_(grid),
      rhs_(grid),
      halo_(grid),
      solver_(grid, bcs_, p.solver) {
  if (!(p.kinetics.width > 0 && p.kinetics.i0 > 0 && p.kinetics.f > 0 &&
        p.kinetics.speed_scale > 0 && p.omega_over_nf > 0))
    throw std::invalid_argument("interface: front kinetics not set (w, i0, nF/RT, Omega_m/nF)");
  if (!(std::abs(p.anisotropy) < 1.0 / 15.0))
    throw std::invalid_argument("interface: |anisotropy| must stay below 1/15");
}

double InterfaceRelaxation::lambda(double speed) const {
  return p_.relaxation * std::max(std::abs(speed), p_.speed_floor) / p_.kinetics.width;
}

void InterfaceRelaxation::prepare(const Field<real>& xi, double dt, double lambda) {
  const Grid& g = grid_;
  distance_field(g, p_.kinetics.width, xi.view(), psi_.view());
  halo_.fill(psi_, bcs_);
  (g.dim == 3 ? curvature_and_relaxation<true>
              : curvature_and_relaxation<false>)(g, p_, lambda, xi.view(), psi_.view(),
                                                 eta_gt_.view(), rate_.view());
  iterations_ = 0;
  if (dt > 0.0 && lambda > 0.0) {
    const double w = p_.kinetics.width;
    increment_rhs(g, dt, rate_.view(), rhs_.view(), psi_.view());  // psi_ now holds delta
    solver_.set_coefficients(1.0 + lambda * dt * p_.stabilisation, lambda * dt * 0.5 * w * w);
    const EllipticSolver::Result r = solver_.solve(psi_, rhs_);
    iterations_ = r.iterations;
    if (!r.converged)
      throw std::runtime_error(
          "the profile relaxation solve (phase_field.profile_relaxation) did not converge: "
          "relative residual " +
          std::to_string(r.relative_residual));
    apply_increment(g, dt, xi.view(), psi_.view(), relaxed_.view(), rate_.view());
  } else {
    apply_increment(g, 0.0, xi.view(), psi_.view(), relaxed_.view(), rate_.view());
  }
}

void InterfaceRelaxation::step_uniform(Field<real>& xi, double dt, double eta, Halo& halo,
                                       const BoundarySet& bcs) {
  halo.fill(xi, bcs);
  prepare(xi, dt, lambda(uniform_speed_));
  uniform_speed_ = max_speed_uniform(eta);
  translate_uniform(grid_, p_.kinetics, dt, eta, relaxed_.view(), eta_gt_.view(), xi.view());
}

double InterfaceRelaxation::equilibrate(Field<real>& xi, Halo& halo, const BoundarySet& bcs,
                                        int sweeps) {
  double largest = 0.0;
  for (int s = 0; s < sweeps; ++s) {
    halo.fill(xi, bcs);
    prepare(xi, 1.0, 1.0);
    largest = std::max(largest, store_relaxed(grid_, relaxed_.view(), xi.view()));
  }
  return largest;
}

double InterfaceRelaxation::max_speed_uniform(double eta) const {
  return max_front_speed(grid_, p_.kinetics, eta, relaxed_.view(), eta_gt_.view());
}

}  // namespace dnd
