// Liquid-electrolyte reference mode (Hong & Viswanathan 2018), eqs. (30)-(32) of
// docs/model.md. One source for CPU and CUDA: every kernel launch is in a free function.
#include "dendrite/models/liquid.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "dendrite/core/parallel.hpp"
#include "dendrite/core/random_K.hpp"
#include "dendrite/models/allen_cahn.hpp"

namespace dnd {

namespace {

/// A number for messages, readable at any magnitude (a residual of 1e-9 is not "0.000000").
std::string scientific(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

allen_cahn::Params capillary(const liquid::Params& p) {
  return {p.mobility, p.kappa, p.barrier, 0.0};
}

/// Capillary part of eq. (30) plus the Langevin term a u (needs filled xi ghosts), and
/// its gradient term L kappa lap xi alone (eq. 33 moves that part to the new time).
template <bool ThreeD>
void capillary_rate(const Grid& g, const liquid::Params& lp, const View<real>& xi,
                    const View<double>& out, const View<double>& gradient_term, double noise,
                    std::uint64_t seed, std::uint64_t step) {
  const allen_cahn::Params p = capillary(lp);
  const allen_cahn::InvDx2 inv = allen_cahn::inv_dx2_of(g);
  const std::int64_t nx = g.n[0], ny = g.n[1];
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        double r = allen_cahn::rate<ThreeD, real>(xi, i, j, k, p, inv);
        if (noise != 0.0)
          r += noise * rng::uniform_symmetric(seed, step, std::uint64_t(i + nx * (j + ny * k)));
        out(i, j, k) = r;
        gradient_term(i, j, k) =
            p.mobility * p.kappa * allen_cahn::laplacian<ThreeD>(xi, i, j, k, inv);
      });
}

/// sigma of eq. (32) and the mobility D of eq. (31) from the present state.
void coefficients(const Grid& g, const liquid::Params& p, const View<real>& xi,
                  const View<double>& w, const View<double>& sigma, const View<double>& mob) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double h = liquid::h_of(double(xi(i, j, k)));
        sigma(i, j, k) = p.sigma_s * h + p.sigma_l * (1.0 - h);
        mob(i, j, k) = liquid::mobility(w(i, j, k), h, p);
      });
}

/// Total rate R = capillary + reaction at phi_k, the weight g and the right-hand side of
///   (g - div sigma grad) phi = -nFc_s R(phi_k) + g phi_k                  (eq. 32, shifted)
/// The exact Jacobian of eq. (32) is -div sigma grad - g (the rate falls as phi rises); the
/// shift +g keeps the operator positive definite for the multigrid solver and leaves the
/// fixed point unchanged; the iteration contracts by about 2g / (sigma/dx^2), which the
/// metal's conductivity makes tiny wherever g is not.
void reaction_rhs(const Grid& g, const liquid::Params& p, const View<real>& xi,
                  const View<double>& w, const View<double>& phi, const View<double>& cap,
                  const View<double>& rate, const View<double>& gw, const View<double>& rhs) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        double r, gg;
        liquid::reaction(double(xi(i, j, k)), w(i, j, k), phi(i, j, k), p, r, gg);
        rate(i, j, k) = cap(i, j, k) + r;
        gw(i, j, k) = gg;
        rhs(i, j, k) = -p.nfcs * rate(i, j, k) + gg * phi(i, j, k);
      });
}

double max_abs(const Grid& g, const View<double>& a) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return std::abs(a(i, j, k)); });
}

double max_change(const Grid& g, const View<double>& a, const View<double>& b) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return std::abs(a(i, j, k) - b(i, j, k)); });
}

/// Right-hand side of eq. (33), xi/dt plus the rate without its gradient term, and xi as
/// the solver's warm start.
void semi_implicit_rhs(const Grid& g, double dt, const View<real>& xi, const View<double>& rate,
                       const View<double>& gradient_term, const View<double>& rhs,
                       const View<double>& guess) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double x = double(xi(i, j, k));
        rhs(i, j, k) = x / dt + rate(i, j, k) - gradient_term(i, j, k);
        guess(i, j, k) = x;
      });
}

