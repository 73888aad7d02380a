#include "dendrite/io/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace dnd::units {

namespace {

struct Unit {
  const char* name;
  double factor;  // SI = factor * value + offset
  double offset;
};

const std::vector<Unit>& table(Kind kind) {
  static const std::vector<Unit> none{};
  static const std::vector<Unit> length{
      {"m", 1, 0}, {"cm", 1e-2, 0}, {"mm", 1e-3, 0}, {"um", 1e-6, 0}, {"nm", 1e-9, 0}};
  static const std::vector<Unit> time{{"s", 1, 0}, {"ms", 1e-3, 0}, {"min", 60, 0}, {"h", 3600, 0}};
  static const std::vector<Unit> temperature{{"K", 1, 0}, {"degC", 1, 273.15}};
  static const std::vector<Unit> current{
      {"A/m^2", 1, 0}, {"mA/cm^2", 10, 0}, {"A/cm^2", 1e4, 0}, {"uA/cm^2", 1e-2, 0}};
  static const std::vector<Unit> conductivity{{"S/m", 1, 0}, {"S/cm", 100, 0}, {"mS/cm", 0.1, 0}};
  static const std::vector<Unit> area_resistance{{"ohm m^2", 1, 0}, {"ohm cm^2", 1e-4, 0}};
  static const std::vector<Unit> voltage{{"V", 1, 0}, {"mV", 1e-3, 0}};
  static const std::vector<Unit> energy_density{{"J/m^3", 1, 0}, {"MJ/m^3", 1e6, 0}};
  static const std::vector<Unit> gradient{{"J/m", 1, 0}};
  static const std::vector<Unit> mobility{{"m^3/(J s)", 1, 0}};
  static const std::vector<Unit> energy_area{{"J/m^2", 1, 0}, {"mJ/m^2", 1e-3, 0}};
  static const std::vector<Unit> activation{{"eV", 1, 0}, {"kJ/mol", 1.0 / 96.48533212, 0}};
  static const std::vector<Unit> molar_mass{{"kg/mol", 1, 0}, {"g/mol", 1e-3, 0}};
  static const std::vector<Unit> density{{"kg/m^3", 1, 0}, {"g/cm^3", 1e3, 0}};
  static const std::vector<Unit> rate{
      {"1/s", 1, 0}, {"1/min", 1.0 / 60, 0}, {"1/h", 1.0 / 3600, 0}};
  static const std::vector<Unit> pressure{
      {"Pa", 1, 0}, {"kPa", 1e3, 0}, {"MPa", 1e6, 0}, {"GPa", 1e9, 0}};
  static const std::vector<Unit> areal_charge{
      {"C/m^2", 1, 0}, {"mAh/cm^2", 3.6e4, 0}, {"mC/cm^2", 10.0, 0}, {"uAh/cm^2", 36.0, 0}};
  static const std::vector<Unit> volumetric_rate{{"1/(m^3 s)", 1, 0}, {"1/(cm^3 s)", 1e6, 0}};
  switch (kind) {
    case Kind::volumetric_rate:
      return volumetric_rate;
    case Kind::areal_charge:
      return areal_charge;
    case Kind::length:
      return length;
    case Kind::time:
      return time;
    case Kind::temperature:
      return temperature;
    case Kind::current_density:
      return current;
    case Kind::conductivity:
      return conductivity;
    case Kind::area_resistance:
      return area_resistance;
    case Kind::voltage:
      return voltage;
    case Kind::energy_density:
      return energy_density;
    case Kind::gradient_coefficient:
      return gradient;
    case Kind::mobility:
      return mobility;
    case Kind::energy_per_area:
      return energy_area;
    case Kind::activation_energy:
      return activation;
    case Kind::molar_mass:
      return molar_mass;
    case Kind::density:
      return density;
    case Kind::pressure:
      return pressure;
    case Kind::rate:
      return rate;
    case Kind::dimensionless:
      return none;
  }
  return none;
}

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

}  // namespace

std::string accepted(Kind kind) {
  const auto& t = table(kind);
  if (t.empty()) return "a plain number";
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i) out += i + 1 == t.size() ? " or " : ", ";
    out += t[i].name;
  }
  return out;
}

