#pragma once
/// \file parallel.hpp
/// The only launch points of the code: parallel_for and parallel_reduce over a Box.
///
/// CPU backend: OpenMP over (k, j) rows with a SIMD inner loop over i. CUDA backend
/// (cuda/parallel_cuda.cuh): a grid-stride kernel and a two-pass block reduction.
/// Reductions are deterministic on both backends: partial results are combined in a fixed
/// order that does not depend on the thread count (restart bit-identity needs this).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "dendrite/core/box.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace dnd {

/// Reduction operators usable on host and device.
struct SumOp {
  static constexpr double identity() { return 0.0; }
  DND_HD static double combine(double a, double b) { return a + b; }
};
struct MaxOp {
  static constexpr double identity() { return -1.0e300; }
  DND_HD static double combine(double a, double b) { return a > b ? a : b; }
};
struct MinOp {
  static constexpr double identity() { return 1.0e300; }
  DND_HD static double combine(double a, double b) { return a < b ? a : b; }
};

}  // namespace dnd

#if defined(__CUDACC__) && defined(DENDRITE_USE_CUDA)
#include "parallel_cuda.cuh"
#elif defined(DENDRITE_USE_CUDA)

namespace dnd {
template <class>
inline constexpr bool kNeedsCudaCompiler = false;

// A host-compiled file of a CUDA build must not launch kernels: list it among the kernel
// sources in CMakeLists.txt so nvcc compiles it.
template <class F>
void parallel_for(const Box&, F&&) {
  static_assert(kNeedsCudaCompiler<F>, "parallel_for used in a file not compiled as CUDA");
}
template <class Op, class F>
double parallel_reduce(const Box&, F&&) {
  static_assert(kNeedsCudaCompiler<F>, "parallel_reduce used in a file not compiled as CUDA");
  return 0.0;
}
}  // namespace dnd

#else

namespace dnd {

/// Small boxes (halo faces) run serially: a thread team costs more than the work.
inline constexpr std::int64_t kParallelThreshold = 8192;

/// Contiguous share [first, last) of `rows` for thread `t` of `n` (a static schedule).
inline void thread_share(std::int64_t rows, int t, int n, std::int64_t& first, std::int64_t& last) {
  const std::int64_t base = rows / n, extra = rows % n;
  first = t * base + std::min<std::int64_t>(t, extra);
  last = first + base + (t < extra ? 1 : 0);
}

template <class F>
void parallel_for(const Box& b, F&& f) {
  if (b.empty()) return;
  const int nj = b.size(1);
  const int ilo = b.lo[0], ihi = b.hi[0];
  const std::int64_t rows = std::int64_t(nj) * b.size(2);
#pragma omp parallel if (b.cells() > kParallelThreshold)
  {
    // A private copy of the kernel: stores through the views it holds can then not alias
    // its captured constants, which the compiler keeps in registers across the SIMD loop.
    const std::decay_t<F> body = f;
    std::int64_t first = 0, last = rows;
#if defined(_OPENMP)
    thread_share(rows, omp_get_thread_num(), omp_get_num_threads(), first, last);
#endif
    // Nested (k, j) loops over the share: no division per row (halo faces along x have
    // rows of one cell), and plain loops the compiler optimises best.
    const int j0 = b.lo[1] + int(first % nj), k0 = b.lo[2] + int(first / nj);
    const int j1 = b.lo[1] + int(last % nj), k1 = b.lo[2] + int(last / nj);
    for (int k = k0; k <= k1 && k < b.hi[2]; ++k) {
      const int jb = k == k0 ? j0 : b.lo[1];
      const int je = k == k1 ? j1 : b.hi[1];
      for (int j = jb; j < je; ++j) {
#pragma omp simd
        for (int i = ilo; i < ihi; ++i) body(i, j, k);
      }
    }
  }
}

/// Deterministic reduction: one partial per (j, k) row, rows combined in order.
template <class Op, class F>
double parallel_reduce(const Box& b, F&& f) {
  if (b.empty()) return Op::identity();
  const int nj = b.size(1), nk = b.size(2);
  const int ilo = b.lo[0], ihi = b.hi[0];
  const std::int64_t rows = std::int64_t(nj) * nk;
  std::vector<double> partial(rows);
#pragma omp parallel for schedule(static) if (b.cells() > kParallelThreshold)
  for (std::int64_t r = 0; r < rows; ++r) {
    const int j = b.lo[1] + int(r % nj);
    const int k = b.lo[2] + int(r / nj);
    double acc = Op::identity();
    for (int i = ilo; i < ihi; ++i) acc = Op::combine(acc, f(i, j, k));
    partial[r] = acc;
  }
  double total = Op::identity();
  for (double p : partial) total = Op::combine(total, p);
  return total;
}

}  // namespace dnd

#endif

namespace dnd {

template <class F>
double parallel_sum(const Box& b, F&& f) {
  return parallel_reduce<SumOp>(b, static_cast<F&&>(f));
}
template <class F>
double parallel_max(const Box& b, F&& f) {
  return parallel_reduce<MaxOp>(b, static_cast<F&&>(f));
}
template <class F>
double parallel_min(const Box& b, F&& f) {
  return parallel_reduce<MinOp>(b, static_cast<F&&>(f));
}

}  // namespace dnd
