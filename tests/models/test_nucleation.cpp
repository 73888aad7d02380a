// Nucleation of metal inside the electrolyte (eqs. 57-58, docs/model.md 10.2): the V6 null
// case, T3 (nuclei on an electronically conducting GB network, ahead of the front), the
// draws' determinism and their independence of the step, and Faraday with nuclei.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/microstructure/properties.hpp"
#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/electrodeposition.hpp"
#include "dendrite/models/metal_extent.hpp"
#include "dendrite/models/nucleation_K.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace dnd {
namespace {

/// One set of nucleation parameters for every test (docs/model.md 10.2): J_ref at a
/// reference electronic conductivity of 1 S/m, gamma = 0.3 J/m^2; f_het 0.3 on GBs, 1 in
/// grains (the presets' values).
NucleationParams nucleation_for(const CellSpec& c) {
  NucleationParams n;
  n.enabled = true;
  n.rate = 1e15;
  n.reference_conductivity = 1.0;
  n.interface_energy = c.interface_energy;
  n.atomic_volume = c.metal.molar_volume() / 6.02214076e23;
  n.temperature = c.temperature;
  n.valence = c.metal.valence;
  n.radius = c.interface_width;
  n.seed = 5;
  return n;
}

micro::PhaseMaterial material(double ion, double e, double f_het) {
  micro::PhaseMaterial m;
  m.present = true;
  m.sigma_ion = {ion, 303.15, 0.0};
  m.sigma_e = {e, 303.15, 0.0};
  m.nucleation_factor = f_het;
  return m;
}

/// A resistive electrolyte (sigma_ion 1e-3 S/m, sigma_e 1e-8 S/m), 60 um, 10 um wide, with
/// two GB channels along x from the anode to 45 um into the electrolyte whose electronic
/// conductivity is gb_sigma_e (0: no GBs). 1 mA/cm^2: ~0.6 V of ohmic drop.
struct Cell {
  CellSpec spec;
  Grid grid;
  micro::Microstructure micro;
  ElectrodepositionParams params;
};

/// The geometry of the resistive cell: the short one (60 um, sigma_ion 1e-3 S/m, channels to
/// x = 50 um) or the long one, with the same ohmic drop at a third of the field. The
/// interface resistance (ohm m^2 at 30 degC) sets the Wagner length sigma_ion R_int: 0.15 um
/// in the short cell, whose tests end while nuclei owe; 4.5 um = 3 w in the long one, where
/// paid nuclei grow on (docs/model.md 10.2), and 0.45 um in its unresolved twin.
struct Shape {
  double sigma_ion = 1e-3, thickness = 60e-6, channel_end = 50e-6, interface_resistance = 1.5e-4;
};
const Shape kLong{3e-3, 180e-6, 150e-6, 15e-4};
const Shape kLongUnresolved{3e-3, 180e-6, 150e-6, 1.5e-4};

Cell resistive_cell(double gb_sigma_e, bool nucleation, const Shape& shape = {}) {
  Cell c;
  CellSpec& s = c.spec;
  s = reference_na_nzsp();
  s.electrolyte.sigma_ion = {shape.sigma_ion, 303.15, 0.0};
  s.electrolyte.sigma_e = {1e-8, 303.15, 0.0};
  s.electrolyte.conductance_int = {1.0 / shape.interface_resistance, 303.15, 0.41};
  s.thickness = shape.thickness;
  s.anode_thickness = 5e-6;
  s.width = 10e-6;
  s.dx = 0.5e-6;
  s.interface_width = 1.5e-6;
  c.grid = cell_grid(s);
  const Grid& g = c.grid;
  c.micro = micro::uniform(g.dim, g.n, g.dx[0]);
  std::array<micro::PhaseMaterial, micro::kPhaseCount> mats;
  mats[micro::Phase::grain] = material(shape.sigma_ion, 1e-8, 1.0);
  mats[micro::Phase::grain_boundary] =
      material(shape.sigma_ion, gb_sigma_e > 0 ? gb_sigma_e : 1e-8, 0.3);
  if (gb_sigma_e > 0)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i) {
        const double x = g.centre(0, i), y = g.centre(1, j);
        const bool channel = std::abs(y - 2.5e-6) < 0.5e-6 || std::abs(y - 7.5e-6) < 0.5e-6;
        if (channel && x < shape.channel_end)
          c.micro.phase[c.micro.index(i, j, 0)] = micro::Phase::grain_boundary;
      }
  c.params = cell_params(s);
  c.params.phases = micro::phase_table(mats, s.temperature, 0.0, c.params.sigma.floor, false,
                                       c.params.sigma.metal);
  c.params.has_phases = true;
  if (nucleation) c.params.nucleation = nucleation_for(s);
  return c;
}

