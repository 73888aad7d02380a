// Solid-electrolyte electrodeposition: coupled potentials by a damped Newton iteration with
// block Gauss-Seidel between phi_l and phi_s, galvanostatic control by a secant iteration
// on V_cell. One source for CPU and CUDA: every kernel launch is in a free function.
#include "dendrite/models/electrodeposition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "dendrite/core/parallel.hpp"
#include "dendrite/core/random_K.hpp"
#include "dendrite/models/allen_cahn.hpp"
#include "dendrite/models/nucleation_K.hpp"

namespace dnd {

namespace {

void flat_cell_potentials(const Grid& g, double front, double sigma, double v, double eta_a,
                          double i, const View<double>& pl, const View<double>& ps);

/// A number for messages: 4 significant digits, any magnitude.
std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// Capillary part of eq. (20) (needs filled xi ghosts; eq. 6 when anisotropic).
template <bool ThreeD, bool Aniso>
void capillary_rate(const Grid& g, const allen_cahn::Params& p, const View<real>& xi,
                    const View<double>& out) {
  const allen_cahn::InvDx2 inv = allen_cahn::inv_dx2_of(g);
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = allen_cahn::rate<ThreeD, real, Aniso>(xi, i, j, k, p, inv);
      });
}

/// Langevin term  a h'(xi) u sqrt(dt_ref / dt),  u uniform in (-1, 1) from the counter-based
/// generator keyed by (seed, step, cell): the same draws on every backend and after a
/// restart, and a variance per unit time a^2 dt_ref h'^2 / 3 whatever the step.
void noise_rate(const Grid& g, double amplitude, std::uint64_t seed, std::uint64_t step,
                const View<real>& xi, const View<double>& out) {
  const std::int64_t nx = g.n[0], ny = g.n[1];
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const std::uint64_t cell = std::uint64_t(i + nx * (j + ny * k));
        out(i, j, k) = amplitude * echem::interp_hprime(double(xi(i, j, k))) *
                       rng::uniform_symmetric(seed, step, cell);
      });
}

/// Conductivities of eq. (25) from the order parameter the potentials see, with the
/// electrolyte values of each cell's phase (a table lookup: 1 byte per cell).
template <class T>
void conductivities(const Grid& g, const echem::Conductivity& c, const micro::PhaseTable& tab,
                    const View<std::uint8_t>& phase, const View<T>& xi, const View<double>& sl,
                    const View<double>& ss) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double x = double(xi(i, j, k));
        const int p = phase(i, j, k);
        sl(i, j, k) = echem::sigma_l(x, tab.sigma_ion[p], c);
        ss(i, j, k) = echem::sigma_s(x, tab.sigma_e[p], c);
      });
}

void copy_to_double(const Grid& g, const View<real>& in, const View<double>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) { out(i, j, k) = double(in(i, j, k)); });
}

/// Film resistances of eq. (52) on the low faces along one axis: the staircase factor times
/// the film's series resistance, removed as metal fills both cells, (1 - h(min xi)).
void film_face_resistance(const Grid& g, int axis, const View<double>& factor,
                          const View<double>& xi, double r_ion, double r_e,
                          const View<double>& out_l, const View<double>& out_s) {
  Box b = g.interior();
  b.hi[axis] += 1;
  const int n = g.n[axis];
  parallel_for(
      b, DND_LAMBDA(int i, int j, int k) {
        const double s = factor(i, j, k);
        if (s == 0.0) {
          out_l(i, j, k) = 0.0;
          out_s(i, j, k) = 0.0;
          return;
        }
        int lo[3] = {i, j, k}, hi[3] = {i, j, k};
        lo[axis] = (lo[axis] - 1 + n) % n;  // film faces exist only inside or across a wrap
        hi[axis] = hi[axis] % n;
        const double x0 = xi(lo[0], lo[1], lo[2]), x1 = xi(hi[0], hi[1], hi[2]);
        const double left = 1.0 - echem::interp_h(echem::clamp(x0 < x1 ? x0 : x1, 0.0, 1.0));
        out_l(i, j, k) = s * r_ion * left;
        out_s(i, j, k) = s * r_e * left;
      });
}

/// What the reaction of one cell needs, for either formulation: eq. (20) reads xi, the
/// Gibbs-Thomson form (eq. 47) the relaxed state, eta_GT and the step.
struct ReactionState {
  bool gibbs = false;
  echem::Kinetics k;
  interface::FrontKinetics fk;
  double dt = 0.0;
  View<real> xi;
  View<double> relaxed, eta_gt, cap, noise;
  bool has_noise = false;
  /// Exchange-current factor of each cell's phase (i0_varies false: 1 everywhere).
  bool i0_varies = false;
  View<std::uint8_t> phase;
  double i0_factor[micro::kPhaseCount] = {1, 1, 1, 1, 1};
  /// Mechanical gate (eq. 56): plating at a cell is scaled by gate(i, j, k) in [0, 1].
  bool gated = false;
  View<double> gate;
};

/// Reaction rate and linearisation weight g >= 0 at overpotential eta (without eta_GT).
DND_INLINE void local_reaction(const ReactionState& s, int i, int j, int k, double eta,
                               double& rate, double& g) {
  const double f = s.i0_varies ? s.i0_factor[s.phase(i, j, k)] : 1.0;
  if (s.gibbs) {
    double v;
    interface::FrontKinetics fk = s.fk;
    fk.i0 *= f;
    fk.speed_scale *= f;
    interface::front_reaction(s.relaxed(i, j, k), eta + s.eta_gt(i, j, k), s.dt, fk, rate, g, v);
    if (s.gated && rate > 0.0) {  // plating only: the gate closes the solid, not the metal
      const double m = s.gate(i, j, k);
      rate *= m;
      g *= m;
    }
  } else {
    echem::Kinetics kin = s.k;
    kin.l_eta *= f;
    echem::reaction(double(s.xi(i, j, k)), eta, kin, rate, g);
  }
}

/// How much of a cell's change of xi is a charge source (docs/model.md 10.2): gibbs_thomson
/// counts it where the reaction may act (the tail factor of weight_min). Below, the
/// profile's far tail changes by its relaxation alone, by amounts < 1e-4, which no electron
/// could pay where the electrolyte insulates: charged there, they swung phi_s by volts.
/// In the cells of a nucleus that still owes its metal (owner >= 0) xi stands still, so
/// only the reaction is charged there, not the profile's relaxation: a relaxation rate that
/// moves no xi would be a source that never decays.
struct ChargeBand {
  bool all = true;
  View<double> relaxed;
  double weight_min = 0.0;
  bool nuclei = false;
  View<double> owner, relaxation;
};

DND_INLINE double charged(const ChargeBand& b, int i, int j, int k) {
  if (b.all) return 1.0;
  return interface::tail_factor(interface::front_weight_w(b.relaxed(i, j, k)), b.weight_min);
}

/// The charge source of a cell whose xi changes at `rate` (1/s, in xi).
DND_INLINE double charged_rate(const ChargeBand& b, int i, int j, int k, double rate) {
  if (b.nuclei && b.owner(i, j, k) >= 0.0) rate -= b.relaxation(i, j, k);
  return charged(b, i, j, k) * rate;
}

ChargeBand charge_band(const ReactionState& st) {
  ChargeBand b;
  b.all = !st.gibbs;
  if (st.gibbs) {
    b.relaxed = st.relaxed;
    b.weight_min = st.fk.weight_min;
  }
  return b;
}

/// Total rate R = capillary or relaxation + noise + reaction at the current potentials, the
/// linearisation weight g, and the right-hand side of the phi_l equation:
///   (g - div sigma_l grad) phi_l = -n F c_s R + g phi_l        (eq. 23, linearised)
void reaction_and_rhs_l(const Grid& g, const ReactionState& st, const ChargeBand& band,
                        const View<double>& pl, const View<double>& ps, const View<double>& rate,
                        const View<double>& gw, const View<double>& rhs) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int kk) {
        double r, w;
        local_reaction(st, i, j, kk, ps(i, j, kk) - pl(i, j, kk) - st.k.e0, r, w);
        double total = st.cap(i, j, kk) + r;
        if (st.has_noise) total += st.noise(i, j, kk);
        rate(i, j, kk) = total;
        gw(i, j, kk) = w;
        const double source = charged_rate(band, i, j, kk, total);
        rhs(i, j, kk) = -st.k.nfcs * source + w * pl(i, j, kk);
      });
}

