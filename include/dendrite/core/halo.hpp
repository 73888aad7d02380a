#pragma once
/// \file halo.hpp
/// Ghost-cell fill: periodic sides by pack / exchange / unpack (the exchange is a local
/// buffer swap on one rank; a distributed run replaces only exchange()), physical sides by
/// the Robin ghost formula of boundary.hpp. Axes are filled in order x, y, z, each over the
/// ghost layers already filled, so edges and corners are consistent too.

#include <utility>

#include "dendrite/core/boundary.hpp"
#include "dendrite/core/field.hpp"
#include "dendrite/core/parallel.hpp"

namespace dnd {

/// Box of ghost layers (side 0: low, 1: high) along `axis`, spanning the ghosts of the
/// axes already filled.
inline Box ghost_slab(const Grid& g, int axis, int side) {
  Box b;
  for (int d = 0; d < 3; ++d) {
    const int gw = g.ghost_along(d);
    if (d == axis) {
      b.lo[d] = side == 0 ? -gw : g.n[d];
      b.hi[d] = side == 0 ? 0 : g.n[d] + gw;
    } else if (d < axis) {
      b.lo[d] = -gw;
      b.hi[d] = g.n[d] + gw;
    } else {
      b.lo[d] = 0;
      b.hi[d] = g.n[d];
    }
  }
  return b;
}

/// Box of interior layers that a periodic neighbour needs: the ones adjacent to `side`.
inline Box send_slab(const Grid& g, int axis, int side) {
  Box b = ghost_slab(g, axis, side);
  const int gw = g.ghost_along(axis);
  b.lo[axis] = side == 0 ? 0 : g.n[axis] - gw;
  b.hi[axis] = side == 0 ? gw : g.n[axis];
  return b;
}

/// Owns the communication buffers of one grid shape and fills halos of fields on it.
class Halo {
 public:
  Halo() = default;
  explicit Halo(const Grid& g) : grid_(g) {
    for (int d = 0; d < g.dim; ++d)
      for (int s = 0; s < 2; ++s) {
        const std::size_t n = std::size_t(send_slab(g, d, s).cells());
        send_[d][s] = static_cast<double*>(memory::allocate(sizeof(double) * n));
        recv_[d][s] = static_cast<double*>(memory::allocate(sizeof(double) * n));
      }
  }
  ~Halo() {
    for (auto& ax : send_)
      for (auto*& p : ax) memory::release(p);
    for (auto& ax : recv_)
      for (auto*& p : ax) memory::release(p);
  }
  Halo(const Halo&) = delete;
  Halo& operator=(const Halo&) = delete;
  Halo(Halo&& o) noexcept { swap(o); }
  Halo& operator=(Halo&& o) noexcept {
    swap(o);
    return *this;
  }
  void swap(Halo& o) noexcept {
    std::swap(grid_, o.grid_);
    std::swap(send_, o.send_);
    std::swap(recv_, o.recv_);
  }

  template <class T>
  void fill(const Field<T>& f, const BoundarySet& bcs) {
    for (int d = 0; d < grid_.dim; ++d) {
      if (bcs.periodic(d)) {
        pack(f, d);
        exchange(d);
        unpack(f, d);
      } else {
        for (int s = 0; s < 2; ++s) fill_physical(f, d, s, bcs.side[d][s]);
      }
    }
  }

  /// Copy the interior layers next to each side of `axis` into the send buffers.
  template <class T>
  void pack(const Field<T>& f, int axis) {
    for (int s = 0; s < 2; ++s) {
      const Box b = send_slab(grid_, axis, s);
      const View<T> v = f.view();
      double* buf = send_[axis][s];
      const int lo0 = b.lo[0], lo1 = b.lo[1], lo2 = b.lo[2];
      const int n0 = b.size(0), n1 = b.size(1);
      parallel_for(
          b, DND_LAMBDA(int i, int j, int k) {
            buf[(i - lo0) + std::int64_t(n0) * ((j - lo1) + std::int64_t(n1) * (k - lo2))] =
                double(v(i, j, k));
          });
    }
  }

  /// Hand each send buffer to the neighbour across the periodic side. On one rank the
  /// neighbour is this rank: the low side's layers become the high side's ghosts.
  void exchange(int axis) {
    std::swap(send_[axis][0], recv_[axis][1]);
    std::swap(send_[axis][1], recv_[axis][0]);
  }

  /// Write the received layers into the ghost cells.
  template <class T>
  void unpack(const Field<T>& f, int axis) {
    for (int s = 0; s < 2; ++s) {
      const Box b = ghost_slab(grid_, axis, s);
      const View<T> v = f.view();
      const double* buf = recv_[axis][s];
      const int lo0 = b.lo[0], lo1 = b.lo[1], lo2 = b.lo[2];
      const int n0 = b.size(0), n1 = b.size(1);
      parallel_for(
          b, DND_LAMBDA(int i, int j, int k) {
            v(i, j, k) =
                T(buf[(i - lo0) + std::int64_t(n0) * ((j - lo1) + std::int64_t(n1) * (k - lo2))]);
          });
    }
  }

  /// Ghost layers of one physical side from the Robin formula, layer m mirroring interior
  /// layer m (distance (2m+1) dx between the two centres).
  template <class T>
  void fill_physical(const Field<T>& f, int axis, int side, const BoundaryCondition& bc) {
    const Box b = ghost_slab(grid_, axis, side);
    const View<T> v = f.view();
    const int n = grid_.n[axis];
    const double dx = grid_.dx[axis];
    const double a = bc.a, bb = bc.b, c = bc.c;
    parallel_for(
        b, DND_LAMBDA(int i, int j, int k) {
          int idx[3] = {i, j, k};
          const int g = idx[axis];
          const int m = side == 0 ? -g - 1 : g - n;  // ghost layer number, 0 next to the face
          idx[axis] = side == 0 ? m : n - 1 - m;     // mirrored interior cell
          const double interior = double(v(idx[0], idx[1], idx[2]));
          v(i, j, k) = T(robin_ghost(interior, a, bb, c, (2 * m + 1) * dx));
        });
  }

  const Grid& grid() const { return grid_; }

 private:
  Grid grid_{};
  double* send_[3][2] = {{nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr}};
  double* recv_[3][2] = {{nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr}};
};

}  // namespace dnd