void store(const Grid& g, const View<double>& in, const View<real>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) { out(i, j, k) = real(in(i, j, k)); });
}

/// Migration source div(f D grad phi) of eq. (31), per unit volume, with arithmetic face
/// mobilities like the diffusion operator (needs D and phi ghosts).
template <bool ThreeD>
void migration(const Grid& g, const liquid::Params& p, const View<double>& phi,
               const View<double>& mob, const View<double>& out) {
  const double inv2[3] = {1.0 / (g.dx[0] * g.dx[0]), 1.0 / (g.dx[1] * g.dx[1]),
                          1.0 / (g.dx[2] * g.dx[2])};
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double d0 = mob(i, j, k), p0 = phi(i, j, k);
        double s = 0.0;
        for (int a = 0; a < (ThreeD ? 3 : 2); ++a) {
          const int o[3] = {a == 0, a == 1, a == 2};
          const int hi[3] = {i + o[0], j + o[1], k + o[2]}, lo[3] = {i - o[0], j - o[1], k - o[2]};
          s += inv2[a] * (0.5 * (d0 + mob(hi[0], hi[1], hi[2])) * (phi(hi[0], hi[1], hi[2]) - p0) +
                          0.5 * (d0 + mob(lo[0], lo[1], lo[2])) * (phi(lo[0], lo[1], lo[2]) - p0));
        }
        out(i, j, k) = p.f * s;
      });
}

/// Cations carried in by migration through the x = Lx face (per unit time).
double migration_inflow(const Grid& g, const liquid::Params& p, const View<double>& phi,
                        const View<double>& mob) {
  Box side = g.interior();
  side.lo[0] = g.n[0] - 1;
  const double area_over_dx = g.cell_volume() / (g.dx[0] * g.dx[0]);
  return parallel_sum(
      side, DND_LAMBDA(int i, int j, int k) {
        return area_over_dx * p.f * 0.5 * (mob(i, j, k) + mob(i + 1, j, k)) *
               (phi(i + 1, j, k) - phi(i, j, k));
      });
}

void density_field(const Grid& g, const liquid::Params& p, const View<real>& xi,
                   const View<double>& w, const View<double>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = liquid::density(w(i, j, k), liquid::h_of(double(xi(i, j, k))), p);
      });
}

/// One Newton iteration of backward Euler for rho (eq. 31), linearised about w_k:
///   (chi_k/dt) w - div(D grad w) = (chi_k w_k - rho(w_k) + rho_old)/dt + migration
void transport_rhs(const Grid& g, const liquid::Params& p, double dt, const View<real>& xi,
                   const View<double>& w, const View<double>& rho_old, const View<double>& mig,
                   const View<double>& chi, const View<double>& rhs) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double h = liquid::h_of(double(xi(i, j, k)));
        const double wk = w(i, j, k);
        const double c = liquid::susceptibility(wk, h, p);
        chi(i, j, k) = c;
        rhs(i, j, k) = (c * wk - liquid::density(wk, h, p) + rho_old(i, j, k)) / dt + mig(i, j, k);
      });
}

/// Limit a Newton step of w to +-max_step (the logistic saturates, so a full step from far
/// away overshoots) and keep w within +-w_bound, where both concentrations are saturated.
/// The bound matters where no w can reach the target density: metal that loses a little
/// order (h falls) deep inside, where the mobility is zero, must release cations it cannot
/// pass on; such a cell stops at the bound instead of running off (docs/model.md, section 7).
/// Returns the largest change of rho the step makes, chi |dw|: where chi is tiny (saturated
/// concentrations) w itself is fixed only to round-off / chi and is no measure of progress.
double limit_step(const Grid& g, double max_step, double w_bound, const View<double>& w,
                  const View<double>& w0, const View<double>& chi) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        double d = w(i, j, k) - w0(i, j, k);
        if (std::abs(d) > max_step) d *= max_step / std::abs(d);
        const double v = echem::clamp(w0(i, j, k) + d, -w_bound, w_bound);
        w(i, j, k) = v;
        return chi(i, j, k) * std::abs(v - w0(i, j, k));
      });
}

