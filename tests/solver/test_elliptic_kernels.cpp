// Point kernels of the elliptic operator (elliptic_K.hpp), evaluated through parallel_for so
// the same test runs on either backend. Kernel launches sit in free functions: nvcc refuses
// extended lambdas inside gtest's private TestBody().
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "dendrite/core/field.hpp"
#include "dendrite/core/parallel.hpp"
#include "dendrite/solver/elliptic_K.hpp"
#include "test_support.hpp"

namespace dnd {
namespace {

/// relax() on a zero field and relax_from_zero() on the same level, cell by cell.
template <bool ThreeD>
void both_first_updates(const Grid& g, const elliptic::LevelView& lv, const Field<double>& zero,
                        const Field<double>& rhs, const Field<double>& by_relax,
                        const Field<double>& by_shortcut) {
  const View<double> z = zero.view(), r = rhs.view(), a = by_relax.view(), b = by_shortcut.view();
  parallel_for(
      g.interior(), DND_LAMBDA(int i, int j, int k) {
        a(i, j, k) = elliptic::relax<ThreeD>(lv, z, r, i, j, k);
        b(i, j, k) = elliptic::relax_from_zero<ThreeD>(lv, r, i, j, k);
      });
}

TEST(EllipticKernels, RelaxFromZeroIsRelaxOfAZeroFieldBitForBit) {
  // The multigrid's fused first red sweep relies on it. Values span signs and scales, with
  // -0.0 right-hand sides and cells whose diagonal is not positive (they keep x = 0).
  for (int dim : {2, 3}) {
    const Grid g = make_grid(dim, {12, 10, dim == 3 ? 8 : 1}, 0.1);
    Field<double> wx(g), wy(g), wz(g), diag(g), rhs(g), zero(g), a(g), b(g);
    auto wave = [](double s) {
      return [s](const double* x) { return std::exp(s * std::sin(7 * x[0] + 3 * x[1] + x[2])); };
    };
    test::fill(wx, wave(9.0));
    test::fill(wy, wave(-6.0));
    test::fill(wz, wave(4.0));
    test::fill(diag, [](const double* x) { return x[0] > 0.9 ? -1.0 : 1e-3 * x[1]; });
    test::fill(rhs, [](const double* x) {
      const double v = std::cos(11 * x[0] - 5 * x[1] + 2 * x[2]);
      return std::abs(v) < 0.3 ? -0.0 : 1e8 * v;
    });
    const elliptic::LevelView lv{wx.view(), wy.view(), wz.view(), diag.view(), dim == 3};
    dim == 3 ? both_first_updates<true>(g, lv, zero, rhs, a, b)
             : both_first_updates<false>(g, lv, zero, rhs, a, b);
    const std::vector<double> ha = a.download_interior(), hb = b.download_interior();
    ASSERT_EQ(ha.size(), hb.size());
    int negative_zeros = 0, kept = 0;
    for (std::size_t c = 0; c < ha.size(); ++c) {
      EXPECT_EQ(std::memcmp(&ha[c], &hb[c], sizeof(double)), 0)
          << "cell " << c << ": " << ha[c] << " vs " << hb[c];
      negative_zeros += std::signbit(hb[c]) && hb[c] == 0.0;
      kept += hb[c] == 0.0;
    }
    EXPECT_GT(kept, 0) << "the test must reach the rhs = -0 and d <= 0 cases";
    EXPECT_EQ(negative_zeros, 0) << "relax adds +0 to the right-hand side";
  }
}

}  // namespace
}  // namespace dnd
