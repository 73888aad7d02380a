#pragma once
/// \file nucleation_K.hpp
/// Point kernels of nucleation inside the electrolyte (docs/model.md 10.2; physics brief,
/// section 3, "nucleation"):
///
///   DeltaG*(eta) = 16 pi gamma^3 Omega_a^2 / (3 (n e eta)^2)                           (57)
///   J = J_ref sigma_e(x) / sigma_ref exp(-f_het(x) DeltaG* / kB T),  eta < 0 only
///   P(step) = 1 - exp(-J dV dt)
///
/// P is the probability of at least one event of a Poisson process of rate J dV over dt, so
/// the number of nuclei over a time does not depend on how it is cut into steps.

#include <cmath>
#include <cstdint>

#include "dendrite/core/random_K.hpp"
#include "dendrite/models/electrodeposition.hpp"

namespace dnd::nucleation {

inline constexpr double kElementaryCharge = 1.602176634e-19;  ///< C

/// The constants of eq. (57) for one run.
struct Barrier {
  double ev_volt2 = 0.0;  ///< DeltaG* eta^2, eV V^2
  double kt = 0.0;        ///< kB T, eV
  double rate = 0.0;      ///< J_ref / sigma_ref, 1/(m^3 s S/m)
};

inline Barrier barrier_of(const NucleationParams& p) {
  Barrier b;
  const double g = p.interface_energy, w = p.atomic_volume, e = kElementaryCharge;
  b.ev_volt2 = 16.0 * 3.14159265358979323846 * g * g * g * w * w /
               (3.0 * double(p.valence) * double(p.valence) * e * e) / e;
  b.kt = 8.617333262e-5 * p.temperature;
  b.rate = p.rate / p.reference_conductivity;
  return b;
}

/// DeltaG* (eV) at overpotential eta (V).
DND_INLINE double barrier_ev(const Barrier& b, double eta) {
  return b.ev_volt2 / (eta * eta);
}

/// P of eq. (57) for one cell of volume dv (m^3) over dt (s); 0 where eta >= 0.
DND_INLINE double probability(const Barrier& b, double eta, double sigma_e, double f_het, double dv,
                              double dt) {
  if (!(eta < 0.0) || dt <= 0.0) return 0.0;
  const double exponent = f_het * barrier_ev(b, eta) / b.kt;
  if (exponent > 700.0) return 0.0;
  const double j = b.rate * sigma_e * std::exp(-exponent);
  return -std::expm1(-j * dv * dt);
}

/// Uniform in (0, 1) for (seed, step, cell), by the counter-based generator, on a key of its
/// own (the Langevin noise's draws use the same counters).
DND_INLINE double draw(std::uint64_t seed, std::uint64_t step, std::uint64_t cell) {
  return 0.5 * (rng::uniform_symmetric(seed ^ 0x9E3779B97F4A7C15ull, step, cell) + 1.0);
}

}  // namespace dnd::nucleation