/// The cell's model with its microstructure and the flat anode's equilibrated profile.
std::unique_ptr<Electrodeposition> ready_model(const Cell& c) {
  auto m = std::make_unique<Electrodeposition>(c.grid, c.params);
  m->set_microstructure(c.micro);
  m->xi().upload_interior(flat_anode(c.spec, c.grid));
  m->equilibrate_profile();
  return m;
}

struct Outcome {
  std::int64_t nuclei = 0;
  double on_gb = 0.0;  ///< fraction of the nuclei's centres... of new metal cells on GB cells
  MetalExtent extent;
  double plated_volume = 0.0, charge_volume = 0.0;
};

Outcome run(Cell& c, double i_app, double duration, int outputs) {
  const std::unique_ptr<Electrodeposition> model = ready_model(c);
  Electrodeposition& m = *model;
  const double v0 = m.metal_thickness();
  const CellControl ctl{ControlMode::galvanostatic, 0.0, i_app};
  EXPECT_TRUE(m.solve_potentials(ctl).converged);
  for (int s = 0; s < outputs; ++s) EXPECT_TRUE(m.advance(duration / outputs, ctl).converged);
  Outcome o;
  o.nuclei = m.nuclei();
  const std::vector<real> xi = m.xi().download_interior();
  o.extent = metal_extent(c.grid, xi);
  // Metal beyond the connected front on GB cells, over all metal beyond it.
  double gb = 0.0, all = 0.0;
  for (int j = 0; j < c.grid.n[1]; ++j)
    for (int i = 0; i < c.grid.n[0]; ++i) {
      if (c.grid.centre(0, i) < o.extent.tip + c.spec.interface_width) continue;
      const std::size_t k = c.micro.index(i, j, 0);
      all += xi[k];
      if (c.micro.phase[k] == micro::Phase::grain_boundary) gb += xi[k];
    }
  o.on_gb = all > 0 ? gb / all : 0.0;
  o.plated_volume = m.metal_thickness() - v0;
  o.charge_volume = m.plated_charge() / c.params.kinetics.nfcs;
  return o;
}

TEST(Nucleation, HomogeneousElectrolyteNeverNucleatesInside) {
  // V6: with a uniform electronic floor, eta inside lies between the electrodes'
  // overpotentials whatever the electrolyte's size, so DeltaG* stays tens of eV.
  for (double i : {1.0, 10.0, 100.0}) {  // 0.1, 1, 10 mA/cm^2
    Cell c = resistive_cell(0.0, true);
    c.spec.electrolyte.sigma_ion = {0.16, 303.15, 0.0};  // NZSP: the resolution bound holds
    c.params = cell_params(c.spec);
    c.params.nucleation = nucleation_for(c.spec);
    const Outcome o = run(c, i, 60.0, 3);
    std::printf("[V6] %.1f mA/cm^2: %lld nuclei, deepest metal %.3f um, connected tip %.3f um\n",
                i / 10, static_cast<long long>(o.nuclei), o.extent.deepest * 1e6,
                o.extent.tip * 1e6);
    EXPECT_EQ(o.nuclei, 0);
    EXPECT_NEAR(o.extent.deepest, o.extent.tip, 1e-12);
  }
}

TEST(Nucleation, ElectronConductingChannelsRunWithoutStallingTheStepControl) {
  // The channels' potentials accelerate deposition near them, so V_cell falls fast (0.58 ->
  // 0.42 V in 30 s): each step's V change then carries the previous step's xi update, which
  // no shorter step removes. Before the controller recognised that lag (a four-fold shorter
  // step leaving the error as large), this run stopped at dt_min after 27 s. Faraday holds.
  Cell c = resistive_cell(1.0, false);
  const Outcome o = run(c, 10.0, 120.0, 4);
  std::printf("[channels] plated %.6g m against charge / n F c_s %.6g m (%.4f %%)\n",
              o.plated_volume, o.charge_volume, 100 * (o.plated_volume / o.charge_volume - 1));
  EXPECT_NEAR(o.plated_volume / o.charge_volume, 1.0, 0.005);
}

