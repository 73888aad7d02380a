// Benchmarks (kernel source: the copy kernel launches through parallel_for).
#include "dendrite/app/bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "dendrite/core/memory.hpp"
#include "dendrite/core/parallel.hpp"
#include "dendrite/microstructure/properties.hpp"
#include "dendrite/models/allen_cahn.hpp"
#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/electrodeposition_K.hpp"
#include "dendrite/models/liquid.hpp"
#include "dendrite/solver/elliptic.hpp"

namespace dnd {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  memory::synchronize();
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// Streaming copy b = a over a field too large for cache: the reference bandwidth.
double copy_bandwidth(std::ostream& os) {
  const Grid g = make_grid(3, {256, 256, 256}, 1.0, 0);
  Field<real> a(g), b(g);
  const View<real> va = a.view(), vb = b.view();
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) { va(i, j, k) = real(i + j + k); });
  double best = 1e300;
  for (int rep = 0; rep < 6; ++rep) {
    const auto t0 = clock_type::now();
    parallel_for(
        g.interior(), DND_LAMBDA(int i, int j, int k) { vb(i, j, k) = va(i, j, k); });
    best = std::min(best, seconds_since(t0));
  }
  const double bytes = 2.0 * sizeof(real) * double(g.cells());
  const double bw = bytes / best;
  char line[160];
  std::snprintf(line, sizeof line, "%-26s %14lld cells  %8.2f GB/s (reference)\n", "copy",
                static_cast<long long>(g.cells()), bw / 1e9);
  os << line;
  return bw;
}

void report(std::ostream& os, const char* name, double cells, double steps, double secs,
            double bytes_per_update, double copy_bw, const char* note) {
  const double rate = cells * steps / secs;
  const double bw = rate * bytes_per_update;
  char line[400];
  std::snprintf(line, sizeof line,
                "%-26s %14.0f cells  %6.0f steps  %8.3f s  %9.1f M cell-updates/s  %7.2f GB/s  "
                "%5.0f %% of copy  %s\n",
                name, cells, steps, secs, rate / 1e6, bw / 1e9, 100.0 * bw / copy_bw, note);
  os << line;
}

/// Peer-comparable case: 2D, 512 x 512 cells on 100 x 100, L = 1, kappa = 2, W = 1,
/// dt = 4e-3, 1000 explicit steps, no output.
void bench_allen_cahn(std::ostream& os, double copy_bw, int dim, int n, int steps,
                      const char* name) {
  const Grid g = make_grid(dim, {n, n, n}, 100.0 / n);
  const allen_cahn::Params p{1.0, 2.0, 1.0};
  const double dt = dim == 2 ? 4e-3 : 0.5 * AllenCahn::stable_dt(g, p);
  if (dt > AllenCahn::stable_dt(g, p)) throw std::logic_error("bench dt above the limit");
  AllenCahn model(g, BoundarySet::all(BoundaryCondition::periodic()), p);
  // A smooth non-trivial state (never time on zeros).
  std::vector<real> init(g.cells());
  for (std::size_t m = 0; m < init.size(); ++m)
    init[m] = real(0.5 + 0.4 * std::sin(0.001 * double(m)));
  model.xi().upload_interior(init);
  model.step(dt);  // warm-up
  const auto t0 = clock_type::now();
  for (int s = 0; s < steps; ++s) model.step(dt);
  const double secs = seconds_since(t0);
  report(os, name, double(g.cells()), steps, secs, 2.0 * sizeof(real), copy_bw,
         "(read xi + write xi_new)");
}

