#pragma once
/// \file interface_K.hpp
/// Point kernels of the Gibbs-Thomson formulation of the metal order parameter
/// (docs/model.md, section 8, eqs. 40-47):
///
///   d xi/dt = q(xi) v_n + R_p[xi] + noise                                           (40)
///   q(xi)   = (2 / w) xi (1 - xi)          (= |grad xi| of the equilibrium profile)    (41)
///   v_n     = -(i0 Omega_m / (n F)) BV(eta + eta_GT)                                   (42)
///   eta_GT  = Omega_m div xi_CH(n) / (n F),  n = -grad xi / |grad xi|                  (43)
///   R_p     = lambda [ (w^2 / 2)(lap xi + q(xi) div n) - g'(xi) ]                      (44)
///
/// q v_n translates the tanh profile at the sharp-interface speed v_n; the curvature enters
/// only through the Gibbs-Thomson overpotential eta_GT (Cahn-Hoffman vector xi_CH, so
/// anisotropy is the interface stiffness gamma + gamma''); R_p restores the profile without
/// curvature flow (the tangential part of the Laplacian is taken out).

#include <cmath>

#include "dendrite/core/field.hpp"
#include "dendrite/models/allen_cahn_K.hpp"

namespace dnd::interface {

/// Constants of eqs. (41)-(43), all SI.
struct FrontKinetics {
  double width = 0.0;        ///< w of the tanh profile, m
  double i0 = 0.0;           ///< exchange current density, A/m^2
  double alpha = 0.5;        ///< transfer coefficient
  double f = 0.0;            ///< n F / (R T), 1/V
  double speed_scale = 0.0;  ///< i0 Omega_m / (n F), m/s: v_n = -speed_scale BV
  double eta_clamp = 2.0;    ///< |eta| bound inside exp, V
  double max_shift = 30.0;   ///< bound on the logit shift s of one step
  /// The reaction acts where q w = 2 xi (1 - xi) exceeds this, fully above twice this (a
  /// linear ramp between: no switch for the step control to trip on): xi beyond ~1e-4 from
  /// 0 and 1. Below, metal appears only by nucleation (docs/model.md 10.2): the far tail of a
  /// profile is no metal, and where eta ahead of a front is far below the front's it would
  /// grow there.
  double weight_min = 2e-4;
};

DND_INLINE double clamp01(double x) {
  return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/// q(xi) of eq. (41), times w (dimensionless): 2 xi (1 - xi) on xi clamped to [0, 1].
DND_INLINE double front_weight_w(double xi) {
  const double x = clamp01(xi);
  return 2.0 * x * (1.0 - x);
}

/// Exact translation of the tanh profile: the solution at time dt of
/// d xi/dt = (2/w) xi (1 - xi) v with v constant is logit(xi) -> logit(xi) + s,
/// s = 2 v dt / w. Any s is exact and keeps xi in [0, 1]. Returned as the increment
/// T(x, s) - x = x (1 - x)(e^s - 1) / (1 + x (e^s - 1)), free of cancellation at small s.
DND_INLINE double translation_increment(double x, double s) {
  const double e1 = std::expm1(s);
  return x * (1.0 - x) * e1 / (1.0 + x * e1);
}

/// Signed distance of the tanh profile, psi = (w/2) ln(xi / (1 - xi)) (positive in the
/// metal), on xi bounded away from 0 and 1: its differences give the normal far more
/// accurately than those of xi itself, which is nearly flat in the tails.
DND_INLINE double profile_distance(double xi, double w) {
  const double lo = 1e-9;
  const double x = xi < lo ? lo : (xi > 1.0 - lo ? 1.0 - lo : xi);
  return 0.5 * w * std::log(x / (1.0 - x));
}

/// Cahn-Hoffman vector xi_CH / gamma0 of the cubic interface energy
///   gamma(n) = gamma0 (1 - 3 eps + 4 eps sum_a n_a^4)       (2D: gamma0 (1 + eps cos 4 theta))
///   xi_CH = gamma(n) n + (I - n n) grad_n gamma = gamma n + 16 eps gamma0 (n^3 - n sum n^4)  (45)
DND_INLINE void cahn_hoffman(const double n[3], double eps, double out[3]) {
  const double s4 =
      n[0] * n[0] * n[0] * n[0] + n[1] * n[1] * n[1] * n[1] + n[2] * n[2] * n[2] * n[2];
  const double g = 1.0 - 3.0 * eps + 4.0 * eps * s4;
  for (int a = 0; a < 3; ++a) out[a] = g * n[a] + 16.0 * eps * (n[a] * n[a] * n[a] - n[a] * s4);
}

/// Curvatures at one cell from the profile distance psi (one ghost layer filled):
/// k_iso = div n (sum of principal curvatures, positive for a convex metal surface) and
/// k_aniso = div (xi_CH / gamma0), by differences of face normals. Both are bounded by
/// `k_max` (a sphere of radius 2/k_max in 3D): far from the interface psi saturates and
/// the normal is undefined, where these values are not used anyway.            (46)
template <bool ThreeD>
DND_INLINE void curvatures(const View<double>& psi, int i, int j, int k, const double inv[3],
                           double eps, double k_max, double& k_iso, double& k_aniso) {
  k_iso = 0.0;
  k_aniso = 0.0;
  for (int a = 0; a < (ThreeD ? 3 : 2); ++a) {
    const int o[3] = {a == 0, a == 1, a == 2};
    double lo_iso = 0.0, hi_iso = 0.0, lo_an = 0.0, hi_an = 0.0;
    for (int side = 0; side < 2; ++side) {
      double g[3];
      allen_cahn::face_gradient<ThreeD>(psi, i + side * o[0], j + side * o[1], k + side * o[2], a,
                                        inv, g);
      const double norm2 = g[0] * g[0] + g[1] * g[1] + g[2] * g[2];
      double n_a = 0.0, ch_a = 0.0;
      if (norm2 > 1e-24) {
        const double inv_norm = 1.0 / std::sqrt(norm2);
        // psi grows into the metal: the outward normal of the metal is -grad psi / |grad psi|.
        const double n[3] = {-g[0] * inv_norm, -g[1] * inv_norm, -g[2] * inv_norm};
        double ch[3];
        cahn_hoffman(n, eps, ch);
        n_a = n[a];
        ch_a = ch[a];
      }
      (side == 0 ? lo_iso : hi_iso) = n_a;
      (side == 0 ? lo_an : hi_an) = ch_a;
    }
    k_iso += (hi_iso - lo_iso) * inv[a];
    k_aniso += (hi_an - lo_an) * inv[a];
  }
  k_iso = k_iso > k_max ? k_max : (k_iso < -k_max ? -k_max : k_iso);
  k_aniso = k_aniso > k_max ? k_max : (k_aniso < -k_max ? -k_max : k_aniso);
}

/// The reaction's share at weight q w: 0 below weight_min, 1 above 2 weight_min, linear
/// between.
DND_INLINE double tail_factor(double qw, double weight_min) {
  if (weight_min <= 0.0) return qw > 0.0 ? 1.0 : 0.0;
  const double r = qw / weight_min - 1.0;
  return r <= 0.0 ? 0.0 : (r >= 1.0 ? 1.0 : r);
}

/// Butler-Volmer factor and its slope at the effective overpotential, clamped inside exp.
DND_INLINE void bv_and_slope(double eta, const FrontKinetics& k, double& bv, double& slope) {
  const double e = eta < -k.eta_clamp ? -k.eta_clamp : (eta > k.eta_clamp ? k.eta_clamp : eta);
  const double a = std::exp((1.0 - k.alpha) * k.f * e), b = std::exp(-k.alpha * k.f * e);
  bv = a - b;
  slope = k.f * ((1.0 - k.alpha) * a + k.alpha * b);
}

/// Reaction part of eq. (40) over a step dt from the relaxed state x (eqs. 41-42), with the
/// exact translation, and the linearisation weight g = -n F c_s d rate / d eta >= 0 of the
/// coupled potential solve:  rate = (T(x, s) - x) / dt,  s = 2 v_n dt / w,
/// g = (2/w) T (1 - T) i0 BV'(eta_eff) (n F c_s Omega_m = 1). dt = 0 gives the limit
/// rate = q(x) v_n. Also returns v_n (m/s).                                        (47)
DND_INLINE void front_reaction(double x_relaxed, double eta_eff, double dt, const FrontKinetics& k,
                               double& rate, double& g, double& speed) {
  const double x = clamp01(x_relaxed);
  const double qw = 2.0 * x * (1.0 - x);
  const double share = tail_factor(qw, k.weight_min);
  if (share <= 0.0) {
    rate = 0.0;
    g = 0.0;
    speed = 0.0;
    return;
  }
  double bv, slope;
  bv_and_slope(eta_eff, k, bv, slope);
  speed = -k.speed_scale * bv;
  const double inv_w = 1.0 / k.width;
  if (dt <= 0.0) {
    rate = share * qw * inv_w * speed;
    g = share * qw * inv_w * k.i0 * slope;
    return;
  }
  double s = 2.0 * speed * dt * inv_w;
  const bool capped = s > k.max_shift || s < -k.max_shift;
  s = s > k.max_shift ? k.max_shift : (s < -k.max_shift ? -k.max_shift : s);
  const double d = translation_increment(x, s);
  const double t = x + d;
  rate = share * d / dt;
  g = capped ? 0.0 : share * 2.0 * t * (1.0 - t) * inv_w * k.i0 * slope;
}

}  // namespace dnd::interface
