// The Gibbs-Thomson formulation of the order parameter (docs/model.md, section 8): capillarity
// at its physical size through the overpotential, a profile that keeps its shape at every
// current, protrusions that survive, adaptive steps that give the same answer as small ones,
// and noise whose variance does not depend on the step.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/metal_extent.hpp"
#include "test_support.hpp"

namespace dnd {
namespace {

/// Na | NZSP | Na at 30 degC with the physics brief's numbers (as test_electrodeposition.cpp).
CellSpec nzsp_cell(double thickness_um, double width_um, double dx_um, double w_um) {
  CellSpec c;
  c.metal = {"Na", 22.99e-3, 968.0, 1, 2.1e7};
  c.electrolyte.name = "NZSP";
  c.electrolyte.sigma_ion = {0.16, 303.15, 0.28};
  c.electrolyte.sigma_e = {2.35e-5, 298.15, 0.0};
  c.electrolyte.conductance_int = {1.0 / 1.5e-4, 303.15, 0.41};
  c.temperature = 303.15;
  c.dim = 2;
  c.thickness = thickness_um * 1e-6;
  c.anode_thickness = 5e-6;
  c.width = width_um * 1e-6;
  c.dx = dx_um * 1e-6;
  c.interface_width = w_um * 1e-6;
  c.formulation = Formulation::gibbs_thomson;
  return c;
}

/// Where xi crosses `level` last along grid row j (x, m), interpolated linearly.
double crossing(const Grid& g, const std::vector<real>& xi, int j, double level) {
  for (int i = g.n[0] - 2; i >= 0; --i) {
    const double a = double(xi[std::size_t(i + g.n[0] * j)]);
    const double b = double(xi[std::size_t(i + 1 + g.n[0] * j)]);
    if (a >= level && b < level) return g.centre(0, i) + (a - level) / (a - b) * g.dx[0];
  }
  return -1.0;
}

/// 10-90 % width of the front along grid row j.
double profile_width(const Grid& g, const std::vector<real>& xi, int j) {
  return crossing(g, xi, j, 0.1) - crossing(g, xi, j, 0.9);
}

/// The flat anode with a half-disc bump of radius r centred on the anode surface at y = yc.
std::vector<real> anode_with_bump(const CellSpec& c, const Grid& g, double yc, double r) {
  std::vector<real> xi = flat_anode(c, g);
  for (int j = 0; j < g.n[1]; ++j)
    for (int i = 0; i < g.n[0]; ++i) {
      const double d = std::hypot(g.centre(0, i) - c.anode_thickness, g.centre(1, j) - yc) - r;
      real& v = xi[std::size_t(i + g.n[0] * j)];
      v = std::max(v, real(0.5 * (1.0 - std::tanh(d / c.interface_width))));
    }
  return xi;
}

/// Advance a model by `duration` in output intervals of `every`, as the run driver does.
template <class F>
void run_for(Electrodeposition& m, const CellControl& ctl, double duration, double every,
             F&& after_interval) {
  double t = 0.0;
  while (t < duration * (1.0 - 1e-12)) {
    const double h = std::min(every, duration - t);
    m.advance(h, ctl);
    t += h;
    after_interval(t);
  }
}

// ---- Gibbs-Thomson: the critical overpotential of a disc and a sphere -------------------

/// Volume rate (m^3/s per unit depth in 2D) of a metal disc or sphere of radius r at a
/// uniform overpotential eta, over `steps` steps of dt after the profile is equilibrated.
double island_volume_rate(const CellSpec& c, double r, double eta, int steps, double dt) {
  const Grid g = cell_grid(c);
  const ElectrodepositionParams p = cell_params(c);
  InterfaceRelaxation front(g, p.interface);
  Field<real> xi(g);
  const double centre[3] = {0.5 * g.length(0), 0.5 * g.length(1), 0.5 * g.length(2)};
  test::fill(xi, [&](const double* x) {
    double d2 = 0.0;
    for (int a = 0; a < g.dim; ++a) d2 += (x[a] - centre[a]) * (x[a] - centre[a]);
    return 0.5 * (1.0 - std::tanh((std::sqrt(d2) - r) / c.interface_width));
  });
  Halo halo(g);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[0][0] = bcs.side[0][1] = BoundaryCondition::neumann();
  front.equilibrate(xi, halo, bcs);
  auto volume = [&] {
    double v = 0.0;
    for (real x : xi.download_interior()) v += double(x);
    return v * g.cell_volume();
  };
  const double v0 = volume();
  for (int s = 0; s < steps; ++s) front.step_uniform(xi, dt, eta, halo, bcs);
  return (volume() - v0) / (steps * dt);
}

/// The overpotential at which the island neither grows nor shrinks: the zero of the volume
/// rate, from two overpotentials on either side of the prediction (the rate is linear in
/// eta there: |f eta| ~ 1e-3).
double critical_overpotential(const CellSpec& c, double r, double predicted) {
  const double e1 = 0.5 * predicted, e2 = 1.5 * predicted;
  const double dt = 20.0;
  const double r1 = island_volume_rate(c, r, e1, 5, dt), r2 = island_volume_rate(c, r, e2, 5, dt);
  EXPECT_LT(r1, 0.0) << "at half the critical overpotential the island must shrink";
  EXPECT_GT(r2, 0.0) << "at 1.5 times the critical overpotential the island must grow";
  return e1 - r1 * (e2 - e1) / (r2 - r1);
}

TEST(GibbsThomson, DiscAndSphereAreInEquilibriumAtTheGibbsThomsonOverpotential) {
  // Physical interface energy (0.3 J/m^2): eta_c = -gamma Omega_m K / (n F) is 18 uV for a
  // disc of r = 4 um; the uniform-eta update (no potential solve) resolves it exactly.
  struct Case {
    int dim;
    double r_over_w, w_um, dx_um;
  };
  for (const Case k : {Case{2, 4.0, 1.0, 0.25}, Case{2, 8.0, 1.0, 0.25}, Case{3, 4.0, 1.0, 1.0 / 3.0}}) {
    CellSpec c = nzsp_cell(0.0, 0.0, k.dx_um, k.w_um);
    const double r = k.r_over_w * k.w_um * 1e-6;
    const double side = 2.0 * r + 8.0 * c.interface_width;
    c.dim = k.dim;
    c.anode_thickness = side;  // the grid is only the island's box here
    c.thickness = 0.0;
    c.width = side;
    c.depth = side;
    const ElectrodepositionParams p = cell_params(c);
    const double curvature = (k.dim - 1) / r;  // sum of the principal curvatures
    const double predicted = -p.interface.omega_over_nf * c.interface_energy * curvature;
    const double measured = critical_overpotential(c, r, predicted);
    std::printf("  %dD, r = %.0f w (w/dx %.0f): critical eta %.4f uV, gamma Omega K / nF %.4f uV "
                "(%+.2f %%)\n",
                k.dim, k.r_over_w, k.w_um / k.dx_um, -measured * 1e6, -predicted * 1e6,
                100.0 * (measured / predicted - 1.0));
    EXPECT_NEAR(measured / predicted, 1.0, 0.10);
  }
}

// ---- The profile keeps its equilibrium shape at every current ---------------------------

TEST(GibbsThomson, FlatFrontKeepsItsProfileAt05To20MilliampPerSquareCentimetre) {
  for (double w_over_dx : {3.0, 4.0}) {
    const CellSpec c = nzsp_cell(20.0, 2.0, 1.0 / w_over_dx, 1.0);
    const Grid g = cell_grid(c);
    const ElectrodepositionParams p = cell_params(c);
    for (double i_app : {5.0, 50.0, 200.0}) {  // 0.5, 5 and 20 mA/cm^2
      Electrodeposition m(g, p);
      m.xi().upload_interior(flat_anode(c, g));
      m.equilibrate_profile();
      const CellControl ctl{ControlMode::galvanostatic, 0.0, i_app};
      m.solve_potentials(ctl);
      const double front0 = m.metal_thickness();
      const double width0 = profile_width(g, m.xi().download_interior(), 0);
      const double t_end = 5.0 * c.interface_width / (i_app / p.kinetics.nfcs);  // 5 widths
      double lo = 1e9, hi = -1e9, worst = 0.0;
      int steps = 0;
      run_for(m, ctl, t_end, t_end / 10, [&](double) {
        steps += m.last_substeps();
        const auto xi = m.xi().download_interior();
        for (real x : xi) lo = std::min(lo, double(x)), hi = std::max(hi, double(x));
        worst = std::max(worst, std::abs(profile_width(g, xi, 0) / (2.197 * c.interface_width) - 1));
      });
      const auto xi = m.xi().download_interior();
      const double width = profile_width(g, xi, 0);
      const double advance = m.metal_thickness() - front0;
      std::printf("  w/dx %.0f, %4.1f mA/cm^2: advance %.2f w in %d steps, 10-90 %% width %.4f w "
                  "(t = 0: %.4f w; 2.197 w), largest deviation %.2f %%, xi in [%.2e, 1 %+.2e]\n",
                  w_over_dx, i_app / 10, advance / c.interface_width, steps,
                  width / c.interface_width, width0 / c.interface_width, 100 * worst, lo, hi - 1);
      EXPECT_GE(advance, 4.99 * c.interface_width);
      EXPECT_LT(worst, 0.10);
      EXPECT_GE(lo, -0.01);
      EXPECT_LE(hi, 1.01);
    }
  }
}

}  // namespace
}  // namespace dnd
