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

#ifdef _OPENMP
#include <omp.h>
#endif

namespace dnd {
namespace {

/// Na | NZSP | Na at 30 degC with the physics brief's numbers (as test_electrodeposition.cpp).
CellSpec nzsp_cell(double thickness_um, double width_um, double dx_um, double w_um) {
  CellSpec c = reference_na_nzsp();
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
  for (const Case k :
       {Case{2, 4.0, 1.0, 0.25}, Case{2, 8.0, 1.0, 0.25}, Case{3, 4.0, 1.0, 1.0 / 3.0}}) {
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
    std::printf(
        "  %dD, r = %.0f w (w/dx %.0f): critical eta %.4f uV, gamma Omega K / nF %.4f uV "
        "(%+.2f %%)\n",
        k.dim, k.r_over_w, k.w_um / k.dx_um, -measured * 1e6, -predicted * 1e6,
        100.0 * (measured / predicted - 1.0));
    EXPECT_NEAR(measured / predicted, 1.0, 0.10);
  }
}

TEST(GibbsThomson, FourFoldAnisotropyEntersAsTheInterfaceStiffness) {
  // gamma = gamma0 (1 + eps cos 4 theta): a disc held at the isotropic critical overpotential
  // moves at v(theta) = (i0 Omega_m / nF) f (Omega_m / nF) 15 eps gamma0 cos(4 theta) / r
  // (stiffness gamma + gamma'' = gamma0 (1 - 15 eps cos 4 theta)): outward along x, inward
  // along the diagonal. gamma0 = 30 J/m^2 (100 x physical) so the motion is well resolved.
  CellSpec c = nzsp_cell(0.0, 0.0, 0.25, 1.0);
  const double r = 4e-6, side = 2.0 * r + 8.0 * c.interface_width;
  c.anode_thickness = side;
  c.thickness = 0.0;
  c.width = side;
  c.interface_energy = 30.0;
  const Grid g = cell_grid(c);
  for (double eps : {0.05, 0.0}) {
    c.anisotropy = eps;
    const ElectrodepositionParams p = cell_params(c);
    InterfaceRelaxation front(g, p.interface);
    Field<real> xi(g);
    const double mid = 0.5 * side;
    test::fill(xi, [&](const double* x) {
      return 0.5 * (1.0 - std::tanh((std::hypot(x[0] - mid, x[1] - mid) - r) / c.interface_width));
    });
    Halo halo(g);
    BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
    bcs.side[0][0] = bcs.side[0][1] = BoundaryCondition::neumann();
    front.equilibrate(xi, halo, bcs);
    // Radius along +x (row through the centre) and along the diagonal (cells (i, i)).
    auto radii = [&](double& along_x, double& along_diagonal) {
      const auto v = xi.download_interior();
      const int n = g.n[0], jc = n / 2;
      along_x = crossing(g, v, jc, 0.5) - mid;
      along_diagonal = -1.0;
      for (int i = n / 2; i + 1 < n; ++i) {
        const double a = double(v[std::size_t(i + n * i)]),
                     b = double(v[std::size_t(i + 1 + n * (i + 1))]);
        if (a >= 0.5 && b < 0.5) {
          const double t = (a - 0.5) / (a - b);
          along_diagonal = std::sqrt(2.0) * (g.centre(0, i) + t * g.dx[0] - mid);
        }
      }
    };
    double x0, d0, x1, d1;
    radii(x0, d0);
    const double eta = -p.interface.omega_over_nf * c.interface_energy / r, dt = 0.25, t_end = 10.0;
    for (int s = 0; s < int(t_end / dt); ++s) front.step_uniform(xi, dt, eta, halo, bcs);
    radii(x1, d1);
    const interface::FrontKinetics& k = p.interface.kinetics;
    const double v0 =
        k.speed_scale * k.f * p.interface.omega_over_nf * 15.0 * eps * c.interface_energy / r;
    const double vx = (x1 - x0) / t_end, vd = (d1 - d0) / t_end;
    std::printf(
        "  eps %.2f: v along x %+.3e m/s, along the diagonal %+.3e m/s (predicted %+.3e, "
        "%+.3e)\n",
        eps, vx, vd, v0, -v0);
    if (eps > 0) {
      EXPECT_NEAR(vx / v0, 1.0, 0.2);
      EXPECT_NEAR(vd / -v0, 1.0, 0.2);
    } else {
      const double scale =
          k.speed_scale * k.f * p.interface.omega_over_nf * 15.0 * 0.05 * c.interface_energy / r;
      EXPECT_LT(std::abs(vx), 0.1 * scale);
      EXPECT_LT(std::abs(vd), 0.1 * scale);
    }
  }
}

// ---- The profile keeps its equilibrium shape at every current ---------------------------

TEST(GibbsThomson, FlatFrontKeepsItsProfileAt05To20MilliampPerSquareCentimetre) {
  for (double w_over_dx : {3.0, 4.0}) {
    const CellSpec c = nzsp_cell(20.0, 2.0, 1.0 / w_over_dx, 1.0);
    const Grid g = cell_grid(c);
    ElectrodepositionParams p = cell_params(c);
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
        worst =
            std::max(worst, std::abs(profile_width(g, xi, 0) / (2.197 * c.interface_width) - 1));
      });
      const auto xi = m.xi().download_interior();
      const double width = profile_width(g, xi, 0);
      const double advance = m.metal_thickness() - front0;
      std::printf(
          "  w/dx %.0f, %4.1f mA/cm^2: advance %.2f w in %d steps, 10-90 %% width %.4f w "
          "(t = 0: %.4f w; 2.197 w), largest deviation %.2f %%, xi in [%.2e, 1 %+.2e]\n",
          w_over_dx, i_app / 10, advance / c.interface_width, steps, width / c.interface_width,
          width0 / c.interface_width, 100 * worst, lo, hi - 1);
      EXPECT_GE(advance, 4.99 * c.interface_width);
      EXPECT_LT(worst, 0.10);
      EXPECT_GE(lo, -0.01);
      EXPECT_LE(hi, 1.01);
    }
  }
}