///   (g - div sigma_s grad) phi_s = n F c_s R + g phi_s + g (phi_l_new - phi_l_old)   (eq. 24)
void rhs_s(const Grid& g, const ChargeBand& band, double nfcs, const View<double>& rate,
           const View<double>& gw, const View<double>& ps, const View<double>& pl_new,
           const View<double>& pl_old, const View<double>& rhs) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double w = gw(i, j, k);
        const double source = charged_rate(band, i, j, k, rate(i, j, k));
        rhs(i, j, k) = nfcs * source + w * ps(i, j, k) + w * (pl_new(i, j, k) - pl_old(i, j, k));
      });
}

/// Largest change of eta = phi_s - phi_l between two iterates where the reaction acts
/// (g > 0): elsewhere eta enters nothing, and in an electronic insulator phi_s may move by
/// volts without consequence.
double max_eta_change(const Grid& g, const View<double>& gw, const View<double>& pl,
                      const View<double>& ps, const View<double>& pl0, const View<double>& ps0) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        if (!(gw(i, j, k) > 0.0)) return 0.0;
        return std::abs((ps(i, j, k) - pl(i, j, k)) - (ps0(i, j, k) - pl0(i, j, k)));
      });
}

double max_change(const Grid& g, const View<double>& a, const View<double>& a0) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return std::abs(a(i, j, k) - a0(i, j, k)); });
}

/// phi = phi_old + theta (phi - phi_old)
void damp(const Grid& g, double theta, const View<double>& a, const View<double>& a0) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        a(i, j, k) = a0(i, j, k) + theta * (a(i, j, k) - a0(i, j, k));
      });
}

/// Final rate at the converged potentials; returns the largest |rate| without the noise
/// (how far xi moves per unit time, deterministically).
double final_rate(const Grid& g, const ReactionState& st, const View<double>& pl,
                  const View<double>& ps, const View<double>& rate) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int kk) {
        double r, w;
        local_reaction(st, i, j, kk, ps(i, j, kk) - pl(i, j, kk) - st.k.e0, r, w);
        const double det = st.cap(i, j, kk) + r;
        rate(i, j, kk) = st.has_noise ? det + st.noise(i, j, kk) : det;
        return std::abs(det);
      });
}

/// Largest |rate| outside the cells of nuclei that still owe.
double free_rate_max(const Grid& g, const View<double>& owner, const View<double>& rate) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        return owner(i, j, k) >= 0.0 ? 0.0 : std::abs(rate(i, j, k));
      });
}

/// Largest |v_n| of eq. (42) over the cells whose relaxed xi lies in [0.1, 0.9].
double front_speed_max(const Grid& g, const ReactionState& st, const View<double>& pl,
                       const View<double>& ps) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double x = st.relaxed(i, j, k);
        if (x < 0.1 || x > 0.9) return 0.0;
        double bv, slope;
        interface::bv_and_slope(ps(i, j, k) - pl(i, j, k) - st.k.e0 + st.eta_gt(i, j, k), st.fk, bv,
                                slope);
        const double f = st.i0_varies ? st.i0_factor[st.phase(i, j, k)] : 1.0;
        return std::abs(f * st.fk.speed_scale * bv);
      });
}

/// max |a - b| / max |b|: how far the charge source moved from the one last solved for.
double relative_change(const Grid& g, const View<double>& a, const View<double>& b) {
  const double diff = parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return std::abs(a(i, j, k) - b(i, j, k)); });
  const double scale = parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return std::abs(b(i, j, k)); });
  return scale > 0.0 ? diff / scale : (diff > 0.0 ? 1e300 : 0.0);
}

void apply_rate(const Grid& g, double dt, const View<real>& xi, const View<double>& rate,
                const View<real>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = real(double(xi(i, j, k)) + dt * rate(i, j, k));
      });
}

double sum_real(const Grid& g, const View<real>& v) {
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return double(v(i, j, k)); });
}

/// Mean over the last layer of cells (x = Lx side) of a field.
double mean_last_layer(const Grid& g, const View<double>& v) {
  Box b = g.interior();
  b.lo[0] = g.n[0] - 1;
  return parallel_sum(
             b, DND_LAMBDA(int i, int j, int k) { return v(i, j, k); }) /
         double(b.cells());
}

/// Face flux -(phi_nb - phi_c) / (dx / sigma_face + r) with the harmonic face conductivity
/// and the film resistance r of the face (eq. 53; 0 without one): the solver's own flux, so a
/// 1e12 jump of sigma_s across the interface, or a GB film's potential step, adds no
/// spurious current.
DND_INLINE double face_flux(double s0, double s1, double p0, double p1, double dx, double r) {
  const double sum = s0 + s1;
  const double sh = sum > 0.0 ? 2.0 * s0 * s1 / sum : 0.0;
  if (sh <= 0.0) return 0.0;
  return -(p1 - p0) / (dx / sh + r);
}

/// Film resistances of the low faces along the three axes (empty views: none).
struct FaceResistances {
  View<double> l[3], s[3];
  bool any = false;
};

/// |i_l + i_s| at cell centres: the mean of the two face fluxes along each axis (output only).
void current_density(const Grid& g, const View<double>& pl, const View<double>& ps,
                     const View<double>& sl, const View<double>& ss, const FaceResistances& fr,
                     const View<double>& out) {
  const double dxs[3] = {g.dx[0], g.dx[1], g.dx[2]};
  const bool three = g.dim == 3;
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        auto axis_current = [&](int a, int di, int dj, int dk) {
          const double dx = dxs[a];
          const double rl0 = fr.any ? fr.l[a](i, j, k) : 0.0;
          const double rs0 = fr.any ? fr.s[a](i, j, k) : 0.0;
          const double rl1 = fr.any ? fr.l[a](i + di, j + dj, k + dk) : 0.0;
          const double rs1 = fr.any ? fr.s[a](i + di, j + dj, k + dk) : 0.0;
          const double lo = face_flux(sl(i - di, j - dj, k - dk), sl(i, j, k),
                                      pl(i - di, j - dj, k - dk), pl(i, j, k), dx, rl0) +
                            face_flux(ss(i - di, j - dj, k - dk), ss(i, j, k),
                                      ps(i - di, j - dj, k - dk), ps(i, j, k), dx, rs0);
          const double hi = face_flux(sl(i, j, k), sl(i + di, j + dj, k + dk), pl(i, j, k),
                                      pl(i + di, j + dj, k + dk), dx, rl1) +
                            face_flux(ss(i, j, k), ss(i + di, j + dj, k + dk), ps(i, j, k),
                                      ps(i + di, j + dj, k + dk), dx, rs1);
          return 0.5 * (lo + hi);
        };
        const double cx = axis_current(0, 1, 0, 0), cy = axis_current(1, 0, 1, 0);
        const double cz = three ? axis_current(2, 0, 0, 1) : 0.0;
        out(i, j, k) = std::sqrt(cx * cx + cy * cy + cz * cz);
      });
}

}  // namespace

Electrodeposition::Electrodeposition(const Grid& grid, const ElectrodepositionParams& p)
    : grid_(grid),
      p_(p),
      xi_bcs_(BoundarySet::all(p.lateral_periodic ? BoundaryCondition::periodic()
                                                  : BoundaryCondition::neumann())),
      xi_(grid),
      next_(grid),
      phi_l_(grid),
      phi_s_(grid),
      rate_cap_(grid),
      noise_(grid),
      rate_(grid),
      g_(grid),
      sig_l_(grid),
      sig_s_(grid),
      rhs_(grid),
      old_l_(grid),
      old_s_(grid),
      halo_(grid),
      sol_l_(grid, bcs_l(), p.solver),
      sol_s_(grid, bcs_s(0.0), p.solver),
      solved_rate_(grid) {
  xi_bcs_.side[0][0] = xi_bcs_.side[0][1] = BoundaryCondition::neumann();
  table_ = p.has_phases ? p.phases : micro::uniform_table(p.sigma.ion, p.sigma.e);
  phase_ = Field<std::uint8_t>(grid);  // zero: every cell the grain phase
  if (p.nucleation.enabled) {
    if (p.formulation != Formulation::gibbs_thomson)
      throw std::invalid_argument("electrodeposition: nucleation needs gibbs_thomson");
    nuc_flag_ = Field<double>(grid);
    nuc_inserted_ = Field<double>(grid);
    nuc_owner_ = Field<double>(grid);
    nuc_owner_.upload_all(std::vector<double>(std::size_t(nuc_owner_.layout().total()), -1.0));
  }
  if (p.mechanical_gate) {
    if (p.formulation != Formulation::gibbs_thomson)
      throw std::invalid_argument("electrodeposition: the mechanical gate needs gibbs_thomson");
    gate_ = Field<double>(grid);
    // -1: not yet set; the first update sets it without a rate limit.
    gate_.upload_all(std::vector<double>(std::size_t(gate_.layout().total()), -1.0));
  }
  if (!(p.kinetics.l_eta > 0 && p.kinetics.f > 0 && p.kinetics.nfcs > 0))
    throw std::invalid_argument("electrodeposition: kinetics not set (L_eta, nF/RT, n F c_s)");
  if (p.counter_butler_volmer && !(p.i0_counter > 0))
    throw std::invalid_argument("electrodeposition: the counter electrode needs i0 > 0");
  if (p.formulation == Formulation::gibbs_thomson) {
    InterfaceParams ip = p.interface;
    ip.lateral_periodic = p.lateral_periodic;
    front_ = std::make_unique<InterfaceRelaxation>(grid, ip);
  }
}

