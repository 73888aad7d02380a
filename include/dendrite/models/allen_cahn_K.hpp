#pragma once
/// \file allen_cahn_K.hpp
/// Point kernels of the Allen-Cahn model (docs/model.md, eqs. 1-4):
///   f = W g(xi) + kappa/2 |grad xi|^2,  g = xi^2 (1 - xi)^2                      (1)
///   d xi/dt = -L [ W g'(xi) - kappa lap(xi) ]                                    (2)
/// integrated by forward Euler, stable for dt <= 2 / (L (2 W + 4 kappa sum 1/dx^2)).  (3)

#include "dendrite/core/field.hpp"

namespace dnd::allen_cahn {

struct Params {
  double mobility = 1.0;  ///< L, m^3/(J s)
  double kappa = 1.0;     ///< gradient energy coefficient, J/m
  double barrier = 1.0;   ///< W, double-well height, J/m^3
};

/// g(xi) = xi^2 (1 - xi)^2, eq. (1).
DND_INLINE double double_well(double xi) {
  return xi * xi * (1.0 - xi) * (1.0 - xi);
}
/// g'(xi) = 2 xi (1 - xi)(1 - 2 xi).
DND_INLINE double double_well_derivative(double xi) {
  return 2.0 * xi * (1.0 - xi) * (1.0 - 2.0 * xi);
}

/// 1/dx^2 per axis, passed by value: a pointer into a kernel's captures would make the
/// compiler reload them after every store.
struct InvDx2 {
  double x, y, z;
};

/// 1/dx^2 of the grid's active axes (zero along z in 2D).
inline InvDx2 inv_dx2_of(const Grid& g) {
  double v[3];
  for (int d = 0; d < 3; ++d) v[d] = d < g.dim ? 1.0 / (g.dx[d] * g.dx[d]) : 0.0;
  return {v[0], v[1], v[2]};
}

/// Second-order 5/7-point Laplacian. The dimension is a template parameter so the inner
/// loop carries no branch and vectorises.
template <bool ThreeD, class T>
DND_INLINE double laplacian(const View<T>& v, int i, int j, int k, InvDx2 inv_dx2) {
  const double c = double(v(i, j, k));
  double lap = (double(v(i - 1, j, k)) - 2.0 * c + double(v(i + 1, j, k))) * inv_dx2.x +
               (double(v(i, j - 1, k)) - 2.0 * c + double(v(i, j + 1, k))) * inv_dx2.y;
  if constexpr (ThreeD)
    lap += (double(v(i, j, k - 1)) - 2.0 * c + double(v(i, j, k + 1))) * inv_dx2.z;
  return lap;
}

/// Right-hand side of eq. (2) at one cell.
template <bool ThreeD, class T>
DND_INLINE double rate(const View<T>& xi, int i, int j, int k, const Params& p, InvDx2 inv_dx2) {
  const double x = double(xi(i, j, k));
  return -p.mobility * (p.barrier * double_well_derivative(x) -
                        p.kappa * laplacian<ThreeD>(xi, i, j, k, inv_dx2));
}

}  // namespace dnd::allen_cahn
