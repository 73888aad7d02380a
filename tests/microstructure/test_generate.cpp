// The microstructure generator: determinism, the tessellation against brute force, the GB
// band against Poisson-Voronoi stereology, inclusion sites and fractions, the anode layers and
// the checks of a bad spec.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <set>
#include <string>
#include <vector>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "dendrite/microstructure/microstructure.hpp"

namespace dnd::micro {
namespace {

constexpr double kMicron = 1e-6;

/// A 2D spec of nx x ny one-micron cells, lateral axis periodic, grains by size.
GeneratorSpec spec2d(int nx, int ny, double grain_size_cells) {
  GeneratorSpec s;
  s.dim = 2;
  s.n[0] = nx;
  s.n[1] = ny;
  s.voxel = kMicron;
  s.grain_size = grain_size_cells * kMicron;
  s.seed = 7;
  return s;
}

GeneratorSpec spec3d(int n, int grains) {
  GeneratorSpec s;
  s.dim = 3;
  s.n[0] = s.n[1] = s.n[2] = n;
  s.voxel = kMicron;
  s.grains = grains;
  s.seed = 11;
  return s;
}

/// Cell (i, j, k) + (a, b, c), wrapped along periodic axes; -1 outside the box.
long long shifted(const Microstructure& m, int i, int j, int k, int a, int b, int c) {
  int at[3] = {i + a, j + b, k + c};
  for (int d = 0; d < 3; ++d) {
    if (at[d] >= 0 && at[d] < m.n[d]) continue;
    if (!m.periodic[d]) return -1;
    at[d] = (at[d] % m.n[d] + m.n[d]) % m.n[d];
  }
  return (long long)m.index(at[0], at[1], at[2]);
}

/// Calls f(i, j, k, cell) for every cell.
template <class F>
void for_cells(const Microstructure& m, F f) {
  for (int k = 0; k < m.n[2]; ++k)
    for (int j = 0; j < m.n[1]; ++j)
      for (int i = 0; i < m.n[0]; ++i) f(i, j, k, m.index(i, j, k));
}

/// The distinct grain ids within `radius` cells of cell (i, j, k), the cell's own included.
std::set<int> grains_within(const Microstructure& m, int i, int j, int k, double radius) {
  const int r = int(std::floor(radius)), rz = m.dim == 3 ? r : 0;
  std::set<int> ids;
  for (int c = -rz; c <= rz; ++c)
    for (int b = -r; b <= r; ++b)
      for (int a = -r; a <= r; ++a) {
        if (a * a + b * b + c * c > radius * radius + 1e-9) continue;
        const long long at = shifted(m, i, j, k, a, b, c);
        if (at >= 0) ids.insert(m.grain[at]);
      }
  return ids;
}

std::size_t distinct_grains(const Microstructure& m) {
  return std::set<int>(m.grain.begin(), m.grain.end()).size();
}

std::vector<double> grain_areas(const Microstructure& m) {
  std::vector<double> area(m.centres.size(), 0.0);
  for (int g : m.grain) area[g] += 1;
  return area;
}

/// Coefficient of variation of the non-empty grains' areas.
double area_variation(const Microstructure& m) {
  double sum = 0, sum2 = 0, count = 0;
  for (double a : grain_areas(m))
    if (a > 0) sum += a, sum2 += a * a, ++count;
  const double mean = sum / count;
  return std::sqrt(sum2 / count - mean * mean) / mean;
}

/// Phase fraction of the cells with x index >= first_x.
double fraction_from(const Microstructure& m, int first_x, Phase p) {
  double hit = 0, all = 0;
  for_cells(m, [&](int i, int, int, std::size_t c) {
    if (i < first_x) return;
    ++all;
    hit += m.phase[c] == p;
  });
  return hit / all;
}

void expect_error(const GeneratorSpec& s, const std::string& field) {
  try {
    generate(s);
    ADD_FAILURE() << "no error for a bad " << field;
  } catch (const MicrostructureError& e) {
    EXPECT_NE(std::string(e.what()).find(field + ":"), std::string::npos)
        << "message does not name " << field << ": " << e.what();
  }
}

// ---- determinism ------------------------------------------------------------------------

/// A spec that exercises every stage: Laguerre grains, GB band, particles, pores, layers.
GeneratorSpec everything2d() {
  GeneratorSpec s = spec2d(240, 200, 18);
  s.size_spread = 0.4;
  s.gb_width = 3 * kMicron;
  s.electrolyte_from = 40 * kMicron;
  s.secondary = {0.02, Site::triple_junction, 1.5 * kMicron, 0.2};
  s.pores = {0.04, Site::grain_boundary, 2 * kMicron, 0.3};
  s.damage_thickness = 6 * kMicron;
  s.contact_fraction = 0.6;
  s.patch_size = 12 * kMicron;
  s.gap_thickness = 2 * kMicron;
  return s;
}

TEST(GenerateDeterminism, SameSpecGivesTheSameCells) {
  const GeneratorSpec s = everything2d();
  const Microstructure a = generate(s), b = generate(s);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.grain, b.grain);
  EXPECT_EQ(a.centres, b.centres);
  GeneratorSpec other = s;
  other.seed = 8;
  EXPECT_NE(generate(other).grain, a.grain);
}

TEST(GenerateDeterminism, ThreadCountDoesNotChangeTheCells) {
#ifdef _OPENMP
  GeneratorSpec s3 = spec3d(40, 30);
  s3.size_spread = 0.5;
  s3.gb_width = 2.5 * kMicron;
  s3.electrolyte_from = 8 * kMicron;
  s3.secondary = {0.01, Site::triple_junction, 1 * kMicron, 0.0};
  s3.pores = {0.02, Site::random, 1.5 * kMicron, 0.2};
  const int threads = omp_get_max_threads();
  for (const GeneratorSpec& s : {everything2d(), s3}) {
    omp_set_num_threads(1);
    const Microstructure one = generate(s);
    omp_set_num_threads(2);
    const Microstructure two = generate(s);
    EXPECT_EQ(one.phase, two.phase);
    EXPECT_EQ(one.grain, two.grain);
  }
  omp_set_num_threads(threads);
#else
  GTEST_SKIP() << "built without OpenMP";
#endif
}

// ---- grains -----------------------------------------------------------------------------

TEST(GenerateGrains, CountIdsAndMeanArea) {
  const GeneratorSpec s = spec2d(300, 300, 15);  // 90000 / 225 = 400 grains
  const Microstructure m = generate(s);
  ASSERT_EQ(m.centres.size(), 400u);
  ASSERT_EQ(m.grain.size(), 90000u);
  for (int g : m.grain) ASSERT_TRUE(g >= 0 && g < 400);
  // Voronoi cells are never empty, but a sliver may hold no cell centre; with this seed
  // every grain holds cells, so the mean area is the box over N exactly.
  EXPECT_EQ(distinct_grains(m), 400u);
  EXPECT_NEAR(90000.0 / distinct_grains(m), 15.0 * 15.0, 0.01 * 225);
  for (const auto& c : m.centres) {
    EXPECT_TRUE(c[0] > 0 && c[0] < 300 * kMicron && c[1] > 0 && c[1] < 300 * kMicron);
    EXPECT_DOUBLE_EQ(c[2], 0.5 * kMicron);
  }
  EXPECT_EQ(m.dim, 2);
  EXPECT_EQ(m.n[2], 1);
  EXPECT_FALSE(m.periodic[0]);
  EXPECT_TRUE(m.periodic[1]);
  EXPECT_FALSE(m.periodic[2]);  // not an axis of a 2D box
  EXPECT_EQ(m.voxel, kMicron);
  EXPECT_EQ(m.fraction(Phase::grain), 1.0);  // no GB band asked for

  GeneratorSpec by_count = s;
  by_count.grain_size = 0;
  by_count.grains = 37;
  EXPECT_EQ(generate(by_count).centres.size(), 37u);
}

/// Voronoi ids and the GB band, cell by cell, against the definition evaluated over every
/// seed: the pruned search must miss no owner and no boundary plane (x walls, the only
/// non-periodic ones here, aside).
void expect_brute_force_match(const GeneratorSpec& s) {
  const Microstructure m = generate(s);
  const double half = 0.5 * s.gb_width / s.voxel;
  std::size_t wrong_grain = 0, wrong_band = 0;
  for_cells(m, [&](int i, int j, int k, std::size_t cell) {
    const double x[3] = {i + 0.5, j + 0.5, k + 0.5};
    std::vector<std::array<double, 3>> sep(m.centres.size());
    std::vector<double> d2(m.centres.size());
    std::size_t owner = 0;
    for (std::size_t g = 0; g < m.centres.size(); ++g) {
      d2[g] = 0;
      for (int d = 0; d < 3; ++d) {
        double e = d < m.dim ? x[d] - m.centres[g][d] / s.voxel : 0.0;
        if (m.periodic[d] && e > 0.5 * m.n[d]) e -= m.n[d];
        if (m.periodic[d] && e < -0.5 * m.n[d]) e += m.n[d];
        sep[g][d] = e;
        d2[g] += e * e;
      }
      if (d2[g] < d2[owner]) owner = g;
    }
    double plane = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < m.centres.size(); ++g) {
      if (g == owner) continue;
      double apart2 = 0;
      for (int d = 0; d < 3; ++d) apart2 += std::pow(sep[owner][d] - sep[g][d], 2);
      plane = std::min(plane, (d2[g] - d2[owner]) / (2 * std::sqrt(apart2)));
    }
    wrong_grain += m.grain[cell] != int(owner);
    // Within half a band of the x walls a plane's nearest point may lie outside the box,
    // where the generator measures to the plane's part inside the box instead.
    if (i + 0.5 < half || m.n[0] - i - 0.5 < half) return;
    wrong_band += (m.phase[cell] == Phase::grain_boundary) != (plane < half);
  });
  EXPECT_EQ(wrong_grain, 0u);
  EXPECT_EQ(wrong_band, 0u);
}