// ---- Protrusions survive; large steps give the same answer as small ones ----------------

struct BumpRun {
  int steps = 0;
  std::vector<double> v;  ///< V_cell at every output
  double mean0 = 0, mean1 = 0, tip0 = 0, tip1 = 0, flat0 = 0, flat1 = 0;
};

/// The shipped example's geometry (Na | 40 um NZSP | Na, 20 um wide, dx 0.5 um, w 1.5 um)
/// with a 3 um bump, plated for 30 min at i_app; dt_max bounds the adaptive step.
BumpRun plate_bump(double i_app, double dt_max) {
  const CellSpec c = nzsp_cell(40.0, 20.0, 0.5, 1.5);
  const Grid g = cell_grid(c);
  ElectrodepositionParams p = cell_params(c);
  p.control.dt_max = dt_max;
  Electrodeposition m(g, p);
  m.xi().upload_interior(anode_with_bump(c, g, 10e-6, 3e-6));
  m.equilibrate_profile();
  const CellControl ctl{ControlMode::galvanostatic, 0.0, i_app};
  m.solve_potentials(ctl);
  BumpRun r;
  auto measure = [&](double& mean, double& tip, double& flat) {
    const auto xi = m.xi().download_interior();
    mean = m.metal_thickness();
    tip = metal_extent(g, xi).tip;
    flat = crossing(g, xi, 0, 0.5);  // row y = 0.25 um, far from the bump at y = 10 um
  };
  measure(r.mean0, r.tip0, r.flat0);
  run_for(m, ctl, 1800.0, 180.0, [&](double) {
    r.steps += m.last_substeps();
    r.v.push_back(m.v_cell());
  });
  measure(r.mean1, r.tip1, r.flat1);
  return r;
}

TEST(GibbsThomson, ABumpOnTheAnodeOutgrowsTheFlatFrontAtHalfAMilliamp) {
  // Capillarity at its physical size (25 uV for this bump) no longer dissolves it: current
  // focusing makes its tip advance faster than the flat front. The lead over the *mean*
  // thickness also counts the bump's extra surface, which takes its share of the current
  // (docs/model.md, section 8): it stays within a few per cent of its start.
  const BumpRun r = plate_bump(5.0, 1e30);
  const double lead0 = r.tip0 - r.mean0, lead1 = r.tip1 - r.mean1;
  const double tip_adv = r.tip1 - r.tip0, flat_adv = r.flat1 - r.flat0;
  std::printf(
      "  30 min at 0.5 mA/cm^2 (%d steps): tip +%.4f um, flat front +%.4f um (x %.3f), "
      "mean +%.4f um; tip - mean %.4f -> %.4f um, tip - flat %.4f -> %.4f um\n",
      r.steps, tip_adv * 1e6, flat_adv * 1e6, tip_adv / flat_adv, (r.mean1 - r.mean0) * 1e6,
      lead0 * 1e6, lead1 * 1e6, (r.tip0 - r.flat0) * 1e6, (r.tip1 - r.flat1) * 1e6);
  EXPECT_GT(tip_adv, 1.05 * flat_adv) << "current focusing must beat capillarity at the tip";
  EXPECT_GT(lead1, 0.95 * lead0);
  EXPECT_GT(lead0, 2.2e-6);
}

