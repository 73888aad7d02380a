#pragma once
/// \file units.hpp
/// Quantities written with their unit ("0.5 mA/cm^2", "40 um", "30 degC") are converted to
/// SI once, when the configuration is read. A bare number is taken as SI.

#include <stdexcept>
#include <string>

namespace dnd::units {

enum class Kind {
  dimensionless,
  length,
  time,
  temperature,
  current_density,
  conductivity,
  area_resistance,
  voltage,
  energy_density,        ///< J/m^3 (double-well height W)
  gradient_coefficient,  ///< J/m (kappa)
  mobility,              ///< m^3/(J s) (Allen-Cahn L)
  energy_per_area,       ///< J/m^2 (interfacial energy)
  activation_energy,     ///< kept in eV (Arrhenius with k_B in eV/K)
  molar_mass,            ///< kg/mol
  density,               ///< kg/m^3
  pressure,              ///< Pa
  rate,                  ///< 1/s
  areal_charge,          ///< C/m^2 (charge passed per electrode area)
  volumetric_rate,       ///< 1/(m^3 s) (events per volume and time: nucleation)
};

/// Thrown with a message that says what was wrong and which units are accepted.
struct UnitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Convert "value [unit]" to SI. Throws UnitError on a malformed number or a unit that is
/// unknown or of the wrong kind.
double parse(const std::string& text, Kind kind);
/// Magnitudes a physical input of this kind may take, in SI: [lo, hi] for a nonzero value
/// (dimensionless: no bound). Wide enough for any cell this tool simulates, narrow enough
/// that a unit slip (a bare 1 for a length is 1 m) or an overflow is caught.
struct Range {
  double lo, hi;
};
Range physical_range(Kind kind);
/// Throws UnitError naming the range when a nonzero |si| lies outside physical_range(kind).
void check_range(double si, Kind kind);

/// The accepted spellings for a kind, for error messages and --help.
std::string accepted(Kind kind);
/// The SI unit of a kind, as written in outputs.
std::string si_unit(Kind kind);
/// Human-readable duration ("42 s", "3.5 min", "2.1 h").
std::string format_duration(double seconds);

}  // namespace dnd::units