TEST(GenerateGrains, VoronoiMatchesBruteForce) {
  GeneratorSpec s2 = spec2d(130, 90, 0);
  s2.grain_size = 0;
  s2.grains = 60;
  s2.voxel = 1.0;  // cell units, so the brute force sees the same seed coordinates
  s2.gb_width = 3.0;
  expect_brute_force_match(s2);
  GeneratorSpec s3 = spec3d(24, 30);
  s3.n[2] = 16;
  s3.voxel = 1.0;
  s3.gb_width = 2.5;
  expect_brute_force_match(s3);
}

TEST(GenerateGrains, SizeSpreadWidensTheAreas) {
  GeneratorSpec s = spec2d(400, 400, 20);
  const double plain = area_variation(generate(s));
  s.size_spread = 0.5;
  const Microstructure laguerre = generate(s);
  const double spread = area_variation(laguerre);
  std::printf("area CV: Voronoi %.3f, Laguerre (spread 0.5) %.3f, %zu of %zu grains hold cells\n",
              plain, spread, distinct_grains(laguerre), laguerre.centres.size());
  EXPECT_GT(spread, 1.3 * plain);
  // A Laguerre cell may be empty (a light seed inside a heavy neighbour): ids stay in range.
  for (int g : laguerre.grain) ASSERT_TRUE(g >= 0 && g < int(laguerre.centres.size()));
  EXPECT_EQ(laguerre.centres.size(), 400u);
}

