// Multigrid-preconditioned conjugate gradients for (alpha a - div(b grad)) phi = f.
// Compiled by g++ (CPU backend) or nvcc (CUDA backend) from this one source. Every kernel
// launch lives in a free function: nvcc does not accept extended lambdas in private members.
#include "dendrite/solver/elliptic.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "dendrite/core/parallel.hpp"
#include "dendrite/solver/elliptic_K.hpp"

namespace dnd {

namespace detail {

/// What the kernel of fill_face_ghosts needs to know of a level (nvcc does not accept a
/// function-local type in a device lambda's captures).
struct Faces {
  int n[3], periodic[3];
  std::int64_t cells[3];  // ghost cells on one side of each axis
};

/// Ghost faces of a multigrid level in one launch: the first ghost layer of every side,
/// without edges and corners, which the 5- and 7-point level stencils never read. Periodic
/// axes wrap; the others mirror the adjacent cell, the homogeneous Neumann condition of the
/// levels' work boundaries (a copy, bit for bit). One launch instead of two to four per
/// axis: on a GPU the small coarse levels cost launches, not bandwidth (docs/performance.md).
/// A run distributed over ranks will exchange these faces through buffers instead.
void fill_face_ghosts(const Grid& g, const int periodic[3], const View<double>& v) {
  Faces f{};
  for (int d = 0; d < 3; ++d) {
    f.n[d] = g.n[d];
    f.periodic[d] = periodic[d];
  }
  f.cells[0] = std::int64_t(g.n[1]) * g.n[2];
  f.cells[1] = std::int64_t(g.n[0]) * g.n[2];
  f.cells[2] = g.dim == 3 ? std::int64_t(g.n[0]) * g.n[1] : 0;
  Box all;
  all.hi[0] = int(2 * (f.cells[0] + f.cells[1] + f.cells[2]));
  parallel_for(
      all, DND_LAMBDA(int t, int, int) {
        std::int64_t r = t;
        int axis = 0;
        while (r >= 2 * f.cells[axis]) r -= 2 * f.cells[axis++];
        const int high = r >= f.cells[axis];
        r -= high * f.cells[axis];
        const int a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;  // the face's own axes
        int ghost[3], from[3];
        ghost[a1] = from[a1] = int(r % f.n[a1]);
        ghost[a2] = from[a2] = int(r / f.n[a1]);
        ghost[axis] = high ? f.n[axis] : -1;
        // Periodic: the cell across the domain; mirror: the adjacent cell (the value matters
        // only on periodic axes: the levels' face weights are zero on physical sides).
        from[axis] = high == f.periodic[axis] ? 0 : f.n[axis] - 1;
        v(ghost[0], ghost[1], ghost[2]) = v(from[0], from[1], from[2]);
      });
}

/// One multigrid level: operator (face weights and diagonal) and work arrays.
struct MgLevel {
  Grid g;
  int periodic[3];  // per axis; every other side is a homogeneous Neumann mirror
  Field<double> wx, wy, wz, mass, bnd, diag, x, rhs, res;

  MgLevel(const Grid& grid, const BoundarySet& work)
      : g(grid),
        periodic{work.periodic(0), work.periodic(1), work.periodic(2)},
        wx(grid),
        wy(grid),
        wz(grid.dim == 3 ? Field<double>(grid) : Field<double>()),
        mass(grid),
        bnd(grid),
        diag(grid),
        x(grid),
        rhs(grid),
        res(grid) {}

