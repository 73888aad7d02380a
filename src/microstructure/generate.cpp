// The microstructure generator: a Voronoi or Laguerre (power) tessellation of random seeds
// with a resolved GB band, then a damage layer, secondary-phase particles, pores and a
// partial-contact gap at the anode (docs/model.md, section 9).
//
// Every random number is rng::uniform_symmetric(seed, stream, index) with its own stream per
// purpose, so a draw is a pure function of (seed, purpose, index): the result is the same on
// any thread count. Inside this file lengths are in cells (voxel edges) and positions are
// measured from the grid origin, so cell (i, j, k) has its centre at (i + 1/2, j + 1/2, k + 1/2).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "dendrite/core/random_K.hpp"
#include "dendrite/microstructure/microstructure.hpp"

namespace dnd::micro {
namespace {

// ---- random draws ----------------------------------------------------------------------

/// Philox streams, one per purpose, so adding a pore never changes a grain seed.
namespace stream {
constexpr std::uint64_t seed_axis = 1;    ///< + axis: seed position
constexpr std::uint64_t seed_radius = 4;  ///< + 0, 1: Box-Muller pair of the Laguerre radius
constexpr std::uint64_t pores = 16;       ///< + InclusionDraw
constexpr std::uint64_t secondary = 32;   ///< + InclusionDraw
constexpr std::uint64_t patch_axis = 48;  ///< + axis: contact-patch centre
}  // namespace stream

/// Offsets from an inclusion kind's stream base.
enum InclusionDraw : std::uint64_t { draw_axis = 0, draw_site = 3, draw_radius = 4 };

/// Uniform in (0, 1), never 0 or 1 (so ln() is finite).
double uniform01(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return 0.5 * (rng::uniform_symmetric(seed, stream, index) + 1.0);
}

/// Standard normal by Box-Muller from the streams first and first + 1.
double standard_normal(std::uint64_t seed, std::uint64_t first, std::uint64_t index) {
  const double u1 = uniform01(seed, first, index), u2 = uniform01(seed, first + 1, index);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// ---- validation ------------------------------------------------------------------------

std::string number(double v) {
  std::ostringstream s;
  s << std::setprecision(6) << v;
  return s.str();
}

[[noreturn]] void fail(const std::string& field, const std::string& why) {
  throw MicrostructureError("microstructure generator: " + field + ": " + why);
}

void require_finite_nonnegative(double v, const std::string& field) {
  if (!std::isfinite(v)) fail(field, "must be finite, got " + number(v));
  if (v < 0) fail(field, "must not be negative, got " + number(v));
}

/// The box in cells and the grid facts every stage needs.
struct Box {
  int dim = 2;
  int n[3] = {1, 1, 1};
  bool periodic[3] = {false, false, false};
  double voxel = 0.0;  ///< m

  std::size_t cells() const { return std::size_t(n[0]) * n[1] * n[2]; }
  std::size_t index(int i, int j, int k) const {
    return std::size_t(i) + std::size_t(n[0]) * (std::size_t(j) + std::size_t(n[1]) * k);
  }
  /// Shortest signed separation along axis d (cells), across the periodic image if any.
  double separation(int d, double delta) const {
    if (!periodic[d]) return delta;
    const double len = n[d];
    if (delta > 0.5 * len) return delta - len;
    if (delta < -0.5 * len) return delta + len;
    return delta;
  }
};

constexpr double kMaxCells = 2147483648.0;  // 2^31: grain ids and indices stay in int32

Box validated_box(const GeneratorSpec& s) {
  if (s.dim != 2 && s.dim != 3) fail("dim", "must be 2 or 3, got " + std::to_string(s.dim));
  Box b;
  b.dim = s.dim;
  double cells = 1.0;
  for (int d = 0; d < s.dim; ++d) {
    if (s.n[d] < 1) fail("n", "every extent must be >= 1 cell, got " + std::to_string(s.n[d]));
    b.n[d] = s.n[d];
    b.periodic[d] = s.periodic[d];
    cells *= s.n[d];
  }
  if (cells >= kMaxCells)
    fail("n", number(cells) + " cells exceed the limit of 2^31 cells of one microstructure");
  if (!std::isfinite(s.voxel) || s.voxel <= 0)
    fail("voxel", "must be a finite length > 0, got " + number(s.voxel));
  b.voxel = s.voxel;
  return b;
}

/// The number of grains: spec.grains, or the box volume over grain_size^dim.
int validated_grain_count(const GeneratorSpec& s, const Box& b) {
  const bool by_count = s.grains != 0, by_size = s.grain_size != 0.0;
  if (by_count == by_size)
    fail("grains", "give either grains or grain_size (the other 0), got grains " +
                       std::to_string(s.grains) + " and grain_size " + number(s.grain_size));
  const double cells = double(b.cells());
  if (by_count) {
    if (s.grains < 1) fail("grains", "must be >= 1, got " + std::to_string(s.grains));
    if (s.grains > cells)
      fail("grains", std::to_string(s.grains) + " grains exceed the " + number(cells) + " cells");
    return s.grains;
  }
  if (!std::isfinite(s.grain_size) || s.grain_size <= 0)
    fail("grain_size", "must be a finite length > 0, got " + number(s.grain_size));
  const double per_grain = std::pow(s.grain_size / s.voxel, b.dim);  // cells per grain
  const double grains = std::max(1.0, std::round(cells / per_grain));
  if (grains > cells)
    fail("grain_size", number(s.grain_size) + " m gives " + number(grains) +
                           " grains, more than the " + number(cells) + " cells");
  return int(grains);
}

void validate_inclusions(const InclusionSpec& inc, const std::string& name, double voxel) {
  require_finite_nonnegative(inc.fraction, name + ".fraction");
  if (inc.fraction >= 0.9) fail(name + ".fraction", "must be < 0.9, got " + number(inc.fraction));
  require_finite_nonnegative(inc.mean_radius, name + ".mean_radius");
  require_finite_nonnegative(inc.radius_spread, name + ".radius_spread");
  if (inc.radius_spread > 2)
    fail(name + ".radius_spread", "must be <= 2, got " + number(inc.radius_spread));
  if (inc.fraction > 0 && inc.mean_radius < 0.5 * voxel)
    fail(name + ".mean_radius",
         "must be >= half a voxel (" + number(0.5 * voxel) + " m), got " + number(inc.mean_radius));
}

/// Checks every field that generate() does not already check while building the box and the
/// grain count.
void validate_rest(const GeneratorSpec& s, const Box& b) {
  require_finite_nonnegative(s.regularity, "regularity");
  if (s.regularity >= 0.9)
    fail("regularity", "must be < 0.9 (seed spacing / grain size), got " + number(s.regularity));
  require_finite_nonnegative(s.size_spread, "size_spread");
  if (s.size_spread > 2) fail("size_spread", "must be <= 2, got " + number(s.size_spread));
  require_finite_nonnegative(s.gb_width, "gb_width");
  if (s.gb_width > 0 && s.gb_width < 2 * s.voxel * (1 - 1e-9))
    fail("gb_width", number(s.gb_width) + " m is under 2 voxels (" + number(2 * s.voxel) +
                         " m): a resolved GB needs at least 2 cells");
  const double length = b.n[0] * s.voxel;
  if (!std::isfinite(s.electrolyte_from) || s.electrolyte_from < 0 || s.electrolyte_from >= length)
    fail("electrolyte_from",
         "must lie in the box, [0, " + number(length) + ") m, got " + number(s.electrolyte_from));
  validate_inclusions(s.pores, "pores", s.voxel);
  validate_inclusions(s.secondary, "secondary", s.voxel);
  require_finite_nonnegative(s.damage_thickness, "damage_thickness");
  if (!std::isfinite(s.contact_fraction) || s.contact_fraction <= 0 || s.contact_fraction > 1)
    fail("contact_fraction", "must lie in (0, 1], got " + number(s.contact_fraction));
  require_finite_nonnegative(s.patch_size, "patch_size");
  require_finite_nonnegative(s.gap_thickness, "gap_thickness");
  if (s.contact_fraction < 1) {
    if (s.gap_thickness < s.voxel)
      fail("gap_thickness", "must be >= 1 voxel (" + number(s.voxel) +
                                " m) when contact_fraction < 1, got " + number(s.gap_thickness));
    if (s.patch_size < s.voxel)
      fail("patch_size", "must be >= 1 voxel (" + number(s.voxel) +
                             " m) when contact_fraction < 1, got " + number(s.patch_size));
  }
}

// ---- seeds -----------------------------------------------------------------------------

struct Seed {
  double p[3];  ///< cells
  double w;     ///< cells^2: Laguerre weight (0 for Voronoi)
};

/// Seeds by random sequential addition: candidate positions are drawn uniformly (attempt a
/// uses draw index a) and kept when no kept seed lies closer than regularity (r_i + r_j),
/// with r the grain radius, grain_size/2 exp(size_spread z) (z ~ N(0,1), drawn per grain).
/// regularity 0 keeps every candidate: a Poisson-Voronoi (or Poisson-Laguerre) tessellation.
/// Spacing seeds by their radii is what keeps heavy Laguerre seeds from swallowing light
/// neighbours: without it (400 seeds in 2D) ~25 % of the cells are empty at spread 0.5 and
/// nearly all from spread 1. Laguerre weights are r^2.
std::vector<Seed> draw_seeds(const GeneratorSpec& s, const Box& b, int grains) {
  // Cells: the mean grain size, also when the count was given.
  const double size =
      s.grain_size > 0 ? s.grain_size / b.voxel : std::pow(double(b.cells()) / grains, 1.0 / b.dim);
  std::vector<double> radius(grains, 0.5 * size);
  if (s.size_spread > 0)
    for (int g = 0; g < grains; ++g)
      radius[g] =
          0.5 * size * std::exp(s.size_spread * standard_normal(s.seed, stream::seed_radius, g));
  const double r_max = *std::max_element(radius.begin(), radius.end());
  // Buckets of edge >= the largest exclusion distance: neighbours lie in the 3^dim around.
  const double reach = s.regularity * 2.0 * r_max;
  int nb[3] = {1, 1, 1};
  for (int d = 0; d < b.dim; ++d)
    nb[d] = reach > 0 ? std::max(1, std::min(b.n[d], int(b.n[d] / reach))) : 1;
  std::vector<std::vector<int>> buckets(static_cast<std::size_t>(nb[0]) * nb[1] * nb[2]);
  auto bucket_of = [&](const double p[3], int q[3]) {
    for (int d = 0; d < 3; ++d)
      q[d] = d < b.dim ? std::min(nb[d] - 1, int(p[d] / b.n[d] * nb[d])) : 0;
  };
  std::vector<Seed> seeds;
  seeds.reserve(grains);
  const std::uint64_t max_attempts = 1000 + 200 * std::uint64_t(grains);
  for (std::uint64_t a = 0; int(seeds.size()) < grains; ++a) {
    if (a >= max_attempts)
      fail("regularity", "placed only " + std::to_string(seeds.size()) + " of " +
                             std::to_string(grains) + " seeds in " + std::to_string(a) +
                             " attempts: lower regularity (seeds cannot be spaced that far)");
    const int g = int(seeds.size());
    Seed cand;
    for (int d = 0; d < 3; ++d)
      cand.p[d] = d < b.dim ? b.n[d] * uniform01(s.seed, stream::seed_axis + d, a) : 0.5;
    cand.w = s.size_spread > 0 ? radius[g] * radius[g] : 0.0;
    bool ok = true;
    // Closer to a kept seed than regularity times the sum of the two grains' radii.
    auto too_close = [&](const Seed& cand_seed, int other) {
      double dist2 = 0.0;
      for (int d = 0; d < b.dim; ++d) {
        const double sep = b.separation(d, cand_seed.p[d] - seeds[other].p[d]);
        dist2 += sep * sep;
      }
      const double min_dist = s.regularity * (radius[g] + radius[other]);
      return dist2 < min_dist * min_dist;
    };
    if (s.regularity > 0) {
      int q[3];
      bucket_of(cand.p, q);
      const int kr = b.dim == 3 ? 1 : 0;
      for (int dk = -kr; dk <= kr && ok; ++dk)
        for (int dj = -1; dj <= 1 && ok; ++dj)
          for (int di = -1; di <= 1 && ok; ++di) {
            int c[3] = {q[0] + di, q[1] + dj, q[2] + dk};
            bool skip = false;
            for (int d = 0; d < 3; ++d) {
              if (c[d] >= 0 && c[d] < nb[d]) continue;
              if (d < b.dim && b.periodic[d] && nb[d] > 2)
                c[d] = (c[d] + nb[d]) % nb[d];
              else
                skip = true;
            }
            if (skip) continue;
            for (int other : buckets[std::size_t(c[0]) +
                                     std::size_t(nb[0]) * (c[1] + std::size_t(nb[1]) * c[2])])
              if (too_close(cand, other)) ok = false;
          }
      // Few buckets along a periodic axis: the 3 x 3 search may miss wrapped neighbours.
      if (ok && (nb[0] <= 2 || nb[1] <= 2 || (b.dim == 3 && nb[2] <= 2)))
        for (int other = 0; other < g && ok; ++other)
          if (too_close(cand, other)) ok = false;
    }
    if (!ok) continue;
    int q[3];
    bucket_of(cand.p, q);
    buckets[std::size_t(q[0]) + std::size_t(nb[0]) * (q[1] + std::size_t(nb[1]) * q[2])].push_back(
        g);
    seeds.push_back(cand);
  }
  return seeds;
}

// ---- tessellation ----------------------------------------------------------------------

/// Per-cell output of the tessellation.
struct Tessellation {
  std::vector<std::int32_t> grain;
  std::vector<std::uint8_t> gb;    ///< 1: within gb_width/2 of a boundary plane of its grain
  std::vector<std::uint8_t> near;  ///< 1: within near_distance of a boundary plane (if asked)
};

/// A box of cells [lo, hi) per axis.
struct Region {
  int lo[3], hi[3];
  std::size_t cells() const {
    return std::size_t(hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
  }
};

/// Assigns each cell the seed of least power distance and marks the GB band. Exact and fast
/// for any weights: the box is split recursively and each part keeps only the seeds that can
/// own one of its cells or lie within the band of its owner (bounds from the part's extent),
/// so a cell compares a handful of seeds instead of all of them.
class Tessellator {
 public:
  /// gb_half: GB band half-width (cells, 0: none); near_distance: the plane distance that
  /// sets Tessellation::near (0: not wanted).
  Tessellator(const Box& box, const std::vector<Seed>& seeds, double gb_half, double near_distance)
      : box_(box), seeds_(seeds), gb_half_(gb_half), near_(near_distance) {
    band_ = std::max(gb_half, near_distance);
    double extent2 = 0, w_max = 0;
    for (int d = 0; d < box.dim; ++d) extent2 += double(box.n[d]) * box.n[d];
    for (const Seed& s : seeds) w_max = std::max(w_max, s.w);
    // Slack for rounding: the bounds and the per-cell distances are computed differently,
    // and keeping one seed too many costs nothing.
    tolerance_ = 1e-9 * (extent2 + w_max + 1.0);
  }

  Tessellation run() const {
    Tessellation t;
    t.grain.assign(box_.cells(), 0);
    t.gb.assign(box_.cells(), 0);
    if (near_ > 0) t.near.assign(box_.cells(), 0);
    std::vector<int> all(seeds_.size());
    for (std::size_t g = 0; g < all.size(); ++g) all[g] = int(g);
    const int slow = box_.dim - 1;  // slabs across the slowest axis: z in 3D, y in 2D
#pragma omp parallel
    {
      Scratch scratch;
#pragma omp for schedule(static)
      for (int q = 0; q < box_.n[slow]; ++q) {
        Region slab{{0, 0, 0}, {box_.n[0], box_.n[1], box_.n[2]}};
        slab.lo[slow] = q;
        slab.hi[slow] = q + 1;
        keep_candidates(slab, all, scratch.lists[0], scratch);
        refine(slab, 0, scratch, t);
      }
    }
    return t;
  }

 private:
  static constexpr int kMaxDepth = 64;
  static constexpr std::size_t kLeafCells = 32;

  struct Scratch {
    std::vector<std::vector<int>> lists = std::vector<std::vector<int>>(kMaxDepth);
    std::vector<double> min_d2, max_d2, power, disp;
  };

  /// Nearest and farthest distance (cells) along axis d from a seed coordinate to the
  /// cell centres lo + 1/2 .. hi - 1/2, across periodic images.
  void axis_bounds(int d, double s, int lo, int hi, double& near, double& far) const {
    const double a = lo + 0.5, b = hi - 0.5;
    if (!box_.periodic[d]) {
      if (s < a)
        near = a - s, far = b - s;
      else if (s > b)
        near = s - b, far = s - a;
      else
        near = 0, far = std::max(s - a, b - s);
      return;
    }
    const double len = box_.n[d], span = b - a;
    auto circular = [&](double x) {
      const double e = std::abs(x - s);
      return std::min(e, len - e);
    };
    double t = s - a;  // the seed's position past a, along the circle
    if (t < 0) t += len;
    near = t <= span ? 0.0 : std::min(t - span, len - t);
    double antipode = t + 0.5 * len;
    if (antipode >= len) antipode -= len;
    far = antipode <= span ? 0.5 * len : std::max(circular(a), circular(b));
  }

  /// Writes to out the seeds of `in` that may own a cell of r or lie within band_ of the
  /// boundary plane of its owner. With pd the power distance, i the owner and j another seed
  /// (a, b the separations of the cell from them), j matters only if
  /// pd_j - pd_i < 2 band |a - b| <= 2 band (|a| + |b|), i.e.
  /// |b|^2 - 2 band |b| - w_j < pd_i + 2 band |a|, and pd_i <= U = min_j max_r pd_j,
  /// |a| <= A = the farthest reach of any seed that may own a cell of r.
  void keep_candidates(const Region& r, const std::vector<int>& in, std::vector<int>& out,
                       Scratch& s) const {
    const std::size_t m = in.size();
    s.min_d2.resize(m);
    s.max_d2.resize(m);
    double least_max_power = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < m; ++c) {
      const Seed& seed = seeds_[in[c]];
      double lo2 = 0, hi2 = 0;
      for (int d = 0; d < box_.dim; ++d) {
        double near, far;
        axis_bounds(d, seed.p[d], r.lo[d], r.hi[d], near, far);
        lo2 += near * near;
        hi2 += far * far;
      }
      s.min_d2[c] = lo2;
      s.max_d2[c] = hi2;
      least_max_power = std::min(least_max_power, hi2 - seed.w);
    }
    double reach = 0;
    for (std::size_t c = 0; c < m; ++c)
      if (s.min_d2[c] - seeds_[in[c]].w <= least_max_power + tolerance_)
        reach = std::max(reach, std::sqrt(s.max_d2[c]));
    const double bound = least_max_power + 2 * band_ * reach + tolerance_;
    out.clear();
    for (std::size_t c = 0; c < m; ++c) {
      const double t = std::sqrt(s.min_d2[c]), w = seeds_[in[c]].w;
      // t^2 - 2 band t - w is least at t = band.
      const double lowest = t >= band_ ? t * t - 2 * band_ * t - w : -band_ * band_ - w;
      if (lowest <= bound) out.push_back(in[c]);
    }
  }

  void refine(const Region& r, int depth, Scratch& s, Tessellation& t) const {
    const std::vector<int>& list = s.lists[depth];
    if (list.size() == 1) return fill(r, list[0], t);
    if (r.cells() <= kLeafCells || depth + 1 >= kMaxDepth) return classify(r, list, s, t);
    int axis = 0;
    for (int d = 1; d < box_.dim; ++d)
      if (r.hi[d] - r.lo[d] > r.hi[axis] - r.lo[axis]) axis = d;
    const int mid = (r.lo[axis] + r.hi[axis]) / 2;
    Region half = r;
    half.hi[axis] = mid;
    keep_candidates(half, list, s.lists[depth + 1], s);
    refine(half, depth + 1, s, t);
    half = r;
    half.lo[axis] = mid;
    keep_candidates(half, list, s.lists[depth + 1], s);
    refine(half, depth + 1, s, t);
  }

  void fill(const Region& r, int grain, Tessellation& t) const {
    for (int k = r.lo[2]; k < r.hi[2]; ++k)
      for (int j = r.lo[1]; j < r.hi[1]; ++j)
        for (int i = r.lo[0]; i < r.hi[0]; ++i) t.grain[box_.index(i, j, k)] = grain;
  }

  void classify(const Region& r, const std::vector<int>& list, Scratch& s, Tessellation& t) const {
    for (int k = r.lo[2]; k < r.hi[2]; ++k)
      for (int j = r.lo[1]; j < r.hi[1]; ++j)
        for (int i = r.lo[0]; i < r.hi[0]; ++i) classify_cell(i, j, k, list, s, t);
  }

  /// Whether the point of the plane nearest x, x + scale normal, lies in the box (periodic
  /// axes never end).
  bool foot_inside(const double x[3], const double normal[3], double scale) const {
    for (int d = 0; d < box_.dim; ++d) {
      const double y = x[d] + scale * normal[d];
      if (!box_.periodic[d] && (y < 0 || y > box_.n[d])) return false;
    }
    return true;
  }

  /// Distance from x to the part of the plane {x + v : v.normal = offset} (offset >= 0) that
  /// lies in the box; infinite if the plane misses the box. Near a non-periodic wall the
  /// plane's nearest point may lie past the wall, where that boundary does not exist. The
  /// nearest point is v = clamp(l normal) to the box (the KKT point of |v|^2 on the plane),
  /// with l where normal.v(l), nondecreasing and piecewise linear in l, equals the offset.
  double distance_in_box(const double x[3], const double normal[3], double offset) const {
    double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0}, kinks[4] = {0, 0, 0, 0};
    int count = 1;  // kinks[0] = 0: the segments of normal.v(l) start at l = 0
    for (int d = 0; d < box_.dim; ++d) {
      const double inf = std::numeric_limits<double>::infinity();
      lo[d] = box_.periodic[d] ? -inf : -x[d];
      hi[d] = box_.periodic[d] ? inf : box_.n[d] - x[d];
      if (!box_.periodic[d] && normal[d] != 0)
        kinks[count++] = normal[d] > 0 ? hi[d] / normal[d] : lo[d] / normal[d];
    }
    for (int a = 2; a < count; ++a)  // insertion sort of <= 3 kinks
      for (int b = a; b > 1 && kinks[b] < kinks[b - 1]; --b) std::swap(kinks[b], kinks[b - 1]);
    auto along = [&](double l, double v[3]) {
      double dot = 0;
      for (int d = 0; d < 3; ++d) {
        v[d] = d < box_.dim ? std::clamp(l * normal[d], lo[d], hi[d]) : 0.0;
        dot += v[d] * normal[d];
      }
      return dot;
    };
    double v[3];
    for (int q = 0; q < count; ++q) {
      const double start = kinks[q], at_start = along(start, v);
      double slope = 0;  // d(normal.v)/dl past `start`: the axes not yet at a wall
      for (int d = 0; d < box_.dim; ++d)
        if (box_.periodic[d] || start * std::abs(normal[d]) < (normal[d] > 0 ? hi[d] : -lo[d]))
          slope += normal[d] * normal[d];
      if (slope <= 0) continue;
      const double l = start + (offset - at_start) / slope;
      if (q + 1 < count && l > kinks[q + 1]) continue;
      along(l, v);
      return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }
    return std::numeric_limits<double>::infinity();
  }

  /// The owner is the least power distance (ties: the lowest id, as the list is ascending);
  /// the GB test is the distance to each boundary plane, (pd_j - pd_i) / (2 |s_j - s_i|).
  void classify_cell(int i, int j, int k, const std::vector<int>& list, Scratch& s,
                     Tessellation& t) const {
    const double x[3] = {i + 0.5, j + 0.5, k + 0.5};
    const std::size_t m = list.size();
    s.power.resize(m);
    s.disp.resize(3 * m);
    std::size_t owner = 0;
    for (std::size_t c = 0; c < m; ++c) {
      const Seed& seed = seeds_[list[c]];
      double d2 = 0;
      for (int d = 0; d < 3; ++d) {
        const double e = d < box_.dim ? box_.separation(d, x[d] - seed.p[d]) : 0.0;
        s.disp[3 * c + d] = e;
        d2 += e * e;
      }
      s.power[c] = d2 - seed.w;
      if (s.power[c] < s.power[owner]) owner = c;
    }
    const std::size_t cell = box_.index(i, j, k);
    t.grain[cell] = list[owner];
    if (band_ <= 0) return;
    double nearest_plane = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < m; ++c) {
      if (c == owner) continue;
      // The plane {x + v : v.normal = offset}, normal = s_j - s_i (the images nearest x).
      double normal[3], apart2 = 0;
      for (int d = 0; d < 3; ++d) {
        normal[d] = s.disp[3 * owner + d] - s.disp[3 * c + d];
        apart2 += normal[d] * normal[d];
      }
      if (apart2 <= 0) continue;  // coincident seeds share no plane
      const double offset = 0.5 * (s.power[c] - s.power[owner]);
      double plane = offset / std::sqrt(apart2);
      if (plane < band_ && !foot_inside(x, normal, offset / apart2))
        plane = distance_in_box(x, normal, offset);
      nearest_plane = std::min(nearest_plane, plane);
    }
    t.gb[cell] = nearest_plane < gb_half_;
    if (near_ > 0) t.near[cell] = nearest_plane <= near_ + 1e-9;
  }

