#pragma once
/// \file cli.hpp
/// Command-line entry point (`dendrite run | check | bench`), separate from main() so tests
/// can call it.

#include <ostream>

namespace dnd {

/// Returns the process exit code: 0 success, 1 run-time failure, 2 bad input or usage.
int dendrite_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dnd
