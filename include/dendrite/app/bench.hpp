#pragma once
/// \file bench.hpp
/// `dendrite bench`: cell-updates per second of the Allen-Cahn step and of the potential
/// solve, and the achieved memory bandwidth as a fraction of a copy bandwidth measured in
/// the same run.

#include <ostream>
#include <string>
#include <vector>

namespace dnd {

struct BenchOptions {
  std::vector<std::string> cases;  ///< empty: all
  double scale = 1.0;              ///< shrink the 3D and solver cases (for smoke tests)
};

/// Names of the available cases.
std::vector<std::string> bench_cases();
int run_bench(const BenchOptions& opt, std::ostream& os);

}  // namespace dnd
