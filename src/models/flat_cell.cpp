#include "dendrite/models/flat_cell.hpp"

#include <algorithm>
#include <cmath>

#include "dendrite/models/electrodeposition_K.hpp"

namespace dnd {

double bv_overpotential(double i, double i0, double alpha, double f) {
  double eta = 2.0 / f * std::asinh(0.5 * i / i0);
  for (int it = 0; it < 50; ++it) {
    const double r = i0 * echem::butler_volmer(eta, alpha, f) - i;
    const double step = r / (i0 * echem::butler_volmer_slope(eta, alpha, f));
    eta -= step;
    if (std::abs(step) < 1e-12) break;
  }
  return eta;
}

FlatCellEstimate flat_cell_at_current(const FlatCell& c, double i) {
  FlatCellEstimate e;
  e.eta_anode = bv_overpotential(-i, c.i0_anode, c.alpha, c.f);
  e.v_cell = e.eta_anode - i * c.length / c.sigma_ion;
  e.resistance = c.length / c.sigma_ion +
                 1.0 / (c.i0_anode * echem::butler_volmer_slope(e.eta_anode, c.alpha, c.f));
  if (c.i0_counter > 0.0) {
    e.eta_counter = bv_overpotential(i, c.i0_counter, c.alpha, c.f);
    e.v_cell -= e.eta_counter;
    e.resistance += 1.0 / (c.i0_counter * echem::butler_volmer_slope(e.eta_counter, c.alpha, c.f));
  }
  return e;
}

double flat_cell_current(const FlatCell& c, double v_cell) {
  // The ohmic term alone bounds |i|; the overpotentials only lower it.
  double lo = -std::abs(v_cell) * c.sigma_ion / c.length, hi = -lo;
  for (int it = 0; it < 200 && hi - lo > 1e-14 * std::max(1.0, std::abs(hi)); ++it) {
    const double mid = 0.5 * (lo + hi);
    (flat_cell_at_current(c, mid).v_cell > v_cell ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace dnd
