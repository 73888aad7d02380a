// Effective conductivity of microstructures (docs/model.md, section 9; physics brief V5):
// layered structures against the series and parallel formulas, a planar GB film against the
// real film's conductances, random two-phase structures inside the Hashin-Shtrikman bounds,
// and grid convergence of a generated polycrystal.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "dendrite/microstructure/effective.hpp"
#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/microstructure/properties.hpp"

using namespace dnd;
using namespace dnd::micro;

namespace {

/// A material of constant conductivities (Ea 0), present.
PhaseMaterial constant_material(double ion, double e) {
  PhaseMaterial m;
  m.present = true;
  m.sigma_ion = {ion, 300.0, 0.0};
  m.sigma_e = {e, 300.0, 0.0};
  return m;
}

/// Layers normal to x: cells with (i / layer) odd are the secondary phase.
Microstructure layers(int dim, int nx, int ny, int nz, int layer, double voxel) {
  const int n[3] = {nx, ny, dim == 3 ? nz : 1};
  Microstructure m = uniform(dim, n, voxel);
  for (int k = 0; k < m.n[2]; ++k)
    for (int j = 0; j < m.n[1]; ++j)
      for (int i = 0; i < m.n[0]; ++i)
        if ((i / layer) % 2 == 1) m.phase[m.index(i, j, k)] = Phase::secondary;
  return m;
}

/// Two grains split at x = L/2 by a GB band of `band` cells (a planar film normal to x).
Microstructure planar_boundary(int dim, int nx, int ny, int band, double voxel) {
  const int n[3] = {nx, ny, dim == 3 ? ny : 1};
  Microstructure m = uniform(dim, n, voxel);
  m.gb_width = band * voxel;
  const double lx = nx * voxel, ly = ny * voxel;
  m.centres = {{0.25 * lx, 0.5 * ly, 0.5 * ly}, {0.75 * lx, 0.5 * ly, 0.5 * ly}};
  for (int k = 0; k < m.n[2]; ++k)
    for (int j = 0; j < m.n[1]; ++j)
      for (int i = 0; i < m.n[0]; ++i) {
        const std::size_t c = m.index(i, j, k);
        m.grain[c] = i < nx / 2 ? 0 : 1;
        if (std::abs(i + 0.5 - 0.5 * nx) < 0.5 * band) m.phase[c] = Phase::grain_boundary;
      }
  return m;
}

}  // namespace

TEST(Effective, LayersMatchSeriesAndParallelFormulas) {
  const double s1 = 1.5, s2 = 1.5e-3;  // a 1000x contrast
  for (int dim : {2, 3}) {
    const Microstructure m = layers(dim, 40, 12, 12, 5, 1e-6);
    const double f2 = m.fraction(Phase::secondary);
    double sigma[kPhaseCount] = {s1, s1, s1, s2, s1};
    const double series = 1.0 / ((1.0 - f2) / s1 + f2 / s2);
    const double parallel = (1.0 - f2) * s1 + f2 * s2;
    const double across = effective_conductivity(m, sigma, 0.0, 0);
    const double along = effective_conductivity(m, sigma, 0.0, 1);
    std::printf("[V5] %dD layers: across %.6g (series %.6g), along %.6g (parallel %.6g)\n", dim,
                across, series, along, parallel);
    EXPECT_NEAR(across / series, 1.0, 0.01);
    EXPECT_NEAR(along / parallel, 1.0, 0.01);
  }
}

TEST(Effective, PlanarFilmHasTheRealFilmsSeriesAndParallelConductances) {
  // A 2 nm film resolved by a 1 um band: blocking for ions, leaking for electrons.
  const double delta = 2e-9, voxel = 0.25e-6, t = 300.0;
  const double g_ion = 1.5, g_e = 2e-5, f_ion = 5e-4, f_e = 1e-1;
  for (int dim : {2, 3}) {
    const Microstructure m = planar_boundary(dim, 40, dim == 3 ? 12 : 20, 4, voxel);
    std::array<PhaseMaterial, kPhaseCount> mats;
    mats[Phase::grain] = constant_material(g_ion, g_e);
    mats[Phase::grain_boundary] = constant_material(f_ion, f_e);
    mats[Phase::grain_boundary].film_thickness = delta;
    const PhaseTable tab = phase_table(mats, t, m.gb_width, 1e-4, false, 0.0);
    ASSERT_TRUE(tab.has_film);
    const double len = m.n[0] * voxel;
    for (int kind = 0; kind < 2; ++kind) {
      const double sg = kind == 0 ? g_ion : g_e, sf = kind == 0 ? f_ion : f_e;
      const double* sig = kind == 0 ? tab.sigma_ion : tab.sigma_e;
      const double r = kind == 0 ? tab.film_resistance_ion : tab.film_resistance_e;
      const double across = effective_conductivity(m, sig, r, 0);
      const double along = effective_conductivity(m, sig, r, 1);
      const double series = len / ((len - delta) / sg + delta / sf);
      const double parallel = (sg * (len - delta) + sf * delta) / len;
      std::printf(
          "[GB film] %dD %s: across %.6g (real film in series %.6g), along %.6g "
          "(in parallel %.6g)\n",
          dim, kind == 0 ? "ionic" : "electronic", across, series, along, parallel);
      EXPECT_NEAR(across / series, 1.0, 0.01);
      EXPECT_NEAR(along / parallel, 1.0, 0.01);
    }
  }
}