void bench_poisson(std::ostream& os, double copy_bw, int dim, int n, const char* name) {
  const Grid g = make_grid(dim, {n, n, n}, 1.0 / n);
  BoundarySet bcs = BoundarySet::all(BoundaryCondition::periodic());
  bcs.side[0][0] = BoundaryCondition::dirichlet(1.0);
  bcs.side[0][1] = BoundaryCondition::dirichlet(0.0);
  Field<double> a(g), b(g), f(g), phi(g);
  std::vector<double> bh(g.cells());
  for (std::size_t m = 0; m < bh.size(); ++m) bh[m] = 1.0 + 0.5 * std::sin(0.01 * double(m));
  b.upload_interior(bh);
  EllipticSolver solver(g, bcs);
  const auto t_setup = clock_type::now();
  solver.set_coefficients(0.0, a, b);
  const double setup = seconds_since(t_setup);
  const auto t0 = clock_type::now();
  const auto r = solver.solve(phi, f);
  const double secs = seconds_since(t0);
  char note[128];
  std::snprintf(note, sizeof note,
                "(%d PCG iterations, setup %.3f s, cell-updates = cells x iterations)",
                r.iterations, setup);
  // One PCG iteration streams about 30 doubles per cell (V-cycle smoothing dominates).
  report(os, name, double(g.cells()), r.iterations, secs, 30.0 * sizeof(double), copy_bw, note);
}

/// Coupled electrodeposition step (potentials solved every step, no reuse): a 2D
/// Na | NZSP | Na cell, 0.5 mA/cm^2, dx = 0.25 um.
void bench_electrodeposition(std::ostream& os, double copy_bw, double scale) {
  CellSpec c = reference_na_nzsp();
  c.thickness = 59e-6 * scale + 5e-6;
  c.anode_thickness = 5e-6;
  c.width = 32e-6 * scale;
  c.dx = 0.25e-6;
  c.interface_width = 1e-6;
  c.formulation = Formulation::chen2015;  // the per-step cost of the explicit form, as before
  const Grid g = cell_grid(c);
  const ElectrodepositionParams p = cell_params(c);
  Electrodeposition m(g, p);
  m.xi().upload_interior(flat_anode(c, g));
  const double dt = 0.5 * Electrodeposition::stable_dt(g, p);
  const CellControl ctl{ControlMode::galvanostatic, 0.0, 5.0};
  m.step(dt, ctl);  // warm-up (first solve from zero potentials)
  const int steps = 20;
  int cg = 0;
  const auto t0 = clock_type::now();
  for (int s = 0; s < steps; ++s) cg += m.step(dt, ctl).linear_iterations;
  const double secs = seconds_since(t0);
  char note[160];
  std::snprintf(note, sizeof note, "(coupled step, %.1f CG iterations per step, %.2f ms per step)",
                double(cg) / steps, 1e3 * secs / steps);
  report(os, "ed2d coupled step", double(g.cells()), steps, secs, 2.0 * sizeof(real), copy_bw,
         note);
}

/// A 30-minute galvanostatic hold at 0.5 mA/cm^2, Na | 40 um NZSP | Na, 20 um wide, dx 0.5 um,
/// w 1.5 um (the shipped example's cell): simulated cell time per wall second and steps,
/// for the explicit chen2015 form (potential reuse 1e-3, as the YAML default; ~30 s on 2 cores)
/// and the gibbs_thomson form with adaptive steps, flat and with the example's 3 um bump.
void bench_hold(std::ostream& os, double scale) {
  CellSpec c = reference_na_nzsp();
  c.thickness = 40e-6;
  c.anode_thickness = 5e-6;
  c.width = 20e-6 * scale;
  c.dx = 0.5e-6;
  c.interface_width = 1.5e-6;
  const CellControl ctl{ControlMode::galvanostatic, 0.0, 5.0};
  const double hold = 1800.0;
  for (int variant = 0; variant < 3; ++variant) {
    const bool explicit_form = variant == 0, bump = variant == 2;
    c.formulation = explicit_form ? Formulation::chen2015 : Formulation::gibbs_thomson;
    const Grid g = cell_grid(c);
    ElectrodepositionParams p = cell_params(c);
    p.reuse_tol = 1e-3;
    p.control.dt_max = hold / 10.0;  // the YAML default for dt: auto
    Electrodeposition m(g, p);
    std::vector<real> xi = flat_anode(c, g);
    if (bump)
      for (std::size_t k = 0; k < xi.size(); ++k) {
        const int i = int(k % std::size_t(g.n[0])), j = int(k / std::size_t(g.n[0]));
        const double d =
            std::hypot(g.centre(0, i) - c.anode_thickness, g.centre(1, j) - 0.5 * c.width) - 3e-6;
        xi[k] = std::max(xi[k], real(0.5 * (1.0 - std::tanh(d / c.interface_width))));
      }
    m.xi().upload_interior(xi);
    m.equilibrate_profile();
    m.solve_potentials(ctl);
    const auto t0 = clock_type::now();
    long steps = 0;
    double simulated = 0.0;
    if (explicit_form) {
      const double dt = 0.5 * Electrodeposition::stable_dt(g, p);
      simulated = hold;
      const long n = long(std::ceil(simulated / dt));
      for (long s = 0; s < n; ++s) m.step(simulated / double(n), ctl);
      steps = n;
    } else {
      for (int k = 0; k < 10; ++k) {  // outputs every 3 min, as the run driver lands on them
        m.advance(hold / 10.0, ctl);
        steps += m.last_substeps();
      }
      simulated = hold;
    }
    const double secs = seconds_since(t0);
    const double pace = simulated / secs;
    char line[320];
    std::snprintf(line, sizeof line,
                  "%-26s %14lld cells  %6ld steps  %8.3f s  %9.0f simulated s per wall s  "
                  "(30-min hold in %.0f steps, %.2f s)\n",
                  explicit_form ? "hold chen2015 flat"
                                : (bump ? "hold gibbs_thomson bump" : "hold gibbs_thomson flat"),
                  static_cast<long long>(g.cells()), steps, secs, pace,
                  double(steps) * hold / simulated, hold / pace);
    os << line;
  }
}

