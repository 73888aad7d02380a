// Host memory backend of memory.hpp (CPU builds).
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <thread>

#include "dendrite/core/memory.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace dnd::memory {

void* allocate(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  // 64-byte alignment keeps SIMD loads of a row start aligned.
  const std::size_t rounded = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  return p;
}

void release(void* p) noexcept {
  std::free(p);
}

void copy_to_host(void* host_dst, const void* src, std::size_t bytes) {
  if (bytes) std::memcpy(host_dst, src, bytes);
}
void copy_from_host(void* dst, const void* host_src, std::size_t bytes) {
  if (bytes) std::memcpy(dst, host_src, bytes);
}
void copy_device(void* dst, const void* src, std::size_t bytes) {
  if (bytes) std::memcpy(dst, src, bytes);
}
void synchronize() {}

std::size_t available_bytes() {
  // MemAvailable counts reclaimable cache; fall back to physical pages.
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::size_t kb = 0;
  std::string unit;
  while (meminfo >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return std::size_t(sysconf(_SC_PHYS_PAGES)) * std::size_t(sysconf(_SC_PAGE_SIZE));
}

std::string device_description() {
  std::ostringstream os;
  int threads = 1;
#if defined(_OPENMP)
  threads = omp_get_max_threads();
#endif
  os << "CPU, " << threads << " OpenMP thread(s) of " << std::thread::hardware_concurrency()
     << " hardware thread(s)";
  return os.str();
}

int device_count() {
  return 1;
}

}  // namespace dnd::memory