  elliptic::LevelView view() const {
    return {wx.view(), wy.view(), wz.view(), diag.view(), g.dim == 3};
  }
  void exchange(const Field<double>& f) const { fill_face_ghosts(g, periodic, f.view()); }
};

}  // namespace detail

namespace {

using detail::MgLevel;

/// Boundary data in a trivially copyable form that kernels can capture.
struct BcCoef {
  int periodic[3];
  double a[3][2], b[3][2], c[3][2];
};

BcCoef to_coef(const BoundarySet& s) {
  BcCoef k{};
  for (int d = 0; d < 3; ++d) {
    k.periodic[d] = s.periodic(d) ? 1 : 0;
    for (int e = 0; e < 2; ++e) {
      k.a[d][e] = s.side[d][e].a;
      k.b[d][e] = s.side[d][e].b;
      k.c[d][e] = s.side[d][e].c;
    }
  }
  return k;
}

/// Geometry of a level in kernel-capturable form.
struct Geo {
  int dim;
  int n[3];
  double dx[3];
  double area[3];
  double vol;
};

Geo geo_of(const Grid& g) {
  Geo o{};
  o.dim = g.dim;
  o.vol = g.cell_volume();
  for (int d = 0; d < 3; ++d) {
    o.n[d] = g.n[d];
    o.dx[d] = g.dx[d];
    o.area[d] = 1.0;
    for (int e = 0; e < g.dim; ++e)
      if (e != d) o.area[d] *= g.dx[e];
  }
  return o;
}

BoundarySet work_bcs(const BoundarySet& s) {
  BoundarySet w = BoundarySet::all(BoundaryCondition::neumann());
  for (int d = 0; d < 3; ++d)
    if (s.periodic(d)) w.side[d][0] = w.side[d][1] = BoundaryCondition::periodic();
  return w;
}

Box face_box(const Grid& g, int axis) {
  Box b = g.interior();
  b.hi[axis] += 1;
  return b;
}

Box with_ghosts(const Grid& g) {
  Box b;
  for (int d = 0; d < 3; ++d) {
    b.lo[d] = -g.ghost_along(d);
    b.hi[d] = g.n[d] + g.ghost_along(d);
  }
  return b;
}

void fill_value(const Field<double>& f, double value) {
  const View<double> v = f.view();
  parallel_for(
      with_ghosts(f.grid()), DND_LAMBDA(int i, int j, int k) { v(i, j, k) = value; });
}

double dot(const Grid& g, const Field<double>& x, const Field<double>& y) {
  const View<double> a = x.view(), b = y.view();
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return a(i, j, k) * b(i, j, k); });
}

/// Jacobi-scaled norm ||D^-1 v||_2 with D the full diagonal of A. Rows of a 1e13-contrast
/// operator differ by 1e13 in scale; scaled by their own diagonal every row's residual reads
/// as a potential correction, so the cells of the weak phase count as much as the strong.
double scaled_norm(const Grid& g, const Field<double>& v, const Field<double>& inv_diag) {
  const View<double> a = v.view(), d = inv_diag.view();
  return std::sqrt(parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double s = a(i, j, k) * d(i, j, k);
        return s * s;
      }));
}

/// Face weights b_face area / distance, eq. (10); zero on physical sides. With a series
/// resistance r (ohm m^2) on the face, area / (distance / b_face + r), eq. (53).
void face_weights(const Grid& g, const BcCoef& bc, const View<double>& bv, int axis,
                  bool arithmetic, const View<double>& w, const View<double>& r) {
  const Geo geo = geo_of(g);
  const double coef = geo.area[axis] / geo.dx[axis];
  const double area = geo.area[axis];
  const bool has_r = r.p != nullptr;
  const int n = geo.n[axis];
  const int periodic = bc.periodic[axis];
  parallel_for(
      face_box(g, axis), DND_LAMBDA(int i, int j, int k) {
        int lo[3] = {i, j, k};
        const int f = lo[axis];
        lo[axis] -= 1;
        const bool physical = (f == 0 || f == n) && !periodic;
        const double b0 = bv(lo[0], lo[1], lo[2]), b1 = bv(i, j, k);
        const double wb =
            physical ? 0.0 : coef * (arithmetic ? 0.5 * (b0 + b1) : elliptic::harmonic(b0, b1));
        w(i, j, k) = has_r ? elliptic::with_series_resistance(wb, r(i, j, k), area) : wb;
      });
}

/// Boundary-face terms of eq. (11): weights (into the diagonal) or sources (into the rhs).
DND_INLINE double boundary_terms(const Geo& geo, const BcCoef& bc, double bcell, int i, int j,
                                 int k, bool source) {
  const int idx[3] = {i, j, k};
  double s = 0.0;
  for (int d = 0; d < geo.dim; ++d) {
    if (bc.periodic[d]) continue;
    for (int side = 0; side < 2; ++side) {
      if (idx[d] != (side == 0 ? 0 : geo.n[d] - 1)) continue;
      s += source ? elliptic::boundary_source(bcell, geo.area[d], geo.dx[d], bc.a[d][side],
                                              bc.b[d][side], bc.c[d][side])
                  : elliptic::boundary_weight(bcell, geo.area[d], geo.dx[d], bc.a[d][side],
                                              bc.b[d][side]);
    }
  }
  return s;
}

