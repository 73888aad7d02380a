// Verification of the elliptic solver: manufactured solutions with every side type,
// grid-independent iteration counts, and 1e13 coefficient contrasts on hard geometries.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

#include "dendrite/solver/elliptic.hpp"
#include "test_support.hpp"

namespace dnd {
namespace {

constexpr double kPi = 3.14159265358979323846;

/// Manufactured solution with one non-periodic axis `s` (the side type under test) and the
/// other axes periodic. phi = L(s) + sin^2(pi s) T(t): the sin^2 factor has zero value and
/// slope at s = 0 and 1, so every side type holds with constant data from L(s) alone.
struct Manufactured {
  int dim;
  int axis;  // the non-periodic axis

  double Ls(double s) const { return 1.0 + 0.5 * s + 0.3 * s * s; }
  double dLs(double s) const { return 0.5 + 0.6 * s; }

  void coords(const double* x, double& s, double& t1, double& t2) const {
    s = x[axis];
    const int a1 = (axis + 1) % dim;
    t1 = x[a1];
    t2 = dim == 3 ? x[(axis + 2) % 3] : 0.0;
  }
  double T2(double t2) const { return dim == 3 ? std::cos(2 * kPi * t2) : 1.0; }

  double phi(const double* x) const {
    double s, t1, t2;
    coords(x, s, t1, t2);
    const double X = std::pow(std::sin(kPi * s), 2);
    return Ls(s) + X * std::cos(2 * kPi * t1 + 0.3) * T2(t2);
  }
  double b(const double* x) const {
    double s, t1, t2;
    coords(x, s, t1, t2);
    return 1.0 + 0.5 * std::cos(kPi * s) * std::sin(2 * kPi * t1 + 0.1);
  }
  double a(const double* x) const {
    double s, t1, t2;
    coords(x, s, t1, t2);
    return 2.0 + std::sin(2 * kPi * t1);
  }
  /// f = alpha a phi - div(b grad phi), derived by hand term by term.
  double f(const double* x, double alpha) const {
    double s, t1, t2;
    coords(x, s, t1, t2);
    const double X = std::pow(std::sin(kPi * s), 2), dX = kPi * std::sin(2 * kPi * s),
                 d2X = 2 * kPi * kPi * std::cos(2 * kPi * s);
    const double T1 = std::cos(2 * kPi * t1 + 0.3), dT1 = -2 * kPi * std::sin(2 * kPi * t1 + 0.3),
                 d2T1 = -4 * kPi * kPi * T1;
    const double t2v = T2(t2), d2T2 = dim == 3 ? -4 * kPi * kPi * t2v : 0.0;
    const double phis = dLs(s) + dX * T1 * t2v, phiss = 0.6 + d2X * T1 * t2v;
    const double phit1 = X * dT1 * t2v, phit1t1 = X * d2T1 * t2v, phit2t2 = X * T1 * d2T2;
    const double bv = b(x);
    const double bs = -0.5 * kPi * std::sin(kPi * s) * std::sin(2 * kPi * t1 + 0.1);
    const double bt1 = 0.5 * std::cos(kPi * s) * 2 * kPi * std::cos(2 * kPi * t1 + 0.1);
    const double div = bs * phis + bv * phiss + bt1 * phit1 + bv * (phit1t1 + phit2t2);
    return alpha * a(x) * phi(x) - div;
  }
  /// Constant side data for  A phi + B dphi/dn = C  with n outward.
  BoundaryCondition side(int kind, int which) const {
    const double s = which == 0 ? 0.0 : 1.0, sign = which == 0 ? -1.0 : 1.0;
    const double value = Ls(s), outward = sign * dLs(s);
    if (kind == 0) return BoundaryCondition::dirichlet(value);
    if (kind == 1) return BoundaryCondition::neumann(outward);
    const double A = 1.0, B = 0.25;
    return BoundaryCondition::robin(A, B, A * value + B * outward);
  }
};

struct MmsResult {
  double error_l2;
  int iterations;
};

MmsResult solve_mms(const Manufactured& m, int n, int kind, double alpha) {
  std::array<int, 3> cells{n, n, n};
  Grid g = make_grid(m.dim, cells, 1.0 / n);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[m.axis][0] = m.side(kind, 0);
  bcs.side[m.axis][1] = m.side(kind, 1);
  Field<double> a(g), b(g), f(g), phi(g);
  test::fill(a, [&](const double* x) { return m.a(x); });
  test::fill(b, [&](const double* x) { return m.b(x); });
  test::fill(f, [&](const double* x) { return m.f(x, alpha); });
  EllipticSolver solver(g, bcs);
  solver.set_coefficients(alpha, a, b);
  const auto r = solver.solve(phi, f);
  EXPECT_TRUE(r.converged) << "relative residual " << r.relative_residual;
  const double err = test::l2_error(phi, [&](const double* x) { return m.phi(x); });
  return {err, r.iterations};
}

/// Observed orders between successive halvings of dx, each at least min_order.
void expect_orders_above(const std::vector<double>& errs, double min_order) {
  for (std::size_t i = 1; i < errs.size(); ++i) {
    const double order = std::log2(errs[i - 1] / errs[i]);
    std::printf("  observed order %.3f\n", order);
    EXPECT_GE(order, min_order);
  }
}

void expect_second_order(int dim, int axis, int kind, double alpha, std::vector<int> sizes) {
  const char* names[] = {"Dirichlet", "Neumann", "Robin"};
  Manufactured m{dim, axis};
  std::vector<double> errs;
  for (int n : sizes) {
    const MmsResult r = solve_mms(m, n, kind, alpha);
    errs.push_back(r.error_l2);
    std::printf("  %dD %-9s axis %d alpha %.1f  n = %4d  L2 error %.3e  CG iterations %d\n", dim,
                names[kind], axis, alpha, n, r.error_l2, r.iterations);
  }
  expect_orders_above(errs, 1.9);
}

TEST(EllipticMms, Dirichlet2D) {
  expect_second_order(2, 0, 0, 0.0, {32, 64, 128});
}
TEST(EllipticMms, Neumann2DWithAlpha) {
  expect_second_order(2, 1, 1, 3.0, {32, 64, 128});
}
TEST(EllipticMms, Robin2D) {
  expect_second_order(2, 0, 2, 0.0, {32, 64, 128});
}
TEST(EllipticMms, Robin2DWithAlpha) {
  expect_second_order(2, 1, 2, 5.0, {32, 64, 128});
}
TEST(EllipticMms, PeriodicAllSidesWithAlpha2D) {
  // Every side periodic (the manufactured solution above has one non-periodic axis):
  // (alpha - lap) phi = f with phi = cos(2 pi x) sin(2 pi y), definite since alpha > 0.
  std::vector<double> errs;
  for (int n : {32, 64, 128}) {
    Grid g = make_grid(2, {n, n, 1}, 1.0 / n);
    Field<double> f(g), phi(g);
    const double alpha = 2.0, k2 = 8 * kPi * kPi;
    test::fill(f, [&](const double* x) {
      return (alpha + k2) * std::cos(2 * kPi * x[0]) * std::sin(2 * kPi * x[1]);
    });
    EllipticSolver solver(g, BoundarySet::all(BoundaryCondition::periodic()));
    solver.set_coefficients(alpha, 1.0);
    const auto r = solver.solve(phi, f);
    EXPECT_TRUE(r.converged);
    errs.push_back(test::l2_error(
        phi, [&](const double* x) { return std::cos(2 * kPi * x[0]) * std::sin(2 * kPi * x[1]); }));
    std::printf("  2D periodic n = %d  L2 error %.3e  iterations %d\n", n, errs.back(),
                r.iterations);
  }
  expect_orders_above(errs, 1.9);
}
TEST(EllipticMms, Dirichlet3D) {
  expect_second_order(3, 2, 0, 0.0, {16, 32, 64});
}
TEST(EllipticMms, Neumann3DWithAlpha) {
  expect_second_order(3, 0, 1, 2.0, {16, 32, 64});
}
TEST(EllipticMms, Robin3DWithAlpha) {
  expect_second_order(3, 1, 2, 1.0, {16, 32, 64});
}

TEST(EllipticMultigrid, IterationsIndependentOfGridSize) {
  Manufactured m{2, 0};
  std::vector<int> its;
  for (int n : {64, 128, 256}) {
    its.push_back(solve_mms(m, n, 0, 0.0).iterations);
    std::printf("  n = %d: %d iterations to a relative residual of 1e-10\n", n, its.back());
  }
  for (int it : its) {
    EXPECT_LE(std::abs(it - its[0]), 2);
    EXPECT_LE(it, 30);
  }
}

/// Cell-wise conductivity and the Dirichlet-x / periodic-y cell used by contrast tests.
struct ContrastCase {
  int n;
  std::function<double(int, int)> b;  // by cell index
  double dv = 1.0;                    // phi(0) - phi(L)
};

struct ContrastOutcome {
  EllipticSolver::Result r;
  std::vector<double> phi;  // interior values
  double flux_out;          // through x = L
};

ContrastOutcome solve_contrast(const ContrastCase& c) {
  Grid g = make_grid(2, {c.n, c.n, 1}, 1.0 / c.n);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[0][0] = BoundaryCondition::dirichlet(c.dv);
  bcs.side[0][1] = BoundaryCondition::dirichlet(0.0);
  Field<double> a(g), b(g), f(g), phi(g);
  std::vector<double> bh(g.cells());
  for (int j = 0; j < c.n; ++j)
    for (int i = 0; i < c.n; ++i) bh[i + c.n * j] = c.b(i, j);
  b.upload_interior(bh);
  EllipticSolver solver(g, bcs);
  solver.set_coefficients(0.0, a, b);
  ContrastOutcome o;
  o.r = solver.solve(phi, f);
  o.phi = phi.download_interior();
  o.flux_out = solver.boundary_flux(phi, 0, 1);
  std::printf("  levels %d, iterations %d, relative residual %.2e\n", solver.levels(),
              o.r.iterations, o.r.relative_residual);
  return o;
}

TEST(EllipticContrast, HighConductivityChannelAlongCurrent) {
  const int n = 128, j0 = n / 2 + 1;  // odd row: the channel sits inside a coarse cell
  const double hi = 1e13;
  const auto o = solve_contrast({n, [&](int, int j) { return j == j0 ? hi : 1.0; }});
  ASSERT_TRUE(o.r.converged);
  // Parallel formula: every row carries b dV / L over its width; phi is linear in x.
  const double expected = (hi + (n - 1) * 1.0) / n;
  EXPECT_NEAR(o.flux_out / expected, 1.0, 1e-9);
  double worst = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      worst = std::max(worst, std::abs(o.phi[i + n * j] - (1.0 - (i + 0.5) / n)));
  EXPECT_LT(worst, 1e-9);
}

TEST(EllipticContrast, LowConductivityChannelAcrossCurrent) {
  const int n = 128, i0 = n / 2 + 1;
  for (double barrier : {1e-13, 1.0}) {
    const double matrix = barrier == 1.0 ? 1e13 : 1.0;
    const auto o = solve_contrast({n, [&](int i, int) { return i == i0 ? barrier : matrix; }});
    ASSERT_TRUE(o.r.converged) << "barrier " << barrier;
    // Series formula: resistance sum(dx / b) per unit width; phi falls with the resistance
    // accumulated from x = 0.
    const double dx = 1.0 / n;
    std::vector<double> res_to_centre(n);
    double acc = 0.0;
    for (int i = 0; i < n; ++i) {
      const double bi = i == i0 ? barrier : matrix;
      res_to_centre[i] = acc + 0.5 * dx / bi;
      acc += dx / bi;
    }
    const double current = 1.0 / acc;
    double worst = 0;
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i)
        worst = std::max(worst, std::abs(o.phi[i + n * j] - (1.0 - current * res_to_centre[i])));
    std::printf("  barrier %.0e in matrix %.0e: max |phi - series| = %.2e\n", barrier, matrix,
                worst);
    EXPECT_LT(worst, 1e-9);
  }
}

TEST(EllipticContrast, IsolatedHighConductivityIsland) {
  // A perfectly conducting disc (1e13) of area fraction f in a unit matrix: with Dirichlet
  // plates at the cell mid-planes and periodic sides this is one cell of a square array,
  // whose effective conductivity is Rayleigh's 1 + 2f / (1 - f - 0.305827 f^4).
  const int n = 128;
  const double frac = 0.05, radius = std::sqrt(frac / kPi) * n;  // in cells
  auto inside = [&](int i, int j) {
    const double x = i + 0.5 - n / 2.0, y = j + 0.5 - n / 2.0;
    return x * x + y * y < radius * radius;
  };
  const auto o = solve_contrast({n, [&](int i, int j) { return inside(i, j) ? 1e13 : 1.0; }});
  ASSERT_TRUE(o.r.converged);
  int count = 0;
  double lo = 1e300, hi = -1e300;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      if (inside(i, j)) {
        ++count;
        lo = std::min(lo, o.phi[i + n * j]);
        hi = std::max(hi, o.phi[i + n * j]);
      }
  EXPECT_LT(hi - lo, 1e-9) << "the island must be an equipotential";
  const double f_grid = double(count) / (n * n);
  const double rayleigh = 1.0 + 2 * f_grid / (1 - f_grid - 0.305827 * std::pow(f_grid, 4));
  std::printf("  island: effective conductivity %.6f, Rayleigh %.6f (f = %.4f)\n", o.flux_out,
              rayleigh, f_grid);
  // A staircase disc polarises like a slightly larger smooth one: 2 % of the excess.
  EXPECT_NEAR(o.flux_out - 1.0, rayleigh - 1.0, 0.02 * (rayleigh - 1.0));
}

TEST(EllipticContrast, ChannelsIn3D) {
  const int n = 32, j0 = n / 2 + 1;
  Grid g = make_grid(3, {n, n, n}, 1.0 / n);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[0][0] = BoundaryCondition::dirichlet(1.0);
  bcs.side[0][1] = BoundaryCondition::dirichlet(0.0);
  Field<double> a(g), b(g), f(g), phi(g);
  std::vector<double> bh(g.cells());
  // A high-b wire along x and a low-b sheet across it.
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i)
        bh[i + n * (j + n * k)] = (j == j0 && k == j0) ? 1e13 : (i == j0 ? 1e-13 : 1.0);
  b.upload_interior(bh);
  EllipticSolver solver(g, bcs);
  solver.set_coefficients(0.0, a, b);
  const auto r = solver.solve(phi, f);
  std::printf("  3D wire + sheet: iterations %d, relative residual %.2e\n", r.iterations,
              r.relative_residual);
  EXPECT_TRUE(r.converged);
}

