#pragma once
/// \file checkpoint.hpp
/// Checkpoints hold everything the next step reads: fields (and, for coupled models, the
/// warm-start potentials), time, step, dt, RNG counter, output schedule and the scalar
/// table, so a restarted run ends bit-identical to one that was never stopped.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dendrite/core/box.hpp"
#include "dendrite/core/macros.hpp"
#include "dendrite/io/output.hpp"

namespace dnd {

struct Checkpoint {
  std::int64_t step = 0;
  double time = 0.0;
  double dt = 0.0;
  std::uint64_t rng_counter = 0;
  double next_output = 0.0;
  double wall_elapsed = 0.0;
  int dim = 2;
  int n[3] = {1, 1, 1};
  std::map<std::string, std::vector<real>> fields;           ///< model state
  std::map<std::string, std::vector<double>> double_fields;  ///< potentials, controller state
  std::map<std::string, double> controller;                  ///< scalar controller state
  std::vector<std::string> table_columns;
  std::vector<double> table;  ///< scalar rows, row-major
  std::vector<std::int64_t> output_steps;
  std::vector<double> output_times;
};

/// Write atomically; the previous checkpoint is kept as "<path>.prev".
void save_checkpoint(const std::string& path, const Checkpoint& c, const Provenance& prov);
Checkpoint load_checkpoint(const std::string& path);

}  // namespace dnd