/// The fine level's diagonal in one pass (the face weights must be in place): mass and
/// boundary-face terms of eq. (11), the boundary sources into the right-hand side, and the
/// inverse of the full diagonal d + sum of face weights, the scaling of the convergence norm.
template <bool ThreeD>
void fine_diagonal(const Grid& g, const BcCoef& bc, const View<double>& bv, const View<double>& av,
                   double alpha, double alpha_a_const, const MgLevel& L,
                   const View<double>& sources, const View<double>& inv_full) {
  const Geo geo = geo_of(g);
  const bool has_a = av.p != nullptr;
  const elliptic::LevelView lv = L.view();
  const View<double> mv = L.mass.view(), nv = L.bnd.view(), dv = L.diag.view();
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double m = (has_a ? alpha * av(i, j, k) : alpha_a_const) * geo.vol;
        const double wb = boundary_terms(geo, bc, bv(i, j, k), i, j, k, false);
        const double d = m + wb;
        mv(i, j, k) = m;
        nv(i, j, k) = wb;
        dv(i, j, k) = d;
        sources(i, j, k) = boundary_terms(geo, bc, bv(i, j, k), i, j, k, true);
        const double full = d + elliptic::weight_sum<ThreeD>(lv, i, j, k);
        inv_full(i, j, k) = full > 0.0 ? 1.0 / full : 0.0;
      });
}

void boundary_rhs(const Grid& g, const BcCoef& bc, const View<double>& bv,
                  const View<double>& out) {
  const Geo geo = geo_of(g);
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = boundary_terms(geo, bc, bv(i, j, k), i, j, k, true);
      });
}

/// Coarse face = 1/2 x the sum of the fine faces it covers (scaled Galerkin aggregation).
void coarsen_faces(const MgLevel& F, const MgLevel& C, int axis) {
  const Field<double>* fw[3] = {&F.wx, &F.wy, &F.wz};
  const Field<double>* cw[3] = {&C.wx, &C.wy, &C.wz};
  const View<double> w = fw[axis]->view(), wc = cw[axis]->view();
  const int nf[3] = {F.g.n[0], F.g.n[1], F.g.n[2]};
  const int nz_off = F.g.dim == 3 ? 2 : 1;
  parallel_for(
      face_box(C.g, axis), DND_LAMBDA(int I, int J, int K) {
        const int base[3] = {2 * I, 2 * J, 2 * K};
        double s = 0.0;
        for (int o2 = 0; o2 < nz_off; ++o2)
          for (int o1 = 0; o1 < 2; ++o1)
            for (int o0 = 0; o0 < 2; ++o0) {
              const int off[3] = {o0, o1, o2};
              if (off[axis] != 0) continue;
              int p[3] = {base[0] + o0, base[1] + o1, base[2] + o2};
              p[axis] = base[axis] < nf[axis] ? base[axis] : nf[axis];
              bool inside = true;
              for (int d = 0; d < 3; ++d)
                if (d != axis && p[d] >= nf[d]) inside = false;
              if (inside) s += w(p[0], p[1], p[2]);
            }
        wc(I, J, K) = 0.5 * s;
      });
}

/// Mass terms add up exactly over an aggregate; boundary-face terms scale like faces.
void coarsen_diagonal(const MgLevel& F, const MgLevel& C) {
  const View<double> fm = F.mass.view(), fb = F.bnd.view();
  const View<double> cm = C.mass.view(), cb = C.bnd.view(), cd = C.diag.view();
  const int nf[3] = {F.g.n[0], F.g.n[1], F.g.n[2]};
  const int nz_off = F.g.dim == 3 ? 2 : 1;
  parallel_for(
      C.g.interior(), DND_LAMBDA(int I, int J, int K) {
        double m = 0.0, b = 0.0;
        for (int o2 = 0; o2 < nz_off; ++o2)
          for (int o1 = 0; o1 < 2; ++o1)
            for (int o0 = 0; o0 < 2; ++o0) {
              const int i = 2 * I + o0, j = 2 * J + o1, k = 2 * K + o2;
              if (i < nf[0] && j < nf[1] && k < nf[2]) {
                m += fm(i, j, k);
                b += fb(i, j, k);
              }
            }
        cm(I, J, K) = m;
        cb(I, J, K) = 0.5 * b;
        cd(I, J, K) = m + 0.5 * b;
      });
}