void concentration_field(const Grid& g, const liquid::Params& p, const View<real>& xi,
                         const View<double>& w, const View<double>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = liquid::c_liquid(w(i, j, k), p) * (1.0 - liquid::h_of(double(xi(i, j, k))));
      });
}

double density_integral(const Grid& g, const liquid::Params& p, const View<real>& xi,
                        const View<double>& w) {
  const double vol = g.cell_volume();
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        return vol * liquid::density(w(i, j, k), liquid::h_of(double(xi(i, j, k))), p);
      });
}

double h_integral(const Grid& g, const View<real>& xi) {
  const double vol = g.cell_volume();
  return parallel_sum(
      g.interior(),
      DND_LAMBDA(int i, int j, int k) { return vol * liquid::h_of(double(xi(i, j, k))); });
}

/// x sides as given, the others periodic or no-flux.
BoundarySet along_x(const BoundaryCondition& lo, const BoundaryCondition& hi, bool periodic) {
  BoundarySet s =
      BoundarySet::all(periodic ? BoundaryCondition::periodic() : BoundaryCondition::neumann());
  s.side[0][0] = lo;
  s.side[0][1] = hi;
  return s;
}

EllipticOptions potential_options() {
  EllipticOptions o;
  o.rel_tol = 1e-10;
  o.max_iterations = 400;
  o.max_bottom_cells = 64;
  return o;
}

/// Each Newton iteration needs only a modest linear tolerance. Arithmetic faces because D is
/// smooth and vanishes in the metal: a harmonic mean would all but close every face between
/// the last liquid cell and a metal cell, although the flux there is what feeds the front.
EllipticOptions transport_options() {
  EllipticOptions o = potential_options();
  o.rel_tol = 1e-9;
  o.arithmetic_faces = true;
  return o;
}

constexpr int kMaxPotentialIterations = 50;
constexpr double kPotentialTolerance = 1e-10;  ///< V, largest change of phi
constexpr int kMaxTransportIterations = 200;
constexpr double kTransportTolerance = 1e-11;  ///< largest change of rho by a Newton step
/// Largest change of w per Newton iteration. While a filament races, a few cells per step
/// need w moved by ~10 (where the concentrations are nearly saturated and chi is small); with
/// a cap of 1 the iteration crawls for ~10 iterations before converging quadratically.
/// Measured on the racing filament of the full benchmark (3 steps, 28 substeps), Newton /
/// linear iterations: cap 1: 304 / 1130; 2: 219 / 767; 3: 209 / 704; 5: 225 / 711, all on
/// the same trajectory to 6 digits; cap 10 overshoots and does not converge.
constexpr double kMaxNewtonStep = 3.0;
constexpr double kMaxXiChange = 0.05;             ///< largest change of xi in one (sub)step
constexpr std::uint64_t kMaxSubsteps = 1u << 16;  ///< RNG counters reserved per step
constexpr double kBoundW = 30.0;  ///< |w| bound: c_l, c_s saturated to 1e-7 beyond it

}  // namespace

LiquidCell::LiquidCell(const Grid& grid, const LiquidSetup& s)
    : grid_(grid),
      s_(s),
      xi_bcs_(along_x(BoundaryCondition::dirichlet(1.0), BoundaryCondition::dirichlet(0.0),
                      s.lateral_periodic)),
      w_bcs_(along_x(BoundaryCondition::neumann(), BoundaryCondition::dirichlet(0.0),
                     s.lateral_periodic)),
      phi_bcs_(along_x(BoundaryCondition::dirichlet(s.v_left),
                       BoundaryCondition::dirichlet(s.v_right), s.lateral_periodic)),
      mob_bcs_(
          along_x(BoundaryCondition::neumann(), BoundaryCondition::neumann(), s.lateral_periodic)),
      xi_(grid),
      w_(grid),
      phi_(grid),
      cap_(grid),
      grad_(grid),
      rate_(grid),
      g_(grid),
      sigma_(grid),
      chi_(grid),
      mob_(grid),
      rhs_(grid),
      prev_(grid),
      rho_old_(grid),
      mig_(grid),
      xi_new_(grid),
      halo_(grid),
      phi_solver_(grid, phi_bcs_, potential_options()),
      w_solver_(grid, w_bcs_, transport_options()),
      xi_solver_(grid, xi_bcs_, potential_options()) {
  // phi starts as the straight line between the two applied potentials.
  std::vector<double> line(grid.cells());
  for (std::size_t m = 0; m < line.size(); ++m) {
    const int i = int(m % std::size_t(grid.n[0]));
    const double s01 = (i + 0.5) / grid.n[0];
    line[m] = s.v_left + (s.v_right - s.v_left) * s01;
  }
  phi_.upload_interior(line);
}