TEST(Nucleation, BarrierHasTheBriefsMagnitudes) {
  // Na, gamma = 0.3 J/m^2: DeltaG* ~ 17 eV at |eta| = 0.1 V and ~0.7 eV at 0.5 V (issue 12).
  const CellSpec c = resistive_cell(0.0, true).spec;
  const nucleation::Barrier b = nucleation::barrier_of(nucleation_for(c));
  std::printf("[nucleation] DeltaG* %.2f eV at -0.1 V, %.3f eV at -0.5 V\n",
              nucleation::barrier_ev(b, -0.1), nucleation::barrier_ev(b, -0.5));
  EXPECT_NEAR(nucleation::barrier_ev(b, -0.1), 17.0, 0.5);
  EXPECT_NEAR(nucleation::barrier_ev(b, -0.5), 0.68, 0.03);
  EXPECT_EQ(nucleation::probability(b, +0.3, 1.0, 0.3, 1e-18, 1.0), 0.0);  // eta < 0 only
}

TEST(Nucleation, NucleiOverATimeDoNotDependOnTheStepAndRepeat) {
  // 400k cells at a constant rate with J dV T = 0.3: the fraction that nucleated within T
  // is 1 - exp(-0.3) = 0.259 whether T is one step or 16, within the binomial error.
  const CellSpec c = resistive_cell(0.0, true).spec;
  NucleationParams np = nucleation_for(c);
  const nucleation::Barrier b = nucleation::barrier_of(np);
  const double eta = -0.3, sigma = 1.0, f = 0.3, dv = 1e-18;
  const double j_dv = nucleation::probability(b, eta, sigma, f, dv, 1.0);  // per second
  const double total = 0.3 / -std::log1p(-j_dv);                           // T for J dV T = 0.3
  const int cells = 400000;
  auto fraction = [&](int steps, std::uint64_t seed) {
    int formed = 0;
    const double dt = total / steps;
    const double p = nucleation::probability(b, eta, sigma, f, dv, dt);
    for (int cell = 0; cell < cells; ++cell)
      for (int s = 0; s < steps; ++s)
        if (nucleation::draw(seed, std::uint64_t(s), std::uint64_t(cell)) < p) {
          ++formed;
          break;
        }
    return double(formed) / cells;
  };
  const double expected = -std::expm1(-0.3), sd = std::sqrt(expected * (1 - expected) / cells);
  const double one = fraction(1, 7), sixteen = fraction(16, 7);
  std::printf(
      "[nucleation] fraction nucleated in T: one step %.5f, 16 steps %.5f, expected "
      "%.5f (sd %.5f)\n",
      one, sixteen, expected, sd);
  EXPECT_NEAR(one, expected, 4 * sd);
  EXPECT_NEAR(sixteen, expected, 4 * sd);
  EXPECT_EQ(fraction(16, 7), sixteen);  // the same draws on a repeat
  EXPECT_NE(fraction(16, 8), sixteen);  // and other draws for another seed
}