/// One red-black half sweep of Gauss-Seidel: cells with (i + j + k) % 2 == color.
template <bool ThreeD>
void relax_color_dim(MgLevel& L, int color) {
  const elliptic::LevelView lv = L.view();
  const View<double> x = L.x.view(), rhs = L.rhs.view();
  const int nx = L.g.n[0];
  Box half = L.g.interior();
  half.hi[0] = (nx + 1) / 2;
  parallel_for(
      half, DND_LAMBDA(int ih, int j, int k) {
        const int i = 2 * ih + ((color + j + k) & 1);
        if (i < nx) x(i, j, k) = elliptic::relax<ThreeD>(lv, x, rhs, i, j, k);
      });
}

/// The coarse-grid correction starts from x = 0: a zero fill, a ghost fill and the first red
/// half sweep are one pass here (red cells from relax_from_zero, black cells 0).
template <bool ThreeD>
void first_red_sweep_dim(MgLevel& L) {
  const elliptic::LevelView lv = L.view();
  const View<double> x = L.x.view(), rhs = L.rhs.view();
  parallel_for(
      L.g.interior(), DND_LAMBDA(int i, int j, int k) {
        x(i, j, k) =
            ((i + j + k) & 1) == 0 ? elliptic::relax_from_zero<ThreeD>(lv, rhs, i, j, k) : 0.0;
      });
}

void relax_color(MgLevel& L, int color) {
  L.exchange(L.x);
  L.g.dim == 3 ? relax_color_dim<true>(L, color) : relax_color_dim<false>(L, color);
}

// The dimension is a template parameter of the level kernels: no branch in the inner loop.
template <bool ThreeD>
void residual_dim(const MgLevel& L, const Field<double>& xf, const Field<double>& rhsf,
                  const Field<double>& out) {
  const elliptic::LevelView lv = L.view();
  const View<double> x = xf.view(), rhs = rhsf.view(), r = out.view();
  parallel_for(
      L.g.interior(), DND_LAMBDA(int i, int j, int k) {
        r(i, j, k) = elliptic::residual<ThreeD>(lv, x, rhs, i, j, k);
      });
}

void residual(MgLevel& L, const Field<double>& xf, const Field<double>& rhsf,
              const Field<double>& out) {
  L.exchange(xf);
  L.g.dim == 3 ? residual_dim<true>(L, xf, rhsf, out) : residual_dim<false>(L, xf, rhsf, out);
}

template <bool ThreeD>
void apply_dim(const MgLevel& L, const Field<double>& xf, const Field<double>& out) {
  const elliptic::LevelView lv = L.view();
  const View<double> x = xf.view(), q = out.view();
  parallel_for(
      L.g.interior(),
      DND_LAMBDA(int i, int j, int k) { q(i, j, k) = elliptic::apply<ThreeD>(lv, x, i, j, k); });
}

void apply_operator(MgLevel& L, const Field<double>& xf, const Field<double>& out) {
  L.exchange(xf);
  L.g.dim == 3 ? apply_dim<true>(L, xf, out) : apply_dim<false>(L, xf, out);
}

/// Restriction: sum over the aggregate (transpose of piecewise-constant prolongation).
/// (Computing the fine residuals inside this kernel saves a launch per level but made the
/// CPU V-cycle slower: the strided fine reads do not vectorise.)
void restrict_residual(const MgLevel& F, const MgLevel& C) {
  const View<double> res = F.res.view(), crhs = C.rhs.view();
  const int nf[3] = {F.g.n[0], F.g.n[1], F.g.n[2]};
  const int nz_off = F.g.dim == 3 ? 2 : 1;
  parallel_for(
      C.g.interior(), DND_LAMBDA(int I, int J, int K) {
        double s = 0.0;
        for (int o2 = 0; o2 < nz_off; ++o2)
          for (int o1 = 0; o1 < 2; ++o1)
            for (int o0 = 0; o0 < 2; ++o0) {
              const int i = 2 * I + o0, j = 2 * J + o1, k = 2 * K + o2;
              if (i < nf[0] && j < nf[1] && k < nf[2]) s += res(i, j, k);
            }
        crhs(I, J, K) = s;
      });
}