TEST(GibbsThomson, ThirtyMinuteHoldInFewStepsMatchesTenTimesSmallerSteps) {
  for (double i_app : {5.0, 50.0}) {
    const BumpRun big = plate_bump(i_app, 1e30);
    const double mean_dt = 1800.0 / big.steps;
    const BumpRun small = plate_bump(i_app, 0.1 * mean_dt);
    double dv = 0.0;
    for (std::size_t k = 0; k < big.v.size(); ++k)
      dv = std::max(dv, std::abs(big.v[k] / small.v[k] - 1.0));
    const double mean_err = std::abs((big.mean1 - big.mean0) / (small.mean1 - small.mean0) - 1.0);
    const double tip_err = std::abs((big.tip1 - big.tip0) / (small.tip1 - small.tip0) - 1.0);
    std::printf(
        "  %.1f mA/cm^2, 30 min: %d adaptive steps vs %d; V(t) within %.3f %%, mean "
        "advance %.3f %%, tip advance %.3f %%\n",
        i_app / 10, big.steps, small.steps, 100 * dv, 100 * mean_err, 100 * tip_err);
    EXPECT_LE(big.steps, 500);
    EXPECT_GE(small.steps, 9 * big.steps);
    EXPECT_LT(dv, 0.01);
    EXPECT_LT(mean_err, 0.01);
    EXPECT_LT(tip_err, 0.01);
  }
}

// ---- Noise whose variance does not depend on the step ------------------------------------

/// Per-column front positions (metal thickness of each grid column) after `t_end` of
/// potentiostatic plating (-2 mV) with Langevin noise, in steps of dt (fixed), minus their
/// mean over the columns.
std::vector<double> noisy_front(std::uint64_t seed, double dt, double t_end) {
  CellSpec c = nzsp_cell(4.0, 8.0, 0.25, 1.0);
  const Grid g = cell_grid(c);
  ElectrodepositionParams p = cell_params(c);
  p.noise_amplitude = 0.02;  // 1/s at steps of 1 s
  p.noise_reference_dt = 1.0;
  p.noise_seed = seed;
  Electrodeposition m(g, p);
  m.xi().upload_interior(flat_anode(c, g));
  const CellControl ctl{ControlMode::potentiostatic, -2e-3, 0.0};
  m.solve_potentials(ctl);
  const int steps = int(std::lround(t_end / dt));
  for (int s = 0; s < steps; ++s) m.step(dt, ctl);
  const auto xi = m.xi().download_interior();
  std::vector<double> x(std::size_t(g.n[1]));
  double mean = 0.0;
  for (int j = 0; j < g.n[1]; ++j) {
    double column = 0.0;  // metal thickness of the column
    for (int i = 0; i < g.n[0]; ++i) column += double(xi[std::size_t(i + g.n[0] * j)]) * g.dx[0];
    mean += (x[std::size_t(j)] = column);
  }
  mean /= g.n[1];
  for (double& v : x) v -= mean;
  return x;
}

TEST(GibbsThomson, NoiseVarianceOfTheFrontDoesNotDependOnTheStep) {
  // 48 seeds x 32 columns at dt = 1 s and at dt = 0.25 s: the Langevin term is scaled by
  // sqrt(dt_ref / dt), so the front's roughness after 20 s is the same. (With these seeds
  // the ratio of the variances at dt = 2 s and 0.5 s is 1.13, at 4 s and 1 s 1.07: the
  // estimate itself scatters by several per cent, since neighbouring columns correlate.)
  auto variance = [&](double dt, std::uint64_t first) {
    double s2 = 0.0;
    int n = 0;
    for (std::uint64_t seed = first; seed < first + 48; ++seed)
      for (double v : noisy_front(seed, dt, 20.0)) s2 += v * v, ++n;
    return s2 / n;
  };
  const double coarse = variance(1.0, 1), fine = variance(0.25, 1);

  std::printf(
      "  front roughness after 20 s: rms %.4f nm at dt = 1 s, %.4f nm at dt = 0.25 s "
      "(variance ratio %.3f)\n",
      std::sqrt(coarse) * 1e9, std::sqrt(fine) * 1e9, coarse / fine);
  EXPECT_NEAR(coarse / fine, 1.0, 0.15);
  EXPECT_GT(std::sqrt(fine), 1e-9) << "the noise must roughen the front measurably";
  // The same seed draws the same numbers on a repeated run and on one thread.
  const auto a = noisy_front(7, 1.0, 20.0), b = noisy_front(7, 1.0, 20.0);
  EXPECT_EQ(a, b);
#ifdef _OPENMP
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = noisy_front(7, 1.0, 20.0);
  omp_set_num_threads(threads);
  EXPECT_EQ(a, one);
#endif
}

}  // namespace
}  // namespace dnd
