#pragma once
/// \file effective.hpp
/// Effective transport properties of a microstructure (docs/model.md, section 9.4): the
/// conductivity along each axis from a potential solve with a unit voltage across the sample
/// and no-flux sides, the tortuosity factor and the geometric tortuosity (seed 004 asks for
/// both), and a brick-layer estimate beside them. This is what a user compares with
/// impedance data (grain vs total conductivity).

#include <array>

#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/microstructure/properties.hpp"

namespace dnd::micro {

/// Conductivity (S/m) of the microstructure along `axis`: the current through the sample
/// with potentials 1 and 0 on the two faces normal to the axis and no-flux sides, times
/// length / (area x 1 V). `sigma` per phase id (S/m); `film_resistance` (ohm m^2) is the
/// series resistance of eq. (52) on GB mid-plane faces (0: none). Electrolyte only (xi = 0).
/// `iterations` receives the solver's count if given. Throws std::runtime_error if the solve
/// does not converge.
double effective_conductivity(const Microstructure& m, const double sigma[kPhaseCount],
                              double film_resistance, int axis, int* iterations = nullptr);

/// Mean shortest-path length through non-pore cells from the face x_axis = 0 to the opposite
/// face, over the cells of that face it reaches, divided by the sample length (8 / 26
/// neighbours, Euclidean steps). 1 for a dense sample; 0 if no path exists.
double geometric_tortuosity(const Microstructure& m, int axis);

struct EffectiveAxis {
  double sigma_ion = 0.0, sigma_e = 0.0;  ///< S/m
  /// epsilon sigma0 / sigma_eff (ionic): epsilon the non-pore volume fraction, sigma0 the
  /// grain interior's conductivity.
  double tortuosity_factor = 0.0;
  double geometric_tortuosity = 0.0;
  int iterations = 0;
};

struct EffectiveReport {
  int dim = 2;
  std::array<EffectiveAxis, 3> axis{};
  double conducting_fraction = 1.0;         ///< non-pore volume fraction
  double grain_size = 0.0;                  ///< m, (V/N)^(1/dim)
  double sigma0_ion = 0.0, sigma0_e = 0.0;  ///< grain interior, S/m
  /// Brick-layer estimate, eq. (54), from the grain size, the GB film and the grains
  /// (0 when the microstructure has no GB film).
  double brick_ion = 0.0, brick_e = 0.0;
};

/// Everything above for the phases' materials at temperature t (K), along the axes whose
/// bit is set in axes (1 x, 2 y, 4 z).
EffectiveReport effective_properties(const Microstructure& m, const PhaseTable& table,
                                     const std::array<PhaseMaterial, kPhaseCount>& phases, double t,
                                     int axes = 7);

}  // namespace dnd::micro
