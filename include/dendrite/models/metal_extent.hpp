#pragma once
/// \file metal_extent.hpp
/// How far the metal reaches: the filament tip (metal connected to the anode at x = 0) and
/// the deepest metal of any kind (isolated nuclei included). Host-side, for outputs.

#include <vector>

#include "dendrite/core/box.hpp"

namespace dnd {

struct MetalExtent {
  double tip = 0.0;      ///< x (from the grid origin) where connected metal ends
  double deepest = 0.0;  ///< same for any metal
};

/// Metal is xi > 1/2; a cell's edge position is where xi crosses 1/2 between its centre and
/// the next cell along +x, interpolated linearly (sub-cell resolution: a tip that moves by a
/// tenth of a cell shows). Connectivity is by faces, periodic across the lateral sides.
/// With no metal at x = 0 the tip is the grid origin.
MetalExtent metal_extent(const Grid& grid, const std::vector<real>& xi);

}  // namespace dnd