void prolong_add(const MgLevel& F, const MgLevel& C) {
  const View<double> x = F.x.view(), cx = C.x.view();
  parallel_for(
      F.g.interior(),
      DND_LAMBDA(int i, int j, int k) { x(i, j, k) += cx(i >> 1, j >> 1, k >> 1); });
}

double max_value(const Grid& g, const Field<double>& v) {
  const View<double> a = v.view();
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return a(i, j, k); });
}

void remove_mean(const Grid& g, const Field<double>& v) {
  const View<double> a = v.view();
  const double mean = parallel_sum(
                          g.interior(), DND_LAMBDA(int i, int j, int k) { return a(i, j, k); }) /
                      double(g.cells());
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) { a(i, j, k) -= mean; });
}

void integrated_rhs(const Grid& g, const Field<double>& f, const Field<double>& fb,
                    const Field<double>& out) {
  const double vol = g.cell_volume();
  const View<double> fv = f.view(), fbv = fb.view(), o = out.view();
  parallel_for(
      g.interior(),
      DND_LAMBDA(int i, int j, int k) { o(i, j, k) = fv(i, j, k) * vol + fbv(i, j, k); });
}

/// x += alpha p;  r_prev = r;  r -= alpha q
void cg_update(const Grid& g, double alpha, const Field<double>& pf, const Field<double>& qf,
               const Field<double>& xf, const Field<double>& rf, const Field<double>& rpf) {
  const View<double> p = pf.view(), q = qf.view(), x = xf.view(), r = rf.view(), rp = rpf.view();
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        x(i, j, k) += alpha * p(i, j, k);
        rp(i, j, k) = r(i, j, k);
        r(i, j, k) -= alpha * q(i, j, k);
      });
}

/// p = z + beta p
void cg_direction(const Grid& g, double beta, const Field<double>& zf, const Field<double>& pf) {
  const View<double> z = zf.view(), p = pf.view();
  parallel_for(
      g.interior(),
      DND_LAMBDA(int i, int j, int k) { p(i, j, k) = z(i, j, k) + beta * p(i, j, k); });
}

double side_flux(const Grid& g, const BoundaryCondition& bc, const View<double>& bv,
                 const View<double>& x, int axis, int side) {
  Box b = g.interior();
  b.lo[axis] = side == 0 ? 0 : g.n[axis] - 1;
  b.hi[axis] = b.lo[axis] + 1;
  const Geo geo = geo_of(g);
  const double a = bc.a, bb = bc.b, c = bc.c;
  const double area = geo.area[axis], dx = geo.dx[axis];
  // Outward flux through the face: w phi_c - s, eq. (11).
  return parallel_sum(
      b, DND_LAMBDA(int i, int j, int k) {
        return elliptic::boundary_weight(bv(i, j, k), area, dx, a, bb) * x(i, j, k) -
               elliptic::boundary_source(bv(i, j, k), area, dx, a, bb, c);
      });
}

/// The hierarchy's work boundaries are built for one set of periodic axes.
void require_same_periodic_axes(const Grid& g, const BoundarySet& now, const BoundarySet& next,
                                const char* who) {
  for (int d = 0; d < g.dim; ++d)
    if (next.periodic(d) != now.periodic(d))
      throw std::invalid_argument(std::string(who) + " cannot change which axes are periodic");
}

}  // namespace

EllipticSolver::EllipticSolver(const Grid& grid, const BoundarySet& bcs, Options opt)
    : grid_(grid),
      bcs_(bcs),
      opt_(opt),
      b_cell_(grid),
      r_(grid),
      z_(grid),
      p_(grid),
      q_(grid),
      rprev_(grid),
      fb_(grid),
      inv_diag_(grid),
      rhs_(grid) {
  if (grid.ghost < 1) throw std::invalid_argument("EllipticSolver needs one ghost layer");
  for (int d = 0; d < grid.dim; ++d)
    if (bcs.side[d][0].is_periodic() != bcs.side[d][1].is_periodic())
      throw std::invalid_argument("a periodic axis must be periodic on both sides");
}

EllipticSolver::~EllipticSolver() = default;

