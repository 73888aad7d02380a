#include "dendrite/microstructure/effective.hpp"

#include <cmath>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>
#include <vector>

#include "dendrite/core/field.hpp"
#include "dendrite/solver/elliptic.hpp"

namespace dnd::micro {

namespace {

Grid grid_of(const Microstructure& m) {
  Grid g;
  g.dim = m.dim;
  for (int d = 0; d < 3; ++d) {
    g.n[d] = m.n[d];
    g.dx[d] = m.voxel;
  }
  g.ghost = 1;
  return g;
}

/// Host array with the grid's ghost layout, interior from a cells() vector.
std::vector<double> with_ghosts(const Grid& g, const std::vector<double>& interior) {
  const Layout l = layout_of(g);
  std::vector<double> all(std::size_t(l.total()), 0.0);
  std::size_t m = 0;
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i)
        all[std::size_t(l.offset() + i +
                        std::int64_t(l.ext[0]) * (j + std::int64_t(l.ext[1]) * k))] = interior[m++];
  return all;
}

}  // namespace

double effective_conductivity(const Microstructure& m, const double sigma[kPhaseCount],
                              double film_resistance, int axis, int* iterations) {
  if (axis < 0 || axis >= m.dim) throw std::invalid_argument("effective_conductivity: bad axis");
  const Grid g = grid_of(m);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::neumann());
  bcs.side[axis][0] = BoundaryCondition::dirichlet(1.0);
  bcs.side[axis][1] = BoundaryCondition::dirichlet(0.0);
  EllipticOptions opt;
  opt.rel_tol = 1e-11;
  opt.max_iterations = 2000;
  EllipticSolver solver(g, bcs, opt);

  std::vector<double> b(m.cells());
  for (std::size_t c = 0; c < m.cells(); ++c) b[c] = sigma[m.phase[c]];
  Field<double> bf(g), a(g), phi(g), f(g);
  bf.upload_interior(b);

  std::array<Field<double>, 3> r;
  const Field<double>* rp[3] = {nullptr, nullptr, nullptr};
  if (film_resistance > 0.0) {
    const bool no_wrap[3] = {false, false, false};  // no-flux sides: nothing crosses a wrap
    const FilmFaces faces = film_faces(m, g, no_wrap);
    for (int d = 0; d < m.dim; ++d) {
      std::vector<double> v = faces.factor[d];
      for (double& x : v) x *= film_resistance;
      r[d] = Field<double>(g);
      r[d].upload_all(v);
      rp[d] = &r[d];
    }
  }
  solver.set_face_resistance(rp[0], rp[1], rp[2]);
  solver.set_coefficients(0.0, a, bf, bcs);
  // Warm start: the linear drop of a uniform sample.
  std::vector<double> guess(m.cells());
  std::size_t c = 0;
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i) {
        const int idx[3] = {i, j, k};
        guess[c++] = 1.0 - (idx[axis] + 0.5) / g.n[axis];
      }
  phi.upload_all(with_ghosts(g, guess));
  const EllipticSolver::Result res = solver.solve(phi, f);
  if (iterations) *iterations = res.iterations;
  if (!res.converged)
    throw std::runtime_error("effective conductivity along axis " + std::to_string(axis) +
                             ": the potential solve did not converge in " +
                             std::to_string(res.iterations) + " iterations");
  double area = 1.0;  // 2D: per metre of depth, as the solver's fluxes
  for (int d = 0; d < m.dim; ++d)
    if (d != axis) area *= g.length(d);
  const double current = solver.boundary_flux(phi, axis, 1);  // out through the far face
  return current * g.length(axis) / area;
}

double geometric_tortuosity(const Microstructure& m, int axis) {
  const int nx = m.n[0], ny = m.n[1], nz = m.n[2];
  const std::size_t cells = m.cells();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> dist(cells, inf);
  using Item = std::pair<double, std::size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
  auto open = [&](std::size_t c) { return m.phase[c] != Phase::pore; };
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int idx[3] = {i, j, k};
        if (idx[axis] != 0) continue;
        const std::size_t c = m.index(i, j, k);
        if (!open(c)) continue;
        dist[c] = 0.5 * m.voxel;
        heap.push({dist[c], c});
      }
  const int kr = m.dim == 3 ? 1 : 0;
  while (!heap.empty()) {
    const auto [d, c] = heap.top();
    heap.pop();
    if (d > dist[c]) continue;
    const int i = int(c % nx), j = int((c / nx) % ny), k = int(c / (std::size_t(nx) * ny));
    for (int dk = -kr; dk <= kr; ++dk)
      for (int dj = -1; dj <= 1; ++dj)
        for (int di = -1; di <= 1; ++di) {
          if (!di && !dj && !dk) continue;
          const int a = i + di, b = j + dj, e = k + dk;
          if (a < 0 || a >= nx || b < 0 || b >= ny || e < 0 || e >= nz) continue;
          const std::size_t q = m.index(a, b, e);
          if (!open(q)) continue;
          const double step = m.voxel * std::sqrt(double(di * di + dj * dj + dk * dk));
          if (d + step < dist[q]) {
            dist[q] = d + step;
            heap.push({dist[q], q});
          }
        }
  }
  double sum = 0.0;
  std::size_t reached = 0;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int idx[3] = {i, j, k};
        if (idx[axis] != m.n[axis] - 1) continue;
        const double d = dist[m.index(i, j, k)];
        if (d == inf) continue;
        sum += d + 0.5 * m.voxel;
        ++reached;
      }
  return reached ? sum / reached / (m.n[axis] * m.voxel) : 0.0;
}

EffectiveReport effective_properties(const Microstructure& m, const PhaseTable& table,
                                     const std::array<PhaseMaterial, kPhaseCount>& phases, double t,
                                     int axes) {
  EffectiveReport rep;
  rep.dim = m.dim;
  rep.conducting_fraction = 1.0 - m.fraction(Phase::pore);
  rep.grain_size = mean_grain_size(m);
  rep.sigma0_ion = table.sigma_ion[Phase::grain];
  rep.sigma0_e = table.sigma_e[Phase::grain];
  for (int d = 0; d < m.dim; ++d) {
    if (!(axes & (1 << d))) continue;
    EffectiveAxis& ax = rep.axis[d];
    int it_ion = 0, it_e = 0;
    ax.sigma_ion = effective_conductivity(
        m, table.sigma_ion, table.has_film ? table.film_resistance_ion : 0.0, d, &it_ion);
    ax.sigma_e = effective_conductivity(m, table.sigma_e,
                                        table.has_film ? table.film_resistance_e : 0.0, d, &it_e);
    ax.iterations = it_ion + it_e;
    ax.tortuosity_factor = rep.conducting_fraction * rep.sigma0_ion / ax.sigma_ion;
    ax.geometric_tortuosity = geometric_tortuosity(m, d);
  }
  const PhaseMaterial& gb = phases[Phase::grain_boundary];
  if (gb.present && gb.film_thickness > 0.0) {
    rep.brick_ion =
        brick_layer(m.dim, rep.grain_size, gb.film_thickness, rep.sigma0_ion, gb.sigma_ion.at(t));
    rep.brick_e =
        brick_layer(m.dim, rep.grain_size, gb.film_thickness, rep.sigma0_e, gb.sigma_e.at(t));
  }
  return rep;
}

}  // namespace dnd::micro