TEST(EllipticUpdate, NewDiagonalOnKeptFacesEqualsAFullSetUpBitForBit) {
  // A Newton iteration changes alpha a and a Robin side, not b: update_diagonal keeps the
  // face weights, and must give exactly what a fresh set-up gives (2D periodic in y, 3D).
  for (int dim : {2, 3}) {
    const int n = dim == 2 ? 48 : 16;
    Grid g = make_grid(dim, {n, n, dim == 3 ? n : 1}, 1.0 / n);
    BoundarySet first = BoundarySet::all(BoundaryCondition::periodic());
    first.side[0][0] = BoundaryCondition::dirichlet(0.3);
    first.side[0][1] = BoundaryCondition::robin(2.0, 1.0, 0.5);
    BoundarySet second = first;
    second.side[0][1] = BoundaryCondition::robin(7.0, 1.0, -0.2);
    Field<double> a1(g), a2(g), b(g), f(g), phi_kept(g), phi_fresh(g);
    test::fill(a1, [](const double* x) { return 1.0 + x[0]; });
    test::fill(a2, [](const double* x) { return 3.0 + std::sin(5.0 * x[1]); });
    test::fill(b, [](const double* x) { return x[0] < 0.5 ? 1e6 : 1.0 + x[1]; });
    test::fill(f, [](const double* x) { return std::cos(3.0 * x[0] + x[1]); });

    EllipticSolver kept(g, first), fresh(g, first);
    kept.set_coefficients(2.0, a1, b, first);
    kept.update_diagonal(0.5, a2, second);
    fresh.set_coefficients(0.5, a2, b, second);
    const auto rk = kept.solve(phi_kept, f);
    const auto rf = fresh.solve(phi_fresh, f);
    ASSERT_TRUE(rk.converged && rf.converged);
    EXPECT_EQ(rk.iterations, rf.iterations);
    EXPECT_EQ(phi_kept.download_interior(), phi_fresh.download_interior()) << "dim " << dim;
    EXPECT_EQ(kept.boundary_flux(phi_kept, 0, 1), fresh.boundary_flux(phi_fresh, 0, 1));
    // The kept faces are really used: the first set-up's alpha a gives another answer.
    Field<double> phi_old(g);
    EllipticSolver old(g, first);
    old.set_coefficients(2.0, a1, b, first);
    old.solve(phi_old, f);
    EXPECT_NE(phi_old.download_interior(), phi_kept.download_interior());
  }
}

TEST(EllipticUpdate, RefusedBeforeASetUpAndForAnotherPeriodicity) {
  Grid g = make_grid(2, {16, 16, 1}, 1.0 / 16);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[0][0] = bcs.side[0][1] = BoundaryCondition::dirichlet(0.0);
  Field<double> a(g), b(g);
  test::fill(b, [](const double*) { return 1.0; });
  EllipticSolver solver(g, bcs);
  EXPECT_THROW(solver.update_diagonal(1.0, a), std::logic_error);
  solver.set_coefficients(1.0, a, b);
  BoundarySet closed = BoundarySet::all(BoundaryCondition::neumann());
  EXPECT_THROW(solver.update_diagonal(1.0, a, closed), std::invalid_argument);
}

}  // namespace
}  // namespace dnd
