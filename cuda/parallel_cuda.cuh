#pragma once
/// \file parallel_cuda.cuh
/// CUDA backend of parallel_for / parallel_reduce. Included by parallel.hpp only when a
/// file is compiled by nvcc for the CUDA backend; nothing else in the code sees CUDA.

#include <cuda_runtime.h>

#include <cstdint>
#include <cub/block/block_reduce.cuh>
#include <stdexcept>
#include <string>

#include "dendrite/core/box.hpp"

namespace dnd {

inline void cuda_check(cudaError_t err, const char* what) {
  if (err != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(err));
}

namespace detail {

inline constexpr int kBlock = 256;
inline constexpr int kMaxReduceBlocks = 1024;

/// Map a linear thread index onto (i, j, k) in the box, x fastest.
DND_INLINE void unflatten(const Box& b, std::int64_t t, int& i, int& j, int& k) {
  const int nx = b.hi[0] - b.lo[0];
  const int ny = b.hi[1] - b.lo[1];
  i = b.lo[0] + int(t % nx);
  const std::int64_t r = t / nx;
  j = b.lo[1] + int(r % ny);
  k = b.lo[2] + int(r / ny);
}

template <class F>
__global__ void for_kernel(Box b, std::int64_t n, F f) {
  for (std::int64_t t = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; t < n;
       t += std::int64_t(blockDim.x) * gridDim.x) {
    int i, j, k;
    unflatten(b, t, i, j, k);
    f(i, j, k);
  }
}

template <class Op>
struct CubOp {
  __device__ double operator()(double a, double c) const { return Op::combine(a, c); }
};

template <class Op, class F>
__global__ void reduce_blocks(Box b, std::int64_t n, F f, double* partial) {
  using BlockReduce = cub::BlockReduce<double, kBlock>;
  __shared__ typename BlockReduce::TempStorage tmp;
  double acc = Op::identity();
  for (std::int64_t t = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; t < n;
       t += std::int64_t(blockDim.x) * gridDim.x) {
    int i, j, k;
    unflatten(b, t, i, j, k);
    acc = Op::combine(acc, f(i, j, k));
  }
  const double block = BlockReduce(tmp).Reduce(acc, CubOp<Op>{});
  if (threadIdx.x == 0) partial[blockIdx.x] = block;
}

template <class Op>
__global__ void reduce_partials(const double* partial, int count, double* out) {
  using BlockReduce = cub::BlockReduce<double, kMaxReduceBlocks>;
  __shared__ typename BlockReduce::TempStorage tmp;
  const double v = threadIdx.x < count ? partial[threadIdx.x] : Op::identity();
  const double total = BlockReduce(tmp).Reduce(v, CubOp<Op>{});
  if (threadIdx.x == 0) *out = total;
}

/// Scratch space for reductions, allocated once per process.
inline double* reduction_scratch() {
  static double* p = [] {
    double* q = nullptr;
    cuda_check(cudaMalloc(&q, sizeof(double) * (kMaxReduceBlocks + 1)), "cudaMalloc(scratch)");
    return q;
  }();
  return p;
}

inline int blocks_for(std::int64_t n, int cap) {
  const std::int64_t b = (n + kBlock - 1) / kBlock;
  return int(b < cap ? b : cap);
}

}  // namespace detail

template <class F>
void parallel_for(const Box& b, F&& f) {
  if (b.empty()) return;
  const std::int64_t n = b.cells();
  detail::for_kernel<<<detail::blocks_for(n, 65535 * 4), detail::kBlock>>>(b, n, f);
  cuda_check(cudaGetLastError(), "parallel_for launch");
}

/// Fixed launch shape, so the combination order (and the result) never changes.
template <class Op, class F>
double parallel_reduce(const Box& b, F&& f) {
  if (b.empty()) return Op::identity();
  const std::int64_t n = b.cells();
  const int blocks = detail::blocks_for(n, detail::kMaxReduceBlocks);
  double* scratch = detail::reduction_scratch();
  detail::reduce_blocks<Op><<<blocks, detail::kBlock>>>(b, n, f, scratch);
  cuda_check(cudaGetLastError(), "parallel_reduce launch");
  detail::reduce_partials<Op>
      <<<1, detail::kMaxReduceBlocks>>>(scratch, blocks, scratch + detail::kMaxReduceBlocks);
  cuda_check(cudaGetLastError(), "parallel_reduce final launch");
  double result = 0.0;
  cuda_check(cudaMemcpy(&result, scratch + detail::kMaxReduceBlocks, sizeof(double),
                        cudaMemcpyDeviceToHost),
             "parallel_reduce copy");
  return result;
}

}  // namespace dnd
