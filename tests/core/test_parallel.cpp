// parallel_for / parallel_reduce: coverage of every cell, and reductions that do not depend
// on the thread count. Kernel launches sit in free functions: nvcc refuses extended lambdas
// inside gtest's private TestBody().
#include <gtest/gtest.h>

#include <cmath>

#include "dendrite/core/field.hpp"
#include "dendrite/core/parallel.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace dnd {
namespace {

void add_index_code(const Field<double>& f) {
  const View<double> v = f.view();
  parallel_for(
      f.grid().interior(),
      DND_LAMBDA(int i, int j, int k) { v(i, j, k) += 1.0 + i + 100.0 * j + 1e4 * k; });
}
double sum_of_indices(const Grid& g) {
  return parallel_sum(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return double(i + j + k); });
}
double max_product(const Grid& g) {
  return parallel_max(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return double(i * j - k); });
}
double min_product(const Grid& g) {
  return parallel_min(
      g.interior(), DND_LAMBDA(int i, int j, int k) { return double(i * j - k); });
}
double irregular_sum(const Grid& g) {
  return parallel_sum(
      g.interior(),
      DND_LAMBDA(int i, int j, int) { return std::sin(0.1 * i) * 1e-3 + 1.0 / (1 + j); });
}

TEST(Parallel, ForVisitsEveryCellOnce) {
  for (int dim : {2, 3}) {
    const Grid g = make_grid(dim, {37, 19, 11}, 1.0);
    Field<double> f(g);
    add_index_code(f);
    const std::vector<double> h = f.download_interior();
    std::size_t m = 0;
    for (int k = 0; k < g.n[2]; ++k)
      for (int j = 0; j < g.n[1]; ++j)
        for (int i = 0; i < g.n[0]; ++i) ASSERT_EQ(h[m++], 1.0 + i + 100.0 * j + 1e4 * k);
  }
}

TEST(Parallel, ReductionsMatchSerialResults) {
  const Grid g = make_grid(3, {33, 17, 9}, 1.0);
  double ref = 0;
  for (int k = 0; k < 9; ++k)
    for (int j = 0; j < 17; ++j)
      for (int i = 0; i < 33; ++i) ref += i + j + k;
  EXPECT_EQ(sum_of_indices(g), ref);
  EXPECT_EQ(max_product(g), 32.0 * 16.0);
  EXPECT_EQ(min_product(g), -8.0);
}

TEST(Parallel, SumIsBitIdenticalForAnyThreadCount) {
  const Grid g = make_grid(2, {1000, 300, 1}, 1.0);
  const double reference = irregular_sum(g);
#if defined(_OPENMP)
  const int saved = omp_get_max_threads();
  for (int t : {1, 2, 3, 7}) {
    omp_set_num_threads(t);
    EXPECT_EQ(irregular_sum(g), reference) << t << " threads";
  }
  omp_set_num_threads(saved);
#endif
  EXPECT_EQ(irregular_sum(g), reference);
}

}  // namespace
}  // namespace dnd