/// Everything a rejected step must give back: the step starts again from here.
struct Electrodeposition::Saved {
  Saved(const Grid& g, bool gate) : xi(g), phi_l(g), phi_s(g), solved_rate(g) {
    if (gate) this->gate = Field<double>(g);
  }
  Field<real> xi;
  Field<double> phi_l, phi_s, solved_rate, gate;
  double v_cell = 0, counter_eta = 0, plated = 0, front_speed = 0;
  std::uint64_t step = 0;
  int reuse_count = -1;
  CellCurrents currents{};
  ControlHistory history{};
};

Electrodeposition::~Electrodeposition() = default;

static ReactionState reaction_state(const ElectrodepositionParams& p,
                                    const Field<std::uint8_t>& phase, const micro::PhaseTable& tab,
                                    bool i0_varies, const Field<double>* gate,
                                    const InterfaceRelaxation* front, const Field<real>& xi,
                                    const Field<double>& cap, const Field<double>& noise,
                                    bool has_noise, double dt) {
  ReactionState s;
  s.gibbs = front != nullptr;
  s.k = p.kinetics;
  s.fk = p.interface.kinetics;
  s.dt = dt;
  s.xi = xi.view();
  s.cap = front ? front->relaxation_rate().view() : cap.view();
  s.relaxed = front ? front->relaxed().view() : View<double>{};
  s.eta_gt = front ? front->gibbs_thomson().view() : View<double>{};
  s.noise = noise.view();
  s.has_noise = has_noise;
  s.i0_varies = i0_varies;
  s.phase = phase.view();
  s.gated = gate != nullptr;
  if (gate) s.gate = gate->view();
  for (int q = 0; q < micro::kPhaseCount; ++q) s.i0_factor[q] = tab.i0_factor[q];
  return s;
}

/// Explicit Gibbs-Thomson limit (eq. 48): the curvature term of eq. (42) moves an interface
/// ripple of wavenumber k at D_GT k^2, D_GT = (i0 Omega_m/nF) BV'(eta) (gamma + gamma'')
/// Omega_m/nF, and the largest discrete k^2 is 4 (d - 1) / dx^2.
static double gibbs_thomson_limit(const Grid& grid, const InterfaceParams& ip, double speed) {
  const interface::FrontKinetics& k = ip.kinetics;
  const double slope_factor = 1.0 + std::abs(speed) / k.speed_scale;  // BV'/f <= 1 + |BV|
  const double stiffness = ip.interface_energy * (1.0 + 15.0 * std::abs(ip.anisotropy));
  const double d_gt = k.speed_scale * k.f * slope_factor * stiffness * ip.omega_over_nf;
  double dx2 = grid.dx[0] * grid.dx[0];
  for (int d = 1; d < grid.dim; ++d) dx2 = std::min(dx2, grid.dx[d] * grid.dx[d]);
  return 0.5 * dx2 / (d_gt * 2.0 * std::max(1, grid.dim - 1));
}

double Electrodeposition::stable_dt(const Grid& grid, const ElectrodepositionParams& p) {
  if (p.formulation == Formulation::gibbs_thomson)
    return gibbs_thomson_limit(grid, p.interface, 0.0);
  return AllenCahn::stable_dt(grid, p.capillary);
}

double Electrodeposition::gibbs_thomson_dt() const {
  if (!front_) return 1e300;
  return gibbs_thomson_limit(grid_, p_.interface, front_speed_);
}

double Electrodeposition::cross_section() const {
  double a = 1.0;
  for (int d = 1; d < grid_.dim; ++d) a *= grid_.length(d);
  return a;
}

BoundarySet Electrodeposition::bcs_l() const {
  BoundarySet s = BoundarySet::all(p_.lateral_periodic ? BoundaryCondition::periodic()
                                                       : BoundaryCondition::neumann());
  s.side[0][0] = BoundaryCondition::neumann(0.0);  // ionically blocking metal anode
  if (!p_.counter_butler_volmer) {
    s.side[0][1] = BoundaryCondition::dirichlet(0.0);
  } else {
    // sigma_l dphi_l/dn = i0_c BV(eta_c), eta_c = -phi_l (phi_s = 0 there), linearised
    // about eta_c0: i0_c BV' phi + sigma dphi/dn = i0_c (BV - BV' eta_c0); divided by sigma.
    const echem::Kinetics& k = p_.kinetics;
    const double e0 = counter_eta_;
    const double bv = echem::butler_volmer(e0, k.alpha, k.f);
    const double slope = echem::butler_volmer_slope(e0, k.alpha, k.f);
    const double sigma = p_.sigma.ion;
    s.side[0][1] = BoundaryCondition::robin(p_.i0_counter * slope / sigma, 1.0,
                                            p_.i0_counter * (bv - slope * e0) / sigma);
  }
  return s;
}

BoundarySet Electrodeposition::bcs_s(double v_cell) const {
  BoundarySet s = BoundarySet::all(p_.lateral_periodic ? BoundaryCondition::periodic()
                                                       : BoundaryCondition::neumann());
  s.side[0][0] = BoundaryCondition::dirichlet(v_cell);
  s.side[0][1] = BoundaryCondition::dirichlet(0.0);
  return s;
}

BoundarySet Electrodeposition::bcs_c() const {
  BoundarySet s = BoundarySet::all(p_.lateral_periodic ? BoundaryCondition::periodic()
                                                       : BoundaryCondition::neumann());
  s.side[0][0] = BoundaryCondition::dirichlet(0.0);
  s.side[0][1] = BoundaryCondition::dirichlet(0.0);
  return s;
}

namespace {

/// Right-hand side of the common-mode correction: the residual the block sweep leaves in
/// the sum of the linearised eqs. (23) and (24), g (phi_s_new - phi_s_old) (the phi_l solve
/// saw the old phi_s; the phi_s solve is exact).
void common_mode_rhs(const Grid& g, const View<double>& gw, const View<double>& ps,
                     const View<double>& ps_old, const View<double>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        out(i, j, k) = gw(i, j, k) * (ps(i, j, k) - ps_old(i, j, k));
      });
}

void sum_fields(const Grid& g, const View<double>& a, const View<double>& b,
                const View<double>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) { out(i, j, k) = a(i, j, k) + b(i, j, k); });
}

void set_zero(const Grid& g, const View<double>& a) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) { a(i, j, k) = 0.0; });
}

void add_to_both(const Grid& g, const View<double>& d, const View<double>& a,
                 const View<double>& b) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        a(i, j, k) += d(i, j, k);
        b(i, j, k) += d(i, j, k);
      });
}

}  // namespace

/// The common-mode correction (docs/model.md, section 6): shifting both potentials by delta
/// leaves eta, hence the reaction, unchanged, so the sum of eqs. (23) and (24) reads
/// -div((sigma_l + sigma_s) grad delta) = residual. The operator is taken without GB films
/// and with delta = 0 on both electrodes: stiffer than the true one, so delta never
/// overshoots; the next sweep corrects the rest.
void Electrodeposition::common_mode() {
  const Grid& g = grid_;
  if (!common_faces_current_) {
    common_faces_current_ = true;
    if (!sol_c_) {  // made on first need: most runs never switch the correction on
      sol_c_ = std::make_unique<EllipticSolver>(g, bcs_c(), p_.solver);
      delta_ = Field<double>(g);
    }
    sum_fields(g, sig_l_.view(), sig_s_.view(), delta_.view());
    sol_c_->set_coefficients(0.0, g_, delta_, bcs_c());
  }
  common_mode_rhs(g, g_.view(), phi_s_.view(), old_s_.view(), rhs_.view());
  set_zero(g, delta_.view());
  sol_c_->solve(delta_, rhs_);
  add_to_both(g, delta_.view(), phi_l_.view(), phi_s_.view());
}