// ---- GB band ----------------------------------------------------------------------------

TEST(GenerateGbBand, PoissonVoronoiBoundaryFraction) {
  // 900 grains; Poisson-Voronoi boundary length per area 2 sqrt(N/A), band width 3 cells.
  GeneratorSpec s = spec2d(600, 600, 20);
  s.gb_width = 3 * kMicron;
  const Microstructure m = generate(s);
  const double expected = 3.0 * 2.0 * std::sqrt(900.0 / (600.0 * 600.0));
  const double measured = m.fraction(Phase::grain_boundary);
  std::printf("GB fraction %.4f, stereology %.4f\n", measured, expected);
  EXPECT_NEAR(measured, expected, 0.15 * expected);
}

/// GB cells lie at a boundary; interior cells never touch another grain.
void expect_band_hugs_boundaries(const Microstructure& m) {
  const double reach = 0.5 * m.gb_width / m.voxel + 1.0;
  std::size_t lonely_gb = 0, touching_interior = 0, gb = 0;
  for_cells(m, [&](int i, int j, int k, std::size_t cell) {
    if (m.phase[cell] == Phase::grain_boundary) {
      ++gb;
      lonely_gb += grains_within(m, i, j, k, reach).size() < 2;
      return;
    }
    for (int d = 0; d < m.dim; ++d)
      for (int step : {-1, 1}) {
        const int a = d == 0 ? step : 0, b = d == 1 ? step : 0, c = d == 2 ? step : 0;
        const long long at = shifted(m, i, j, k, a, b, c);
        if (at >= 0 && m.grain[at] != m.grain[cell]) {
          ++touching_interior;
          return;
        }
      }
  });
  EXPECT_GT(gb, 0u);
  EXPECT_EQ(lonely_gb, 0u);
  EXPECT_EQ(touching_interior, 0u);
}

