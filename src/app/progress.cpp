#include "dendrite/app/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace dnd {

std::string format_clock(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  const long total = long(s + 0.5);
  char buf[32];
  if (total >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
  return buf;
}

void RecentPace::add(double wall_s, double t) {
  samples_.emplace_back(wall_s, t);
  // Keep the newest sample that is at least a window old, and everything after it.
  while (samples_.size() > 2 && samples_[1].first <= wall_s - window_) samples_.pop_front();
}

double RecentPace::remaining(double t_end) const {
  if (samples_.size() < 2) return NAN;
  const auto& [wall0, t0] = samples_.front();
  const auto& [wall1, t1] = samples_.back();
  if (!(t1 > t0)) return NAN;
  return std::max(0.0, t_end - t1) * (wall1 - wall0) / (t1 - t0);
}

// The pace window spans ten progress lines, and at least a minute, so one slow output step
// does not swing the estimate.
Progress::Progress(double t_start, double t_end, double every_wall_s, bool quiet, std::ostream& os,
                   std::function<std::string(double)> time_text)
    : t_end_(t_end),
      every_(every_wall_s),
      quiet_(quiet),
      os_(os),
      pace_(std::max(60.0, 10 * every_wall_s)),
      time_text_(std::move(time_text)) {
  start_ = last_ = clock::now();
  pace_.add(0.0, t_start);
}

double Progress::wall_elapsed() const {
  return std::chrono::duration<double>(clock::now() - start_).count();
}

bool Progress::due() const {
  return !quiet_ && std::chrono::duration<double>(clock::now() - last_).count() >= every_;
}

void Progress::update(std::int64_t step, double t, double dt, const std::string& extra,
                      bool force) {
  if (quiet_) return;
  const auto now = clock::now();
  if (!force && std::chrono::duration<double>(now - last_).count() < every_) return;
  last_ = now;
  const double wall = wall_elapsed();
  pace_.add(wall, t);
  const double eta = pace_.remaining(t_end_);
  char head[64];
  std::snprintf(head, sizeof head, "[%3d%%]", int(100 * (t / t_end_) + 1e-9));
  os_ << head << " step " << step << "  t = " << time_text_(t) << "  dt " << time_text_(dt)
      << "  wall " << format_clock(wall) << "  ETA " << format_clock(eta);
  if (!extra.empty()) os_ << "  " << extra;
  os_ << std::endl;
}

}  // namespace dnd
