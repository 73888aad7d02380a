// Tip and penetration depth (issue outputs): connected metal vs isolated nuclei, sub-cell
// position of the xi = 1/2 crossing.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "dendrite/models/metal_extent.hpp"

namespace dnd {
namespace {

Grid strip(int nx, int ny, double dx) {
  Grid g;
  g.dim = 2;
  g.n[0] = nx;
  g.n[1] = ny;
  for (double& d : g.dx) d = dx;
  return g;
}

/// 0.5 (1 - tanh((x - x0) / w)) along every row.
std::vector<real> flat_front(const Grid& g, double x0, double w) {
  std::vector<real> xi(g.cells());
  for (int j = 0; j < g.n[1]; ++j)
    for (int i = 0; i < g.n[0]; ++i)
      xi[std::size_t(i + g.n[0] * j)] = real(0.5 * (1.0 - std::tanh((g.centre(0, i) - x0) / w)));
  return xi;
}

TEST(MetalExtent, FlatFrontIsLocatedWithinAFewPercentOfACell) {
  const Grid g = strip(64, 4, 0.25);
  for (double x0 : {5.0, 5.03, 5.11, 5.2}) {
    const MetalExtent e = metal_extent(g, flat_front(g, x0, 1.0));
    EXPECT_NEAR(e.tip, x0, 0.02 * g.dx[0]) << x0;  // linear interpolation of a resolved tanh
    EXPECT_NEAR(e.deepest, x0, 0.02 * g.dx[0]) << x0;
  }
}

TEST(MetalExtent, IsolatedNucleusCountsAsDeepestNotAsTip) {
  const Grid g = strip(40, 10, 1.0);
  std::vector<real> xi = flat_front(g, 8.0, 0.5);
  // A nucleus at x in [20, 23], y in [3, 5], not touching the anode's metal.
  for (int j = 3; j < 6; ++j)
    for (int i = 20; i < 23; ++i) xi[std::size_t(i + g.n[0] * j)] = real(1.0);
  // A filament from the anode along row 8, out to x = 15.
  for (int i = 0; i < 15; ++i) xi[std::size_t(i + g.n[0] * 8)] = real(1.0);
  const MetalExtent e = metal_extent(g, xi);
  EXPECT_NEAR(e.tip, 15.0, 1e-12);      // the filament's last metal cell ends at its face
  EXPECT_NEAR(e.deepest, 23.0, 1e-12);  // the nucleus, found though not connected
  EXPECT_EQ(e.clusters, 2);             // the anode with its filament, and the nucleus
  // A second nucleus across the periodic side (rows 9 and 0 touch): still one more piece.
  xi[std::size_t(30 + g.n[0] * 9)] = real(1.0);
  xi[std::size_t(30 + g.n[0] * 0)] = real(1.0);
  EXPECT_EQ(metal_extent(g, xi).clusters, 3);
}

TEST(MetalExtent, NoMetalAtTheAnodeMeansNoTip) {
  const Grid g = strip(16, 4, 1.0);
  std::vector<real> xi(g.cells(), real(0));
  xi[std::size_t(9 + 16 * 2)] = real(1);
  const MetalExtent e = metal_extent(g, xi);
  EXPECT_EQ(e.tip, 0.0);
  EXPECT_NEAR(e.deepest, 10.0, 1e-12);
}

// The run-ending check: a filament from the electrode within reach of x = Lx is a short; an
// isolated nucleus there is not (a later nucleation model can make one); nothing there is
// nothing.
TEST(MetalExtent, ShortCircuitNeedsConnectedMetalAtTheCounterElectrode) {
  const Grid g = strip(40, 10, 1.0);
  Field<real> field(g);
  auto verdict = [&](const std::vector<real>& xi) {
    field.upload_interior(xi);
    return short_circuit(g, field, 1.0);
  };
  std::vector<real> xi = flat_front(g, 8.0, 0.5);
  EXPECT_EQ(verdict(xi), "");
  std::vector<real> nucleus = xi;
  for (int i = 37; i < 40; ++i) nucleus[std::size_t(i + g.n[0] * 5)] = real(1.0);
  EXPECT_EQ(verdict(nucleus), "");
  EXPECT_GT(max_at_or_beyond(g, field, 39.0), 0.5);  // the nucleus is seen, then dismissed
  for (int i = 0; i < 40; ++i) xi[std::size_t(i + g.n[0] * 2)] = real(1.0);
  const std::string reason = verdict(xi);
  EXPECT_NE(reason.find("short circuit: metal from the electrode reached x = 40"),
            std::string::npos)
      << reason;
}

}  // namespace
}  // namespace dnd