TEST(GenerateGbBand, BandHugsTheBoundaries) {
  GeneratorSpec s = spec2d(200, 160, 16);
  s.gb_width = 2 * kMicron;  // the thinnest band allowed
  expect_band_hugs_boundaries(generate(s));
  s.gb_width = 4.5 * kMicron;
  s.size_spread = 1.0;  // heavy weights: the band search must reach far seeds
  expect_band_hugs_boundaries(generate(s));
  GeneratorSpec s3 = spec3d(32, 40);
  s3.gb_width = 2 * kMicron;
  s3.size_spread = 0.7;
  expect_band_hugs_boundaries(generate(s3));
}

// ---- inclusions -------------------------------------------------------------------------

TEST(GenerateInclusions, RandomPoresReachTheirFraction) {
  GeneratorSpec s = spec2d(300, 240, 20);
  s.gb_width = 2 * kMicron;
  s.electrolyte_from = 60 * kMicron;
  s.pores = {0.05, Site::random, 3 * kMicron, 0.0};
  const Microstructure m = generate(s);
  const double region = 240.0 * 240.0;
  // The last ball adds at most the cells within r of its centre: < pi (r + sqrt(2)/2)^2.
  const double one_ball = std::numbers::pi * std::pow(3.0 + std::sqrt(0.5), 2) / region;
  const double f = fraction_from(m, 60, Phase::pore);
  EXPECT_GE(f, 0.05);
  EXPECT_LE(f, 0.05 + one_ball);
  EXPECT_EQ(std::count(m.phase.begin(), m.phase.end(), Phase::pore),
            std::lround(f * region));  // none in the metal
  // A spread of radii still stops at the first ball past the target.
  s.pores.radius_spread = 0.3;
  const double spread = fraction_from(generate(s), 60, Phase::pore);
  EXPECT_GE(spread, 0.05);
  EXPECT_LT(spread, 0.06);
}

/// The same spec without inclusions: the tessellation the inclusions were placed on.
Microstructure without_inclusions(GeneratorSpec s) {
  s.pores.fraction = 0;
  s.secondary.fraction = 0;
  return generate(s);
}

TEST(GenerateInclusions, GrainBoundarySitesAreGbCells) {
  // Half-cell pores are single cells: each is its centre, a drawn GB cell.
  GeneratorSpec s = spec2d(200, 200, 20);
  s.gb_width = 3 * kMicron;
  s.electrolyte_from = 20 * kMicron;
  s.pores = {0.005, Site::grain_boundary, 0.5 * kMicron, 0.0};
  const Microstructure m = generate(s), base = without_inclusions(s);
  std::size_t pores = 0, off_gb = 0;
  for (std::size_t c = 0; c < m.cells(); ++c)
    if (m.phase[c] == Phase::pore) ++pores, off_gb += base.phase[c] != Phase::grain_boundary;
  EXPECT_GE(pores, 0.005 * 180 * 200);
  EXPECT_EQ(off_gb, 0u);
  EXPECT_EQ(m.grain, base.grain);  // inclusions keep the grain ids
}

TEST(GenerateInclusions, TripleJunctionSitesMeetThreeGrains) {
  for (int dim : {2, 3}) {
    GeneratorSpec s = dim == 2 ? spec2d(200, 200, 20) : spec3d(40, 40);
    s.gb_width = 2.5 * kMicron;
    s.secondary = {0.003, Site::triple_junction, 0.5 * kMicron, 0.0};
    const Microstructure m = generate(s), base = without_inclusions(s);
    std::size_t particles = 0, not_junction = 0;
    for_cells(m, [&](int i, int j, int k, std::size_t c) {
      if (m.phase[c] != Phase::secondary) return;
      ++particles;
      not_junction += grains_within(base, i, j, k, 2.5).size() < 3;
    });
    EXPECT_GE(particles, 0.003 * m.cells()) << dim << "D";
    EXPECT_EQ(not_junction, 0u) << dim << "D";
  }
}

