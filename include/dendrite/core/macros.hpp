#pragma once
/// \file macros.hpp
/// Host/device annotations and the build-time precision switch.
///
/// Point kernels are written once and marked DND_HD; the same translation unit is
/// compiled by g++ (CPU backend) or by nvcc (CUDA backend, files marked LANGUAGE CUDA).

#if defined(__CUDACC__)
#define DND_HD __host__ __device__
#define DND_LAMBDA [=] __host__ __device__
#define DND_INLINE __host__ __device__ __forceinline__
#else
#define DND_HD
#define DND_LAMBDA [=]
#define DND_INLINE inline __attribute__((always_inline))
#endif

namespace dnd {

/// Storage type of phase fields and static property fields. Potentials and all
/// reductions stay in double whatever this is (see docs/model.md, "Precision").
#if defined(DENDRITE_SINGLE_PRECISION)
using real = float;
inline constexpr const char* precision_name = "single";
#else
using real = double;
inline constexpr const char* precision_name = "double";
#endif

/// Name of the backend this translation unit was compiled for.
#if defined(DENDRITE_USE_CUDA)
inline constexpr const char* backend_name = "cuda";
#else
inline constexpr const char* backend_name = "cpu-openmp";
#endif

}  // namespace dnd
