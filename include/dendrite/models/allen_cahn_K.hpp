#pragma once
/// \file allen_cahn_K.hpp
/// Point kernels of the Allen-Cahn model (docs/model.md, eqs. 1-4):
///   f = W g(xi) + kappa/2 |grad xi|^2,  g = xi^2 (1 - xi)^2                      (1)
///   d xi/dt = -L [ W g'(xi) - kappa lap(xi) ]                                    (2)
/// integrated by forward Euler, stable for dt <= 2 / (L (2 W + 4 kappa sum 1/dx^2)).  (3)

#include <cmath>

#include "dendrite/core/field.hpp"

namespace dnd::allen_cahn {

struct Params {
  double mobility = 1.0;    ///< L, m^3/(J s)
  double kappa = 1.0;       ///< gradient energy coefficient, J/m
  double barrier = 1.0;     ///< W, double-well height, J/m^3
  double anisotropy = 0.0;  ///< delta of the cubic (2D: four-fold) kappa(n), eq. (5)
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

/// Anisotropic gradient energy (docs/model.md, eqs. 5-6). delta modulates kappa itself:
///   kappa(n) = kappa0 (1 - 3 delta + 4 delta sum_a n_a^4)                              (5)
/// which in 2D is kappa0 (1 + delta cos 4 theta). The variational flux is
///   J = dF/d(grad xi) = kappa(n) g + 8 kappa0 delta |g| (n^3 - n sum_b n_b^4)           (6)
/// and the rate carries + div J in place of kappa lap xi.
DND_INLINE void anisotropic_flux(const double g[3], double kappa0, double delta, double j[3]) {
  const double norm2 = g[0] * g[0] + g[1] * g[1] + g[2] * g[2];
  if (norm2 < 1e-300) {
    j[0] = j[1] = j[2] = 0.0;
    return;
  }
  const double norm = std::sqrt(norm2);
  double n[3], s4 = 0.0;
  for (int a = 0; a < 3; ++a) {
    n[a] = g[a] / norm;
    s4 += n[a] * n[a] * n[a] * n[a];
  }
  const double kappa = kappa0 * (1.0 - 3.0 * delta + 4.0 * delta * s4);
  for (int a = 0; a < 3; ++a)
    j[a] = kappa * g[a] + 8.0 * kappa0 * delta * norm * (n[a] * n[a] * n[a] - n[a] * s4);
}

/// Gradient on the low face of cell (i,j,k) along `axis`: the normal component from the two
/// cells, tangential ones from the four-cell averages of central differences.
template <bool ThreeD, class T>
DND_INLINE void face_gradient(const View<T>& v, int i, int j, int k, int axis, const double* inv,
                              double g[3]) {
  const int e[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const int* a = e[axis];
  g[0] = g[1] = g[2] = 0.0;
  g[axis] = (double(v(i, j, k)) - double(v(i - a[0], j - a[1], k - a[2]))) * inv[axis];
  for (int b = 0; b < (ThreeD ? 3 : 2); ++b) {
    if (b == axis) continue;
    const int* t = e[b];
    const double up = double(v(i + t[0], j + t[1], k + t[2])) +
                      double(v(i - a[0] + t[0], j - a[1] + t[1], k - a[2] + t[2]));
    const double down = double(v(i - t[0], j - t[1], k - t[2])) +
                        double(v(i - a[0] - t[0], j - a[1] - t[1], k - a[2] - t[2]));
    g[b] = 0.25 * (up - down) * inv[b];
  }
}

/// div J of eq. (6) at one cell, by differences of face fluxes.
template <bool ThreeD, class T>
DND_INLINE double anisotropic_divergence(const View<T>& v, int i, int j, int k, InvDx2 inv_dx2,
                                         double kappa0, double delta) {
  const double inv[3] = {std::sqrt(inv_dx2.x), std::sqrt(inv_dx2.y), std::sqrt(inv_dx2.z)};
  double div = 0.0;
  for (int a = 0; a < (ThreeD ? 3 : 2); ++a) {
    const int o[3] = {a == 0, a == 1, a == 2};
    double g[3], lo[3], hi[3];
    face_gradient<ThreeD>(v, i, j, k, a, inv, g);
    anisotropic_flux(g, kappa0, delta, lo);
    face_gradient<ThreeD>(v, i + o[0], j + o[1], k + o[2], a, inv, g);
    anisotropic_flux(g, kappa0, delta, hi);
    div += (hi[a] - lo[a]) * inv[a];
  }
  return div;
}

/// Right-hand side of eq. (2) at one cell (eq. 6 in place of kappa lap xi when Aniso).
template <bool ThreeD, class T, bool Aniso = false>
DND_INLINE double rate(const View<T>& xi, int i, int j, int k, const Params& p, InvDx2 inv_dx2) {
  const double x = double(xi(i, j, k));
  double gradient_term;
  if constexpr (Aniso)
    gradient_term = anisotropic_divergence<ThreeD>(xi, i, j, k, inv_dx2, p.kappa, p.anisotropy);
  else
    gradient_term = p.kappa * laplacian<ThreeD>(xi, i, j, k, inv_dx2);
  return -p.mobility * (p.barrier * double_well_derivative(x) - gradient_term);
}

}  // namespace dnd::allen_cahn