double LiquidCell::stable_dt(const liquid::Params& p, double v_span) {
  return liquid::stable_dt(p, v_span);
}

void LiquidCell::fill_ghosts() {
  halo_.fill(xi_, xi_bcs_);
  halo_.fill(w_, w_bcs_);
}

int LiquidCell::solve_potential() {
  return solve_potential(0.0, 0);
}

double LiquidCell::noise_amplitude(double dt) const {
  double a = s_.noise;
  if (s_.noise_dt > 0.0) a *= std::sqrt(s_.noise_dt / dt);
  if (s_.noise_dx > 0.0) a *= std::pow(s_.noise_dx / grid_.dx[0], 0.5 * grid_.dim);
  return a;
}

int LiquidCell::solve_potential(double noise, int substep) {
  const Grid& g = grid_;
  const liquid::Params& p = s_.p;
  fill_ghosts();
  const std::uint64_t counter = step_ * kMaxSubsteps + std::uint64_t(substep);
  g.dim == 3
      ? capillary_rate<true>(g, p, xi_.view(), cap_.view(), grad_.view(), noise, s_.seed, counter)
      : capillary_rate<false>(g, p, xi_.view(), cap_.view(), grad_.view(), noise, s_.seed, counter);
  coefficients(g, p, xi_.view(), w_.view(), sigma_.view(), mob_.view());
  int it = 0;
  while (it < kMaxPotentialIterations) {
    ++it;
    prev_.copy_from(phi_);
    reaction_rhs(g, p, xi_.view(), w_.view(), phi_.view(), cap_.view(), rate_.view(), g_.view(),
                 rhs_.view());
    // sigma is fixed for the whole iteration: after the first set-up only g changes.
    it == 1 ? phi_solver_.set_coefficients(1.0, g_, sigma_) : phi_solver_.update_diagonal(1.0, g_);
    const auto r = phi_solver_.solve(phi_, rhs_);
    if (!r.converged)
      throw std::runtime_error(
          "liquid mode: the potential phi solve did not converge (scaled "
          "relative residual " +
          scientific(r.relative_residual) + "; applied_potential, time.dt)");
    if (max_change(g, phi_.view(), prev_.view()) <= kPotentialTolerance) break;
  }
  if (it == kMaxPotentialIterations)
    throw std::runtime_error("liquid mode: the potential iteration did not settle in " +
                             std::to_string(it) + " iterations");
  // The rate at the converged potential drives xi.
  reaction_rhs(g, p, xi_.view(), w_.view(), phi_.view(), cap_.view(), rate_.view(), g_.view(),
               rhs_.view());
  return it;
}

/// Backward Euler for rho (eq. 31) with xi already at the new time: Newton on w with the
/// step limited, D and the migration source from the old state and the new potential.
int LiquidCell::transport(double dt) {
  const Grid& g = grid_;
  const liquid::Params& p = s_.p;
  int it = 0;
  while (it < kMaxTransportIterations) {
    ++it;
    prev_.copy_from(w_);
    transport_rhs(g, p, dt, xi_.view(), w_.view(), rho_old_.view(), mig_.view(), chi_.view(),
                  rhs_.view());
    // D is lagged (from the state before the substep): after the first set-up only chi changes.
    it == 1 ? w_solver_.set_coefficients(1.0 / dt, chi_, mob_)
            : w_solver_.update_diagonal(1.0 / dt, chi_);
    const auto r = w_solver_.solve(w_, rhs_);
    if (!r.converged)
      throw std::runtime_error(
          "liquid mode: the cation transport (w) solve did not converge "
          "(scaled relative residual " +
          scientific(r.relative_residual) + "; time.dt)");
    if (limit_step(g, kMaxNewtonStep, kBoundW, w_.view(), prev_.view(), chi_.view()) <=
        kTransportTolerance)
      break;
  }
  if (it == kMaxTransportIterations)
    throw std::runtime_error("liquid mode: the transport Newton iteration did not settle in " +
                             std::to_string(it) + " iterations; reduce dt");
  return it;
}

