// Cell set-up from material properties: Arrhenius temperature dependence (T4), the molar
// volume and site density of each metal, and the kinetic constants derived from them.
#include <gtest/gtest.h>

#include <cmath>

#include "dendrite/models/cell_setup.hpp"

namespace dnd {
namespace {

TEST(Arrhenius, NzspReproducesTheMeasuredActivationEnergy) {
  // T4 (physics brief, section 6): 1.6 mS/cm at 30 degC with Ea = 0.28 eV gives 0.36 mS/cm
  // at -10 degC and 2.2 mS/cm at 40 degC in the sigma T = A exp(-Ea/kT) form.
  const Arrhenius s{0.16, 303.15, 0.28};
  EXPECT_NEAR(s.at(263.15) * 10, 0.36, 0.005);  // mS/cm
  EXPECT_NEAR(s.at(313.15) * 10, 2.2, 0.05);
  EXPECT_DOUBLE_EQ(s.at(303.15), 0.16);
  // Recover Ea from two temperatures the way an Arrhenius plot of ln(sigma T) does.
  const double t1 = 263.15, t2 = 313.15;
  const double ea =
      -echem::kBoltzmannEv * std::log((s.at(t2) * t2) / (s.at(t1) * t1)) / (1 / t2 - 1 / t1);
  EXPECT_NEAR(ea, 0.28, 1e-12);
}

TEST(CellSetup, MolarVolumeAndExchangeCurrentFromTheBrief) {
  CellSpec c;
  c.metal = {"Na", 22.99e-3, 968.0, 1, 2.1e7};
  EXPECT_NEAR(c.metal.molar_volume() * 1e6, 23.75, 0.01);  // cm^3/mol
  EXPECT_NEAR(c.metal.site_density(), 4.21e4, 50);         // mol/m^3
  c.electrolyte.conductance_int = {1.0 / 1.5e-4, 303.15, 0.41};
  c.temperature = 303.15;
  // i0 = RT / (nF R_int) = 0.0261 V / 1.5e-4 ohm m^2 = 174 A/m^2 at 30 degC (section 8).
  EXPECT_NEAR(exchange_current(c), 174.2, 0.2);
  c.interface_width = 1e-6;
  c.electrolyte.sigma_ion = {0.16, 303.15, 0.28};
  const ElectrodepositionParams p = cell_params(c);
  EXPECT_NEAR(p.kinetics.l_eta, 0.0143, 0.0001);  // i0 / (3 w n F c_s)
  EXPECT_NEAR(p.capillary.kappa, 9e-7, 1e-12);    // 3 gamma w
  EXPECT_NEAR(p.capillary.barrier, 1.8e6, 1e-3);  // 6 gamma / w
  CellSpec li = c;
  li.metal = {"Li", 6.941e-3, 534.0, 1, 1.08e7};
  EXPECT_NEAR(li.metal.molar_volume() * 1e6, 13.00, 0.01);
}

}  // namespace
}  // namespace dnd
