// Verification of the Allen-Cahn model: Laplacian and full-equation convergence by
// manufactured solution (PFHub benchmark 7 style), curvature-driven shrinkage against the
// sharp-interface law, energy decay, and the stability limit of eq. (3).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "dendrite/models/allen_cahn.hpp"
#include "test_support.hpp"

namespace dnd {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(AllenCahnOperator, LaplacianConvergesAtSecondOrder) {
  for (int dim : {2, 3}) {
    std::vector<double> errs;
    for (int n : {16, 32, 64}) {
      const Grid g = make_grid(dim, {n, n, n}, 1.0 / n);
      // W = 0, kappa = L = 1: the rate is the Laplacian itself.
      AllenCahn m(g, BoundarySet::all(BoundaryCondition::periodic()), {1.0, 1.0, 0.0});
      auto u = [dim](const double* x) {
        return std::sin(2 * kPi * x[0]) * std::cos(4 * kPi * x[1]) *
               (dim == 3 ? std::cos(2 * kPi * x[2]) : 1.0);
      };
      const double k2 = (4 + 16 + (dim == 3 ? 4 : 0)) * kPi * kPi;
      test::fill(m.xi(), u);
      Field<real> lap(g);
      m.evaluate_rate(lap);
      errs.push_back(test::l2_error(lap, [&](const double* x) { return -k2 * u(x); }) / k2);
    }
    for (std::size_t i = 1; i < errs.size(); ++i) {
      const double order = std::log2(errs[i - 1] / errs[i]);
      std::printf("  %dD Laplacian: relative error %.3e -> %.3e, order %.3f\n", dim, errs[i - 1],
                  errs[i], order);
      EXPECT_GE(order, 1.9);
    }
  }
}

/// Manufactured travelling front: xi = (1 - tanh((s - alpha(x, y, t)) / sqrt(2 kappa))) / 2
/// with s the last axis (PFHub benchmark 7 in 2D; its 3D extension here).
struct Front {
  int dim;
  double kappa, A1, B1, A2, B2, C2, s0;
  struct Alpha {
    double v, t, x, y, xx, yy;
  };
  Alpha alpha(const double* x, double t) const {
    Alpha a{};
    if (dim == 2) {
      const double p = B2 * x[0] + C2 * t;
      a.v = s0 + A1 * t * std::sin(B1 * x[0]) + A2 * std::sin(p);
      a.t = A1 * std::sin(B1 * x[0]) + A2 * C2 * std::cos(p);
      a.x = A1 * t * B1 * std::cos(B1 * x[0]) + A2 * B2 * std::cos(p);
      a.xx = -A1 * t * B1 * B1 * std::sin(B1 * x[0]) - A2 * B2 * B2 * std::sin(p);
    } else {
      const double p = B2 * x[1] + C2 * t;
      a.v = s0 + A1 * t * std::sin(B1 * x[0]) + A2 * std::sin(p);
      a.t = A1 * std::sin(B1 * x[0]) + A2 * C2 * std::cos(p);
      a.x = A1 * t * B1 * std::cos(B1 * x[0]);
      a.y = A2 * B2 * std::cos(p);
      a.xx = -A1 * t * B1 * B1 * std::sin(B1 * x[0]);
      a.yy = -A2 * B2 * B2 * std::sin(p);
    }
    return a;
  }
  double exact(const double* x, double t) const {
    const double u = (x[dim - 1] - alpha(x, t).v) / std::sqrt(2 * kappa);
    return 0.5 * (1 - std::tanh(u));
  }
  /// S = d xi/dt + L [W g'(xi) - kappa lap xi] with L = W = 1.
  double source(const double* x, double t) const {
    const Alpha a = alpha(x, t);
    const double r = std::sqrt(2 * kappa);
    const double u = (x[dim - 1] - a.v) / r;
    const double th = std::tanh(u), sech2 = 1 - th * th;
    const double xi = 0.5 * (1 - th), xi_u = -0.5 * sech2, xi_uu = sech2 * th;
    const double dxi_dt = -xi_u * a.t / r;
    const double grad2 = (1 + a.x * a.x + a.y * a.y) / (r * r);
    const double lap = xi_uu * grad2 - xi_u * (a.xx + a.yy) / r;
    return dxi_dt + allen_cahn::double_well_derivative(xi) - kappa * lap;
  }
};

double front_error(const Front& fr, int n, double t_end) {
  std::array<int, 3> cells =
      fr.dim == 2 ? std::array<int, 3>{n, n / 2, 1} : std::array<int, 3>{n, n, n};
  const Grid g = make_grid(fr.dim, cells, 1.0 / n);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[fr.dim - 1][0] = BoundaryCondition::dirichlet(1.0);  // far behind the front
  bcs.side[fr.dim - 1][1] = BoundaryCondition::dirichlet(0.0);  // far ahead of it
  const allen_cahn::Params p{1.0, fr.kappa, 1.0};
  AllenCahn m(g, bcs, p);
  test::fill(m.xi(), [&](const double* x) { return fr.exact(x, 0.0); });
  Field<real> src(g);
  const double dt_max = 0.25 * AllenCahn::stable_dt(g, p);
  const int steps = int(std::ceil(t_end / dt_max));
  const double dt = t_end / steps;
  double t = 0;
  for (int s = 0; s < steps; ++s) {
    test::fill(src, [&](const double* x) { return fr.source(x, t); });
    m.step(dt, &src);
    t += dt;
  }
  return test::l2_error(m.xi(), [&](const double* x) { return fr.exact(x, t_end); });
}

void expect_front_convergence(const Front& fr, std::vector<int> sizes, double t_end) {
  std::vector<double> errs;
  for (int n : sizes) {
    errs.push_back(front_error(fr, n, t_end));
    std::printf("  %dD front n = %d: L2 error %.3e\n", fr.dim, n, errs.back());
  }
  for (std::size_t i = 1; i < errs.size(); ++i) {
    const double order = std::log2(errs[i - 1] / errs[i]);
    std::printf("  observed order %.3f\n", order);
    if (i + 1 == errs.size()) {
      EXPECT_GE(order, 1.9);
    }
  }
}

TEST(AllenCahnMms, PFHubBenchmark7Front2D) {
  // kappa, A1, B1, A2, B2, C2 of PFHub benchmark 7; domain [0,1] x [0,0.5].
  const Front fr{2, 0.0004, 0.0075, 8 * kPi, 0.03, 22 * kPi, 0.0625 * kPi, 0.25};
  expect_front_convergence(fr, {64, 128, 256}, 1.0);
}

TEST(AllenCahnMms, TravellingFront3D) {
  const Front fr{3, 0.001, 0.02, 4 * kPi, 0.03, 6 * kPi, 0.5 * kPi, 0.5};
  expect_front_convergence(fr, {32, 64, 128}, 0.1);
}

/// Sharp-interface limit: a disc shrinks as d(R^2)/dt = -2 L kappa (2D), a sphere as
/// d(R^2)/dt = -4 L kappa (3D).
void expect_shrinkage(int dim, int n, double r0, double r1) {
  const double w = 3.0, kappa = 1.0, L = 1.0;
  const allen_cahn::Params p{L, kappa, 2 * kappa / (w * w)};
  const Grid g = make_grid(dim, {n, n, n}, 1.0);
  AllenCahn m(g, BoundarySet::all(BoundaryCondition::neumann()), p);
  const double c = n / 2.0;
  test::fill(m.xi(), [&](const double* x) {
    double r2 = 0;
    for (int d = 0; d < dim; ++d) r2 += (x[d] - c) * (x[d] - c);
    return 0.5 * (1 - std::tanh((std::sqrt(r2) - r0) / w));
  });
  auto radius = [&]() {
    const double v = m.integral();
    return dim == 2 ? std::sqrt(v / kPi) : std::cbrt(3 * v / (4 * kPi));
  };
  const double rate = (dim == 2 ? 2.0 : 4.0) * L * kappa;
  const double dt = 0.5 * AllenCahn::stable_dt(g, p);
  // Relax the profile first, then measure the slope of R^2 between two times.
  double t = 0;
  while (t < 5.0) m.step(dt), t += dt;
  const double ra = radius(), ta = t;
  while (radius() > r1) m.step(dt), t += dt;
  const double rb = radius();
  const double measured = (ra * ra - rb * rb) / (t - ta);
  std::printf("  %dD: d(R^2)/dt measured %.4f, sharp-interface %.4f\n", dim, -measured, -rate);
  EXPECT_NEAR(measured / rate, 1.0, 0.03);
}

TEST(AllenCahnPhysics, DiscShrinksByCurvature2D) {
  expect_shrinkage(2, 128, 40.0, 25.0);
}
TEST(AllenCahnPhysics, SphereShrinksByCurvature3D) {
  expect_shrinkage(3, 64, 22.0, 15.0);
}

TEST(AllenCahnPhysics, FreeEnergyNeverIncreases) {
  const Grid g = make_grid(2, {64, 64, 1}, 1.0);
  const allen_cahn::Params p{1.0, 1.0, 1.0};
  AllenCahn m(g, BoundarySet::all(BoundaryCondition::periodic()), p);
  std::vector<real> init(g.cells());
  unsigned s = 12345;
  for (auto& v : init) {
    s = s * 1103515245u + 12345u;
    v = real(0.5 + 0.3 * ((s >> 16) % 1000 / 500.0 - 1.0));
  }
  m.xi().upload_interior(init);
  const double dt = 0.5 * AllenCahn::stable_dt(g, p);
  double e = m.free_energy();
  const double e0 = e;
  for (int step = 0; step < 400; ++step) {
    m.step(dt);
    const double en = m.free_energy();
    ASSERT_LE(en, e * (1 + 1e-14)) << "step " << step;
    e = en;
  }
  EXPECT_LT(e, 0.5 * e0);  // it did evolve
}

TEST(AllenCahnStability, LimitOfEquation3IsSharp) {
  // A checkerboard perturbation of xi = 0 is the fastest mode: forward Euler amplifies it
  // by |1 - dt L (2 W + 4 kappa sum 1/dx^2)|, which crosses 1 exactly at the limit.
  const Grid g = make_grid(2, {32, 32, 1}, 0.5);
  const allen_cahn::Params p{1.5, 0.7, 2.0};
  const double limit = AllenCahn::stable_dt(g, p);
  for (double factor : {0.98, 1.02}) {
    AllenCahn m(g, BoundarySet::all(BoundaryCondition::periodic()), p);
    std::vector<real> init(g.cells());
    for (int j = 0; j < 32; ++j)
      for (int i = 0; i < 32; ++i) init[i + 32 * j] = real(1e-8 * (((i + j) % 2) ? 1 : -1));
    m.xi().upload_interior(init);
    for (int s = 0; s < 200; ++s) m.step(factor * limit);
    const double amp = std::max(std::abs(m.max_value()), std::abs(m.min_value())) / 1e-8;
    std::printf("  dt = %.2f x limit: amplitude x %.3g after 200 steps\n", factor, amp);
    if (factor < 1)
      EXPECT_LT(amp, 1.0);
    else
      EXPECT_GT(amp, 100.0);
  }
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

/// Width of a relaxed planar front from w = 2 integral xi (1 - xi) dx (exact for the tanh
/// profile).
double relaxed_front_width(double delta) {
  const int n = 160;
  const Grid g = make_grid(2, {n, 4, 1}, 0.125);
  const allen_cahn::Params p{1.0, 1.0, 2.0, delta};  // w0 = sqrt(2 kappa / W) = 1 = 8 dx
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[0][0] = BoundaryCondition::neumann();
  bcs.side[0][1] = BoundaryCondition::neumann();
  AllenCahn m(g, bcs, p);
  test::fill(m.xi(), [&](const double* x) { return 0.5 * (1 - std::tanh((x[0] - 10.0) / 0.7)); });
  const double dt = 0.4 * AllenCahn::stable_dt(g, p);
  for (int s = 0; s < 4000; ++s) m.step(dt);
  const auto xi = m.xi().download_interior();
  double integral = 0;
  for (int i = 0; i < n; ++i) integral += double(xi[i]) * (1 - double(xi[i])) * g.dx[0];
  return 2 * integral;
}

TEST(AllenCahnAnisotropy, PlanarFrontWidthFollowsKappaOfItsNormal) {
  // A front normal to x has n = (1, 0): kappa(n) = kappa0 (1 + delta), eq. (5), so its
  // equilibrium width is w0 sqrt(1 + delta).
  const double w0 = relaxed_front_width(0.0);
  EXPECT_NEAR(w0, 1.0, 0.002);
  for (double delta : {0.05, -0.05}) {
    const double w = relaxed_front_width(delta);
    std::printf("  delta = %+.2f: width %.5f, expected %.5f\n", delta, w,
                w0 * std::sqrt(1 + delta));
    EXPECT_NEAR(w / (w0 * std::sqrt(1 + delta)), 1.0, 0.002);
  }
}

TEST(AllenCahnAnisotropy, FourFoldSymmetryAndEnergyDecay) {
  const int n = 64;
  const Grid g = make_grid(2, {n, n, 1}, 1.0);
  const allen_cahn::Params p{1.0, 1.0, 0.5, 0.05};
  AllenCahn m(g, BoundarySet::all(BoundaryCondition::periodic()), p);
  test::fill(m.xi(), [&](const double* x) {
    const double r = std::hypot(x[0] - n / 2.0, x[1] - n / 2.0);
    return 0.5 * (1 - std::tanh((r - 20.0) / 2.0));
  });
  const double dt = 0.4 * AllenCahn::stable_dt(g, p);
  double e = m.free_energy();
  for (int s = 0; s < 600; ++s) {
    m.step(dt);
    const double en = m.free_energy();
    ASSERT_LE(en, e * (1 + 1e-12)) << "step " << s;
    e = en;
  }
  const auto xi = m.xi().download_interior();
  double asym = 0, change = 0;
  AllenCahn iso(g, BoundarySet::all(BoundaryCondition::periodic()), {1.0, 1.0, 0.5, 0.0});
  test::fill(iso.xi(), [&](const double* x) {
    const double r = std::hypot(x[0] - n / 2.0, x[1] - n / 2.0);
    return 0.5 * (1 - std::tanh((r - 20.0) / 2.0));
  });
  for (int s = 0; s < 600; ++s) iso.step(dt);
  const auto xiso = iso.xi().download_interior();
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      // The grid centre is at n/2, between cells n/2-1 and n/2: mirror is n-1-i.
      asym = std::max(asym, std::abs(double(xi[i + n * j]) - double(xi[j + n * i])));
      asym = std::max(asym, std::abs(double(xi[i + n * j]) - double(xi[(n - 1 - i) + n * j])));
      change = std::max(change, std::abs(double(xi[i + n * j]) - double(xiso[i + n * j])));
    }
  std::printf("  four-fold: max asymmetry %.2e, max difference from isotropic %.3f\n", asym,
              change);
  EXPECT_LT(asym, 1e-10);
  EXPECT_GT(change, 1e-3);  // the anisotropy acts
}

}  // namespace
}  // namespace dnd
