#pragma once
/// \file field.hpp
/// Scalar fields on a Grid (structure of arrays, x fastest) and their non-owning views.

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "dendrite/core/box.hpp"
#include "dendrite/core/memory.hpp"

namespace dnd {

/// Non-owning, trivially copyable view of a field, indexed by interior cell indices;
/// ghost cells are reached with negative indices or indices >= n.
template <class T>
struct View {
  T* p = nullptr;
  std::int64_t sy = 0;
  std::int64_t sz = 0;

  DND_HD T& operator()(int i, int j, int k) const { return p[i + j * sy + k * sz]; }
};

/// Storage layout of a field with ghost cells.
struct Layout {
  int g[3] = {0, 0, 0};    ///< ghost width per axis
  int ext[3] = {1, 1, 1};  ///< allocated extent per axis (n + 2 g)
  std::int64_t total() const { return std::int64_t(ext[0]) * ext[1] * ext[2]; }
  std::int64_t offset() const {
    return g[0] + std::int64_t(ext[0]) * (g[1] + std::int64_t(ext[1]) * g[2]);
  }
};

inline Layout layout_of(const Grid& grid) {
  Layout l;
  for (int d = 0; d < 3; ++d) {
    l.g[d] = grid.ghost_along(d);
    l.ext[d] = grid.n[d] + 2 * l.g[d];
  }
  return l;
}

/// A field owns one zero-initialised allocation in the backend's memory space.
template <class T>
class Field {
 public:
  Field() = default;
  explicit Field(const Grid& grid) : grid_(grid), layout_(layout_of(grid)) {
    data_ = static_cast<T*>(memory::allocate(sizeof(T) * layout_.total()));
  }
  ~Field() { memory::release(data_); }
  Field(const Field&) = delete;
  Field& operator=(const Field&) = delete;
  Field(Field&& o) noexcept { swap(o); }
  Field& operator=(Field&& o) noexcept {
    swap(o);
    return *this;
  }
  void swap(Field& o) noexcept {
    std::swap(grid_, o.grid_);
    std::swap(layout_, o.layout_);
    std::swap(data_, o.data_);
  }

  View<T> view() const {
    return View<T>{data_ + layout_.offset(), layout_.ext[0],
                   std::int64_t(layout_.ext[0]) * layout_.ext[1]};
  }
  const Grid& grid() const { return grid_; }
  const Layout& layout() const { return layout_; }
  T* data() const { return data_; }
  std::int64_t allocated() const { return layout_.total(); }
  bool valid() const { return data_ != nullptr; }

  /// Copy the whole allocation (ghosts included) to or from host memory.
  void download_all(std::vector<T>& host) const {
    host.resize(layout_.total());
    memory::copy_to_host(host.data(), data_, sizeof(T) * host.size());
  }
  void upload_all(const std::vector<T>& host) {
    memory::copy_from_host(data_, host.data(), sizeof(T) * layout_.total());
  }
  /// Interior cells packed x-fastest (the (nz, ny, nx) order HDF5 and VTK expect).
  std::vector<T> download_interior() const {
    std::vector<T> all;
    download_all(all);
    std::vector<T> out(grid_.cells());
    std::int64_t m = 0;
    for (int k = 0; k < grid_.n[2]; ++k)
      for (int j = 0; j < grid_.n[1]; ++j) {
        const T* row = all.data() + layout_.offset() + j * std::int64_t(layout_.ext[0]) +
                       k * std::int64_t(layout_.ext[0]) * layout_.ext[1];
        std::memcpy(out.data() + m, row, sizeof(T) * grid_.n[0]);
        m += grid_.n[0];
      }
    return out;
  }
  void upload_interior(const std::vector<T>& in) {
    std::vector<T> all;
    download_all(all);
    std::int64_t m = 0;
    for (int k = 0; k < grid_.n[2]; ++k)
      for (int j = 0; j < grid_.n[1]; ++j) {
        T* row = all.data() + layout_.offset() + j * std::int64_t(layout_.ext[0]) +
                 k * std::int64_t(layout_.ext[0]) * layout_.ext[1];
        std::memcpy(row, in.data() + m, sizeof(T) * grid_.n[0]);
        m += grid_.n[0];
      }
    upload_all(all);
  }
  void copy_from(const Field& o) { memory::copy_device(data_, o.data_, sizeof(T) * allocated()); }

 private:
  Grid grid_{};
  Layout layout_{};
  T* data_ = nullptr;
};

}  // namespace dnd
