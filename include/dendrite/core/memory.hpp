#pragma once
/// \file memory.hpp
/// Backend memory: device memory in CUDA builds, host memory otherwise. The functions are
/// implemented in src/core/memory_host.cpp or cuda/memory_cuda.cu, never both.

#include <cstddef>
#include <string>

namespace dnd::memory {

/// Allocate bytes in the backend's memory space, zero-filled. Throws std::bad_alloc.
void* allocate(std::size_t bytes);
void release(void* p) noexcept;
/// Copy between backend memory and host memory.
void copy_to_host(void* host_dst, const void* src, std::size_t bytes);
void copy_from_host(void* dst, const void* host_src, std::size_t bytes);
/// Copy within backend memory.
void copy_device(void* dst, const void* src, std::size_t bytes);
/// Wait for outstanding kernels (no-op on the CPU backend).
void synchronize();
/// Bytes the backend can still allocate (device free memory or host available memory).
std::size_t available_bytes();
/// One line describing the device or host the backend runs on.
std::string device_description();
/// Number of devices visible (1 for the CPU backend).
int device_count();

}  // namespace dnd::memory
