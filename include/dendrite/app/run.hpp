#pragma once
/// \file run.hpp
/// The `dendrite run` driver: initial state, time loop, outputs, checkpoints, restarts.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "dendrite/core/macros.hpp"
#include "dendrite/io/config.hpp"

namespace dnd {

struct RunOptions {
  bool quiet = false;
  bool resume = false;           ///< continue from <output.dir>/checkpoint/checkpoint.h5 if present
  std::string restart_path;      ///< continue from this checkpoint
  std::int64_t stop_after = -1;  ///< stop (with a checkpoint) after this many steps, as if killed
};

struct RunSummary {
  std::int64_t steps = 0;
  double time = 0.0;
  double wall_seconds = 0.0;
  bool completed = false;     ///< reached time.end or the model's end (not interrupted)
  std::string ended_because;  ///< the model's reason when it ended the run before time.end
  std::string xdmf, table, checkpoint;
};

RunSummary run_case(const RunConfig& cfg, const RunOptions& opt, std::ostream& log);

/// Ask a running case to stop at the next step boundary (signal handlers call this).
void request_stop();

}  // namespace dnd