int EllipticSolver::levels() const {
  return int(levels_.size());
}

void EllipticSolver::set_coefficients(double alpha, const Field<double>& a,
                                      const Field<double>& b) {
  build_fine_level(alpha, &a, &b, 0.0, 0.0, false);
}

void EllipticSolver::set_coefficients(double alpha, const Field<double>& a, const Field<double>& b,
                                      const BoundarySet& bcs) {
  require_same_periodic_axes(grid_, bcs_, bcs, "set_coefficients");
  bcs_ = bcs;
  build_fine_level(alpha, &a, &b, 0.0, 0.0, false);
}

void EllipticSolver::set_face_resistance(const Field<double>* rx, const Field<double>* ry,
                                         const Field<double>* rz) {
  face_r_[0] = rx;
  face_r_[1] = ry;
  face_r_[2] = rz;
}

void EllipticSolver::set_coefficients(double alpha_a, double b) {
  build_fine_level(0.0, nullptr, nullptr, alpha_a, b, false);
}

void EllipticSolver::update_diagonal(double alpha, const Field<double>& a) {
  if (levels_.empty()) throw std::logic_error("update_diagonal before set_coefficients");
  build_fine_level(alpha, &a, nullptr, 0.0, 0.0, true);
}

void EllipticSolver::update_diagonal(double alpha, const Field<double>& a, const BoundarySet& bcs) {
  if (levels_.empty()) throw std::logic_error("update_diagonal before set_coefficients");
  require_same_periodic_axes(grid_, bcs_, bcs, "update_diagonal");
  bcs_ = bcs;
  update_diagonal(alpha, a);
}

void EllipticSolver::build_fine_level(double alpha, const Field<double>* a, const Field<double>* b,
                                      double alpha_a_const, double b_const, bool keep_faces) {
  // The hierarchy's storage is kept across calls: coupled models reset coefficients every
  // Newton iteration.
  if (levels_.empty()) levels_.push_back(std::make_unique<MgLevel>(grid_, work_bcs(bcs_)));
  MgLevel& L = *levels_[0];
  const BcCoef bc = to_coef(bcs_);
  if (!keep_faces) {
    if (b)
      b_cell_.copy_from(*b);
    else
      fill_value(b_cell_, b_const);
    L.exchange(b_cell_);
    const Field<double>* wf[3] = {&L.wx, &L.wy, &L.wz};
    for (int axis = 0; axis < grid_.dim; ++axis)
      face_weights(grid_, bc, b_cell_.view(), axis, opt_.arithmetic_faces, wf[axis]->view(),
                   face_r_[axis] ? face_r_[axis]->view() : View<double>{});
  }
  const View<double> av = a ? a->view() : View<double>{};
  grid_.dim == 3 ? fine_diagonal<true>(grid_, bc, b_cell_.view(), av, alpha, alpha_a_const, L,
                                       fb_.view(), inv_diag_.view())
                 : fine_diagonal<false>(grid_, bc, b_cell_.view(), av, alpha, alpha_a_const, L,
                                        fb_.view(), inv_diag_.view());
  singular_ = max_value(grid_, L.diag) <= 0.0;
  build_hierarchy(keep_faces);
  factor_bottom();
}

void EllipticSolver::set_boundary(const BoundarySet& bcs) {
  for (int d = 0; d < grid_.dim; ++d)
    for (int s = 0; s < 2; ++s) {
      const auto& o = bcs_.side[d][s];
      const auto& nw = bcs.side[d][s];
      if (o.kind != nw.kind || o.a != nw.a || o.b != nw.b)
        throw std::invalid_argument(
            "set_boundary may change boundary values only; call set_coefficients after a "
            "change of type or coefficient");
    }
  bcs_ = bcs;
  boundary_rhs(grid_, to_coef(bcs_), b_cell_.view(), fb_.view());
}

