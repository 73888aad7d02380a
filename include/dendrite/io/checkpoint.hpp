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
  std::map<std::string, std::vector<double>> series;  ///< driver state of any length (protocol log)
  std::vector<std::string> table_columns;
  std::vector<double> table;  ///< scalar rows, row-major
  std::vector<std::int64_t> output_steps;
  std::vector<double> output_times;
  // Who wrote it (filled by load_checkpoint): the case text's hash and path, and the build.
  std::uint64_t case_hash = 0;
  std::string case_path, version, backend;
};

/// 64-bit FNV-1a hash of bytes (checkpoint identity and content checks).
std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t h = 1469598103934665603ull);

/// Write atomically; the previous checkpoint is kept as "<path>.prev". Every dataset carries
/// HDF5's Fletcher-32 checksum (flipped bytes fail the read), and the checkpoint a hash of its
/// whole content (data rewritten through the library fail the load) and of the case text.
void save_checkpoint(const std::string& path, const Checkpoint& c, const Provenance& prov);
/// Finish a rotation that a kill interrupted: "<path>.new" is complete whenever it exists
/// (renamed from its temporary), so it becomes the checkpoint and the old one ".prev".
void finish_checkpoint_rotation(const std::string& path);
/// Throws std::runtime_error naming the file when it cannot be read or its content no longer
/// matches its hash.
Checkpoint load_checkpoint(const std::string& path);
/// Empty, or why a checkpoint may not resume this case with this build (naming both).
std::string checkpoint_mismatch(const Checkpoint& c, const Provenance& now);

}  // namespace dnd
