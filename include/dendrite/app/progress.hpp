#pragma once
/// \file progress.hpp
/// Progress lines for long runs: step, simulated time, dt, wall time and ETA.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace dnd {

class Progress {
 public:
  Progress(double t_start, double t_end, double every_wall_s, bool quiet, std::ostream& os);
  /// Print a line if `every_wall_s` passed since the last one (or if forced).
  void update(std::int64_t step, double t, double dt, const std::string& extra, bool force = false);
  /// Whether update() would print now (callers skip computing the extra text otherwise).
  bool due() const;
  double wall_elapsed() const;

 private:
  using clock = std::chrono::steady_clock;
  double t_start_, t_end_, every_;
  bool quiet_;
  std::ostream& os_;
  clock::time_point start_, last_;
};

/// "1:02:03" or "2:05" for a duration in seconds.
std::string format_clock(double seconds);

}  // namespace dnd
