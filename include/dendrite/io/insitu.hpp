#pragma once
/// \file insitu.hpp
/// In-situ visualisation: an adaptor interface with no VTK types in it. Backends: none
/// (always) and legacy ParaView Catalyst (Debian 12's paraview-dev 5.11, built with
/// -DDENDRITE_WITH_CATALYST=ON). A Catalyst 2 (conduit) backend would implement the same
/// interface; Debian 12 does not package it, so none is shipped.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dendrite/core/box.hpp"
#include "dendrite/io/output.hpp"

namespace dnd {

class InsituAdaptor {
 public:
  virtual ~InsituAdaptor() = default;
  /// Hand the fields of one step to the pipelines. Fields are the host staging buffers
  /// the HDF5 output uses too (interior cells, x fastest).
  virtual void execute(std::int64_t step, double time, const std::vector<NamedField>& fields) = 0;
  virtual std::string describe() const = 0;
};

/// Whether this build has the Catalyst backend.
bool catalyst_built_in();

/// A Catalyst adaptor running the given Catalyst-2-style Python scripts; extracts go to
/// `output_dir` (scripts read it from $DENDRITE_INSITU_OUTPUT). Throws std::runtime_error
/// when Catalyst was not built in or a pipeline cannot be initialised.
std::unique_ptr<InsituAdaptor> make_catalyst_adaptor(const Grid& grid,
                                                     const std::vector<std::string>& scripts,
                                                     const std::string& output_dir);

}  // namespace dnd