TEST(Effective, IsotropicBandWouldMissTheFilmByOrdersOfMagnitude) {
  // The same film mapped to one isotropic cell value (the across scaling) loses its along
  // conductance: the reason for eq. (51)-(52). Guards against a regression to that form.
  const double delta = 2e-9, voxel = 0.25e-6;
  const Microstructure m = planar_boundary(2, 40, 20, 4, voxel);
  const double g_e = 2e-5, f_e = 1e-1;
  const double w = m.gb_width;
  const double sigma_iso = f_e * w / delta;  // conductance-preserving across only
  double sig[kPhaseCount] = {g_e, std::min(sigma_iso, 1e30), g_e, g_e, g_e};
  const double along_iso = effective_conductivity(m, sig, 0.0, 1);
  const double len = m.n[0] * voxel;
  const double parallel = (g_e * (len - delta) + f_e * delta) / len;
  EXPECT_GT(along_iso / parallel, 100.0);
}

namespace {

/// Hashin-Shtrikman bounds of a two-phase isotropic composite in `dim` dimensions.
void hashin_shtrikman(int dim, double s_lo, double f_lo, double s_hi, double f_hi, double& lower,
                      double& upper) {
  lower = s_lo + f_hi / (1.0 / (s_hi - s_lo) + f_lo / (dim * s_lo));
  upper = s_hi + f_lo / (1.0 / (s_lo - s_hi) + f_hi / (dim * s_hi));
}

}  // namespace

TEST(Effective, RandomTwoPhaseStructuresLieInsideHashinShtrikmanBounds) {
  for (int dim : {2, 3}) {
    GeneratorSpec s;
    s.dim = dim;
    s.n[0] = s.n[1] = dim == 3 ? 40 : 120;
    s.n[2] = dim == 3 ? 40 : 1;
    s.voxel = 0.25e-6;
    s.seed = 11;
    s.grain_size = 3e-6;
    s.secondary = {0.3, Site::random, 0.75e-6, 0.0};
    const Microstructure m = generate(s);
    const double f2 = m.fraction(Phase::secondary), f1 = 1.0 - f2;
    for (double contrast : {1e-2, 1e2}) {  // particles less, then more conducting
      const double s1 = 1.0, s2 = contrast;
      double sigma[kPhaseCount] = {s1, s1, s1, s2, s1};
      double lower, upper;
      if (s1 < s2)
        hashin_shtrikman(dim, s1, f1, s2, f2, lower, upper);
      else
        hashin_shtrikman(dim, s2, f2, s1, f1, lower, upper);
      for (int axis = 0; axis < dim; ++axis) {
        const double eff = effective_conductivity(m, sigma, 0.0, axis);
        std::printf(
            "[V5] %dD, %.1f %% particles of %g x: sigma_eff %.5g along %c, HS bounds "
            "[%.5g, %.5g]\n",
            dim, 100 * f2, contrast, eff, "xyz"[axis], lower, upper);
        EXPECT_GT(eff, lower);
        EXPECT_LT(eff, upper);
      }
    }
  }
}

TEST(Effective, PolycrystalConductivityConvergesWithTheGrid) {
  // The same 20 um polycrystal (3 um grains, pristine-NZSP-like films in a 1 um band) on
  // cells of 0.5, 0.25 and 0.125 um: the band is 2, 4 and 8 cells wide.
  std::array<PhaseMaterial, kPhaseCount> mats;
  mats[Phase::grain] = constant_material(1.5, 2.35e-5);
  mats[Phase::grain_boundary] = constant_material(5e-4, 2.35e-5);
  mats[Phase::grain_boundary].film_thickness = 2e-9;
  double sigma[3] = {0, 0, 0};
  const double dx[3] = {0.5e-6, 0.25e-6, 0.125e-6};
  for (int r = 0; r < 3; ++r) {
    GeneratorSpec s;
    s.dim = 2;
    s.n[0] = s.n[1] = int(std::lround(20e-6 / dx[r]));
    s.voxel = dx[r];
    s.seed = 3;
    s.grain_size = 3e-6;
    s.gb_width = 1e-6;
    const Microstructure m = generate(s);
    const PhaseTable tab = phase_table(mats, 300.0, m.gb_width, 1e-4, false, 0.0);
    sigma[r] = effective_conductivity(m, tab.sigma_ion, tab.film_resistance_ion, 0);
    std::printf("[V5] polycrystal at dx = %.3f um: sigma_eff %.6g S/m\n", dx[r] * 1e6, sigma[r]);
  }
  const double change = std::abs(sigma[2] / sigma[1] - 1.0);
  std::printf("[V5] change between the two finest grids: %.3f %% (coarse to middle %.3f %%)\n",
              100 * change, 100 * std::abs(sigma[1] / sigma[0] - 1.0));
  EXPECT_LT(change, 0.02);
}
