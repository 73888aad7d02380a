#pragma once
/// \file random_K.hpp
/// Counter-based random numbers (Random123 Philox4x32-10, Debian librandom123-dev): the draw
/// for (seed, counter, cell) is a pure function of those three, so CPU and GPU produce the
/// same numbers, in any thread order, and a restarted run continues the same sequence.

#include <cstdint>

#include "dendrite/core/macros.hpp"

#if defined(__CUDACC__) && !defined(R123_CUDA_DEVICE)
#define R123_CUDA_DEVICE __host__ __device__  // Random123 marks device code only by default
#endif
#include <Random123/philox.h>

namespace dnd::rng {

/// Uniform in (-1, 1), symmetric, from the first word of Philox4x32(counter = (cell, step),
/// key = seed).
DND_INLINE double uniform_symmetric(std::uint64_t seed, std::uint64_t step, std::uint64_t cell) {
  r123::Philox4x32 gen;
  const r123::Philox4x32::ctr_type ctr = {{std::uint32_t(cell), std::uint32_t(cell >> 32),
                                           std::uint32_t(step), std::uint32_t(step >> 32)}};
  const r123::Philox4x32::key_type key = {{std::uint32_t(seed), std::uint32_t(seed >> 32)}};
  const r123::Philox4x32::ctr_type r = gen(ctr, key);
  // (r + 1/2) / 2^32 lies in (0, 1); map to (-1, 1).
  return 2.0 * ((double(r[0]) + 0.5) * (1.0 / 4294967296.0)) - 1.0;
}

}  // namespace dnd::rng