TEST(GenerateInclusions, PoresLeaveParticlesAlone) {
  GeneratorSpec s = spec2d(160, 160, 16);
  s.gb_width = 2 * kMicron;
  s.secondary = {0.05, Site::grain_boundary, 2 * kMicron, 0.0};
  s.pores = {0.05, Site::grain_boundary, 2 * kMicron, 0.0};
  const Microstructure m = generate(s);
  EXPECT_GE(m.fraction(Phase::secondary), 0.05);
  EXPECT_GE(m.fraction(Phase::pore), 0.05);
}

TEST(GenerateInclusions, ImpossibleSitesThrow) {
  GeneratorSpec s = spec2d(100, 100, 20);
  s.pores = {0.02, Site::grain_boundary, 1 * kMicron, 0.0};
  expect_error(s, "pores.site");  // no GB band, so no GB cells
  s.gb_width = 2 * kMicron;
  s.pores = {0.6, Site::grain_boundary, 0.5 * kMicron, 0.0};  // single cells on a thin band
  expect_error(s, "pores.fraction");
}

// ---- anode layers -----------------------------------------------------------------------

TEST(GenerateLayers, DamageLayerSpansItsThickness) {
  GeneratorSpec s = spec2d(120, 80, 15);
  s.gb_width = 2 * kMicron;
  s.electrolyte_from = 30 * kMicron;
  s.damage_thickness = 5 * kMicron;
  const Microstructure m = generate(s);
  for_cells(m, [&](int i, int, int, std::size_t c) {
    ASSERT_EQ(m.phase[c] == Phase::damage, i >= 30 && i < 35) << "cell x " << i;
  });
}

/// The gap layer [first, first + thickness): per lateral cell all open (pore) or all in
/// contact; returns the contact fraction of the anode plane.
double contact_fraction(const Microstructure& m, int first, int thickness) {
  double contact = 0;
  for (int k = 0; k < m.n[2]; ++k)
    for (int j = 0; j < m.n[1]; ++j) {
      const bool open = m.phase[m.index(first, j, k)] == Phase::pore;
      for (int i = first; i < first + thickness; ++i)
        EXPECT_EQ(m.phase[m.index(i, j, k)] == Phase::pore, open);
      EXPECT_NE(m.phase[m.index(first + thickness, j, k)], Phase::pore);
      EXPECT_NE(m.phase[m.index(first - 1, j, k)], Phase::pore);
      contact += !open;
    }
  return contact / (double(m.n[1]) * m.n[2]);
}

TEST(GenerateLayers, ContactPatchesCoverTheirFraction) {
  GeneratorSpec s = spec2d(60, 300, 15);
  s.electrolyte_from = 20 * kMicron;
  s.contact_fraction = 0.3;
  s.patch_size = 10 * kMicron;
  s.gap_thickness = 2 * kMicron;
  s.damage_thickness = 4 * kMicron;
  const Microstructure m = generate(s);
  const double f2 = contact_fraction(m, 20, 2);
  EXPECT_GE(f2, 0.3);
  EXPECT_LE(f2, 0.3 + 11.0 / 300);  // one segment of <= 11 cells
  // In contact the gap layer keeps the damage phase; past the gap the damage layer goes on.
  for (int j = 0; j < 300; ++j) {
    const auto p = m.phase[m.index(20, j, 0)];
    EXPECT_TRUE(p == Phase::pore || p == Phase::damage);
    EXPECT_EQ(m.phase[m.index(23, j, 0)], Phase::damage);
  }

  GeneratorSpec s3 = spec3d(24, 20);
  s3.n[1] = s3.n[2] = 48;
  s3.electrolyte_from = 8 * kMicron;
  s3.contact_fraction = 0.5;
  s3.patch_size = 8 * kMicron;
  s3.gap_thickness = 1 * kMicron;
  const double f3 = contact_fraction(generate(s3), 8, 1);
  EXPECT_GE(f3, 0.5);
  EXPECT_LE(f3, 0.5 + std::numbers::pi * std::pow(4.0 + std::sqrt(0.5), 2) / (48.0 * 48.0));
}

// ---- 3D ---------------------------------------------------------------------------------