PotentialReport Electrodeposition::newton(double v_cell) {
  const Grid& g = grid_;
  const echem::Kinetics& k = p_.kinetics;
  PotentialReport rep;
  double previous_change = 0.0;
  for (int it = 0; it < p_.max_newton; ++it) {
    ++rep.newton_iterations;
    old_l_.copy_from(phi_l_);
    old_s_.copy_from(phi_s_);
    const ReactionState st =
        reaction_state(p_, phase_, table_, i0_varies_, p_.mechanical_gate ? &gate_ : nullptr,
                       front_.get(), xi_, rate_cap_, noise_, has_noise_, step_dt_);
    ChargeBand band = charge_band(st);
    if (has_debt_) {
      band.nuclei = true;
      band.owner = nuc_owner_.view();
      band.relaxation = st.cap;
    }
    reaction_and_rhs_l(g, st, band, phi_l_.view(), phi_s_.view(), rate_.view(), g_.view(),
                       rhs_.view());
    // Counter electrode linearised about the face value of the previous iterate.
    if (p_.counter_butler_volmer) {
      const BoundaryCondition bc = bcs_l().side[0][1];
      const double cell = mean_last_layer(g, phi_l_.view());
      const double face = (bc.c + 2.0 * bc.b * cell / g.dx[0]) / (bc.a + 2.0 * bc.b / g.dx[0]);
      counter_eta_ = echem::clamp(-face, -k.eta_clamp, k.eta_clamp);
    }
    faces_current_ ? sol_l_.update_diagonal(1.0, g_, bcs_l())
                   : sol_l_.set_coefficients(1.0, g_, sig_l_, bcs_l());
    const auto rl = sol_l_.solve(phi_l_, rhs_);
    rhs_s(g, band, k.nfcs, rate_.view(), g_.view(), phi_s_.view(), phi_l_.view(), old_l_.view(),
          rhs_.view());
    faces_current_ ? sol_s_.update_diagonal(1.0, g_, bcs_s(v_cell))
                   : sol_s_.set_coefficients(1.0, g_, sig_s_, bcs_s(v_cell));
    faces_current_ = true;
    const auto rs = sol_s_.solve(phi_s_, rhs_);
    if (common_mode_on_ && rl.converged && rs.converged) common_mode();
    rep.linear_iterations += rl.iterations + rs.iterations;
    if (!rl.converged || !rs.converged) {
      const bool ionic = !rl.converged;
      const EllipticSolver::Result& bad = ionic ? rl : rs;
      throw std::runtime_error(
          std::string("the ") + (ionic ? "ionic potential phi_l" : "electronic potential phi_s") +
          " solve did not converge in " + std::to_string(bad.iterations) +
          " iterations (scaled relative residual " + short_number(bad.relative_residual) +
          ", Newton iteration " + std::to_string(it + 1) + ", V_cell " +
          short_number(v_cell * 1e3) +
          " mV): the reaction outweighs conduction at this current "
          "(control.current_density) or the conductivity contrast is too high (sigma_floor)");
    }
    // Damped Newton: no step may move eta by more than max_eta_step.
    const double d_eta =
        max_eta_change(g, g_.view(), phi_l_.view(), phi_s_.view(), old_l_.view(), old_s_.view());
    if (d_eta > p_.max_eta_step) {
      const double theta = p_.max_eta_step / d_eta;
      damp(g, theta, phi_l_.view(), old_l_.view());
      damp(g, theta, phi_s_.view(), old_s_.view());
      continue;
    }
    const double change = std::max(max_change(g, phi_l_.view(), old_l_.view()),
                                   max_change(g, phi_s_.view(), old_s_.view()));
    // A sweep that removes less than half of the last change is the slow common mode: from
    // here to the end of this step, every sweep is followed by its correction. The first two
    // sweeps are not compared: the first moves phi_s alone, the second phi_l by as much (the
    // lag of Gauss-Seidel, not a slow mode); comparing them switched the correction on in most
    // steps and cost 10 % on the electrodeposition tests.
    if (p_.common_mode_correction && it >= 2 && previous_change > 0.0 &&
        change > 0.5 * previous_change)
      common_mode_on_ = true;
    previous_change = change;

    if (change <= p_.newton_tol) {
      rep.converged = true;
      break;
    }
  }
  measure_currents();
  return rep;
}

void Electrodeposition::measure_currents() {
  const double area = cross_section();
  currents_.ionic = -sol_l_.boundary_flux(phi_l_, 0, 1) / area;
  currents_.electronic = -sol_s_.boundary_flux(phi_s_, 0, 1) / area;
}

void Electrodeposition::prepare_state(double dt) {
  const Grid& g = grid_;
  halo_.fill(xi_, xi_bcs_);
  faces_current_ = common_faces_current_ = false;
  common_mode_on_ = false;
  step_dt_ = dt;
  if (front_) {
    // Eq. (44) semi-implicitly and eta_GT (eq. 43); the potentials see the relaxed state.
    front_->prepare(xi_, dt, front_->lambda(front_speed_));
    if (p_.mechanical_gate) update_gate();
    conductivities(g, p_.sigma, table_, phase_.view(), front_->relaxed().view(), sig_l_.view(),
                   sig_s_.view());
    if (has_film_) film_resistances(front_->relaxed().view());
  } else {
    conductivities(g, p_.sigma, table_, phase_.view(), xi_.view(), sig_l_.view(), sig_s_.view());
    if (has_film_) {
      // The film sees xi as doubles; rhs_ is free until the Newton loop fills it.
      copy_to_double(g, xi_.view(), rhs_.view());
      film_resistances(rhs_.view());
    }
    const bool aniso = p_.capillary.anisotropy != 0.0;
    const View<real> xv = xi_.view();
    const View<double> cv = rate_cap_.view();
    if (g.dim == 3)
      aniso ? capillary_rate<true, true>(g, p_.capillary, xv, cv)
            : capillary_rate<true, false>(g, p_.capillary, xv, cv);
    else
      aniso ? capillary_rate<false, true>(g, p_.capillary, xv, cv)
            : capillary_rate<false, false>(g, p_.capillary, xv, cv);
  }
  has_noise_ = p_.noise_amplitude != 0.0 && dt > 0.0;
  if (has_noise_)
    noise_rate(g, p_.noise_amplitude * std::sqrt(p_.noise_reference_dt / dt), p_.noise_seed, step_,
               xi_.view(), noise_.view());
}

double Electrodeposition::measure_front_speed() const {
  if (!front_) return 0.0;
  return front_speed_max(
      grid_,
      reaction_state(p_, phase_, table_, i0_varies_, p_.mechanical_gate ? &gate_ : nullptr,
                     front_.get(), xi_, rate_cap_, noise_, false, 0.0),
      phi_l_.view(), phi_s_.view());
}

double Electrodeposition::equilibrate_profile(int sweeps) {
  return front_ ? front_->equilibrate(xi_, halo_, xi_bcs_, sweeps) : 0.0;
}

PotentialReport Electrodeposition::solve_potentials(const CellControl& control) {
  // gibbs_thomson: the relaxation rate lambda follows the front speed, which the solve
  // gives; a second pass makes this solve's lambda the one the first step will use.
  PotentialReport rep;
  for (int pass = 0; pass < (front_ ? 2 : 1); ++pass) {
    prepare_state(0.0);
    rep = solve_prepared(control);
    final_rate(grid_,
               reaction_state(p_, phase_, table_, i0_varies_, p_.mechanical_gate ? &gate_ : nullptr,
                              front_.get(), xi_, rate_cap_, noise_, has_noise_, 0.0),
               phi_l_.view(), phi_s_.view(), rate_.view());
    front_speed_ = measure_front_speed();
  }
  solved_rate_.copy_from(rate_);
  reuse_count_ = 0;
  return rep;
}

void Electrodeposition::cold_potentials(const FlatCellEstimate& est, double i) {
  const Grid& g = grid_;
  const double front = metal_thickness();
  const double sigma = table_.sigma_ion[0] > 0.0 ? table_.sigma_ion[0] : p_.sigma.ion;
  const double v = est.v_cell, eta_a = est.eta_anode;
  flat_cell_potentials(g, front, sigma, v, eta_a, i, phi_l_.view(), phi_s_.view());
  counter_eta_ = est.eta_counter;
  faces_current_ = common_faces_current_ = false;
}

double Electrodeposition::anode_exchange_current() const {
  const echem::Kinetics& k = p_.kinetics;
  return front_
             ? p_.interface.kinetics.i0
             : k.nfcs * k.l_eta * 3.0 * std::sqrt(2.0 * p_.capillary.kappa / p_.capillary.barrier);
}

FlatCell Electrodeposition::flat_cell() const {
  const echem::Kinetics& k = p_.kinetics;
  FlatCell c;
  c.i0_anode = anode_exchange_current();
  c.length = std::max(0.0, grid_.length(0) - metal_thickness());
  c.sigma_ion = table_.sigma_ion[0] > 0.0 ? table_.sigma_ion[0] : p_.sigma.ion;
  c.i0_counter = p_.counter_butler_volmer ? p_.i0_counter : 0.0;
  c.alpha = k.alpha;
  c.f = k.f;
  return c;
}

