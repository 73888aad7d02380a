// Device memory backend of memory.hpp (CUDA builds).
#include <cuda_runtime.h>

#include <new>
#include <sstream>
#include <stdexcept>
#include <string>

#include "dendrite/core/memory.hpp"

namespace dnd::memory {

namespace {
void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(err));
}
}  // namespace

void* allocate(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  void* p = nullptr;
  if (cudaMalloc(&p, bytes) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error state
    throw std::bad_alloc();
  }
  check(cudaMemset(p, 0, bytes), "cudaMemset");
  return p;
}

void release(void* p) noexcept {
  if (p) cudaFree(p);
}

void copy_to_host(void* host_dst, const void* src, std::size_t bytes) {
  if (bytes) check(cudaMemcpy(host_dst, src, bytes, cudaMemcpyDeviceToHost), "copy_to_host");
}
void copy_from_host(void* dst, const void* host_src, std::size_t bytes) {
  if (bytes) check(cudaMemcpy(dst, host_src, bytes, cudaMemcpyHostToDevice), "copy_from_host");
}
void copy_device(void* dst, const void* src, std::size_t bytes) {
  if (bytes) check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice), "copy_device");
}
void synchronize() {
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

std::size_t available_bytes() {
  std::size_t free_b = 0, total_b = 0;
  check(cudaMemGetInfo(&free_b, &total_b), "cudaMemGetInfo");
  return free_b;
}

std::string device_description() {
  int dev = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess)
    return "CUDA (no device visible)";
  std::ostringstream os;
  os << "CUDA device " << dev << ": " << prop.name << ", sm_" << prop.major << prop.minor << ", "
     << prop.totalGlobalMem / (1024 * 1024) << " MiB";
  return os.str();
}

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

}  // namespace dnd::memory