std::string si_unit(Kind kind) {
  const auto& t = table(kind);
  return t.empty() ? "1" : t[0].name;
}

Range physical_range(Kind kind) {
  switch (kind) {
    case Kind::length:
      return {1e-10, 0.1};  // 0.1 nm to 10 cm
    case Kind::time:
      return {1e-12, 1e9};  // 1 ps to ~30 years
    case Kind::temperature:
      return {100.0, 2000.0};  // K
    case Kind::current_density:
      return {1e-9, 1e6};  // 0.1 nA/cm^2 to 100 A/cm^2
    case Kind::conductivity:
      return {1e-30, 1e9};  // S/m
    case Kind::area_resistance:
      return {1e-12, 1e6};  // ohm m^2
    case Kind::voltage:
      return {1e-12, 10.0};  // V
    case Kind::energy_density:
      return {1e-6, 1e13};  // J/m^3
    case Kind::gradient_coefficient:
      return {1e-20, 1.0};  // J/m
    case Kind::mobility:
      return {1e-30, 1e6};  // m^3/(J s)
    case Kind::energy_per_area:
      return {1e-6, 100.0};  // J/m^2
    case Kind::activation_energy:
      return {1e-6, 10.0};  // eV
    case Kind::molar_mass:
      return {1e-4, 10.0};  // kg/mol
    case Kind::density:
      return {1.0, 1e5};  // kg/m^3
    case Kind::pressure:
      return {1e-6, 1e12};  // Pa
    case Kind::rate:
      return {1e-15, 1e12};  // 1/s
    case Kind::areal_charge:
      return {1e-9, 1e9};  // C/m^2 (1 mAh/cm^2 = 3.6e4 C/m^2)
    case Kind::volumetric_rate:
      return {1e-30, 1e45};  // 1/(m^3 s): J_ref ~ 1e15-1e40 in nucleation theory
    case Kind::dimensionless:
      break;
  }
  return {0.0, HUGE_VAL};
}

void check_range(double si, Kind kind) {
  const Range r = physical_range(kind);
  const double m = std::fabs(si);
  if (si == 0.0 || (m >= r.lo && m <= r.hi)) return;
  char buf[200];
  std::snprintf(buf, sizeof buf, "%.4g %s lies outside the physical range [%.3g, %.3g] %s", si,
                si_unit(kind).c_str(), r.lo, r.hi, si_unit(kind).c_str());
  std::string msg = buf;
  if (kind != Kind::dimensionless) msg += " (a number without a unit is SI)";
  throw UnitError(msg);
}

double parse(const std::string& raw, Kind kind) {
  const std::string text = trim(raw);
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin) throw UnitError("'" + text + "' does not start with a number");
  // strtod also reads hexadecimal ("0x0.2p0"), infinity and nan: none is a value here.
  for (const char* c = begin; c != end; ++c)
    if (!(std::isdigit(static_cast<unsigned char>(*c)) || *c == '.' || *c == '-' || *c == '+' ||
          *c == 'e' || *c == 'E'))
      throw UnitError("'" + text + "' is not a decimal number");
  if (!std::isfinite(value)) throw UnitError("'" + text + "' is not a finite number");
  const std::string unit = trim(std::string(end));
  auto finite = [&](double si) {
    if (!std::isfinite(si)) throw UnitError("'" + text + "' overflows in SI units");
    return si;
  };
  if (unit.empty()) return value;  // bare number: SI
  for (const Unit& u : table(kind))
    if (unit == u.name) return finite(value * u.factor + u.offset);
  if (table(kind).empty())
    throw UnitError("'" + text + "' has a unit, but this value is dimensionless");
  throw UnitError("'" + text + "' has no known unit; use " + accepted(kind));
}

std::string format_duration(double s) {
  char buf[64];
  if (!std::isfinite(s)) return "?";
  if (s < 120)
    std::snprintf(buf, sizeof buf, "%.3g s", s);
  else if (s < 7200)
    std::snprintf(buf, sizeof buf, "%.3g min", s / 60);
  else
    std::snprintf(buf, sizeof buf, "%.3g h", s / 3600);
  return buf;
}

}  // namespace dnd::units