void EllipticSolver::build_hierarchy(bool keep_faces) {
  for (std::size_t l = 0;; ++l) {
    const MgLevel& F = *levels_[l];
    bool can = false;
    for (int d = 0; d < F.g.dim; ++d) can = can || F.g.n[d] > 1;
    if (!can || F.g.cells() <= opt_.max_bottom_cells) break;
    if (l + 1 == levels_.size()) {
      Grid cg = F.g;
      for (int d = 0; d < F.g.dim; ++d) {
        cg.n[d] = (F.g.n[d] + 1) / 2;
        cg.dx[d] = F.g.dx[d] * 2.0;
      }
      levels_.push_back(std::make_unique<MgLevel>(cg, work_bcs(bcs_)));
    }
    const MgLevel& C = *levels_[l + 1];
    if (!keep_faces)
      for (int axis = 0; axis < C.g.dim; ++axis) coarsen_faces(F, C, axis);
    coarsen_diagonal(F, C);
  }
}

void EllipticSolver::factor_bottom() {
  const MgLevel& B = *levels_.back();
  const Grid& g = B.g;
  const int n = int(g.cells());
  bottom_n_ = n;
  std::vector<double> wx, wy, wz, dg;
  B.wx.download_all(wx);
  B.wy.download_all(wy);
  if (g.dim == 3) B.wz.download_all(wz);
  B.diag.download_all(dg);
  const Layout lay = B.diag.layout();
  const std::int64_t sy = lay.ext[0], sz = std::int64_t(lay.ext[0]) * lay.ext[1];
  auto at = [&](const std::vector<double>& v, int i, int j, int k) {
    return v[lay.offset() + i + j * sy + k * sz];
  };
  auto id = [&](int i, int j, int k) {
    i = (i + g.n[0]) % g.n[0];
    j = (j + g.n[1]) % g.n[1];
    k = (k + g.n[2]) % g.n[2];
    return i + g.n[0] * (j + g.n[1] * k);
  };
  std::vector<double> A(std::size_t(n) * n, 0.0);
  auto couple = [&](int c, int nb, double w) {
    if (w == 0.0 || c == nb) return;
    A[std::size_t(c) * n + c] += w;
    A[std::size_t(c) * n + nb] -= w;
  };
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i) {
        const int c = id(i, j, k);
        A[std::size_t(c) * n + c] += at(dg, i, j, k);
        couple(c, id(i - 1, j, k), at(wx, i, j, k));
        couple(c, id(i + 1, j, k), at(wx, i + 1, j, k));
        couple(c, id(i, j - 1, k), at(wy, i, j, k));
        couple(c, id(i, j + 1, k), at(wy, i, j + 1, k));
        if (g.dim == 3) {
          couple(c, id(i, j, k - 1), at(wz, i, j, k));
          couple(c, id(i, j, k + 1), at(wz, i, j, k + 1));
        }
      }
  double diag_mean = 0.0;
  for (int c = 0; c < n; ++c) diag_mean += A[std::size_t(c) * n + c] / n;
  // A pure Neumann/periodic operator has the constants as null space: A + c 11^T is then
  // positive definite and agrees with A on the zero-sum right-hand sides it is given.
  if (singular_)
    for (auto& v : A) v += diag_mean / n;
  for (int j = 0; j < n; ++j) {  // dense Cholesky, lower triangle in place
    double d = A[std::size_t(j) * n + j];
    for (int k = 0; k < j; ++k) d -= A[std::size_t(j) * n + k] * A[std::size_t(j) * n + k];
    if (!(d > 0.0))
      throw std::runtime_error(
          "elliptic solver: the coarsest operator is not positive definite (a region with "
          "zero conductivity everywhere?)");
    const double ljj = std::sqrt(d);
    A[std::size_t(j) * n + j] = ljj;
    for (int i = j + 1; i < n; ++i) {
      double s = A[std::size_t(i) * n + j];
      for (int k = 0; k < j; ++k) s -= A[std::size_t(i) * n + k] * A[std::size_t(j) * n + k];
      A[std::size_t(i) * n + j] = s / ljj;
    }
  }
  bottom_factor_ = std::move(A);
}

void EllipticSolver::bottom_solve() {
  MgLevel& B = *levels_.back();
  std::vector<double> y = B.rhs.download_interior();
  const int n = bottom_n_;
  if (singular_) {
    double mean = 0.0;
    for (double v : y) mean += v / n;
    for (double& v : y) v -= mean;
  }
  const auto& L = bottom_factor_;
  for (int i = 0; i < n; ++i) {
    double s = y[i];
    for (int k = 0; k < i; ++k) s -= L[std::size_t(i) * n + k] * y[k];
    y[i] = s / L[std::size_t(i) * n + i];
  }
  for (int i = n - 1; i >= 0; --i) {
    double s = y[i];
    for (int k = i + 1; k < n; ++k) s -= L[std::size_t(k) * n + i] * y[k];
    y[i] = s / L[std::size_t(i) * n + i];
  }
  B.x.upload_interior(y);
}

