#pragma once
/// \file version.hpp
/// The version recorded in every output file and printed by --version: the project version
/// and the commit (git describe --dirty) of the tree at build time, not at configure time.

namespace dnd {

const char* version();

}  // namespace dnd
