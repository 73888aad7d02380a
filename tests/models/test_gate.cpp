// The mechanical gate M(x, eta) (eq. 56, docs/model.md 10.1): ahead of the uniform plating
// front, metal enters the solid only where the deposit's pressure n F |eta| / Omega_m exceeds
// the local fracture resistance.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/microstructure/properties.hpp"
#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/electrodeposition.hpp"

namespace dnd {
namespace {

struct Tips {
  double gb = 0.0, grain = 0.0;  ///< furthest xi > 1/2 in the channel and in the grain bump
};

/// A 10 um wide cell with a 4 um bump over the middle half and one GB channel (sigma_c
/// 5 MPa, grains 100 MPa, conductivities equal) along x through the bump's middle; plated at
/// 2 mA/cm^2 for 3 minutes.
Tips run_bump(bool gate) {
  CellSpec c = reference_na_nzsp();
  c.thickness = 20e-6;
  c.anode_thickness = 5e-6;
  c.width = 10e-6;
  c.dx = 0.25e-6;
  c.interface_width = 1e-6;
  const Grid g = cell_grid(c);
  micro::Microstructure m = micro::uniform(g.dim, g.n, g.dx[0]);
  const double yc = 5e-6;
  m.centres = {{0.0, 2.5e-6, 0.0}, {0.0, 7.5e-6, 0.0}};
  for (int j = 0; j < g.n[1]; ++j)
    for (int i = 0; i < g.n[0]; ++i) {
      const double y = g.centre(1, j);
      m.grain[m.index(i, j, 0)] = y < yc ? 0 : 1;
      if (std::abs(y - yc) < 0.5e-6) m.phase[m.index(i, j, 0)] = micro::Phase::grain_boundary;
    }
  std::array<micro::PhaseMaterial, micro::kPhaseCount> mats;
  micro::PhaseMaterial grain;
  grain.present = true;
  grain.sigma_ion = c.electrolyte.sigma_ion;
  grain.sigma_e = c.electrolyte.sigma_e;
  grain.fracture_resistance = 100e6;
  mats[micro::Phase::grain] = grain;
  micro::PhaseMaterial gb = grain;
  gb.fracture_resistance = 5e6;  // microcracked
  mats[micro::Phase::grain_boundary] = gb;
  ElectrodepositionParams p = cell_params(c);
  p.phases = micro::phase_table(mats, c.temperature, 0.0, p.sigma.floor, false, p.sigma.metal);
  p.has_phases = true;
  p.mechanical_gate = gate;
  Electrodeposition model(g, p);
  model.set_microstructure(m);
  // Flat anode at 5 um and a bump to 9 um over y in [2.5, 7.5] um.
  std::vector<real> xi(g.cells());
  const double w = c.interface_width;
  for (int j = 0; j < g.n[1]; ++j)
    for (int i = 0; i < g.n[0]; ++i) {
      const double x = g.centre(0, i), y = g.centre(1, j);
      const double flat = 0.5 * (1.0 - std::tanh((x - 5e-6) / w));
      const double bump = 0.5 * (1.0 - std::tanh((x - 9e-6) / w)) * 0.5 *
                          (1.0 - std::tanh((std::abs(y - yc) - 2.5e-6) / w));
      xi[m.index(i, j, 0)] = real(std::max(flat, bump));
    }
  model.xi().upload_interior(xi);
  model.equilibrate_profile();
  const CellControl ctl{ControlMode::galvanostatic, 0.0, 20.0};
  EXPECT_TRUE(model.solve_potentials(ctl).converged);
  for (int s = 0; s < 6; ++s) EXPECT_TRUE(model.advance(30.0, ctl).converged);
  const std::vector<real> out = model.xi().download_interior();
  Tips t;
  for (int j = 0; j < g.n[1]; ++j) {
    const double y = g.centre(1, j);
    const bool in_gb = std::abs(y - yc) < 0.5e-6;
    const bool in_grain_bump = std::abs(y - yc) > 0.75e-6 && std::abs(y - yc) < 1.25e-6;
    if (!in_gb && !in_grain_bump) continue;
    for (int i = g.n[0] - 1; i >= 0; --i)
      if (out[m.index(i, j, 0)] > 0.5) {
        double& tip = in_gb ? t.gb : t.grain;
        tip = std::max(tip, g.centre(0, i));
        break;
      }
  }
  return t;
}

TEST(MechanicalGate, MetalEntersTheWeakChannelAndNotTheGrains) {
  const Tips off = run_bump(false), on = run_bump(true);
  std::printf("[gate] mechanics off: tip in the GB channel %.3f um, in the grain %.3f um\n",
              off.gb * 1e6, off.grain * 1e6);
  std::printf("[gate] gate on:       tip in the GB channel %.3f um, in the grain %.3f um\n",
              on.gb * 1e6, on.grain * 1e6);
  // Off, the channel's columns run a quarter cell ahead of these grain columns (the bump's
  // shape); on, the grain part of the bump stalls and the channel's metal runs ahead.
  EXPECT_GT((on.gb - on.grain) - (off.gb - off.grain), 0.5e-6);
  EXPECT_LT(on.grain, off.grain - 0.3e-6);
  EXPECT_GE(on.gb, off.gb);  // the current the grains refuse goes into the channel
}

}  // namespace
}  // namespace dnd