TEST(Nucleation, ElectronConductingGrainBoundariesPutTheRateAheadOfTheFront) {
  // T3's mechanism, from the potentials: two GB channels that carry the anode's electrons
  // 45 um into a resistive electrolyte hold phi_s near the anode's while phi_l rises, so
  // eta there approaches -(ohmic drop); without them eta stays between the electrodes'
  // overpotentials.
  double rate_of[2] = {0.0, 0.0};
  int n = 0;
  for (double gb_e : {1.0, 1e-3, 0.0}) {
    Cell c = resistive_cell(gb_e, false);
    const std::unique_ptr<Electrodeposition> model = ready_model(c);
    Electrodeposition& m = *model;
    ASSERT_TRUE(m.solve_potentials({ControlMode::galvanostatic, 0.0, 10.0}).converged);
    const std::vector<double> pl = m.phi_l().download_interior(),
                              ps = m.phi_s().download_interior();
    const nucleation::Barrier b = nucleation::barrier_of(nucleation_for(c.spec));
    double rate_gb = 0.0, rate_all = 0.0, eta_min = 0.0, x_of_max = 0.0, best = 0.0;
    const double dv = c.grid.cell_volume();
    for (int j = 0; j < c.grid.n[1]; ++j)
      for (int i = 0; i < c.grid.n[0]; ++i) {
        const std::size_t k = c.micro.index(i, j, 0);
        if (c.grid.centre(0, i) < c.spec.anode_thickness + 2 * c.spec.interface_width) continue;
        const int ph = c.micro.phase[k];
        const double eta = ps[k] - pl[k];
        eta_min = std::min(eta_min, eta);
        const double p = nucleation::probability(b, eta, c.params.phases.sigma_e[ph],
                                                 c.params.phases.nucleation_factor[ph], dv, 1.0);
        rate_all += p;
        if (ph == micro::Phase::grain_boundary) rate_gb += p;
        if (p > best) {
          best = p;
          x_of_max = c.grid.centre(0, i);
        }
      }
    std::printf(
        "[T3] GB sigma_e %g S/m: |V| %.1f mV, most negative eta in the electrolyte "
        "%.1f mV, nuclei expected per second %.3g (%.1f %% on GB cells, most likely at "
        "x = %.1f um)\n",
        gb_e, -m.v_cell() * 1e3, eta_min * 1e3, rate_all,
        rate_all > 0 ? 100 * rate_gb / rate_all : 0.0, x_of_max * 1e6);
    if (n < 2) rate_of[n++] = rate_all;
    if (gb_e == 1.0) {
      EXPECT_LT(eta_min, -0.3);
      EXPECT_GT(rate_all, 1e-3);  // a few nuclei in minutes
      EXPECT_GE(rate_gb / rate_all, 0.8);
      EXPECT_GT(x_of_max, c.spec.anode_thickness + 30e-6);  // ahead of the front
    } else if (gb_e == 0.0) {
      EXPECT_GT(eta_min, -0.1);  // the anode overpotential, and the metal tail's reach
      EXPECT_EQ(rate_all, 0.0);
    }
  }
  // T2's direction in the rate: less electronic conduction along the GBs (a LiAlO2-like
  // modifier), fewer nuclei.
  EXPECT_LT(rate_of[1], 0.1 * rate_of[0]);
}

/// A run of the channel cell with nucleation on, 1 mA/cm^2 for `duration`.
struct NucleationRun {
  std::vector<Electrodeposition::NucleusSite> sites;
  MetalExtent before, after;
  double v_before = 0.0, v_after = 0.0;
  double phi_s_anode = 0.0, phi_s_at_site = 0.0;  ///< V, at the first nucleus's centre
  double faraday = 0.0;  ///< (plated volume - unpaid nuclei) / (charge / n F c_s)
  std::vector<real> xi;
};

NucleationRun run_with_nuclei(double gb_sigma_e, double duration) {
  Cell c = resistive_cell(gb_sigma_e, true);
  const std::unique_ptr<Electrodeposition> model = ready_model(c);
  Electrodeposition& m = *model;
  const double v0 = m.metal_thickness();
  const CellControl ctl{ControlMode::galvanostatic, 0.0, 10.0};
  EXPECT_TRUE(m.solve_potentials(ctl).converged);
  NucleationRun r;
  r.v_before = m.v_cell();
  r.before = metal_extent(c.grid, m.xi().download_interior());
  for (int s = 0; s < 2; ++s) EXPECT_TRUE(m.advance(duration / 2, ctl).converged);
  r.sites = m.nucleus_sites();
  r.xi = m.xi().download_interior();
  r.after = metal_extent(c.grid, r.xi);
  r.v_after = m.v_cell();
  const std::vector<double> ps = m.phi_s().download_interior();
  r.phi_s_anode = ps[c.micro.index(0, 0, 0)];
  if (!r.sites.empty()) r.phi_s_at_site = ps[c.micro.index(r.sites[0].i, r.sites[0].j, 0)];
  r.faraday = (m.metal_thickness() - v0 - m.unpaid_thickness()) /
              (m.plated_charge() / c.params.kinetics.nfcs);
  return r;
}