PotentialReport Electrodeposition::solve_prepared(const CellControl& control) {
  const Grid& g = grid_;
  if (control.mode == ControlMode::potentiostatic) {
    v_cell_ = control.v_cell;
    return newton(v_cell_);
  }
  // Galvanostatic: secant on V_cell for I(V) = I_app, I monotone decreasing in V.
  const double target = control.i_app;
  const echem::Kinetics& k = p_.kinetics;
  // -dV/dI for the second point: the last secant's, else Ohm + linear kinetics.
  double resistance = g.length(0) / p_.sigma.ion;
  if (p_.counter_butler_volmer) resistance += 1.0 / (p_.i0_counter * k.f);
  if (front_)
    resistance += 1.0 / (p_.interface.kinetics.i0 * k.f);
  else
    resistance += 1.0 / (k.nfcs * k.l_eta * 3.0 *
                         std::sqrt(2.0 * p_.capillary.kappa / p_.capillary.barrier) * k.f);
  // A cold start (no solve, no restart state) begins from the flat cell of eq. (55): from
  // phi = 0 and V = 0, Newton steps damped to max_eta_step would need |V_cell| /
  // max_eta_step iterations to reach the interfaces, and at i >> i0 the first ones start
  // eta tens of RT/F from the answer.
  const bool cold = v_cell_ == 0.0 && history_.last_dt == 0.0 && history_.resistance == 0.0;
  if (cold) {
    const FlatCellEstimate est = flat_cell_at_current(flat_cell(), target);
    v_cell_ = est.v_cell;
    resistance = est.resistance;
    cold_potentials(est, target);
  }
  if (history_.resistance > 0.0) resistance = history_.resistance;
  PotentialReport total;
  double v0 = v_cell_, i0 = 0.0;
  // A bracket of the root, as I(V) decreases: below v_above the current exceeds the target,
  // above v_below it falls short. A secant step that leaves the bracket is replaced by
  // bisection, and until both ends are known no step moves V_cell by more than its size
  // (1 mV at least): a cell whose resistance lies far below the estimate (shorted by a
  // filament) sent the first step to V_cell = +60 kV.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double v_above = -kInf, v_below = kInf;
  for (int it = 0; it < p_.max_control; ++it) {
    ++total.control_iterations;
    const PotentialReport r = newton(v_cell_);
    total.newton_iterations += r.newton_iterations;
    total.linear_iterations += r.linear_iterations;
    // A current from unconverged potentials would send the secant anywhere (V_cell 1e156).
    if (!r.converged)
      throw std::runtime_error("the potentials did not converge at V_cell " +
                               short_number(v_cell_ * 1e3) + " mV in " +
                               std::to_string(r.newton_iterations) + " Newton iterations");
    const double current = currents_.total();
    // Relative to the target, or as the control says: at zero current (a protocol's rest)
    // no relative tolerance exists, and the solves resolve I only to ~1e-8 of the currents
    // inside the cell.
    const double tolerance = control.current_tolerance > 0.0
                                 ? control.current_tolerance
                                 : p_.control_rtol * std::max(std::abs(target), 1e-30);
    if (std::abs(current - target) <= tolerance) {
      total.converged = r.converged;
      if (it > 0 && current != i0 && (v_cell_ - v0) / (current - i0) < 0.0)
        history_.resistance = -(v_cell_ - v0) / (current - i0);
      return total;
    }
    double v_next;
    if (it == 0 || current == i0)
      v_next = v_cell_ - (target - current) * resistance;
    else
      v_next = v_cell_ - (current - target) * (v_cell_ - v0) / (current - i0);
    (current > target ? v_above : v_below) = v_cell_;
    if (std::isfinite(v_above) && std::isfinite(v_below)) {
      if (!(v_next > v_above && v_next < v_below)) v_next = 0.5 * (v_above + v_below);
    } else if (std::isfinite(v_below)) {  // the root lies below v_below
      const double reach = std::max(std::abs(v_below), 1e-3);
      if (!(v_next < v_below)) v_next = v_below - reach;
      v_next = std::max(v_next, v_below - reach);
    } else {  // above v_above
      const double reach = std::max(std::abs(v_above), 1e-3);
      if (!(v_next > v_above)) v_next = v_above + reach;
      v_next = std::min(v_next, v_above + reach);
    }
    v0 = v_cell_;
    i0 = current;
    v_cell_ = v_next;
  }
  throw std::runtime_error(
      "galvanostatic control (control.current_density) did not reach the "
      "applied current in " +
      std::to_string(p_.max_control) + " iterations: last " + short_number(currents_.total()) +
      " A/m^2 at V_cell " + short_number(v_cell_ * 1e3) + " mV, target " + short_number(target) +
      " A/m^2");
}

PotentialReport Electrodeposition::step(double dt, const CellControl& control) {
  PotentialReport rep;
  prepare_state(dt);
  const ReactionState st =
      reaction_state(p_, phase_, table_, i0_varies_, p_.mechanical_gate ? &gate_ : nullptr,
                     front_.get(), xi_, rate_cap_, noise_, has_noise_, dt);
  auto rate_now = [&] { return final_rate(grid_, st, phi_l_.view(), phi_s_.view(), rate_.view()); };
  // The residual check costs one rate evaluation; skip it when reuse is off or exhausted.
  const bool may_reuse =
      p_.reuse_tol > 0.0 && reuse_count_ >= 0 && reuse_count_ < p_.max_reuse && !has_debt_;
  double max_rate = may_reuse ? rate_now() : 0.0;
  if (may_reuse && relative_change(grid_, rate_.view(), solved_rate_.view()) <= p_.reuse_tol) {
    rep.reused = true;
    rep.converged = true;
    ++reuse_count_;
  } else {
    // Galvanostatic: start the secant from V_cell extrapolated over the last step.
    const double v_before = v_cell_;
    const bool predict = control.mode == ControlMode::galvanostatic && history_.last_dt > 0.0;
    if (predict) v_cell_ += history_.v_rate * history_.last_dt;
    rep = solve_prepared(control);
    if (control.mode == ControlMode::galvanostatic && history_.last_dt > 0.0)
      history_.v_rate = (v_cell_ - v_before) / history_.last_dt;
    history_.last_dt = dt;
    max_rate = rate_now();
    solved_rate_.copy_from(rate_);
    reuse_count_ = 0;
  }
  // The cells of a nucleus that still owes do not move (settle_nuclei withholds their
  // growth): they set no step.
  if (has_debt_ && !paying_off_) max_rate = free_rate_max(grid_, nuc_owner_.view(), rate_.view());
  last_max_change_ = max_rate * dt;
  last_det_change_ = last_max_change_;
  if (!front_ && last_max_change_ > 0.2)
    throw std::runtime_error("the order parameter would change by " +
                             short_number(last_max_change_) +
                             " in one step: the reaction is too fast for this dt");
  if (front_) {
    // The relaxation rate lambda follows the fastest front up at once, and down no faster
    // than the profile relaxes (e^(-lambda dt) per step): lambda's own relaxation source is
    // paid in charge, and a lambda that dropped and rose between steps as a nucleus crossed
    // xi = 0.1 moved V_cell by millivolts per step at any dt (measured).
    const double decayed = front_speed_ * std::exp(-dt * front_->lambda(front_speed_));
    front_speed_ = std::max(measure_front_speed(), decayed);
  }
  apply_rate(grid_, dt, xi_.view(), rate_.view(), next_.view());
  xi_.swap(next_);
  plated_charge_ += dt * currents_.ionic;
  ++step_;
  return rep;
}

void Electrodeposition::save_state(Saved& s) const {
  s.xi.copy_from(xi_);
  s.phi_l.copy_from(phi_l_);
  s.phi_s.copy_from(phi_s_);
  s.solved_rate.copy_from(solved_rate_);
  if (p_.mechanical_gate) s.gate.copy_from(gate_);
  s.v_cell = v_cell_;
  s.counter_eta = counter_eta_;
  s.plated = plated_charge_;
  s.front_speed = front_speed_;
  s.step = step_;
  s.reuse_count = reuse_count_;
  s.currents = currents_;
  s.history = history_;
}

void Electrodeposition::restore_state(const Saved& s) {
  xi_.copy_from(s.xi);
  phi_l_.copy_from(s.phi_l);
  phi_s_.copy_from(s.phi_s);
  solved_rate_.copy_from(s.solved_rate);
  if (p_.mechanical_gate) gate_.copy_from(s.gate);
  v_cell_ = s.v_cell;
  counter_eta_ = s.counter_eta;
  plated_charge_ = s.plated;
  front_speed_ = s.front_speed;
  step_ = s.step;
  reuse_count_ = s.reuse_count;
  currents_ = s.currents;
  history_ = s.history;
  faces_current_ = common_faces_current_ = false;
}