TEST(Generate3D, Cube64With50Grains) {
  GeneratorSpec s = spec3d(64, 50);
  s.gb_width = 2 * kMicron;
  s.electrolyte_from = 10 * kMicron;
  s.secondary = {0.01, Site::triple_junction, 1 * kMicron, 0.0};
  s.pores = {0.02, Site::random, 2 * kMicron, 0.3};
  const Microstructure m = generate(s);
  EXPECT_EQ(m.cells(), 64u * 64 * 64);
  EXPECT_EQ(m.centres.size(), 50u);
  EXPECT_EQ(distinct_grains(m), 50u);
  const double gb = m.fraction(Phase::grain_boundary);
  EXPECT_GT(gb, 0.05);
  EXPECT_LT(gb, 0.5);
  EXPECT_GE(fraction_from(m, 10, Phase::secondary), 0.01);
  EXPECT_GE(fraction_from(m, 10, Phase::pore), 0.02);
}

TEST(Generate3D, TimeOf128CubeWith200Grains) {
  GeneratorSpec s = spec3d(128, 200);
  s.gb_width = 3 * kMicron;
  s.size_spread = 0.3;
  const auto start = std::chrono::steady_clock::now();
  const Microstructure m = generate(s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("128^3 cells, 200 grains, GB band 3 cells: %.2f s\n", seconds);
  EXPECT_EQ(m.centres.size(), 200u);
}

// ---- bad specs --------------------------------------------------------------------------

TEST(GenerateSpec, BadSpecsThrowNamingTheField) {
  const GeneratorSpec good = spec2d(50, 40, 10);
  EXPECT_NO_THROW(generate(good));
  auto bad = [&](auto change, const std::string& field) {
    GeneratorSpec s = good;
    change(s);
    expect_error(s, field);
  };
  bad([](GeneratorSpec& s) { s.dim = 4; }, "dim");
  bad([](GeneratorSpec& s) { s.n[1] = 0; }, "n");
  bad([](GeneratorSpec& s) { s.dim = 3, s.n[0] = s.n[1] = s.n[2] = 1300; }, "n");  // > 2^31
  bad([](GeneratorSpec& s) { s.voxel = 0; }, "voxel");
  bad([](GeneratorSpec& s) { s.voxel = std::nan(""); }, "voxel");
  bad([](GeneratorSpec& s) { s.grains = 5; }, "grains");      // both
  bad([](GeneratorSpec& s) { s.grain_size = 0; }, "grains");  // neither
  bad([](GeneratorSpec& s) { s.grain_size = 0, s.grains = 2001; }, "grains");
  bad([](GeneratorSpec& s) { s.grain_size = -1e-6; }, "grain_size");
  bad([](GeneratorSpec& s) { s.grain_size = 0.5e-6; }, "grain_size");  // more grains than cells
  bad([](GeneratorSpec& s) { s.size_spread = -0.1; }, "size_spread");
  bad([](GeneratorSpec& s) { s.size_spread = 2.5; }, "size_spread");
  bad([](GeneratorSpec& s) { s.gb_width = 1.5e-6; }, "gb_width");
  bad([](GeneratorSpec& s) { s.electrolyte_from = 50e-6; }, "electrolyte_from");
  bad([](GeneratorSpec& s) { s.electrolyte_from = -1e-6; }, "electrolyte_from");
  bad([](GeneratorSpec& s) { s.pores = {0.95, Site::random, 2e-6, 0}; }, "pores.fraction");
  bad([](GeneratorSpec& s) { s.pores = {0.1, Site::random, 0.2e-6, 0}; }, "pores.mean_radius");
  bad([](GeneratorSpec& s) { s.secondary = {-0.1, Site::random, 2e-6, 0}; }, "secondary.fraction");
  bad([](GeneratorSpec& s) { s.damage_thickness = -1e-6; }, "damage_thickness");
  bad([](GeneratorSpec& s) { s.contact_fraction = 0; }, "contact_fraction");
  bad([](GeneratorSpec& s) { s.contact_fraction = 0.5, s.patch_size = 4e-6; }, "gap_thickness");
  bad([](GeneratorSpec& s) { s.contact_fraction = 0.5, s.gap_thickness = 2e-6; }, "patch_size");
  try {
    GeneratorSpec s = good;
    s.gb_width = 1.5e-6;
    generate(s);
  } catch (const MicrostructureError& e) {
    EXPECT_NE(std::string(e.what()).find("at least 2 cells"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dnd::micro