  const Box& box_;
  const std::vector<Seed>& seeds_;
  double gb_half_, near_, band_, tolerance_;
};

// ---- site lists ------------------------------------------------------------------------

/// Cells of the electrolyte region (x index >= first_x) whose flag is set, in index order.
std::vector<std::size_t> flagged_cells(const Box& b, const std::vector<std::uint8_t>& flag,
                                       int first_x) {
  std::vector<std::size_t> out;
  for (int k = 0; k < b.n[2]; ++k)
    for (int j = 0; j < b.n[1]; ++j)
      for (int i = first_x; i < b.n[0]; ++i)
        if (flag[b.index(i, j, k)]) out.push_back(b.index(i, j, k));
  return out;
}

/// The integer offsets within `radius` cells of the origin (dim axes only).
std::vector<std::array<int, 3>> ball_offsets(int dim, double radius) {
  const int reach = int(std::floor(radius));
  const int kz = dim == 3 ? reach : 0;
  std::vector<std::array<int, 3>> out;
  for (int c = -kz; c <= kz; ++c)
    for (int b = -reach; b <= reach; ++b)
      for (int a = -reach; a <= reach; ++a)
        if (a * a + b * b + c * c <= radius * radius + 1e-9) out.push_back({a, b, c});
  return out;
}

/// Junction cells: electrolyte cells whose neighbourhood (radius cells) holds >= 3 grain
/// ids. Only cells near a boundary plane can qualify, so only those are searched.
std::vector<std::size_t> junction_cells(const Box& b, const std::vector<std::int32_t>& grain,
                                        const std::vector<std::uint8_t>& near, int first_x,
                                        double radius) {
  const auto offsets = ball_offsets(b.dim, radius);
  const int reach = int(std::floor(radius));
  // Away from the box faces an offset is a fixed step in the cell index.
  std::vector<std::ptrdiff_t> steps;
  for (const auto& o : offsets)
    steps.push_back(o[0] + std::ptrdiff_t(b.n[0]) * (o[1] + std::ptrdiff_t(b.n[1]) * o[2]));
  auto clear_of_faces = [&](int i, int j, int k) {
    const int at[3] = {i, j, k};
    for (int d = 0; d < b.dim; ++d)
      if (at[d] < reach || at[d] + reach >= b.n[d]) return false;
    return true;
  };
  std::vector<std::uint8_t> junction(b.cells(), 0);
  const int slow = b.dim - 1;
#pragma omp parallel for schedule(static)
  for (int q = 0; q < b.n[slow]; ++q) {
    const int k_lo = slow == 2 ? q : 0, k_hi = slow == 2 ? q + 1 : 1;
    const int j_lo = slow == 1 ? q : 0, j_hi = slow == 1 ? q + 1 : b.n[1];
    for (int k = k_lo; k < k_hi; ++k)
      for (int j = j_lo; j < j_hi; ++j)
        for (int i = first_x; i < b.n[0]; ++i) {
          const std::size_t cell = b.index(i, j, k);
          if (!near[cell]) continue;
          std::int32_t seen[3] = {grain[cell], -1, -1};
          int distinct = 1;
          auto meet = [&](std::int32_t g) {
            if (g == seen[0] || g == seen[1]) return false;
            seen[distinct++] = g;
            return distinct == 3;
          };
          if (clear_of_faces(i, j, k)) {
            const std::int32_t* here = grain.data() + cell;
            for (const std::ptrdiff_t step : steps)
              if (meet(here[step])) break;
          } else {
            for (const auto& o : offsets) {
              int at[3] = {i + o[0], j + o[1], k + o[2]};
              bool inside = true;
              for (int d = 0; d < b.dim && inside; ++d) {
                if (at[d] >= 0 && at[d] < b.n[d]) continue;
                if (!b.periodic[d])
                  inside = false;
                else
                  at[d] = (at[d] % b.n[d] + b.n[d]) % b.n[d];
              }
              if (inside && meet(grain[b.index(at[0], at[1], at[2])])) break;
            }
          }
          junction[cell] = distinct >= 3;
        }
  }
  return flagged_cells(b, junction, first_x);
}

// ---- painting --------------------------------------------------------------------------

/// Cells along one axis within `radius` of `centre` (cells): index and squared distance.
/// Periodic axes wrap; a ball wider than the box visits each cell once, at its nearest image.
std::vector<std::pair<int, double>> axis_reach(const Box& b, int d, double centre, double radius) {
  std::vector<std::pair<int, double>> out;
  if (d >= b.dim) return {{0, 0.0}};
  const long lo = long(std::ceil(centre - radius - 0.5)),
             hi = long(std::floor(centre + radius - 0.5));
  if (b.periodic[d] && hi - lo + 1 >= b.n[d]) {
    for (int i = 0; i < b.n[d]; ++i) {
      const double e = b.separation(d, i + 0.5 - centre);
      if (e * e <= radius * radius) out.push_back({i, e * e});
    }
    return out;
  }
  for (long i = lo; i <= hi; ++i) {
    long at = i;
    if (at < 0 || at >= b.n[d]) {
      if (!b.periodic[d]) continue;
      at = (at % b.n[d] + b.n[d]) % b.n[d];
    }
    const double e = i + 0.5 - centre;
    out.push_back({int(at), e * e});
  }
  return out;
}

/// Calls paint(cell) for each cell of the ball (radius cells) at x index >= first_x.
template <class Paint>
void for_ball(const Box& b, const double centre[3], double radius, int first_x, Paint paint) {
  const auto xs = axis_reach(b, 0, centre[0], radius), ys = axis_reach(b, 1, centre[1], radius),
             zs = axis_reach(b, 2, centre[2], radius);
  const double r2 = radius * radius;
  for (const auto& [k, dz] : zs)
    for (const auto& [j, dy] : ys)
      for (const auto& [i, dx] : xs)
        if (i >= first_x && dx + dy + dz <= r2) paint(b.index(i, j, k));
}

/// The cells of the electrolyte region and where the per-site draws come from.
struct Electrolyte {
  int first_x = 0;        ///< first cell index along x with its centre at x >= electrolyte_from
  double from = 0.0;      ///< cells: electrolyte_from
  std::size_t cells = 0;  ///< cells of the region
  const std::vector<std::int32_t>* grain = nullptr;
  const std::vector<std::uint8_t>* gb = nullptr;    ///< the GB band of the tessellation
  const std::vector<std::uint8_t>* near = nullptr;  ///< cells that may be junctions
  double junction_radius = 1.0;                     ///< cells
  std::vector<std::size_t> gb_sites, junction_sites;
  bool gb_listed = false, junctions_listed = false;
};

/// First cell index along x whose centre lies at or past x (cells).
int first_cell_from(double x) {
  return int(std::max(0.0, std::ceil(x - 0.5)));
}

const std::vector<std::size_t>& sites(const Box& b, Electrolyte& e, Site site) {
  if (site == Site::grain_boundary) {
    if (!e.gb_listed) e.gb_sites = flagged_cells(b, *e.gb, e.first_x);
    e.gb_listed = true;
    return e.gb_sites;
  }
  if (!e.junctions_listed)
    e.junction_sites = junction_cells(b, *e.grain, *e.near, e.first_x, e.junction_radius);
  e.junctions_listed = true;
  return e.junction_sites;
}

/// Places balls one after another (draw index = inclusion number) until `phase` fills
/// `inc.fraction` of the electrolyte region; a cell already of `phase` or of a phase in
/// `keep` is left as it is.
void place_inclusions(const GeneratorSpec& spec, const Box& b, Electrolyte& e,
                      const InclusionSpec& inc, const std::string& name, Phase phase, Phase keep,
                      std::uint64_t stream_base, std::vector<std::uint8_t>& phases) {
  if (inc.fraction <= 0) return;
  const double target = inc.fraction * double(e.cells);
  const double mean_radius = inc.mean_radius / b.voxel;
  const std::vector<std::size_t>* site_cells = nullptr;
  if (inc.site != Site::random) {
    site_cells = &sites(b, e, inc.site);
    if (site_cells->empty())
      fail(name + ".site", inc.site == Site::grain_boundary
                               ? "no GB cells in the electrolyte to place inclusions on "
                                 "(gb_width is 0?)"
                               : "no triple-junction cells in the electrolyte");
  }
  // The expected number of inclusions, generously multiplied, bounds the attempts: an
  // unreachable target (pores can't replace particles; GB sites reach only near GBs)
  // ends with an error instead of a hang.
  const double ball = b.dim == 3 ? 4.0 / 3.0 * std::numbers::pi * std::pow(mean_radius, 3)
                                 : std::numbers::pi * mean_radius * mean_radius;
  const double cap = 1000.0 + 50.0 * std::ceil(target / std::max(1.0, ball));
  std::size_t count = 0;
  for (std::uint64_t m = 0; double(count) < target; ++m) {
    if (double(m) >= cap)
      fail(name + ".fraction", "could not reach " + number(inc.fraction) + " after " + number(cap) +
                                   " inclusions (reached " +
                                   number(double(count) / double(e.cells)) + ")");
    double centre[3] = {0.5, 0.5, 0.5};
    if (site_cells) {
      const double u = uniform01(spec.seed, stream_base + draw_site, m);
      const std::size_t pick =
          std::min(site_cells->size() - 1, std::size_t(u * double(site_cells->size())));
      std::size_t cell = (*site_cells)[pick];
      for (int d = 0; d < 3; ++d) {
        centre[d] = double(cell % b.n[d]) + 0.5;
        cell /= b.n[d];
      }
    } else {
      for (int d = 0; d < b.dim; ++d) {
        const double u = uniform01(spec.seed, stream_base + draw_axis + d, m);
        centre[d] = d == 0 ? e.from + u * (b.n[0] - e.from) : u * b.n[d];
      }
    }
    const double z =
        inc.radius_spread > 0 ? standard_normal(spec.seed, stream_base + draw_radius, m) : 0.0;
    // At least half a cell, so a ball centred on a cell always takes that cell.
    const double radius = std::max(0.5, mean_radius * std::exp(inc.radius_spread * z));
    for_ball(b, centre, radius, e.first_x, [&](std::size_t cell) {
      if (phases[cell] == phase || phases[cell] == keep) return;
      phases[cell] = phase;
      ++count;
    });
  }
}

/// Contact patches on the anode plane (lateral cells), drawn until they cover
/// contact_fraction of it; returns 1 per covered lateral cell (j + n1 k).
std::vector<std::uint8_t> contact_patches(const GeneratorSpec& spec, const Box& b) {
  const std::size_t lateral = std::size_t(b.n[1]) * b.n[2];
  std::vector<std::uint8_t> covered(lateral, 0);
  const double radius = 0.5 * spec.patch_size / b.voxel;
  const double target = spec.contact_fraction * double(lateral);
  const double patch = b.dim == 3 ? std::numbers::pi * radius * radius : 2 * radius;
  const double cap = 1000.0 + 50.0 * std::ceil(double(lateral) / std::max(1.0, patch)) *
                                  (1.0 + std::log(1.0 / (1.0 - spec.contact_fraction)));
  // A plane box: the patch disc is a ball of the lateral axes, x fixed at cell 0.
  Box plane = b;
  plane.n[0] = 1;
  plane.periodic[0] = false;
  std::size_t count = 0;
  for (std::uint64_t m = 0; double(count) < target; ++m) {
    if (double(m) >= cap)
      fail("contact_fraction", "could not reach " + number(spec.contact_fraction) + " after " +
                                   number(cap) + " patches");
    double centre[3] = {0.5, 0.5, 0.5};
    for (int d = 1; d < b.dim; ++d)
      centre[d] = b.n[d] * uniform01(spec.seed, stream::patch_axis + d, m);
    for_ball(plane, centre, radius, 0, [&](std::size_t cell) {
      if (!covered[cell]) covered[cell] = 1, ++count;
    });
  }
  return covered;
}

/// Cells of the layer [from, from + thickness) (cells) along x: first and end index.
std::pair<int, int> layer(const Box& b, double from, double thickness) {
  const int lo = first_cell_from(from);
  const int hi = std::min(b.n[0], first_cell_from(from + thickness));
  return {lo, std::max(lo, hi)};
}

void paint_layer(const Box& b, std::pair<int, int> xs, Phase phase,
                 const std::vector<std::uint8_t>* open, std::vector<std::uint8_t>& phases) {
  for (int k = 0; k < b.n[2]; ++k)
    for (int j = 0; j < b.n[1]; ++j) {
      if (open && (*open)[std::size_t(j) + std::size_t(b.n[1]) * k]) continue;
      for (int i = xs.first; i < xs.second; ++i) phases[b.index(i, j, k)] = phase;
    }
}

}  // namespace

