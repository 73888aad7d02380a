// Allen-Cahn model: explicit step and diagnostics (one source for CPU and CUDA).
#include "dendrite/models/allen_cahn.hpp"

#include <cmath>

#include "dendrite/core/parallel.hpp"

namespace dnd {

namespace {

template <bool ThreeD, bool HasSource, bool Aniso>
void euler_update(const Grid& g, const allen_cahn::Params& p, double dt, const View<real>& xi,
                  const View<real>& out, const View<real>& src) {
  const allen_cahn::InvDx2 inv = allen_cahn::inv_dx2_of(g);
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        // Captured outside the if constexpr: nvcc refuses a first capture inside one.
        [[maybe_unused]] const View<real> source = src;
        double r = allen_cahn::rate<ThreeD, real, Aniso>(xi, i, j, k, p, inv);
        if constexpr (HasSource) r += double(source(i, j, k));
        out(i, j, k) = real(double(xi(i, j, k)) + dt * r);
      });
}

template <bool ThreeD, bool HasSource>
void euler_aniso(const Grid& g, const allen_cahn::Params& p, double dt, const View<real>& xi,
                 const View<real>& out, const View<real>& src) {
  if (p.anisotropy != 0.0)
    euler_update<ThreeD, HasSource, true>(g, p, dt, xi, out, src);
  else
    euler_update<ThreeD, HasSource, false>(g, p, dt, xi, out, src);
}

/// Pick the branch-free kernel for this dimension, source and anisotropy.
void euler_dispatch(const Grid& g, const allen_cahn::Params& p, double dt, const View<real>& xi,
                    const View<real>& out, const View<real>* src) {
  const View<real> sv = src ? *src : View<real>{};
  if (g.dim == 3) {
    if (src)
      euler_aniso<true, true>(g, p, dt, xi, out, sv);
    else
      euler_aniso<true, false>(g, p, dt, xi, out, sv);
  } else {
    if (src)
      euler_aniso<false, true>(g, p, dt, xi, out, sv);
    else
      euler_aniso<false, false>(g, p, dt, xi, out, sv);
  }
}

template <bool ThreeD, bool Aniso>
void rate_field(const Grid& g, const allen_cahn::Params& p, const View<real>& xi,
                const View<real>& out) {
  const allen_cahn::InvDx2 inv = allen_cahn::inv_dx2_of(g);
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = real(allen_cahn::rate<ThreeD, real, Aniso>(xi, i, j, k, p, inv));
      });
}

/// W g(xi) V plus kappa/2 |grad|^2 V for each face, counted once: every cell takes its low
/// face, and the last cell of a non-periodic axis also takes the high boundary face.
/// With anisotropy: W g(xi) V plus (1/d) sum over the d face orientations of
/// kappa(n_f)/2 |g_f|^2 V, each face with its full gradient (as eq. 6 uses it).
template <bool ThreeD>
double energy_aniso(const Grid& g, const BoundarySet& bcs, const allen_cahn::Params& p,
                    const View<real>& xi) {
  const allen_cahn::InvDx2 i2 = allen_cahn::inv_dx2_of(g);
  const double vol = g.cell_volume();
  const int n[3] = {g.n[0], g.n[1], g.n[2]};
  const bool periodic[3] = {bcs.periodic(0), bcs.periodic(1), bcs.periodic(2)};
  constexpr int dim = ThreeD ? 3 : 2;
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double inv[3] = {std::sqrt(i2.x), std::sqrt(i2.y), std::sqrt(i2.z)};
        double e = p.barrier * allen_cahn::double_well(double(xi(i, j, k)));
        const int idx[3] = {i, j, k};
        auto face_energy = [&](int fi, int fj, int fk, int a) {
          double gr[3];
          allen_cahn::face_gradient<ThreeD>(xi, fi, fj, fk, a, inv, gr);
          double s4 = 0.0, norm2 = gr[0] * gr[0] + gr[1] * gr[1] + gr[2] * gr[2];
          if (norm2 < 1e-300) return 0.0;
          for (int b = 0; b < 3; ++b) s4 += gr[b] * gr[b] * gr[b] * gr[b] / (norm2 * norm2);
          const double kappa = p.kappa * (1.0 - 3.0 * p.anisotropy + 4.0 * p.anisotropy * s4);
          return 0.5 * kappa * norm2 / dim;
        };
        for (int a = 0; a < dim; ++a) {
          e += face_energy(i, j, k, a);
          if (idx[a] == n[a] - 1 && !periodic[a])
            e += face_energy(i + (a == 0), j + (a == 1), k + (a == 2), a);
        }
        return e * vol;
      });
}

double energy_sum(const Grid& g, const BoundarySet& bcs, const allen_cahn::Params& p,
                  const View<real>& xi) {
  if (p.anisotropy != 0.0)
    return g.dim == 3 ? energy_aniso<true>(g, bcs, p, xi) : energy_aniso<false>(g, bcs, p, xi);
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
  const bool aniso = params_.anisotropy != 0.0;
  if (grid_.dim == 3)
    aniso ? rate_field<true, true>(grid_, params_, xi_.view(), out.view())
          : rate_field<true, false>(grid_, params_, xi_.view(), out.view());
  else
    aniso ? rate_field<false, true>(grid_, params_, xi_.view(), out.view())
          : rate_field<false, false>(grid_, params_, xi_.view(), out.view());
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
