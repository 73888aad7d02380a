// The counter-based generator: a pure function of (seed, step, cell) with the statistics of
// a uniform variate on (-1, 1).
#include <gtest/gtest.h>

#include <cmath>

#include "dendrite/core/random_K.hpp"

namespace dnd {
namespace {

TEST(Random, UniformSymmetricStatistics) {
  const int n = 1 << 20;
  double sum = 0, sum2 = 0, lo = 1, hi = -1;
  for (int c = 0; c < n; ++c) {
    const double u = rng::uniform_symmetric(7, 3, std::uint64_t(c));
    sum += u;
    sum2 += u * u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_LT(std::abs(mean), 4 * std::sqrt(1.0 / 3 / n));  // 4 standard errors
  EXPECT_NEAR(var, 1.0 / 3.0, 0.005);
  EXPECT_GT(lo, -1.0);
  EXPECT_LT(hi, 1.0);
}

TEST(Random, PureFunctionOfSeedStepAndCell) {
  EXPECT_EQ(rng::uniform_symmetric(1, 2, 3), rng::uniform_symmetric(1, 2, 3));
  EXPECT_NE(rng::uniform_symmetric(1, 2, 3), rng::uniform_symmetric(2, 2, 3));
  EXPECT_NE(rng::uniform_symmetric(1, 2, 3), rng::uniform_symmetric(1, 3, 3));
  EXPECT_NE(rng::uniform_symmetric(1, 2, 3), rng::uniform_symmetric(1, 2, 4));
  // Neighbouring counters are uncorrelated.
  double c = 0;
  for (int i = 0; i < 100000; ++i)
    c += rng::uniform_symmetric(5, 0, i) * rng::uniform_symmetric(5, 0, i + 1);
  EXPECT_LT(std::abs(c / 100000), 0.01);
}

}  // namespace
}  // namespace dnd
