#pragma once
/// \file arrhenius.hpp
/// Temperature dependence of transport properties in the form the seeds fit (physics brief,
/// section 3): sigma T = A exp(-Ea / kB T).

#include <cmath>

namespace dnd {

/// value(T) = ref (T_ref / T) exp(-Ea/kB (1/T - 1/T_ref)).
struct Arrhenius {
  double ref = 0.0;       ///< value at t_ref (SI)
  double t_ref = 298.15;  ///< K
  double ea = 0.0;        ///< eV
  double at(double t) const {
    constexpr double kBoltzmannEv = 8.617333262e-5;  // eV/K
    return ref * (t_ref / t) * std::exp(-ea / kBoltzmannEv * (1.0 / t - 1.0 / t_ref));
  }
};

}  // namespace dnd
