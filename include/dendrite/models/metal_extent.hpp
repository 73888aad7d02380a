#pragma once
/// \file metal_extent.hpp
/// How far the metal reaches: the filament tip (metal connected to the anode at x = 0) and
/// the deepest metal of any kind (isolated nuclei included). Host-side, for outputs.

#include <string>
#include <vector>

#include "dendrite/core/field.hpp"

namespace dnd {

struct MetalExtent {
  double tip = 0.0;      ///< x (from the grid origin) where connected metal ends
  double deepest = 0.0;  ///< same for any metal
  int clusters = 0;      ///< connected pieces of metal (the anode with its filaments is one)
};

/// Metal is xi > 1/2; a cell's edge position is where xi crosses 1/2 between its centre and
/// the next cell along +x, interpolated linearly (sub-cell resolution: a tip that moves by a
/// tenth of a cell shows). Connectivity is by faces, periodic across the lateral sides.
/// With no metal at x = 0 the tip is the grid origin.
MetalExtent metal_extent(const Grid& grid, const std::vector<real>& xi);

/// Largest xi in the cells whose centre lies at or beyond x (a reduction on the backend).
double max_at_or_beyond(const Grid& grid, const Field<real>& xi, double x);

/// Empty, or why the cell has shorted: metal connected to the electrode at x = 0 has come
/// within `reach` of the counter electrode at x = Lx. Cheap enough to ask after every step:
/// a reduction, and the connectivity search (a download) only when metal is that close.
std::string short_circuit(const Grid& grid, const Field<real>& xi, double reach);

}  // namespace dnd
