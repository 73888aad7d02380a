#pragma once
// Helpers shared by the tests: fill a field from a function of the cell centre, and
// compare a field with an exact solution.
#include <cmath>
#include <functional>
#include <vector>

#include "dendrite/core/field.hpp"

namespace dnd::test {

template <class T>
void fill(Field<T>& f, const std::function<double(const double*)>& fn) {
  const Grid& g = f.grid();
  std::vector<T> h(g.cells());
  std::int64_t m = 0;
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i) {
        const double x[3] = {g.centre(0, i), g.centre(1, j), g.dim == 3 ? g.centre(2, k) : 0.0};
        h[m++] = T(fn(x));
      }
  f.upload_interior(h);
}

/// Root-mean-square error over the domain (the discrete L2 norm divided by sqrt(volume)).
template <class T>
double l2_error(const Field<T>& f, const std::function<double(const double*)>& exact) {
  const Grid& g = f.grid();
  const std::vector<T> h = f.download_interior();
  double s = 0.0;
  std::int64_t m = 0;
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i) {
        const double x[3] = {g.centre(0, i), g.centre(1, j), g.dim == 3 ? g.centre(2, k) : 0.0};
        const double e = double(h[m++]) - exact(x);
        s += e * e;
      }
  return std::sqrt(s / double(g.cells()));
}

}  // namespace dnd::test