/// Liquid-electrolyte step (Hong & Viswanathan benchmark parameters, -0.45 V): the
/// small example's 100 x 50 cell at dx = 0.25 (400 x 200 cells), front at x = 20.
void bench_liquid(std::ostream& os, double copy_bw, double scale) {
  Grid g;
  g.dim = 2;
  g.n[0] = std::max(32, int(400 * scale));
  g.n[1] = std::max(16, int(200 * scale));
  g.n[2] = 1;
  for (double& d : g.dx) d = 0.25;
  const LiquidSetup s;
  LiquidCell m(g, s);
  std::vector<real> xi(g.cells());
  for (std::size_t c = 0; c < xi.size(); ++c)
    xi[c] = real(0.5 * (1.0 - std::tanh(2.0 * (g.centre(0, int(c % g.n[0])) - 20.0 * scale))));
  m.xi().upload_interior(xi);
  const double dt = 0.5 * LiquidCell::stable_dt(s.p, s.v_left - s.v_right);
  m.step(dt);  // warm-up
  const int steps = 20;
  int phi_it = 0, w_it = 0;
  const auto t0 = clock_type::now();
  for (int n = 0; n < steps; ++n) {
    const LiquidStepReport r = m.step(dt);
    phi_it += r.potential_iterations;
    w_it += r.transport_iterations;
  }
  const double secs = seconds_since(t0);
  char note[160];
  std::snprintf(note, sizeof note,
                "(%.1f potential + %.1f transport iterations per step, %.2f ms per step)",
                double(phi_it) / steps, double(w_it) / steps, 1e3 * secs / steps);
  report(os, "lq2d liquid step", double(g.cells()), steps, secs, 2.0 * sizeof(real), copy_bw, note);
}