TEST(Nucleation, ElectronConductingGrainBoundariesNucleateAheadOfTheFrontFedByTheChannel) {
  // T3 with nuclei inserted: the GB channels carry the anode's electrons 45 um into the
  // resistive electrolyte, nuclei form at their far end, the deepest metal jumps ahead of
  // the connected front, and each nucleus is an island fed by the channel: its phi_s is the
  // anode's, and the cell's voltage falls as the islands take the current 45 um closer to
  // the counter electrode. Faraday holds with the nuclei's charge (paid over charge_time).
  const Cell c = resistive_cell(1.0, true);
  const NucleationRun r = run_with_nuclei(1.0, 10.0);
  int on_gb = 0;
  double nearest = 1e9;
  for (const auto& s : r.sites) {
    on_gb += c.micro.phase[c.micro.index(s.i, s.j, 0)] == micro::Phase::grain_boundary;
    nearest = std::min(nearest, c.grid.centre(0, s.i));
  }
  std::printf(
      "[T3] %zu nuclei (%d on GB cells), nearest to the anode at x = %.2f um; connected tip "
      "%.2f um, deepest metal %.2f um; |V| %.1f -> %.1f mV; phi_s at the first nucleus %.2f mV "
      "from the anode's; Faraday (plated - unpaid) / charge %.5f\n",
      r.sites.size(), on_gb, nearest * 1e6, r.after.tip * 1e6, r.after.deepest * 1e6,
      -r.v_before * 1e3, -r.v_after * 1e3, (r.phi_s_at_site - r.phi_s_anode) * 1e3, r.faraday);
  ASSERT_GE(r.sites.size(), 1u);
  EXPECT_GE(on_gb, 0.8 * double(r.sites.size()));
  EXPECT_GT(nearest, c.spec.anode_thickness + 30e-6);          // ahead of the front
  EXPECT_GT(r.after.deepest, r.after.tip + 30e-6);             // the deepest metal jumps ahead
  EXPECT_LT(r.after.tip, c.spec.anode_thickness + 1e-6);       // the front itself barely moved
  EXPECT_LT(std::abs(r.phi_s_at_site - r.phi_s_anode), 0.02);  // fed by the channel
  EXPECT_LT(-r.v_after, 0.5 * -r.v_before);
  EXPECT_NEAR(r.faraday, 1.0, 0.005);
}

TEST(Nucleation, LessGrainBoundaryElectronicConductionPenetratesLess) {
  // T2's trend in a run: the same cell with the GB electronic conductivity lowered 1000-fold
  // (a LiAlO2-like modifier) forms no nucleus in the same time, and its deepest metal stays
  // at the front.
  const NucleationRun high = run_with_nuclei(1.0, 10.0);
  const NucleationRun low = run_with_nuclei(1e-3, 10.0);
  std::printf(
      "[T2] deepest metal after 10 s at 1 mA/cm^2: GB sigma_e 1 S/m %.2f um (%zu nuclei), "
      "1e-3 S/m %.2f um (%zu nuclei)\n",
      high.after.deepest * 1e6, high.sites.size(), low.after.deepest * 1e6, low.sites.size());
  EXPECT_LT(low.after.deepest, high.after.deepest - 30e-6);
  EXPECT_LT(low.sites.size(), high.sites.size());
}

void expect_same_nuclei(const NucleationRun& a, const NucleationRun& b) {
  ASSERT_EQ(a.sites.size(), b.sites.size());
  for (std::size_t q = 0; q < a.sites.size(); ++q) {
    EXPECT_EQ(a.sites[q].i, b.sites[q].i);
    EXPECT_EQ(a.sites[q].j, b.sites[q].j);
    EXPECT_EQ(a.sites[q].time, b.sites[q].time);
    EXPECT_EQ(a.sites[q].owed, b.sites[q].owed);
  }
  EXPECT_EQ(a.xi, b.xi);
}

TEST(Nucleation, InsertedNucleiRepeatForTheSameSeedAndThreadCount) {
  // The draws are keyed by (seed, step, cell) and the reductions do not depend on the thread
  // count: the same run twice, and on one thread, gives the same nuclei at the same times,
  // the same debts and the same order parameter, bit for bit.
  const NucleationRun a = run_with_nuclei(1.0, 10.0), b = run_with_nuclei(1.0, 10.0);
  ASSERT_GE(a.sites.size(), 1u);
  expect_same_nuclei(a, b);
#ifdef _OPENMP
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const NucleationRun one = run_with_nuclei(1.0, 10.0);
  omp_set_num_threads(threads);
  expect_same_nuclei(a, one);
#endif
}

