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
      std::printf("[GB film] %dD %s: across %.6g (real film in series %.6g), along %.6g "
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