/// Case label with its size, e.g. "ac3d 256^3" (--scale changes the size).
/// The per-cell property path of eq. (25) two ways (docs/performance.md): the electrolyte
/// conductivities by phase id from a PhaseTable passed by value (1 byte per cell read) or
/// from two stored double fields (16 bytes), each with xi read and sigma_l, sigma_s written.
void bench_properties(std::ostream& os, double copy_bw, int n) {
  const Grid g = make_grid(3, {n, n, n}, 1e-7, 0);
  Field<real> xi(g);
  Field<std::uint8_t> phase(g);
  Field<double> ion(g), el(g), sl(g), ss(g);
  const View<real> xv = xi.view();
  const View<std::uint8_t> pv = phase.view();
  const View<double> iv = ion.view(), ev = el.view(), lv = sl.view(), sv = ss.view();
  micro::PhaseTable tab;
  for (int p = 0; p < micro::kPhaseCount; ++p) {
    tab.sigma_ion[p] = 1.5 / (1 + p);
    tab.sigma_e[p] = 2.35e-5 * (1 + p);
  }
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        xv(i, j, k) = real(((i + j + k) % 7) / 6.0);
        const int p = (i / 5 + j / 7 + k / 3) % micro::kPhaseCount;
        pv(i, j, k) = std::uint8_t(p);
        iv(i, j, k) = tab.sigma_ion[p];
        ev(i, j, k) = tab.sigma_e[p];
      });
  echem::Conductivity c;
  c.metal = 2.1e7;
  c.floor = 1e-4;
  c.linear_ionic = true;
  double lookup = 1e300, stored = 1e300;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = clock_type::now();
    parallel_for(
        g.interior(), DND_LAMBDA(int i, int j, int k) {
          const double x = double(xv(i, j, k));
          const int p = pv(i, j, k);
          lv(i, j, k) = echem::sigma_l(x, tab.sigma_ion[p], c);
          sv(i, j, k) = echem::sigma_s(x, tab.sigma_e[p], c);
        });
    lookup = std::min(lookup, seconds_since(t0));
    t0 = clock_type::now();
    parallel_for(
        g.interior(), DND_LAMBDA(int i, int j, int k) {
          const double x = double(xv(i, j, k));
          lv(i, j, k) = echem::sigma_l(x, iv(i, j, k), c);
          sv(i, j, k) = echem::sigma_s(x, ev(i, j, k), c);
        });
    stored = std::min(stored, seconds_since(t0));
  }
  const double cells = double(g.cells());
  const std::string name = "props " + std::to_string(n) + "^3";
  report(os, (name + " lookup").c_str(), cells, 1, lookup, 1 + sizeof(real) + 16, copy_bw,
         "phase id + table: 1 B/cell of properties");
  report(os, (name + " fields").c_str(), cells, 1, stored, 16 + sizeof(real) + 16, copy_bw,
         "two stored doubles: 16 B/cell");
}

std::string sized(const char* name, int n, int dim) {
  return std::string(name) + " " + std::to_string(n) + "^" + std::to_string(dim);
}

}  // namespace

std::vector<std::string> bench_cases() {
  return {"ac2d-peer", "ac3d", "poisson2d", "poisson3d", "ed2d", "hold", "lq2d", "props"};
}

int run_bench(const BenchOptions& opt, std::ostream& os) {
  auto wanted = [&](const std::string& c) {
    return opt.cases.empty() || std::find(opt.cases.begin(), opt.cases.end(), c) != opt.cases.end();
  };
  for (const auto& c : opt.cases)
    if (std::find(bench_cases().begin(), bench_cases().end(), c) == bench_cases().end())
      throw std::invalid_argument("unknown bench case '" + c + "'");
  os << "dendrite bench | backend " << backend_name << " | " << memory::device_description()
     << " | precision " << precision_name << "\n";
  const double bw = copy_bandwidth(os);
  const int n3 = std::max(16, int(256 * opt.scale));
  const int n2 = std::max(32, int(1024 * opt.scale));
  const int n3p = std::max(16, int(128 * opt.scale));
  if (wanted("ac2d-peer"))
    bench_allen_cahn(os, bw, 2, 512, int(1000 * std::min(1.0, opt.scale)), "ac2d-peer 512^2");
  if (wanted("ac3d")) bench_allen_cahn(os, bw, 3, n3, 20, sized("ac3d", n3, 3).c_str());
  if (wanted("poisson2d")) bench_poisson(os, bw, 2, n2, sized("poisson2d", n2, 2).c_str());
  if (wanted("ed2d")) bench_electrodeposition(os, bw, std::max(0.25, opt.scale));
  if (wanted("hold")) bench_hold(os, std::max(0.25, std::min(1.0, opt.scale)));
  if (wanted("lq2d")) bench_liquid(os, bw, std::max(0.25, opt.scale));
  if (wanted("poisson3d")) bench_poisson(os, bw, 3, n3p, sized("poisson3d", n3p, 3).c_str());
  if (wanted("props")) bench_properties(os, bw, n3);
  return 0;
}

}  // namespace dnd
