#pragma once
/// \file box.hpp
/// Index boxes and the uniform cell-centred grid.

#include <array>
#include <cstdint>

#include "dendrite/core/macros.hpp"

namespace dnd {

/// Half-open index box [lo, hi) in three dimensions (2D boxes have lo[2]=0, hi[2]=1).
struct Box {
  int lo[3] = {0, 0, 0};
  int hi[3] = {1, 1, 1};

  DND_HD int size(int d) const { return hi[d] - lo[d]; }
  DND_HD std::int64_t cells() const { return std::int64_t(size(0)) * size(1) * size(2); }
  DND_HD bool empty() const { return size(0) <= 0 || size(1) <= 0 || size(2) <= 0; }
};

/// Uniform cell-centred grid: cell (i,j,k) has centre origin + (i+1/2, j+1/2, k+1/2) dx.
/// Two-dimensional grids have n[2] == 1 and no ghost layer in z.
struct Grid {
  int dim = 2;
  int n[3] = {1, 1, 1};
  double dx[3] = {1.0, 1.0, 1.0};
  double origin[3] = {0.0, 0.0, 0.0};
  int ghost = 1;

  /// Ghost width along axis d (zero along z in 2D).
  DND_HD int ghost_along(int d) const { return d < dim ? ghost : 0; }
  DND_HD std::int64_t cells() const { return std::int64_t(n[0]) * n[1] * n[2]; }
  DND_HD double cell_volume() const {
    double v = 1.0;
    for (int d = 0; d < dim; ++d) v *= dx[d];
    return v;
  }
  DND_HD double centre(int d, int idx) const { return origin[d] + (idx + 0.5) * dx[d]; }
  Box interior() const {
    Box b;
    for (int d = 0; d < 3; ++d) {
      b.lo[d] = 0;
      b.hi[d] = n[d];
    }
    return b;
  }
  double length(int d) const { return n[d] * dx[d]; }
};

/// Make a 2D or 3D grid with cubic cells.
inline Grid make_grid(int dim, std::array<int, 3> cells, double dx, int ghost = 1) {
  Grid g;
  g.dim = dim;
  for (int d = 0; d < 3; ++d) {
    g.n[d] = d < dim ? cells[d] : 1;
    g.dx[d] = dx;
  }
  g.ghost = ghost;
  return g;
}

}  // namespace dnd