TEST(Nucleation, ANucleusIsPaidByTheCurrentThatReachesItAndGrowsOn) {
  // The long channel cell (same ohmic drop, a third of the field): nuclei form at the
  // channels' end, 145 um ahead of the front, and owe the metal they were inserted with. They
  // are paid by the reaction in their own cells, so at most at the rate the cell's current
  // plates, i / (n F c_s); here, 135 um closer to the counter electrode than the anode, they
  // take nearly all of it. Once paid, a nucleus is metal like any other: with w a third of
  // the Wagner length it grows on as an island that takes the current, for the 40 min the
  // test runs. Faraday holds with the unpaid metal at every output.
  Cell c = resistive_cell(1.0, true, kLong);
  const std::unique_ptr<Electrodeposition> model = ready_model(c);
  Electrodeposition& m = *model;
  const double v0 = m.metal_thickness();
  const CellControl ctl{ControlMode::galvanostatic, 0.0, 10.0};
  ASSERT_TRUE(m.solve_potentials(ctl).converged);
  const double plating_speed = 10.0 / c.params.kinetics.nfcs;  // m/s of metal thickness
  double unpaid_100 = 0.0, unpaid_400 = 0.0, worst_faraday = 0.0;
  double paid_at = -1.0, deepest_paid = 0.0;
  MetalExtent e;
  for (int s = 1; s <= 24; ++s) {
    ASSERT_TRUE(m.advance(100.0, ctl).converged) << "t = " << m.model_time();
    const double faraday = (m.metal_thickness() - v0 - m.unpaid_thickness()) /
                           (m.plated_charge() / c.params.kinetics.nfcs);
    worst_faraday = std::max(worst_faraday, std::abs(faraday - 1.0));
    if (s == 1) unpaid_100 = m.unpaid_thickness();
    if (s == 4) unpaid_400 = m.unpaid_thickness();
    e = metal_extent(c.grid, m.xi().download_interior());
    if (paid_at < 0.0 && m.nucleus_states()[Electrodeposition::NucleusSite::paid] > 0) {
      paid_at = m.model_time();
      deepest_paid = e.deepest;
    }
  }
  const auto sites = m.nucleus_sites();
  const double paying = (unpaid_100 - unpaid_400) / 300.0;
  const double growth = (e.deepest - deepest_paid) / (m.model_time() - paid_at);
  std::printf(
      "[paid] %zu nuclei at x = %.2f um (first); unpaid %.3f -> %.3f um over 100-400 s: "
      "%.4f of i / n F c_s; first paid off by %.0f s; deepest %.2f um then, %.2f um at %.0f s "
      "(%.2f of i / n F c_s); tip %.2f um; largest Faraday error %.4f %%\n",
      sites.size(), sites.empty() ? 0.0 : c.grid.centre(0, sites[0].i) * 1e6, unpaid_100 * 1e6,
      unpaid_400 * 1e6, paying / plating_speed, paid_at, deepest_paid * 1e6, e.deepest * 1e6,
      m.model_time(), growth / plating_speed, e.tip * 1e6, 100 * worst_faraday);
  ASSERT_GE(sites.size(), 1u);
  for (const auto& n : sites)
    EXPECT_EQ(c.micro.phase[c.micro.index(n.i, n.j, 0)], micro::Phase::grain_boundary);
  EXPECT_GT(c.grid.centre(0, sites[0].i), c.spec.anode_thickness + 100e-6);
  EXPECT_GT(paying, 0.8 * plating_speed);    // fed by the cell's current ...
  EXPECT_LT(paying, 1.001 * plating_speed);  // ... and never faster
  ASSERT_GT(paid_at, 0.0) << "a nucleus is paid off";
  EXPECT_LT(paid_at, 1200.0);
  // The paid island spans the cell's width and takes the current: its far side advances at
  // i / (n F c_s) within a quarter.
  EXPECT_GT(growth, 0.75 * plating_speed);
  EXPECT_LT(growth, 1.25 * plating_speed);
  EXPECT_GT(e.deepest, e.tip + 100e-6);
  EXPECT_LT(worst_faraday, 0.005);
}

