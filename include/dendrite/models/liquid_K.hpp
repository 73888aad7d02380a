#pragma once
/// \file liquid_K.hpp
/// Point kernels of the liquid-electrolyte reference mode (physics brief, section 4; Hong &
/// Viswanathan, ACS Energy Lett. 3, 1737 (2018); docs/model.md, section 7), in the paper's
/// normalised units:
///
///   d xi/dt = -L_s [W g'(xi) - kappa lap xi]
///             - L_e h'(xi) [exp((1-alpha) f phi) - (c/c0) exp(-alpha f phi)]         (30)
///   (xi' - xi)/dt - L_s kappa lap xi' = -L_s W g'(xi) + reaction(xi, w, phi')        (33)
///   d rho/dt = chi dw/dt + h'(xi)(c_s dv - c_l) d xi/dt = div(D grad w + f D grad phi)  (31)
///   div(sigma grad phi) = nFc_s d xi/dt,   sigma = sigma_s h + sigma_l (1 - h)           (32)
///
/// with the grand potentials omega_k = u_k - A ln(1 + exp((w - eps_k)/A)), so that the
/// concentrations c_k = -d omega_k/dw are logistic in w; the cation density
/// rho = c_l (1 - h) + c_s h dv, chi = d rho/dw, c = c_l (1 - h), D = M0 (1 - h) c and
/// c0 = c_l(w = 0), the bulk concentration the right side holds.

#include <cmath>

#include "dendrite/models/electrodeposition_K.hpp"

namespace dnd::liquid {

/// The normalised parameter set (inputs/materials/hong2018_li_liquid.yaml gives the
/// benchmark values with their source; the defaults here are the same numbers, for tests).
struct Params {
  double kappa = 0.3;      ///< gradient coefficient
  double mobility = 6.25;  ///< L_sigma, interface mobility
  double l_eta = 0.001;    ///< L_eta, reaction rate constant
  double barrier = 2.4;    ///< W of the double well W xi^2 (1 - xi)^2
  double m0 = 317.9;       ///< cation diffusivity in the electrolyte
  double sigma_s = 1e6, sigma_l = 1.19;
  double f = 38.69;  ///< nF/RT, 1/V
  double alpha = 0.5;
  double eps_s = -13.8, eps_l = 2.631;  ///< chemical-potential offsets of the two phases
  double a = 1.0;                       ///< prefactor A of the grand potentials
  double dv = 5.5;                      ///< site-density ratio electrode / electrolyte
  double nfcs = 0.0074;                 ///< normalised n F c_s of eq. (32)
};

DND_INLINE double logistic(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}
DND_INLINE double c_liquid(double w, const Params& p) {
  return logistic((w - p.eps_l) / p.a);
}
DND_INLINE double c_solid(double w, const Params& p) {
  return logistic((w - p.eps_s) / p.a);
}
DND_INLINE double c_reference(const Params& p) {
  return c_liquid(0.0, p);
}
DND_INLINE double h_of(double xi) {
  return echem::interp_h(echem::clamp(xi, 0.0, 1.0));
}

/// Cation density rho of eq. (31). Stepping rho rather than w keeps the update conservative
/// and well posed where chi is tiny (inside the metal, c_s is saturated).
DND_INLINE double density(double w, double h, const Params& p) {
  return c_liquid(w, p) * (1.0 - h) + c_solid(w, p) * h * p.dv;
}

/// chi = d rho / dw  (the logistic's slope c (1 - c) / A in each phase).
DND_INLINE double susceptibility(double w, double h, const Params& p) {
  const double cl = c_liquid(w, p), cs = c_solid(w, p);
  return cl * (1.0 - cl) / p.a * (1.0 - h) + cs * (1.0 - cs) / p.a * h * p.dv;
}

/// Mobility D = M0 (1 - h) c_l (1 - h) of eq. (31): zero in the metal.
DND_INLINE double mobility(double w, double h, const Params& p) {
  return p.m0 * (1.0 - h) * c_liquid(w, p) * (1.0 - h);
}

/// Reaction part of eq. (30) and its weight g = nFc_s |d rate / d phi| (the rate falls as phi
/// rises), used to shift the potential solve. phi is bounded inside exp as in the solid mode.
DND_INLINE void reaction(double xi, double w, double phi, const Params& p, double& rate,
                         double& g) {
  const double x = echem::clamp(xi, 0.0, 1.0);
  const double hp = echem::interp_hprime(x);
  const double c = c_liquid(w, p) * (1.0 - echem::interp_h(x));
  const double e = echem::clamp(phi, -2.0, 2.0);
  const double anodic = std::exp((1.0 - p.alpha) * p.f * e);
  const double cathodic = c / c_reference(p) * std::exp(-p.alpha * p.f * e);
  rate = -p.l_eta * hp * (anodic - cathodic);
  g = p.nfcs * p.l_eta * hp * p.f * ((1.0 - p.alpha) * anodic + p.alpha * cathodic);
}

/// Step limit of eq. (30) advanced semi-implicitly (gradient term implicit, eq. 33): the
/// explicit double well contributes L W max|g''| = 2 L W, the reaction L_e max|h''| (about
/// 5.8) times its largest exponential, exp(alpha f |v_span|) with v_span the applied
/// potential difference (the cation factor c/c0 taken as at most 1: the front depletes).
/// Forward Euler of a decay at rate lambda is stable for dt <= 2 / lambda.
inline double stable_dt(const Params& p, double v_span) {
  const double well = 2.0 * p.mobility * p.barrier;
  const double reaction = p.l_eta * 5.8 * std::exp(p.alpha * p.f * std::abs(v_span));
  return 2.0 / (well + reaction);
}

}  // namespace dnd::liquid