double Electrodeposition::next_dt() const {
  if (next_dt_ > 0.0) return std::min({next_dt_, p_.control.dt_max, gibbs_thomson_dt()});
  // First step: a quarter of what the accuracy target allows at the present front speed.
  const double speed = std::max(front_speed_, p_.interface.speed_floor);
  const double first = 0.25 * p_.control.front_move * p_.interface.kinetics.width / speed;
  return std::min({first, p_.control.dt_max, gibbs_thomson_dt()});
}

PotentialReport Electrodeposition::advance(double h, const CellControl& control) {
  if (!front_) throw std::logic_error("advance: adaptive steps need the gibbs_thomson formulation");
  const StepControl& c = p_.control;
  if (!saved_) saved_ = std::make_unique<Saved>(grid_, p_.mechanical_gate);
  // The controller compares each step with the state before it: start from solved potentials.
  if (reuse_count_ < 0) solve_potentials(control);
  const bool galvanostatic = control.mode == ControlMode::galvanostatic;
  const double floor = galvanostatic ? c.control_floor : 1e-2 * p_.interface.kinetics.i0;
  // Besides xi the controller watches V_cell (galvanostatic) or the current (potentiostatic),
  // relative to a floor of 1e-4 V or 1e-2 i0.
  auto watched = [&] { return galvanostatic ? v_cell_ : currents_.total(); };
  if (gibbs_thomson_dt() < c.dt_min)
    throw std::runtime_error(
        "the explicit Gibbs-Thomson limit " + short_number(gibbs_thomson_dt()) +
        " s (docs/model.md, eq. 48) is below time.dt_min = " + short_number(c.dt_min) +
        " s: phase_field.interface_energy or the grid cannot be run");
  next_dt_ = next_dt();
  PotentialReport total;
  total.converged = true;
  last_substeps_ = 0;
  double done = 0.0;
  // The V_cell (or I) change of a step includes the change the previous step's xi update
  // caused (potentials are solved for the xi a step starts from): when shrinking the step
  // four-fold leaves that error as large, it is not this step's and the step is taken.
  double rejected_e_c = 0.0, rejected_sub = 0.0;
  while (done < h) {
    const double left = h - done;
    double sub = std::min({next_dt_, c.dt_max, gibbs_thomson_dt()});
    const bool last = sub >= left * (1.0 - 1e-12);
    if (last) sub = left;
    save_state(*saved_);
    paying_off_ = has_debt_ && may_pay_off(sub);
    const double before = watched();
    double err = 0.0;
    std::string failure;
    PotentialReport r;
    try {
      r = step(sub, control);
      if (!r.converged) throw std::runtime_error("the potential iteration did not converge");
      const double e_xi = last_det_change_ / (0.5 * c.front_move);
      // With Langevin noise V (or I) carries the noise's charge, whose rate grows as
      // 1/sqrt(dt): it would drive the step to zero, so only xi is watched then.
      const double e_c = has_noise_ ? 0.0
                                    : std::abs(watched() - before) /
                                          (c.control_change * std::max(std::abs(before), floor));
      err = std::max(e_xi, e_c);
      if (e_xi <= 2.0 && e_c > 2.0 && rejected_sub > 0.0 && sub <= 0.25 * rejected_sub &&
          e_c >= 0.7 * rejected_e_c)
        err = e_xi;  // a lagged change: shrinking does not reduce it
      if (!(std::isfinite(e_xi) && std::isfinite(e_c) && std::isfinite(v_cell_) &&
            std::isfinite(currents_.total())))
        failure = "a non-finite state";
      // A nucleus that would dissolve within the step and draw more anodic charge than it
      // holds: the step is retried ending near when it is gone (the next try is 0.9 / err
      // of this one, at most half); steps near dt_min are taken as they are.
      if (failure.empty() && err <= 2.0 && has_debt_ && sub > 2.0 * c.dt_min) {
        const double share = overdraw_share(sub);
        if (share < 1.0) err = std::max(1.0 / std::max(share, 1e-3), 2.01);
      }
    } catch (const std::runtime_error& e) {
      failure = e.what();
    }
    if (!failure.empty() || err > 2.0) {
      if (failure.empty() && rejected_sub == 0.0) {  // the first rejection is the reference
        rejected_e_c =
            std::abs(watched() - before) / (c.control_change * std::max(std::abs(before), floor));
        rejected_sub = sub;
      }
      restore_state(*saved_);
      ++rejected_;
      next_dt_ = sub * (failure.empty() ? std::clamp(0.9 / err, 0.1, 0.5) : 0.25);
      if (next_dt_ < c.dt_min)
        throw std::runtime_error(
            "the time step would have to fall below time.dt_min = " + short_number(c.dt_min) +
            " s, " + short_number(done) + " s into this output interval" +
            (failure.empty() ? std::string(": the front moves too fast for the accuracy target "
                                           "(time.front_move, time.control_change)")
                             : ": " + failure) +
            paid_nucleus_hint());
      continue;
    }
    total.newton_iterations += r.newton_iterations;
    total.control_iterations += r.control_iterations;
    total.linear_iterations += r.linear_iterations;
    total.reused = r.reused;
    total.converged = total.converged && r.converged;
    ++last_substeps_;
    rejected_sub = 0.0;
    if (has_debt_) settle_nuclei(sub);
    time_ += sub;
    // New nuclei start drawing their charge now: re-solve so that the next step's V_cell
    // (or I) change is measured from a state that includes them.
    if (p_.nucleation.enabled && nucleate(sub) > 0) solve_potentials(control);
    done = last ? h : done + sub;
    // A step cut short to land on the end of the interval says little about the next one:
    // keep the proposal unless this step's error (~ dt) shows it too long.
    if (last && sub < next_dt_)
      next_dt_ = std::min(next_dt_, sub * 0.9 / std::max(err, 1e-12));
    else
      next_dt_ = sub * std::clamp(0.9 / std::max(err, 1e-12), 0.2, c.growth);
  }
  return total;
}

void Electrodeposition::film_resistances(const View<double>& xi_seen) {
  for (int axis = 0; axis < grid_.dim; ++axis)
    film_face_resistance(grid_, axis, film_[axis].view(), xi_seen, table_.film_resistance_ion,
                         table_.film_resistance_e, face_r_l_[axis].view(), face_r_s_[axis].view());
}

namespace {

/// Nucleation draws of one accepted step (eq. 57): flag = 1 where a nucleus forms.
void nucleation_draws(const Grid& g, const NucleationParams& np, const micro::PhaseTable& tab,
                      const View<std::uint8_t>& phase, const View<real>& xi, const View<double>& pl,
                      const View<double>& ps, double e0, double dt, std::uint64_t step,
                      const View<double>& flag) {
  const nucleation::Barrier b = nucleation::barrier_of(np);
  const double dv = g.cell_volume();
  const std::int64_t nx = g.n[0], ny = g.n[1];
  const std::uint64_t seed = np.seed;
  const double xmax = np.xi_max;
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        flag(i, j, k) = 0.0;
        if (double(xi(i, j, k)) >= xmax) return;
        const int p = phase(i, j, k);
        const double prob = nucleation::probability(
            b, ps(i, j, k) - pl(i, j, k) - e0, tab.sigma_e[p], tab.nucleation_factor[p], dv, dt);
        const std::uint64_t cell = std::uint64_t(i + nx * (j + ny * k));
        if (prob > 0.0 && nucleation::draw(seed, step, cell) < prob) flag(i, j, k) = 1.0;
      });
}

/// Eq. (56) per cell: see Electrodeposition::update_gate.
void gate_kernel(const Grid& g, const micro::PhaseTable& tab, const View<std::uint8_t>& ph,
                 const View<double>& pl, const View<double>& ps, double ahead_of,
                 double pressure_per_volt, double e0, double max_rise, const View<double>& out) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        const double sigma_c = tab.fracture_resistance[ph(i, j, k)];
        double target = 1.0;  // behind the uniform front, or nothing to break
        if (g.centre(0, i) > ahead_of && sigma_c > 0.0) {
          const double eta = ps(i, j, k) - pl(i, j, k) - e0;
          const double pressure = eta < 0.0 ? -eta * pressure_per_volt : 0.0;
          // A ramp over +-10 % of sigma_c: continuous for Newton.
          target = echem::clamp((pressure - 0.9 * sigma_c) / (0.2 * sigma_c), 0.0, 1.0);
        }
        const double old = out(i, j, k);
        if (old < 0.0) {  // the first update: the state the run starts from
          out(i, j, k) = target;
          return;
        }
        // Fracture is irreversible (a cell once opened stays open; a gate that closed as the
        // pressure relaxed would switch the current back and forth between steps), and
        // opening takes gate_opening_time: M rises at most dt / tau per step, so a step's
        // change vanishes with dt and the step control resolves it.
        const double rise =
            target > old ? (target - old < max_rise ? target - old : max_rise) : 0.0;
        out(i, j, k) = old + rise;
      });
}

