// Tip and penetration depth of the metal phase (host code; outputs only).
#include "dendrite/models/metal_extent.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>

#include "dendrite/core/parallel.hpp"

namespace dnd {

namespace {

constexpr real kHalf = real(0.5);

/// Where xi falls through 1/2 past cell i of a row (the far wall if the row ends in metal).
double edge_position(const Grid& g, const std::vector<real>& xi, std::size_t m, int i) {
  if (i + 1 >= g.n[0]) return g.origin[0] + g.length(0);
  const double a = double(xi[m]), b = double(xi[m + 1]);
  const double s = b < 0.5 ? (a - 0.5) / (a - b) : 1.0;
  return g.centre(0, i) + s * g.dx[0];
}

}  // namespace

namespace {

/// Breadth-first flood of metal (xi > 1/2) from the cells in `queue`, face-connected,
/// periodic across the lateral sides; `visit` sees each cell reached.
template <class Visit>
void flood(const Grid& g, const std::vector<real>& xi, std::vector<char>& seen,
           std::deque<std::size_t>& queue, Visit visit) {
  const int nx = g.n[0], ny = g.n[1], nz = g.n[2];
  while (!queue.empty()) {
    const std::size_t c = queue.front();
    queue.pop_front();
    const int i = int(c % nx), j = int((c / nx) % ny), k = int(c / (std::size_t(nx) * ny));
    visit(c, i);
    const int nb[6][3] = {{i - 1, j, k}, {i + 1, j, k}, {i, j - 1, k},
                          {i, j + 1, k}, {i, j, k - 1}, {i, j, k + 1}};
    for (const auto& n : nb) {
      if (n[0] < 0 || n[0] >= nx) continue;
      const std::size_t m =
          std::size_t(n[0]) +
          std::size_t(nx) * ((n[1] + ny) % ny + std::size_t(ny) * ((n[2] + nz) % nz));
      if (!seen[m] && xi[m] > kHalf) {
        seen[m] = 1;
        queue.push_back(m);
      }
    }
  }
}

}  // namespace

MetalExtent metal_extent(const Grid& g, const std::vector<real>& xi) {
  const int nx = g.n[0], ny = g.n[1], nz = g.n[2];
  auto idx = [&](int i, int j, int k) {
    return std::size_t(i) + std::size_t(nx) * (j + std::size_t(ny) * k);
  };
  MetalExtent e{g.origin[0], g.origin[0]};
  std::vector<char> seen(xi.size(), 0);
  std::deque<std::size_t> queue;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      if (xi[idx(0, j, k)] > kHalf) {
        seen[idx(0, j, k)] = 1;
        queue.push_back(idx(0, j, k));
      }
  flood(g, xi, seen, queue,
        [&](std::size_t c, int i) { e.tip = std::max(e.tip, edge_position(g, xi, c, i)); });
  e.deepest = e.tip;
  for (std::size_t m = 0; m < xi.size(); ++m)
    if (xi[m] > kHalf) e.deepest = std::max(e.deepest, edge_position(g, xi, m, int(m % nx)));
  // Connected pieces: the anode's (if any) plus every island.
  std::fill(seen.begin(), seen.end(), 0);
  for (std::size_t start = 0; start < xi.size(); ++start) {
    if (seen[start] || !(xi[start] > kHalf)) continue;
    ++e.clusters;
    seen[start] = 1;
    queue.push_back(start);
    flood(g, xi, seen, queue, [](std::size_t, int) {});
  }
  return e;
}

double max_at_or_beyond(const Grid& g, const Field<real>& xi, double x) {
  Box b = g.interior();
  b.lo[0] = std::max(0, int(std::ceil((x - g.origin[0]) / g.dx[0] - 0.5)));
  if (b.lo[0] >= b.hi[0]) return 0.0;
  const View<real> v = xi.view();
  return parallel_max(
      b, DND_LAMBDA(int i, int j, int k) { return double(v(i, j, k)); });
}

std::string short_circuit(const Grid& g, const Field<real>& xi, double reach) {
  const double far = g.origin[0] + g.length(0);
  if (!(max_at_or_beyond(g, xi, far - reach) > 0.5)) return {};
  const MetalExtent e = metal_extent(g, xi.download_interior());
  if (e.tip < far - reach) return {};  // an isolated nucleus near the counter electrode
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "short circuit: metal from the electrode reached x = %.4g (counter electrode at "
                "%.4g)",
                e.tip, far);
  return buf;
}

}  // namespace dnd
