#pragma once
/// \file microstructure_cli.hpp
/// `dendrite microstructure FILE` (generate or import, write HDF5/XDMF and TIFF to look at
/// before a run) and `dendrite effective CASE_OR_MICROSTRUCTURE` (effective conductivities,
/// tortuosity, brick-layer estimate), and the summary `dendrite check` and run logs print.

#include <iosfwd>
#include <string>
#include <vector>

#include "dendrite/io/config.hpp"

namespace dnd {

/// Phases, fractions, grains, GB film mapping and per-phase properties at temperature t (K),
/// a few indented lines.
std::string microstructure_text(const MicrostructureConfig& m, double t, double floor,
                                double metal_sigma);
/// The same for a case.
std::string microstructure_text(const RunConfig& cfg);

/// Bytes per cell a run of this configuration allocates on its backend.
double bytes_per_cell(const RunConfig& cfg);

int microstructure_command(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err);
int effective_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace dnd
