#pragma once
/// \file flat_cell.hpp
/// The flat symmetric cell of eq. (55) (docs/model.md, 8.8): Ohm across the electrolyte
/// between the electrodes plus the Butler-Volmer overpotential of each interface,
///
///   V_cell(i) = eta_a(-i) - i L / sigma_ion - eta_c(i),   i0 BV(eta) = i  (eq. 21)   (55)
///
/// with i > 0 plating at the anode (x = 0) and V_cell < 0 then. The galvanostatic control
/// starts from it; the potentiostatic control inverts it for its first current; the case
/// reader bounds the current a potentiostatic case will draw with it.

namespace dnd {

struct FlatCell {
  double length = 0.0;      ///< electrolyte between the electrodes, m
  double sigma_ion = 0.0;   ///< S/m
  double i0_anode = 0.0;    ///< exchange current density of the anode, A/m^2 (> 0)
  double i0_counter = 0.0;  ///< of the counter electrode, A/m^2; 0: non-polarisable
  double alpha = 0.5;       ///< transfer coefficient
  double f = 0.0;           ///< n F / (R T), 1/V
};

struct FlatCellEstimate {
  double v_cell = 0.0;                        ///< V
  double resistance = 0.0;                    ///< -dV_cell/di, ohm m^2
  double eta_anode = 0.0, eta_counter = 0.0;  ///< V
};

/// The overpotential at which i0 BV(eta) = i (eq. 21), by Newton from the symmetric
/// law's asinh (exact for alpha = 1/2). V.
double bv_overpotential(double i, double i0, double alpha, double f);

/// Eq. (55) at current density i (A/m^2).
FlatCellEstimate flat_cell_at_current(const FlatCell& c, double i);

/// The current density (A/m^2) at which eq. (55) gives v_cell (V): V_cell(i) decreases
/// strictly, and |i| <= |v_cell| sigma_ion / L bounds the root, so bisection finds it to
/// round-off.
double flat_cell_current(const FlatCell& c, double v_cell);

}  // namespace dnd
