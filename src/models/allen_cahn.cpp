// Allen-Cahn model: explicit step and diagnostics (one source for CPU and CUDA).
#include "dendrite/models/allen_cahn.hpp"

#include <cmath>

#include "dendrite/core/parallel.hpp"

namespace dnd {

namespace {

template <bool ThreeD, bool HasSource>
void euler_update(const Grid& g, const allen_cahn::Params& p, double dt, const View<real>& xi,
                  const View<real>& out, const View<real>& src) {
  const allen_cahn::InvDx2 inv = allen_cahn::inv_dx2_of(g);
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        // Captured outside the if constexpr: nvcc refuses a first capture inside one.
        [[maybe_unused]] const View<real> source = src;
        double r = allen_cahn::rate<ThreeD>(xi, i, j, k, p, inv);
        if constexpr (HasSource) r += double(source(i, j, k));
        out(i, j, k) = real(double(xi(i, j, k)) + dt * r);
      });
}

/// Pick the branch-free kernel for this dimension and source.
void euler_dispatch(const Grid& g, const allen_cahn::Params& p, double dt, const View<real>& xi,
                    const View<real>& out, const View<real>* src) {
  const View<real> sv = src ? *src : View<real>{};
  if (g.dim == 3) {
    if (src)
      euler_update<true, true>(g, p, dt, xi, out, sv);
    else
      euler_update<true, false>(g, p, dt, xi, out, sv);
  } else {
    if (src)
      euler_update<false, true>(g, p, dt, xi, out, sv);
    else
      euler_update<false, false>(g, p, dt, xi, out, sv);
  }
}

template <bool ThreeD>
void rate_field(const Grid& g, const allen_cahn::Params& p, const View<real>& xi,
                const View<real>& out) {
  const allen_cahn::InvDx2 inv = allen_cahn::inv_dx2_of(g);
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = real(allen_cahn::rate<ThreeD>(xi, i, j, k, p, inv));
      });
}

/// W g(xi) V plus kappa/2 |grad|^2 V for each face, counted once: every cell takes its low
/// face, and the last cell of a non-periodic axis also takes the high boundary face.
double energy_sum(const Grid& g, const BoundarySet& bcs, const allen_cahn::Params& p,
                  const View<real>& xi) {
  const allen_cahn::InvDx2 inv = allen_cahn::inv_dx2_of(g);
  const double vol = g.cell_volume();
  const int n[3] = {g.n[0], g.n[1], g.n[2]};
  const int dim = g.dim;
  const bool periodic[3] = {bcs.periodic(0), bcs.periodic(1), bcs.periodic(2)};
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double c = double(xi(i, j, k));
        double e = p.barrier * allen_cahn::double_well(c);
        const int idx[3] = {i, j, k};
        const double inv_d[3] = {inv.x, inv.y, inv.z};
        for (int d = 0; d < dim; ++d) {
          const int o[3] = {d == 0, d == 1, d == 2};
          const double lo = double(xi(i - o[0], j - o[1], k - o[2]));
          double grad2 = (c - lo) * (c - lo) * inv_d[d];
          if (idx[d] == n[d] - 1 && !periodic[d]) {
            const double hi = double(xi(i + o[0], j + o[1], k + o[2]));
            grad2 += (hi - c) * (hi - c) * inv_d[d];
          }
          e += 0.5 * p.kappa * grad2;
        }
        return e * vol;
      });
}

}  // namespace

AllenCahn::AllenCahn(const Grid& grid, const BoundarySet& bcs, const allen_cahn::Params& p)
    : grid_(grid), bcs_(bcs), params_(p), xi_(grid), next_(grid), halo_(grid) {}

double AllenCahn::stable_dt(const Grid& g, const allen_cahn::Params& p) {
  double sum = 0.0;
  for (int d = 0; d < g.dim; ++d) sum += 1.0 / (g.dx[d] * g.dx[d]);
  return 2.0 / (p.mobility * (2.0 * p.barrier + 4.0 * p.kappa * sum));
}

double AllenCahn::interface_width(const allen_cahn::Params& p) {
  return std::sqrt(2.0 * p.kappa / p.barrier);
}

void AllenCahn::step(double dt, const Field<real>* source) {
  halo_.fill(xi_, bcs_);
  const View<real> sv = source ? source->view() : View<real>{};
  euler_dispatch(grid_, params_, dt, xi_.view(), next_.view(), source ? &sv : nullptr);
  xi_.swap(next_);
}

void AllenCahn::evaluate_rate(Field<real>& out) {
  halo_.fill(xi_, bcs_);
  if (grid_.dim == 3)
    rate_field<true>(grid_, params_, xi_.view(), out.view());
  else
    rate_field<false>(grid_, params_, xi_.view(), out.view());
}

double AllenCahn::free_energy() {
  halo_.fill(xi_, bcs_);
  return energy_sum(grid_, bcs_, params_, xi_.view());
}

double AllenCahn::integral() const {
  const View<real> v = xi_.view();
  return parallel_sum(
             grid_.interior(), DND_LAMBDA(int i, int j, int k) { return double(v(i, j, k)); }) *
         grid_.cell_volume();
}

double AllenCahn::min_value() const {
  const View<real> v = xi_.view();
  return parallel_min(
      grid_.interior(), DND_LAMBDA(int i, int j, int k) { return double(v(i, j, k)); });
}

double AllenCahn::max_value() const {
  const View<real> v = xi_.view();
  return parallel_max(
      grid_.interior(), DND_LAMBDA(int i, int j, int k) { return double(v(i, j, k)); });
}

}  // namespace dnd
