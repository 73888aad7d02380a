#pragma once
/// \file electrodeposition_K.hpp
/// Point kernels of the solid-electrolyte electrodeposition model (docs/model.md, section 6,
/// eqs. 20-26; physics brief section 3):
///
///   d xi/dt = -L_sigma [W g'(xi) - kappa lap xi] - L_eta h'(xi) BV(eta)              (20)
///   BV(eta) = exp((1 - alpha) f eta) - exp(-alpha f eta),  f = n F / (R T)            (21)
///   eta = phi_s - phi_l - E0                                                          (22)
///   div(sigma_l grad phi_l) =  n F c_s d xi/dt                                        (23)
///   div(sigma_s grad phi_s) = -n F c_s d xi/dt                                        (24)
///   sigma_l = sigma_ion (1 - h) + sigma_floor h,  sigma_s = sigma_metal h + sigma_e (1 - h)  (25)
///   h = xi^3 (6 xi^2 - 15 xi + 10),  h' = 30 xi^2 (1 - xi)^2                          (26)

#include <cmath>

#include "dendrite/models/allen_cahn_K.hpp"

namespace dnd::echem {

inline constexpr double kFaraday = 96485.33212;         ///< C/mol
inline constexpr double kGas = 8.314462618;             ///< J/(mol K)
inline constexpr double kBoltzmannEv = 8.617333262e-5;  ///< eV/K

/// Constants of the reaction and transport terms, all SI.
struct Kinetics {
  double l_eta = 0.0;         ///< 1/s, L_eta = i0 / (3 w n F c_s)
  double alpha = 0.5;         ///< transfer coefficient
  double f = 0.0;             ///< n F / (R T), 1/V
  double nfcs = 0.0;          ///< n F c_s, C/m^3: charge of a unit volume of metal
  double e0 = 0.0;            ///< V
  double eta_clamp = 2.0;     ///< |eta| bound inside exp (ionically dead metal leaves eta free)
  double hprime_min = 1e-12;  ///< BV is evaluated only where h' exceeds this
};

struct Conductivity {
  double ion = 0.0;    ///< electrolyte ionic, S/m
  double e = 0.0;      ///< electrolyte electronic, S/m
  double metal = 0.0;  ///< metal electronic, S/m
  double floor = 0.0;  ///< ionic conductivity of the metal (numerical floor), S/m
  /// gibbs_thomson: sigma_l = sigma_ion (1 - xi) + floor xi (eq. 49), so that the ohmic path
  /// ends at the xi = 1/2 level whatever w (docs/model.md, section 8).
  bool linear_ionic = false;
};

DND_INLINE double interp_h(double xi) {
  return xi * xi * xi * (6.0 * xi * xi - 15.0 * xi + 10.0);
}
DND_INLINE double interp_hprime(double xi) {
  return 30.0 * xi * xi * (1.0 - xi) * (1.0 - xi);
}

/// BV(eta) of eq. (21) and its derivative.
DND_INLINE double butler_volmer(double eta, double alpha, double f) {
  return std::exp((1.0 - alpha) * f * eta) - std::exp(-alpha * f * eta);
}
DND_INLINE double butler_volmer_slope(double eta, double alpha, double f) {
  return f *
         ((1.0 - alpha) * std::exp((1.0 - alpha) * f * eta) + alpha * std::exp(-alpha * f * eta));
}

DND_INLINE double clamp(double v, double lo, double hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/// Reaction part of eq. (20) at one cell and the linearisation weight
/// g = n F c_s L_eta h' BV'(eta) >= 0 of the coupled potential solve.
DND_INLINE void reaction(double xi, double eta, const Kinetics& k, double& rate, double& g) {
  const double hp = interp_hprime(xi < 0.0 ? 0.0 : (xi > 1.0 ? 1.0 : xi));
  if (hp <= k.hprime_min) {
    rate = 0.0;
    g = 0.0;
    return;
  }
  const double e = clamp(eta, -k.eta_clamp, k.eta_clamp);
  rate = -k.l_eta * hp * butler_volmer(e, k.alpha, k.f);
  g = k.nfcs * k.l_eta * hp * butler_volmer_slope(e, k.alpha, k.f);
}

/// Eq. (25) with the electrolyte's conductivities of the cell's phase (sigma_ion(x),
/// sigma_e(x) of the microstructure; c.ion and c.e for a uniform electrolyte).
DND_INLINE double sigma_l(double xi, double ion, const Conductivity& c) {
  const double x = clamp(xi, 0.0, 1.0);
  const double h = c.linear_ionic ? x : interp_h(x);
  return ion * (1.0 - h) + c.floor * h;
}
DND_INLINE double sigma_s(double xi, double e, const Conductivity& c) {
  const double h = interp_h(clamp(xi, 0.0, 1.0));
  return c.metal * h + e * (1.0 - h);
}
DND_INLINE double sigma_l(double xi, const Conductivity& c) {
  return sigma_l(xi, c.ion, c);
}
DND_INLINE double sigma_s(double xi, const Conductivity& c) {
  return sigma_s(xi, c.e, c);
}

}  // namespace dnd::echem