Microstructure generate(const GeneratorSpec& spec) {
  const Box box = validated_box(spec);
  const int grains = validated_grain_count(spec, box);
  validate_rest(spec, box);

  Electrolyte region;
  region.from = spec.electrolyte_from / box.voxel;
  region.first_x = std::min(box.n[0], first_cell_from(region.from));
  region.cells = std::size_t(box.n[0] - region.first_x) * box.n[1] * box.n[2];
  const bool needs_region = spec.pores.fraction > 0 || spec.secondary.fraction > 0 ||
                            spec.damage_thickness > 0 || spec.contact_fraction < 1;
  if (needs_region && region.cells == 0)
    fail("electrolyte_from", number(spec.electrolyte_from) + " m leaves no electrolyte cell");

  const std::vector<Seed> seeds = draw_seeds(spec, box, grains);
  const double gb_half = 0.5 * spec.gb_width / box.voxel;
  // Junction neighbourhood: the GB width, or one cell without a GB band.
  region.junction_radius = spec.gb_width > 0 ? spec.gb_width / box.voxel : 1.0;
  const bool junctions =
      (spec.pores.fraction > 0 && spec.pores.site == Site::triple_junction) ||
      (spec.secondary.fraction > 0 && spec.secondary.site == Site::triple_junction);
  Tessellation tess =
      Tessellator(box, seeds, gb_half, junctions ? region.junction_radius : 0.0).run();

  Microstructure m;
  m.dim = box.dim;
  for (int d = 0; d < 3; ++d) {
    m.n[d] = box.n[d];
    m.periodic[d] = box.periodic[d];
  }
  m.voxel = spec.voxel;
  m.gb_width = spec.gb_width;
  m.grain = std::move(tess.grain);
  m.phase.resize(box.cells());
  for (std::size_t c = 0; c < m.phase.size(); ++c)
    m.phase[c] = tess.gb[c] ? Phase::grain_boundary : Phase::grain;
  // Site lists come from the tessellation, not from phases the layers may have replaced.
  region.grain = &m.grain;
  region.gb = &tess.gb;
  region.near = &tess.near;
  m.centres.resize(grains);
  for (int g = 0; g < grains; ++g)
    for (int d = 0; d < 3; ++d) m.centres[g][d] = seeds[g].p[d] * box.voxel;

  const double voxel = box.voxel;
  paint_layer(box, layer(box, region.from, spec.damage_thickness / voxel), Phase::damage, nullptr,
              m.phase);
  // Particles first, and pores never replace them, so each phase reaches its own fraction.
  place_inclusions(spec, box, region, spec.secondary, "secondary", Phase::secondary,
                   Phase::secondary, stream::secondary, m.phase);
  place_inclusions(spec, box, region, spec.pores, "pores", Phase::pore, Phase::secondary,
                   stream::pores, m.phase);
  if (spec.contact_fraction < 1) {
    const std::vector<std::uint8_t> contact = contact_patches(spec, box);
    paint_layer(box, layer(box, region.from, spec.gap_thickness / voxel), Phase::pore, &contact,
                m.phase);
  }
  return m;
}

}  // namespace dnd::micro
