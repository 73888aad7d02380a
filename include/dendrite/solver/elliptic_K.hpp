#pragma once
/// \file elliptic_K.hpp
/// Point kernels of the cell-centred operator  (alpha a - div(b grad)) phi = f  in the
/// integrated (finite-volume) form used on every multigrid level (docs/model.md, eq. 10):
///
///   (A x)_c = d_c x_c + sum_faces w_f (x_c - x_nb),    d_c = alpha a_c V + boundary terms.
///
/// Face weights w are stored per cell for its low face (index i = face i-1/2); the weight of
/// the face at index n is the periodic copy of face 0, or 0 on a physical side, so the
/// kernels never branch on the boundary type.

#include "dendrite/core/field.hpp"

namespace dnd::elliptic {

/// Views of one multigrid level.
struct LevelView {
  View<double> wx, wy, wz;  ///< low-face weights (b * area / distance)
  View<double> diag;        ///< mass term plus boundary-face terms
  bool three_d = false;
};

/// Sum of the face weights around a cell (the order of the additions is gather's).
template <bool ThreeD>
DND_INLINE double weight_sum(const LevelView& L, int i, int j, int k) {
  double wsum = L.wx(i, j, k) + L.wx(i + 1, j, k) + L.wy(i, j, k) + L.wy(i, j + 1, k);
  if constexpr (ThreeD) wsum += L.wz(i, j, k) + L.wz(i, j, k + 1);
  return wsum;
}

/// Sum of face weights around a cell and the weighted sum of neighbour values.
template <bool ThreeD>
DND_INLINE void gather(const LevelView& L, const View<double>& x, int i, int j, int k, double& wsum,
                       double& wx_sum) {
  const double w0 = L.wx(i, j, k), w1 = L.wx(i + 1, j, k);
  const double w2 = L.wy(i, j, k), w3 = L.wy(i, j + 1, k);
  wsum = w0 + w1 + w2 + w3;
  wx_sum = w0 * x(i - 1, j, k) + w1 * x(i + 1, j, k) + w2 * x(i, j - 1, k) + w3 * x(i, j + 1, k);
  if constexpr (ThreeD) {
    const double w4 = L.wz(i, j, k), w5 = L.wz(i, j, k + 1);
    wsum += w4 + w5;
    wx_sum += w4 * x(i, j, k - 1) + w5 * x(i, j, k + 1);
  }
}

/// (A x)_c with differences taken before weighting: across a 1e13 contrast the heavy
/// faces join cells of nearly equal x, and x_c - x_nb is then exact.
template <bool ThreeD>
DND_INLINE double apply(const LevelView& L, const View<double>& x, int i, int j, int k) {
  const double xc = x(i, j, k);
  double ax = L.diag(i, j, k) * xc + L.wx(i, j, k) * (xc - x(i - 1, j, k)) +
              L.wx(i + 1, j, k) * (xc - x(i + 1, j, k)) + L.wy(i, j, k) * (xc - x(i, j - 1, k)) +
              L.wy(i, j + 1, k) * (xc - x(i, j + 1, k));
  if constexpr (ThreeD)
    ax += L.wz(i, j, k) * (xc - x(i, j, k - 1)) + L.wz(i, j, k + 1) * (xc - x(i, j, k + 1));
  return ax;
}

/// Residual r = rhs - A x.
template <bool ThreeD>
DND_INLINE double residual(const LevelView& L, const View<double>& x, const View<double>& rhs,
                           int i, int j, int k) {
  return rhs(i, j, k) - apply<ThreeD>(L, x, i, j, k);
}

/// The first Gauss-Seidel update of a cell whose neighbours are all zero: relax() from
/// x = 0, bit for bit (w x_nb sums to +0, and rhs + 0.0 is what relax adds).
template <bool ThreeD>
DND_INLINE double relax_from_zero(const LevelView& L, const View<double>& rhs, int i, int j,
                                  int k) {
  const double den = L.diag(i, j, k) + weight_sum<ThreeD>(L, i, j, k);
  return den > 0.0 ? (rhs(i, j, k) + 0.0) / den : 0.0;
}

/// Gauss-Seidel point update: the cell value that zeroes its own residual.
template <bool ThreeD>
DND_INLINE double relax(const LevelView& L, const View<double>& x, const View<double>& rhs, int i,
                        int j, int k) {
  double wsum, wx_sum;
  gather<ThreeD>(L, x, i, j, k, wsum, wx_sum);
  const double den = L.diag(i, j, k) + wsum;
  return den > 0.0 ? (rhs(i, j, k) + wx_sum) / den : x(i, j, k);
}

/// Harmonic mean of two cell coefficients: the exact face value of a layered medium.
DND_INLINE double harmonic(double b0, double b1) {
  const double s = b0 + b1;
  return s > 0.0 ? 2.0 * b0 * b1 / s : 0.0;
}

/// A face weight w = b area / dx in series with a specific resistance r (ohm m^2) over the
/// face's area:  area / (area / w + r),  eq. (53). A blocked face (w = 0) stays blocked.
DND_INLINE double with_series_resistance(double w, double r, double area) {
  return (w > 0.0 && r > 0.0) ? area / (area / w + r) : w;
}

/// Weight of a physical boundary face for  a phi + b dphi/dn = c  (docs/model.md, eq. 11):
/// the half cell between centre and face in series with the condition.
DND_INLINE double boundary_weight(double bc_cell, double area, double dx, double a, double b) {
  const double den = a + 2.0 * b / dx;
  return den != 0.0 ? area * (2.0 * bc_cell / dx) * a / den : 0.0;
}
DND_INLINE double boundary_source(double bc_cell, double area, double dx, double a, double b,
                                  double c) {
  const double den = a + 2.0 * b / dx;
  return den != 0.0 ? area * (2.0 * bc_cell / dx) * c / den : 0.0;
}

}  // namespace dnd::elliptic
