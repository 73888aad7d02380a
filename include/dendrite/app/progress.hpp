#pragma once
/// \file progress.hpp
/// Progress lines for long runs: step, simulated time, dt, wall time and ETA.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <ostream>
#include <string>

namespace dnd {

/// Remaining wall time from the recent pace: simulated time gained per wall second over the
/// last `window_s` of wall time. A whole-run average under-reads when a run slows down (a
/// filament racing to the counter electrode forces substeps); the recent pace shows the
/// slowdown within one window.
class RecentPace {
 public:
  explicit RecentPace(double window_s) : window_(window_s) {}
  void add(double wall_s, double t);
  /// Wall seconds to reach t_end at the recent pace; NaN before two samples or while the
  /// simulated time stands still.
  double remaining(double t_end) const;

 private:
  double window_;
  std::deque<std::pair<double, double>> samples_;  ///< (wall, t), oldest first
};

class Progress {
 public:
  /// `time_text` writes simulated times (t and dt) for the line.
  Progress(double t_start, double t_end, double every_wall_s, bool quiet, std::ostream& os,
           std::function<std::string(double)> time_text);
  /// Print a line if `every_wall_s` passed since the last one (or if forced).
  void update(std::int64_t step, double t, double dt, const std::string& extra, bool force = false);
  /// Whether update() would print now (callers skip computing the extra text otherwise).
  bool due() const;
  double wall_elapsed() const;

 private:
  using clock = std::chrono::steady_clock;
  double t_end_, every_;
  bool quiet_;
  std::ostream& os_;
  clock::time_point start_, last_;
  RecentPace pace_;
  std::function<std::string(double)> time_text_;
};

/// "1:02:03" or "2:05" for a duration in seconds.
std::string format_clock(double seconds);

}  // namespace dnd
