// Verification of the solid-electrolyte electrodeposition model (physics brief, section 6):
// V3 Faraday, V4 Ohm + Butler-Volmer, stability at R_ohm / R_ct >= 4, galvanostatic control,
// and the sign convention (positive current plates at x = 0).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "dendrite/models/cell_setup.hpp"

namespace dnd {
namespace {

/// Na | NZSP | Na at 30 degC with the physics brief's numbers: 1.6 mS/cm (Ea 0.28 eV),
/// sigma_e 2.35e-7 S/cm, 1.5 ohm cm^2 per interface (Ea 0.41 eV).
CellSpec na_nzsp(double thickness_um, Formulation f = Formulation::gibbs_thomson) {
  CellSpec c = reference_na_nzsp();
  c.formulation = f;
  c.thickness = thickness_um * 1e-6;
  c.anode_thickness = 5e-6;  // >= 3 w: a thinner anode never reaches xi = 1 and biases eta
  c.width = 0.5e-6;
  c.dx = 0.25e-6;
  c.interface_width = 1e-6;  // w / dx = 4, as V3/V4 need
  return c;
}

struct CellRun {
  std::vector<double> v, i_total;
  double front0, front1, charge;
};

/// chen2015: explicit steps of dt_fraction times the limit of eq. (3). gibbs_thomson: the
/// adaptive controller (dt_fraction unused), V and I recorded at 40 equal intervals.
CellRun run_galvanostatic(const CellSpec& c, double i_app, double t_end, double dt_fraction) {
  const Grid g = cell_grid(c);
  const ElectrodepositionParams p = cell_params(c);
  Electrodeposition m(g, p);
  m.xi().upload_interior(flat_anode(c, g));
  m.equilibrate_profile();
  const bool adaptive = c.formulation == Formulation::gibbs_thomson;
  const double dt = adaptive ? t_end / 40 : dt_fraction * Electrodeposition::stable_dt(g, p);
  const int steps = int(std::ceil(t_end / dt));
  CellRun r;
  r.front0 = m.metal_thickness();
  CellControl ctl{ControlMode::galvanostatic, 0.0, i_app};
  for (int s = 0; s < steps; ++s) {
    const auto rep = adaptive ? m.advance(t_end / steps, ctl) : m.step(t_end / steps, ctl);
    EXPECT_TRUE(rep.converged);
    r.v.push_back(m.v_cell());
    r.i_total.push_back(m.currents().total());
  }
  r.front1 = m.metal_thickness();
  r.charge = m.plated_charge();
  return r;
}

double v4_formula(const CellSpec& c, double i, double electrolyte_thickness) {
  const double i0 = exchange_current(c);
  const double rt_nf = echem::kGas * c.temperature / echem::kFaraday;
  return i * electrolyte_thickness / c.electrolyte.sigma_ion.at(c.temperature) +
         2.0 * (2.0 * rt_nf) * std::asinh(i / (2.0 * i0));
}

const Formulation kBoth[] = {Formulation::gibbs_thomson, Formulation::chen2015};
const char* name_of(Formulation f) {
  return f == Formulation::gibbs_thomson ? "gibbs_thomson" : "chen2015";
}

TEST(ElectrodepositionV4, FlatCellVoltageMatchesOhmPlusButlerVolmer) {
  // Linear, moderate and strongly nonlinear (i > 4 i0) regimes, both formulations.
  for (Formulation f : kBoth) {
    const CellSpec c = na_nzsp(20.0, f);
    const double i0 = exchange_current(c);
    std::printf(" %s\n", name_of(f));
    for (double i : {5.0, 50.0, 4.5 * i0}) {
      const CellRun r = run_galvanostatic(c, i, 1.0, 0.5);
      const double l = c.anode_thickness + c.thickness - r.front1;
      const double expected = v4_formula(c, i, l);
      std::printf(
          "  i = %7.2f A/m^2 (i/i0 = %.2f): |V| = %.6f mV, formula %.6f mV, error %.3f %%\n", i,
          i / i0, -r.v.back() * 1e3, expected * 1e3, 100 * (-r.v.back() / expected - 1));
      EXPECT_LT(r.v.back(), 0.0) << "plating at x = 0 needs V_cell < 0";
      EXPECT_NEAR(-r.v.back() / expected, 1.0, 0.01);
    }
  }
}

TEST(ElectrodepositionV4, NzspTape110umIsNearTenOhmSquareCentimetres) {
  // 001: 110 um tape, 30 degC, 1.5 ohm cm^2 per interface: 6.9 + 2 x 1.5 = 9.9 ohm cm^2.
  for (Formulation f : kBoth) {
    const CellSpec c = na_nzsp(110.0, f);
    const double i = 5.0;  // 0.5 mA/cm^2, linear regime
    const CellRun r = run_galvanostatic(c, i, 0.5, 0.5);
    const double l = c.anode_thickness + c.thickness - r.front1;
    const double area_resistance = -r.v.back() / i * 1e4;  // ohm cm^2
    std::printf("  %s, 110 um NZSP: %.3f ohm cm^2 (formula %.3f)\n", name_of(f), area_resistance,
                v4_formula(c, i, l) / i * 1e4);
    EXPECT_NEAR(-r.v.back() / v4_formula(c, i, l), 1.0, 0.01);
    EXPECT_NEAR(area_resistance, 9.9, 0.15);
  }
}

TEST(ElectrodepositionV3, FaradayAdvanceForSodiumAndLithium) {
  for (Formulation f : kBoth)
    for (const char* metal : {"Na", "Li"}) {
      CellSpec c = na_nzsp(10.0, f);
      if (std::string(metal) == "Li") c.metal = {"Li", 6.941e-3, 534.0, 1, 1.1e7};
      const double i = 400.0;  // A/m^2 = 40 mA/cm^2: a micrometre in seconds
      const double t_end = 8.0;
      const CellRun r = run_galvanostatic(c, i, t_end, 0.5);
      const double advance_um = (r.front1 - r.front0) * 1e6;
      const double q_mah_cm2 = i * t_end / 3.6 / 1e4 * 1e3 / 1e3;  // A/m^2 s -> mAh/cm^2
      const double per_mah = advance_um / q_mah_cm2;
      const double expected =
          c.metal.molar_volume() / echem::kFaraday * 3.6e4 * 1e6;  // um per mAh/cm^2
      std::printf(
          "  %s, %s: front advanced %.4f um for %.4f mAh/cm^2: %.4f um per mAh/cm^2 (M/rho: "
          "%.4f)\n",
          name_of(f), metal, advance_um, q_mah_cm2, per_mah, expected);
      EXPECT_GT(advance_um, 0.0) << "positive current plates at x = 0: the front moves to +x";
      EXPECT_NEAR(per_mah / (std::string(metal) == "Na" ? 8.86 : 4.85), 1.0, 0.01);
      // Plated volume against the ionic charge measured at the counter electrode.
      const double plated = (r.front1 - r.front0) * c.metal.site_density() * echem::kFaraday;
      EXPECT_NEAR(plated / r.charge, 1.0, 0.005);
    }
}

TEST(ElectrodepositionStability, OhmicOverChargeTransferAboveFourIsSteadyAtTheLimit) {
  // chen2015 at 0.95 x the explicit limit; gibbs_thomson with its adaptive steps.
  for (Formulation f : kBoth) {
    const CellSpec c = na_nzsp(110.0, f);
    const double i0 = exchange_current(c);
    const double r_ohm = c.thickness / c.electrolyte.sigma_ion.at(c.temperature);
    const double r_ct = echem::kGas * c.temperature / (echem::kFaraday * i0);
    ASSERT_GE(r_ohm / r_ct, 4.0);
    const CellRun r = run_galvanostatic(c, 50.0, 0.4, 0.95);  // 0.95 x the largest stable dt
    int sign_changes = 0;
    for (std::size_t s = 2; s < r.v.size(); ++s) {
      const double a = r.v[s - 1] - r.v[s - 2], b = r.v[s] - r.v[s - 1];
      if (a * b < 0 && std::abs(b) > 1e-9) ++sign_changes;
    }
    std::printf("  %s, R_ohm/R_ct = %.2f: V from %.5f to %.5f mV, %d sign changes of dV\n",
                name_of(f), r_ohm / r_ct, r.v.front() * 1e3, r.v.back() * 1e3, sign_changes);
    EXPECT_LE(sign_changes, 1);
    for (double cur : r.i_total) EXPECT_NEAR(cur / 50.0, 1.0, 0.01);
  }
}

TEST(ElectrodepositionSigns, PhiLRisesFromAnodeToCounterElectrode) {
  const CellSpec c = na_nzsp(20.0);
  const Grid g = cell_grid(c);
  Electrodeposition m(g, cell_params(c));
  m.xi().upload_interior(flat_anode(c, g));
  m.solve_potentials({ControlMode::galvanostatic, 0.0, 20.0});
  const auto pl = m.phi_l().download_interior();
  const int nx = g.n[0];
  const int a = int(c.anode_thickness / c.dx) + 8;  // in the electrolyte, past the interface
  EXPECT_LT(pl[a], pl[nx - 1]);
  EXPECT_LT(m.v_cell(), pl[a]);  // eta < 0 at the anode
  EXPECT_LT(pl[nx - 1], 0.0);    // eta_c = -phi_l(Lx) > 0 at the stripping counter electrode
  EXPECT_NEAR(m.currents().total() / 20.0, 1.0, 1e-6);
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

TEST(ElectrodepositionNoise, ReproducibleByCounterAndChargeStillConserved) {
  for (Formulation f : kBoth) {
    CellSpec c = na_nzsp(10.0, f);
    const Grid g = cell_grid(c);
    auto run = [&](std::uint64_t seed, double amplitude) {
      ElectrodepositionParams p = cell_params(c);
      p.noise_amplitude = amplitude;
      p.noise_seed = seed;
      const double dt =
          0.5 * Electrodeposition::stable_dt(g, cell_params(na_nzsp(10.0, Formulation::chen2015)));
      p.noise_reference_dt = dt;  // the amplitude is the rate's spread at this step
      Electrodeposition m(g, p);
      m.xi().upload_interior(flat_anode(c, g));
      const double front0 = m.metal_thickness();
      for (int s = 0; s < 200; ++s) m.step(dt, {ControlMode::galvanostatic, 0.0, 100.0});
      const double plated =
          (m.metal_thickness() - front0) * c.metal.site_density() * echem::kFaraday;
      EXPECT_NEAR(plated / m.plated_charge(), 1.0, 0.005) << "Faraday with noise, seed " << seed;
      return m.xi().download_interior();
    };
    const auto a = run(11, 0.5), b = run(11, 0.5), other = run(12, 0.5), quiet = run(11, 0.0);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, other);
    EXPECT_NE(a, quiet);
  }
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

TEST(ElectrodepositionReuse, PotentialsReusedBehindTheResidualCheckKeepV4AndFaraday) {
  // The explicit formulation's small steps are where reuse pays.
  const CellSpec c = na_nzsp(20.0, Formulation::chen2015);
  const Grid g = cell_grid(c);
  auto run = [&](double tol, int& solves) {
    ElectrodepositionParams p = cell_params(c);
    p.reuse_tol = tol;
    Electrodeposition m(g, p);
    m.xi().upload_interior(flat_anode(c, g));
    const double front0 = m.metal_thickness(), dt = 0.5 * Electrodeposition::stable_dt(g, p);
    solves = 0;
    for (int s = 0; s < 1200; ++s)
      if (!m.step(dt, {ControlMode::galvanostatic, 0.0, 400.0}).reused) ++solves;
    const double plated = (m.metal_thickness() - front0) * c.metal.site_density() * echem::kFaraday;
    EXPECT_NEAR(plated / m.plated_charge(), 1.0, 0.005) << "tol " << tol;
    EXPECT_NEAR(m.currents().total() / 400.0, 1.0, 0.01);
    return m.v_cell();
  };
  int full = 0, reused = 0;
  const double v_full = run(0.0, full), v_reuse = run(1e-3, reused);
  std::printf("  solves: %d without reuse, %d with tol 1e-3; V %.6f vs %.6f mV\n", full, reused,
              v_full * 1e3, v_reuse * 1e3);
  EXPECT_EQ(full, 1200);
  EXPECT_LT(reused, full / 2);
  EXPECT_NEAR(v_reuse / v_full, 1.0, 1e-4);
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

TEST(ElectrodepositionV4, ThreeDimensionalCellMatchesToo) {
  for (Formulation f : kBoth) {
    CellSpec c = na_nzsp(20.0, f);
    c.dim = 3;
    c.depth = 0.5e-6;
    const CellRun r = run_galvanostatic(c, 50.0, 0.5, 0.5);
    const double l = c.anode_thickness + c.thickness - r.front1;
    const double expected = v4_formula(c, 50.0, l);
    std::printf("  %s, 3D: |V| = %.6f mV, formula %.6f mV\n", name_of(f), -r.v.back() * 1e3,
                expected * 1e3);
    EXPECT_NEAR(-r.v.back() / expected, 1.0, 0.01);
  }
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

TEST(ElectrodepositionV4, AsymmetricButlerVolmerPlatesAndStripsAsAlphaSays) {
  // Issue 14, item 8: alpha = 0.3 at |i| = 10 i0 with a non-polarisable counter electrode.
  // The anode's overpotential solves i = -i0 BV(eta) (plating, eta < 0) or the same with
  // -i (stripping); |V| - i L / sigma must equal it: ~ ln(10) / (alpha f) when plating and
  // ~ ln(10) / ((1 - alpha) f) when stripping. Asserted as V4 is (the cell voltage within
  // 1 %), and the plating / stripping ratio of the overpotentials within 3 %.
  CellSpec c = na_nzsp(20.0);
  c.alpha = 0.3;
  c.counter_butler_volmer = false;
  const double i0 = exchange_current(c), f = echem::kFaraday / (echem::kGas * c.temperature);
  auto eta_of = [&](double i) {  // bisection on i = -i0 BV(eta)
    double lo = -2.0, hi = 2.0;
    for (int k = 0; k < 200; ++k) {
      const double mid = 0.5 * (lo + hi);
      (-i0 * echem::butler_volmer(mid, c.alpha, f) > i ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  };
  double plate = 0.0, strip = 0.0, plate_bv = 0.0, strip_bv = 0.0;
  for (double i : {10.0 * i0, -10.0 * i0}) {
    const CellRun r = run_galvanostatic(c, i, 0.2, 0.5);
    const double l = c.anode_thickness + c.thickness - r.front1;
    const double ohmic = i * l / c.electrolyte.sigma_ion.at(c.temperature);
    const double eta = -r.v.back() - ohmic;  // V_cell = eta_anode - ohmic drop (phi_s = V)
    const double expected = -eta_of(i);
    std::printf(
        "  alpha 0.3, i = %+.0f A/m^2: |V| %.3f mV vs %.3f mV (%+.3f %%); anode "
        "overpotential %.3f mV, Butler-Volmer %.3f mV\n",
        i, std::abs(r.v.back()) * 1e3, std::abs(ohmic + expected) * 1e3,
        100 * (r.v.back() / -(ohmic + expected) - 1), eta * 1e3, expected * 1e3);
    EXPECT_NEAR(r.v.back() / -(ohmic + expected), 1.0, 0.01);
    (i > 0 ? plate : strip) = eta / expected * std::abs(expected);
    (i > 0 ? plate_bv : strip_bv) = std::abs(expected);
  }
  std::printf("  plating / stripping overpotential %.4f (Butler-Volmer %.4f)\n", plate / strip,
              plate_bv / strip_bv);
  EXPECT_NEAR((plate / strip) / (plate_bv / strip_bv), 1.0, 0.03);
  EXPECT_GT(plate_bv / strip_bv, 2.0) << "alpha = 0.3: plating needs more overpotential";
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

/// Na | beta''-alumina | Na with 400 ohm cm^2 interfaces (002, before annealing; i0 =
/// 0.064 mA/cm^2), 40 um, 25 degC.
CellSpec resistive_beta_alumina_cell() {
  CellSpec c = reference_na_nzsp();
  c.electrolyte.sigma_ion = {1.4, 298.15, 0.16};
  c.electrolyte.sigma_e = {6e-10, 298.15, 0.0};
  c.electrolyte.conductance_int = {1.0 / 400e-4, 298.15, 0.16};
  c.temperature = 298.15;
  c.thickness = 40e-6;
  c.anode_thickness = 5e-6;
  c.width = 0.5e-6;
  c.dx = 0.25e-6;
  c.interface_width = 1e-6;
  return c;
}

TEST(ElectrodepositionV4, PotentiostaticFarAboveTheExchangeCurrentFromAColdStart) {
  // The potentiostatic control at the same extremes: the beta''-alumina cell held at the
  // V_cell of i/i0 = 10, 100, 300 and -300 draws that current (V held, so Newton converges
  // from phi = 0 without the galvanostatic flat-cell start).
  const CellSpec c = resistive_beta_alumina_cell();
  const double i0 = exchange_current(c);
  const Grid g = cell_grid(c);
  for (double ratio : {10.0, 100.0, 300.0, -300.0}) {
    Electrodeposition m(g, cell_params(c));
    m.xi().upload_interior(flat_anode(c, g));
    m.equilibrate_profile();
    const double l = c.anode_thickness + c.thickness - m.metal_thickness();
    const double v = v4_formula(c, ratio * i0, l);  // > 0 plating, < 0 stripping
    const CellControl ctl{ControlMode::potentiostatic, -v, 0.0};
    const PotentialReport r = m.solve_potentials(ctl);
    ASSERT_TRUE(r.converged) << ratio;
    const double i = m.currents().total();
    std::printf("  V = %+.2f mV: i/i0 = %.2f (formula %.0f); %d Newton iterations\n",
                ctl.v_cell * 1e3, i / i0, ratio, r.newton_iterations);
    EXPECT_NEAR(i / (ratio * i0), 1.0, 0.01) << ratio;
    EXPECT_LE(r.newton_iterations, 15) << ratio;
  }
}

TEST(ElectrodepositionV4, FarAboveTheExchangeCurrentFromAColdStart) {
  // Issue 14, item 7: Na | beta''-alumina | Na with 400 ohm cm^2 interfaces (002, before
  // annealing; i0 = 0.064 mA/cm^2), 40 um. Before the flat-cell start of eq. (55) and the
  // round-off acceptance of the linear solves, i/i0 >= 8 failed in the first solve.
  const CellSpec c = resistive_beta_alumina_cell();
  const double i0 = exchange_current(c);
  const Grid g = cell_grid(c);
  for (double ratio : {10.0, 100.0, 300.0, -300.0}) {
    const double i = ratio * i0;
    Electrodeposition m(g, cell_params(c));
    m.xi().upload_interior(flat_anode(c, g));
    m.equilibrate_profile();
    const CellControl ctl{ControlMode::galvanostatic, 0.0, i};
    PotentialReport total = m.solve_potentials(ctl);
    ASSERT_TRUE(total.converged) << ratio;
    const int first_newton = total.newton_iterations;
    for (int s = 0; s < 5; ++s) {
      const PotentialReport r = m.advance(0.2, ctl);
      ASSERT_TRUE(r.converged) << ratio;
      total.newton_iterations += r.newton_iterations;
      total.linear_iterations += r.linear_iterations;
      total.control_iterations += r.control_iterations;
    }
    const double l = c.anode_thickness + c.thickness - m.metal_thickness();
    const double expected = v4_formula(c, i, l);
    std::printf(
        "  i/i0 = %5.0f: |V| = %.4f mV, formula %.4f mV (%.3f %%); first solve %d Newton "
        "iterations, 1 s: %d control, %d Newton, %d CG iterations\n",
        ratio, std::abs(m.v_cell()) * 1e3, std::abs(expected) * 1e3,
        100 * (m.v_cell() / -expected - 1), first_newton, total.control_iterations,
        total.newton_iterations, total.linear_iterations);
    EXPECT_NEAR(m.v_cell() / -expected, 1.0, 0.01) << ratio;
    EXPECT_LE(first_newton, 15) << ratio;
    EXPECT_LE(total.newton_iterations, 200) << ratio;
  }
}

}  // namespace
}  // namespace dnd