double field_sum(const Grid& g, const View<double>& v) {
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return v(i, j, k); });
}

/// The potentials of a flat cell (eq. 55): phi_s = V in the anode, falling linearly to 0
/// at the counter electrode; phi_l = V - eta_a at the front, rising at i / sigma.
void flat_cell_potentials(const Grid& g, double front, double sigma, double v, double eta_a,
                          double i, const View<double>& pl, const View<double>& ps) {
  const double lx = g.length(0);
  parallel_for(
      g.interior(), DND_LAMBDA(int ii, int j, int k) {
        const double x = g.centre(0, ii);
        const double beyond = x > front ? x - front : 0.0;
        pl(ii, j, k) = v - eta_a + i * beyond / sigma;
        ps(ii, j, k) = lx > front ? v * (1.0 - beyond / (lx - front)) : v;
      });
}

}  // namespace

int Electrodeposition::nucleate(double dt) {
  const Grid& g = grid_;
  nucleation_draws(g, p_.nucleation, table_, phase_.view(), xi_.view(), phi_l_.view(),
                   phi_s_.view(), p_.kinetics.e0, dt, step_, nuc_flag_.view());
  const double count = field_sum(g, nuc_flag_.view());
  if (count < 0.5) return 0;
  // Rare: insert on the host. Each nucleus is the tanh profile of a disc (sphere) of
  // `radius`; what it adds to xi it owes (eq. 58). A cell that an owing nucleus holds is
  // left to it: each cell's inserted xi belongs to one nucleus.
  const std::vector<double> flags = nuc_flag_.download_interior();
  std::vector<real> xi = xi_.download_interior();
  std::vector<double> inserted = nuc_inserted_.download_interior();
  std::vector<double> owner = nuc_owner_.download_interior();
  const double w = p_.interface.kinetics.width, r = p_.nucleation.radius;
  // Out to where the profile falls below 1e-4, the reaction's cutoff (weight_min): a tail left
  // outside the nucleus's cells would grow while the nucleus stands still (a ring of xi ~ 0.05
  // grew around it at r + 3 w, measured).
  const double reach = r + 5.0 * w;
  const int span = int(std::ceil(reach / g.dx[0]));
  const bool wrap = p_.lateral_periodic;
  auto idx = [&](int i, int j, int k) {
    return std::size_t(i) + std::size_t(g.n[0]) * (std::size_t(j) + std::size_t(g.n[1]) * k);
  };
  const std::size_t first = sites_.size();
  auto cell_at = [&](int i, int j, int k, std::size_t& m) {
    if (i < 0 || i >= g.n[0]) return false;
    if (j < 0 || j >= g.n[1] || k < 0 || k >= g.n[2]) {
      if (!wrap) return false;
      j = ((j % g.n[1]) + g.n[1]) % g.n[1];  // reach may exceed the width several times
      k = ((k % g.n[2]) + g.n[2]) % g.n[2];
    }
    m = idx(i, j, k);
    return true;
  };
  // A draw whose core (r + w) reaches into a nucleus that still owes is part of that
  // nucleus, not a new one: inserted there it would hold only the other's fringe.
  const int core = int(std::ceil((r + w) / g.dx[0]));
  auto core_taken = [&](int i, int j, int k) {
    const int kr = g.dim == 3 ? core : 0;
    for (int dk = -kr; dk <= kr; ++dk)
      for (int dj = -core; dj <= core; ++dj)
        for (int di = -core; di <= core; ++di) {
          std::size_t m;
          if (g.dx[0] * std::sqrt(double(di * di + dj * dj + dk * dk)) > r + w ||
              !cell_at(i + di, j + dj, k + dk, m))
            continue;
          if (owner[m] >= 0.0) return true;
        }
    return false;
  };
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i) {
        if (flags[idx(i, j, k)] < 0.5 || core_taken(i, j, k)) continue;
        NucleusSite site{i, j, k, time_};
        const double id = double(sites_.size());
        const int kr = g.dim == 3 ? span : 0;
        for (int dk = -kr; dk <= kr; ++dk)
          for (int dj = -span; dj <= span; ++dj)
            for (int di = -span; di <= span; ++di) {
              std::size_t m;
              const double d = g.dx[0] * std::sqrt(double(di * di + dj * dj + dk * dk));
              if (d > reach || !cell_at(i + di, j + dj, k + dk, m)) continue;
              const double profile = 0.5 * (1.0 - std::tanh((d - r) / w));
              // A cell met twice (the reach exceeds a periodic width) keeps the nearer image.
              if (double(xi[m]) >= profile || (owner[m] >= 0.0 && owner[m] != id)) continue;
              const double added = profile - double(xi[m]);
              inserted[m] += added;
              owner[m] = id;
              site.owed += added;
              xi[m] = real(profile);
            }
        sites_.push_back(site);
      }
  xi_.upload_interior(xi);
  for (std::size_t n = first; n < sites_.size(); ++n) {
    if (!(sites_[n].owed > 0.0)) {  // every cell was metal already: nothing owed
      sites_[n].state = NucleusSite::paid;
      sites_[n].settled = time_;
    }
    has_debt_ = has_debt_ || sites_[n].state == NucleusSite::owing;
  }
  nuc_inserted_.upload_interior(inserted);
  nuc_owner_.upload_interior(owner);
  return int(sites_.size() - first);
}

namespace {

/// A dissolving nucleus's last step may draw at most this share of the metal it was
/// inserted with beyond what it holds: that anodic charge has no metal to match.
constexpr double kOverdraw = 2e-5;

/// Sum over the cells nucleus `id` holds of v.
double owned_sum(const Grid& g, double id, const View<double>& owner, const View<double>& v) {
  return parallel_sum(
      g.interior(),
      DND_LAMBDA(int i, int j, int k) { return owner(i, j, k) == id ? v(i, j, k) : 0.0; });
}

/// The charge source (in xi per second) summed over the cells nucleus `id` holds.
double owned_charge(const Grid& g, double id, const ChargeBand& band, const View<double>& rate) {
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        return band.owner(i, j, k) == id ? charged_rate(band, i, j, k, rate(i, j, k)) : 0.0;
      });
}

/// xi -= h rate on the cells nucleus `id` holds: the growth its debt took.
void withhold_growth(const Grid& g, double id, double h, const View<double>& owner,
                     const View<double>& rate, const View<real>& xi) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        if (owner(i, j, k) == id) xi(i, j, k) = real(double(xi(i, j, k)) - h * rate(i, j, k));
      });
}

/// Release nucleus `id`'s cells; `remove`: take its inserted xi back out (it dissolved).
void release_cells(const Grid& g, double id, bool remove, const View<double>& owner,
                   const View<double>& inserted, const View<real>& xi) {
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        if (owner(i, j, k) != id) return;
        if (remove) {
          const double left = double(xi(i, j, k)) - inserted(i, j, k);
          xi(i, j, k) = real(left > 0.0 ? left : 0.0);
        }
        inserted(i, j, k) = 0.0;
        owner(i, j, k) = -1.0;
      });
}

}  // namespace

/// Eq. (58), after each accepted step: a nucleus's debt D (xi summed over its cells) takes
/// the step's growth G of its cells (the reaction's charge source times dt: their xi stands
/// still, so its relaxation passes no charge) before xi does. G > 0 pays it: xi stays as
/// inserted until D = 0, and the payment's remainder grows xi. G < 0 raises it, and a nucleus
/// whose D would exceed the xi it inserted has lost more than it was ever paid for: it
/// dissolves. xi - D changes by G, the charge the potentials passed for it, so Faraday holds
/// with the unpaid debt (a dissolving nucleus's last step aside, below).
namespace {

/// The last step's charge band: relaxed, the relaxation rate and the owners as the solve saw
/// them.
ChargeBand nucleus_band(const InterfaceRelaxation& front, const InterfaceParams& ip,
                        const Field<double>& owner) {
  ChargeBand band;
  band.all = false;
  band.relaxed = front.relaxed().view();
  band.weight_min = ip.kinetics.weight_min;
  band.nuclei = true;
  band.owner = owner.view();
  band.relaxation = front.relaxation_rate().view();
  return band;
}

}  // namespace