TEST(Nucleation, WhereTheWidthDoesNotResolveTheWagnerLengthAPaidNucleusStopsTheRunAndSaysWhy) {
  // The long cell with 001's interface resistance (Wagner length 0.45 um, below w = 1.5 um;
  // case files are refused there): the paid nucleus's diffuse tail reacts unlike the front
  // it belongs to, grows as a cloud, and some minutes after the payment the step falls to
  // dt_min. The message says why and what to change.
  Cell c = resistive_cell(1.0, true, kLongUnresolved);
  const std::unique_ptr<Electrodeposition> model = ready_model(c);
  Electrodeposition& m = *model;
  const CellControl ctl{ControlMode::galvanostatic, 0.0, 10.0};
  ASSERT_TRUE(m.solve_potentials(ctl).converged);
  std::string stop;
  try {
    for (int s = 0; s < 15; ++s) m.advance(100.0, ctl);
  } catch (const std::runtime_error& x) {
    stop = x.what();
  }
  std::printf("[unresolved] stopped at t = %.0f s: %s\n", m.model_time(), stop.c_str());
  EXPECT_NE(stop.find("A nucleus paid off at t = "), std::string::npos) << stop;
  EXPECT_NE(stop.find("does not resolve the Wagner length sigma_ion R_int = 0.45 um"),
            std::string::npos)
      << stop;
  EXPECT_NE(stop.find("use w <= 0.15 um"), std::string::npos) << stop;
}

TEST(Nucleation, ANucleusThatDrawsAnodicChargeDissolvesAndLeavesNoMetal) {
  // Nuclei form while plating; the current is then reversed (stripping): the channel now
  // carries electrons away from the islands, their reaction turns anodic before they are
  // paid, and they dissolve. What they were inserted with is taken out again: no xi above
  // 0.05 is left beyond the front, and Faraday still holds.
  Cell c = resistive_cell(1.0, true);
  const std::unique_ptr<Electrodeposition> model = ready_model(c);
  Electrodeposition& m = *model;
  const double v0 = m.metal_thickness();
  ASSERT_TRUE(m.solve_potentials({ControlMode::galvanostatic, 0.0, 10.0}).converged);
  ASSERT_TRUE(m.advance(10.0, {ControlMode::galvanostatic, 0.0, 10.0}).converged);
  ASSERT_GE(m.nuclei(), 1);
  m.control_changed();
  ASSERT_TRUE(m.advance(5.0, {ControlMode::galvanostatic, 0.0, -10.0}).converged);
  const std::array<int, 3> states = m.nucleus_states();
  const std::vector<real> xi = m.xi().download_interior();
  double beyond = 0.0;
  for (int j = 0; j < c.grid.n[1]; ++j)
    for (int i = 0; i < c.grid.n[0]; ++i)
      if (c.grid.centre(0, i) > c.spec.anode_thickness + 4 * c.spec.interface_width)
        beyond = std::max(beyond, double(xi[c.micro.index(i, j, 0)]));
  // 10 s plated and 5 s stripped at 10 A/m^2: the net charge is a third of the gross, and the
  // error is measured against the gross (the last step of a dissolving nucleus may overdraw
  // 2e-5 of its inserted metal, which no metal matches).
  const double net = m.plated_charge() / c.params.kinetics.nfcs;
  const double gross = 15.0 * 10.0 / c.params.kinetics.nfcs;
  const double error = (m.metal_thickness() - v0 - m.unpaid_thickness() - net) / gross;
  std::printf(
      "[dissolve] nuclei: %d owing, %d paid, %d dissolved; largest xi beyond the front %.2e; "
      "Faraday: (plated - unpaid - charge) / gross charge %.5f\n",
      states[0], states[1], states[2], beyond, error);
  EXPECT_EQ(states[2], int(m.nuclei()));
  EXPECT_LT(beyond, 0.05);
  EXPECT_NEAR(m.unpaid_thickness(), 0.0, 1e-15);
  EXPECT_LT(std::abs(error), 0.005);
}

}  // namespace
}  // namespace dnd