void EllipticSolver::smooth(std::size_t l, bool forward, bool first_red_done) {
  for (int sweep = 0; sweep < opt_.smoothing_sweeps; ++sweep) {
    if (!(first_red_done && sweep == 0)) relax_color(*levels_[l], forward ? 0 : 1);
    relax_color(*levels_[l], forward ? 1 : 0);
  }
}

void EllipticSolver::vcycle(std::size_t l) {
  if (l + 1 == levels_.size()) {
    bottom_solve();
    return;
  }
  MgLevel& F = *levels_[l];
  const bool fused = opt_.smoothing_sweeps > 0;
  if (fused)
    F.g.dim == 3 ? first_red_sweep_dim<true>(F) : first_red_sweep_dim<false>(F);
  else
    fill_value(F.x, 0.0);
  smooth(l, true, fused);
  residual(F, F.x, F.rhs, F.res);
  restrict_residual(F, *levels_[l + 1]);
  vcycle(l + 1);
  prolong_add(F, *levels_[l + 1]);
  smooth(l, false);
}

void EllipticSolver::precondition() {
  MgLevel& L0 = *levels_[0];
  L0.rhs.copy_from(r_);
  vcycle(0);
  z_.copy_from(L0.x);
  if (singular_) remove_mean(grid_, z_);
}

double EllipticSolver::true_residual(Field<double>& phi, const Field<double>& F, double norm_f) {
  residual(*levels_[0], phi, F, r_);
  if (singular_) remove_mean(grid_, r_);
  return scaled_norm(grid_, r_, inv_diag_) / norm_f;
}

EllipticSolver::Result EllipticSolver::solve(Field<double>& phi, const Field<double>& f) {
  if (levels_.empty()) throw std::logic_error("EllipticSolver::solve before set_coefficients");
  // Right-hand side in integrated form: f V plus the boundary sources, eq. (11).
  Field<double>& F = rhs_;
  integrated_rhs(grid_, f, fb_, F);
  if (singular_) remove_mean(grid_, F);
  const double norm_f = scaled_norm(grid_, F, inv_diag_);
  Result res;
  if (norm_f == 0.0) {
    fill_value(phi, 0.0);
    res.converged = true;
    return res;
  }
  // Flexible (Polak-Ribiere) PCG, restarted from the true residual when the recursive one
  // drifted below the tolerance while the true one did not.
  res.relative_residual = true_residual(phi, F, norm_f);
  while (res.relative_residual > opt_.rel_tol && res.iterations < opt_.max_iterations) {
    precondition();
    p_.copy_from(z_);
    double rz = dot(grid_, r_, z_);
    while (res.iterations < opt_.max_iterations) {
      ++res.iterations;
      apply_operator(*levels_[0], p_, q_);
      const double pq = dot(grid_, p_, q_);
      if (!(pq > 0.0)) break;
      cg_update(grid_, rz / pq, p_, q_, phi, r_, rprev_);
      if (scaled_norm(grid_, r_, inv_diag_) / norm_f <= opt_.rel_tol) break;
      precondition();
      const double rz_new = dot(grid_, r_, z_);
      const double beta = (rz_new - dot(grid_, rprev_, z_)) / rz;
      rz = rz_new;
      cg_direction(grid_, beta, z_, p_);
    }
    const double previous = res.relative_residual;
    res.relative_residual = true_residual(phi, F, norm_f);
    if (res.relative_residual >= previous) {  // stagnated at round-off
      res.stagnated = true;
      break;
    }
  }
  res.converged = res.relative_residual <= opt_.rel_tol ||
                  (res.stagnated && res.relative_residual <= opt_.roundoff_tol);
  return res;
}

double EllipticSolver::boundary_flux(const Field<double>& phi, int axis, int side) const {
  if (bcs_.periodic(axis)) return 0.0;
  return side_flux(grid_, bcs_.side[axis][side], b_cell_.view(), phi.view(), axis, side);
}

}  // namespace dnd