double Electrodeposition::overdraw_share(double dt) const {
  const Grid& g = grid_;
  const ChargeBand band = nucleus_band(*front_, p_.interface, nuc_owner_);
  double share = 1.0;
  for (std::size_t n = 0; n < sites_.size(); ++n) {
    const NucleusSite& s = sites_[n];
    if (s.state != NucleusSite::owing) continue;
    const double grown = dt * owned_charge(g, double(n), band, rate_.view());
    if (!(grown < 0.0)) continue;
    const double inserted = owned_sum(g, double(n), nuc_owner_.view(), nuc_inserted_.view());
    const double allowed = inserted - s.owed + kOverdraw * inserted;
    if (-grown > allowed) share = std::min(share, std::max(allowed, 0.0) / -grown);
  }
  return share;
}

void Electrodeposition::settle_nuclei(double dt) {
  const Grid& g = grid_;
  const ChargeBand band = nucleus_band(*front_, p_.interface, nuc_owner_);
  bool owing = false;
  for (std::size_t n = 0; n < sites_.size(); ++n) {
    NucleusSite& s = sites_[n];
    if (s.state != NucleusSite::owing) continue;
    const double id = double(n);
    const double grown = dt * owned_charge(g, id, band, rate_.view());
    s.growth = grown / dt;
    double withheld = 1.0;  // share of this step's growth that goes to the debt
    if (grown > 0.0) {
      withheld = std::min(1.0, s.owed / grown);
      s.owed -= withheld * grown;
      if (withheld < 1.0) s.owed = 0.0;
      if (s.owed <= 0.0) s.state = NucleusSite::paid;
    } else if (grown < 0.0) {
      const double room = owned_sum(g, id, nuc_owner_.view(), nuc_inserted_.view()) - s.owed;
      if (-grown <= room) {
        s.owed -= grown;
      } else {
        // Its xi goes back to what it was before the nucleus (all of this step's change
        // withheld, the inserted xi taken out): metal left where it dissolved would be a
        // diffuse cloud of xi ~ 0.01-0.04 (measured), metallic to electrons. The step's
        // anodic charge beyond `room` then has no metal to match: Faraday is short by it.
        s.owed = 0.0;
        s.state = NucleusSite::dissolved;
      }
    }
    withhold_growth(g, id, withheld * dt, nuc_owner_.view(), rate_.view(), xi_.view());
    if (s.state == NucleusSite::owing) {
      owing = true;
      continue;
    }
    s.settled = time_ + dt;
    release_cells(g, id, s.state == NucleusSite::dissolved, nuc_owner_.view(), nuc_inserted_.view(),
                  xi_.view());
  }
  has_debt_ = owing;
}

std::string Electrodeposition::paid_nucleus_hint() const {
  double first = -1.0;
  for (const NucleusSite& n : sites_)
    if (n.state == NucleusSite::paid && (first < 0.0 || n.settled < first)) first = n.settled;
  if (first < 0.0) return "";
  std::string hint = ". A nucleus paid off at t = " + short_number(first) +
                     " s grows on as an island in the field";
  // sigma_ion R_int with R_int = 1 / (i0 f), the linear interface resistance.
  const interface::FrontKinetics& k = p_.interface.kinetics;
  const double wagner = p_.sigma.ion / (k.i0 * k.f);
  if (k.i0 > 0.0 && k.width * kWagnerWidths > wagner)
    hint +=
        ", and the interface width w = " + short_number(k.width * 1e6) +
        " um does not resolve the Wagner length sigma_ion R_int = " + short_number(wagner * 1e6) +
        " um: its diffuse tail outruns it (docs/model.md 10.2; use w <= " +
        short_number(wagner / kWagnerWidths * 1e6) + " um)";
  else
    hint += " (docs/model.md 10.2)";
  return hint;
}

bool Electrodeposition::may_pay_off(double dt) const {
  // growth 0: unknown (a new nucleus, a new current); < 0: it may dissolve in this step.
  for (const NucleusSite& n : sites_)
    if (n.state == NucleusSite::owing && !(n.growth > 0.0 && n.owed > 2.0 * dt * n.growth))
      return true;
  return false;
}

void Electrodeposition::set_nucleus_sites(const std::vector<NucleusSite>& s) {
  sites_ = s;
  has_debt_ = false;
  for (const NucleusSite& n : sites_) has_debt_ = has_debt_ || n.state == NucleusSite::owing;
}

std::array<int, 3> Electrodeposition::nucleus_states() const {
  std::array<int, 3> c{0, 0, 0};
  for (const NucleusSite& n : sites_) ++c[std::size_t(n.state)];
  return c;
}

double Electrodeposition::unpaid_thickness() const {
  double owed = 0.0;
  for (const NucleusSite& n : sites_) owed += n.owed;
  return owed * grid_.cell_volume() / cross_section();
}

void Electrodeposition::update_gate() {
  // Eq. (56), explicit in the step: the pressure from the last solved potentials, the
  // uniform front at the mean metal thickness (a flat front of the plated volume).
  const Grid& g = grid_;
  const double ahead_of = g.origin[0] + metal_thickness() + 0.5 * p_.interface.kinetics.width;
  const double pressure_per_volt = 1.0 / p_.interface.omega_over_nf;  // n F / Omega_m, Pa/V
  const double e0 = p_.kinetics.e0;
  const double max_rise = p_.gate_opening_time > 0.0 ? step_dt_ / p_.gate_opening_time : 1.0;
  gate_kernel(g, table_, phase_.view(), phi_l_.view(), phi_s_.view(), ahead_of, pressure_per_volt,
              e0, max_rise, gate_.view());
}

void Electrodeposition::set_microstructure(const micro::Microstructure& m) {
  for (int d = 0; d < 3; ++d)
    if (m.n[d] != grid_.n[d])
      throw std::invalid_argument("set_microstructure: the microstructure has " +
                                  std::to_string(m.n[0]) + " x " + std::to_string(m.n[1]) + " x " +
                                  std::to_string(m.n[2]) + " cells, the grid another shape");
  phase_.upload_interior(m.phase);
  i0_varies_ = false;
  for (int q = 0; q < micro::kPhaseCount; ++q)
    i0_varies_ = i0_varies_ || table_.i0_factor[q] != 1.0;
  has_film_ = false;
  if (!table_.has_film) return;
  const bool periodic[3] = {false, p_.lateral_periodic, p_.lateral_periodic};
  const micro::FilmFaces faces = micro::film_faces(m, grid_, periodic);
  if (faces.faces == 0) return;
  has_film_ = true;
  const Field<double>* rl[3] = {nullptr, nullptr, nullptr};
  const Field<double>* rs[3] = {nullptr, nullptr, nullptr};
  for (int axis = 0; axis < grid_.dim; ++axis) {
    film_[axis] = Field<double>(grid_);
    film_[axis].upload_all(faces.factor[axis]);
    face_r_l_[axis] = Field<double>(grid_);
    face_r_s_[axis] = Field<double>(grid_);
    rl[axis] = &face_r_l_[axis];
    rs[axis] = &face_r_s_[axis];
  }
  sol_l_.set_face_resistance(rl[0], rl[1], rl[2]);
  sol_s_.set_face_resistance(rs[0], rs[1], rs[2]);
  faces_current_ = common_faces_current_ = false;
}

double Electrodeposition::metal_thickness() const {
  double vol = sum_real(grid_, xi_.view()) * grid_.cell_volume();
  return vol / cross_section();
}

std::vector<double> Electrodeposition::current_magnitude() {
  // Ghosts: the electrode sides as the solves see them (phi_s: V_cell and 0; phi_l: ionically
  // blocking anode, the counter electrode's linearised Butler-Volmer or phi_l = 0 condition),
  // so the ionic current entering at x = Lx shows in the last cell (output only).
  Halo& h = halo_;
  BoundarySet sides = xi_bcs_;
  h.fill(sig_l_, sides);
  h.fill(sig_s_, sides);
  BoundarySet ionic = sides;
  ionic.side[0][1] = bcs_l().side[0][1];
  h.fill(phi_l_, ionic);
  sides.side[0][0] = BoundaryCondition::dirichlet(v_cell_);
  sides.side[0][1] = BoundaryCondition::dirichlet(0.0);
  h.fill(phi_s_, sides);
  FaceResistances fr;
  fr.any = has_film_;
  if (has_film_)
    for (int a = 0; a < grid_.dim; ++a) {
      fr.l[a] = face_r_l_[a].view();
      fr.s[a] = face_r_s_[a].view();
    }
  current_density(grid_, phi_l_.view(), phi_s_.view(), sig_l_.view(), sig_s_.view(), fr,
                  rhs_.view());
  return rhs_.download_interior();
}

}  // namespace dnd
