// Unit conversion of configuration values.
#include <gtest/gtest.h>

#include "dendrite/io/units.hpp"

namespace dnd::units {
namespace {

TEST(Units, ConvertsExperimentalistUnitsToSi) {
  EXPECT_DOUBLE_EQ(parse("40 um", Kind::length), 40e-6);
  EXPECT_DOUBLE_EQ(parse("0.5 mA/cm^2", Kind::current_density), 5.0);
  EXPECT_DOUBLE_EQ(parse("1.6 mS/cm", Kind::conductivity), 0.16);
  EXPECT_DOUBLE_EQ(parse("1.5 ohm cm^2", Kind::area_resistance), 1.5e-4);
  EXPECT_DOUBLE_EQ(parse("30 degC", Kind::temperature), 303.15);
  EXPECT_DOUBLE_EQ(parse("303.15 K", Kind::temperature), 303.15);
  EXPECT_DOUBLE_EQ(parse("20 min", Kind::time), 1200.0);
  EXPECT_DOUBLE_EQ(parse("0.3 J/m^2", Kind::energy_per_area), 0.3);
}

TEST(Units, BareNumberIsSi) {
  EXPECT_DOUBLE_EQ(parse(" 2.5e-6 ", Kind::length), 2.5e-6);
}

TEST(Units, UnknownOrMismatchedUnitIsRefusedWithTheAlternatives) {
  try {
    parse("0.5 mA/cm2", Kind::current_density);
    FAIL() << "no error";
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find("has no known unit; use A/m^2, mA/cm^2"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse("5 um", Kind::time), UnitError);
  EXPECT_THROW(parse("um", Kind::length), UnitError);
  EXPECT_THROW(parse("3 um", Kind::dimensionless), UnitError);
}

}  // namespace
}  // namespace dnd::units
