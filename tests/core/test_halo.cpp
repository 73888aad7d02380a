// Halo fill for every boundary type in 2D and 3D: ghost values satisfy the side condition
// at the face (second order), periodic ghosts copy the opposite interior, corners included.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "dendrite/core/halo.hpp"

namespace dnd {
namespace {

/// Host copy of a field with ghosts, indexable by interior indices.
struct HostField {
  std::vector<double> data;
  Layout lay;
  double operator()(int i, int j, int k) const {
    return data[lay.offset() + i + std::int64_t(lay.ext[0]) * (j + std::int64_t(lay.ext[1]) * k)];
  }
};

HostField filled_and_haloed(const Grid& g, const BoundarySet& bcs) {
  Field<double> f(g);
  std::vector<double> h(g.cells());
  std::size_t m = 0;
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i) h[m++] = 1.0 + 2.0 * i + 3.0 * j * j + 5.0 * k + 0.1 * i * j;
  f.upload_interior(h);
  Halo halo(g);
  halo.fill(f, bcs);
  HostField out;
  f.download_all(out.data);
  out.lay = f.layout();
  return out;
}

class HaloTest : public ::testing::TestWithParam<int> {};

TEST_P(HaloTest, PeriodicCopiesOppositeSideIncludingCorners) {
  const int dim = GetParam();
  const Grid g = make_grid(dim, {6, 5, 4}, 0.5);
  const HostField f = filled_and_haloed(g, BoundarySet::all(BoundaryCondition::periodic()));
  auto wrap = [&](int v, int n) { return (v + n) % n; };
  const int kl = dim == 3 ? -1 : 0, kh = dim == 3 ? g.n[2] + 1 : 1;
  for (int k = kl; k < kh; ++k)
    for (int j = -1; j <= g.n[1]; ++j)
      for (int i = -1; i <= g.n[0]; ++i)
        EXPECT_EQ(f(i, j, k), f(wrap(i, g.n[0]), wrap(j, g.n[1]), wrap(k, g.n[2])))
            << i << "," << j << "," << k;
}

TEST_P(HaloTest, RobinFamilyHoldsAtEveryFace) {
  const int dim = GetParam();
  const Grid g = make_grid(dim, {6, 5, 4}, 0.5);
  const BoundaryCondition kinds[] = {BoundaryCondition::dirichlet(2.5),
                                     BoundaryCondition::neumann(-1.25),
                                     BoundaryCondition::robin(2.0, 0.75, 3.0)};
  for (const BoundaryCondition& bc : kinds) {
    const HostField f = filled_and_haloed(g, BoundarySet::all(bc));
    for (int axis = 0; axis < dim; ++axis)
      for (int side = 0; side < 2; ++side)
        for (int k = 0; k < g.n[2]; ++k)
          for (int j = 0; j < g.n[1]; ++j)
            for (int i = 0; i < g.n[0]; ++i) {
              int idx[3] = {i, j, k};
              if (idx[axis] != (side == 0 ? 0 : g.n[axis] - 1)) continue;
              const double inner = f(i, j, k);
              idx[axis] += side == 0 ? -1 : 1;
              const double ghost = f(idx[0], idx[1], idx[2]);
              const double face = 0.5 * (ghost + inner);
              const double outward_grad = (ghost - inner) / g.dx[axis];
              EXPECT_NEAR(bc.a * face + bc.b * outward_grad, bc.c, 1e-12)
                  << bc.describe() << " axis " << axis << " side " << side;
            }
  }
}

TEST_P(HaloTest, MixedSidesAndPackExchangeUnpack) {
  const int dim = GetParam();
  const Grid g = make_grid(dim, {8, 6, 5}, 1.0);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[1][0] = BoundaryCondition::dirichlet(0.0);
  bcs.side[1][1] = BoundaryCondition::neumann(0.0);
  const HostField f = filled_and_haloed(g, bcs);
  // x periodic: ghost layer equals the opposite interior layer (this went through the
  // pack / exchange / unpack path).
  for (int j = 0; j < g.n[1]; ++j) {
    EXPECT_EQ(f(-1, j, 0), f(g.n[0] - 1, j, 0));
    EXPECT_EQ(f(g.n[0], j, 0), f(0, j, 0));
  }
  // y: Dirichlet 0 at the low face, zero gradient at the high face; corners consistent.
  for (int i = -1; i <= g.n[0]; ++i) {
    EXPECT_NEAR(f(i, -1, 0) + f(i, 0, 0), 0.0, 1e-12);
    EXPECT_EQ(f(i, g.n[1], 0), f(i, g.n[1] - 1, 0));
  }
}

INSTANTIATE_TEST_SUITE_P(Dims, HaloTest, ::testing::Values(2, 3),
                         [](const auto& info) { return std::to_string(info.param) + "D"; });

}  // namespace
}  // namespace dnd