/// Eq. (33): the gradient term at the new time through the solver's Helmholtz form
/// (1/dt - div L kappa grad) xi' = rhs, the rest from the present state.
void LiquidCell::advance_order_parameter(double dt) {
  const Grid& g = grid_;
  if (dt != xi_solver_dt_) {
    xi_solver_.set_coefficients(1.0 / dt, s_.p.mobility * s_.p.kappa);
    xi_solver_dt_ = dt;
  }
  semi_implicit_rhs(g, dt, xi_.view(), rate_.view(), grad_.view(), rhs_.view(), xi_new_.view());
  const auto r = xi_solver_.solve(xi_new_, rhs_);
  if (!r.converged)
    throw std::runtime_error("liquid mode: the order-parameter solve did not converge");
  store(g, xi_new_.view(), xi_.view());
  halo_.fill(xi_, xi_bcs_);
}

/// One step of length dt, split into equal substeps where the rate would move xi by more
/// than kMaxXiChange anywhere: a filament racing towards the counter electrode moves its
/// front more than a tenth of the interface width per step at the configured dt, and the
/// lagged couplings then lose accuracy and, closer still, the transport Newton iteration.
/// The split is decided from the state at each substep, so a restart repeats it exactly.
LiquidStepReport LiquidCell::step(double dt) {
  LiquidStepReport rep;
  double left = dt;
  double h_last = dt;  // substeps after a split try the split's length first
  int sub = 0;
  while (left > 0.0) {
    if (std::uint64_t(sub) >= kMaxSubsteps)
      throw std::runtime_error("liquid mode: a step needed more than 65536 substeps");
    double h = std::min(left, h_last);
    rep.potential_iterations += solve_potential(noise_amplitude(h), sub);
    const double change = h * max_abs(grid_, rate_.view());
    if (change > kMaxXiChange) {
      h = left / std::ceil(left * change / (h * kMaxXiChange));
      rep.potential_iterations += solve_potential(noise_amplitude(h), sub);
    }
    h_last = h;
    substep(h, rep);
    left = left - h > 1e-12 * dt ? left - h : 0.0;
    ++sub;
  }
  rep.substeps = sub;
  ++step_;
  return rep;
}

/// The rest of a (sub)step after the potential solve.
void LiquidCell::substep(double dt, LiquidStepReport& rep) {
  const Grid& g = grid_;
  const liquid::Params& p = s_.p;
  density_field(g, p, xi_.view(), w_.view(), rho_old_.view());
  halo_.fill(phi_, phi_bcs_);
  halo_.fill(mob_, mob_bcs_);
  g.dim == 3 ? migration<true>(g, p, phi_.view(), mob_.view(), mig_.view())
             : migration<false>(g, p, phi_.view(), mob_.view(), mig_.view());
  const double mig_in = migration_inflow(g, p, phi_.view(), mob_.view());
  advance_order_parameter(dt);
  rep.transport_iterations += transport(dt);
  rep.cation_flux += dt * (mig_in - w_solver_.boundary_flux(w_, 0, 1));
}

double LiquidCell::current() const {
  return -phi_solver_.boundary_flux(phi_, 0, 1) / (grid_.cell_volume() / grid_.dx[0]) / grid_.n[1] /
         (grid_.dim == 3 ? grid_.n[2] : 1);
}

std::vector<double> LiquidCell::concentration() {
  concentration_field(grid_, s_.p, xi_.view(), w_.view(), rhs_.view());
  return rhs_.download_interior();
}

double LiquidCell::total_cations() {
  return density_integral(grid_, s_.p, xi_.view(), w_.view());
}

double LiquidCell::metal_amount() const {
  return h_integral(grid_, xi_.view());
}

}  // namespace dnd
