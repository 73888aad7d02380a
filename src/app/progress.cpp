#include "dendrite/app/progress.hpp"

#include <cmath>
#include <cstdio>

#include "dendrite/io/units.hpp"

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

Progress::Progress(double t_start, double t_end, double every_wall_s, bool quiet, std::ostream& os)
    : t_start_(t_start), t_end_(t_end), every_(every_wall_s), quiet_(quiet), os_(os) {
  start_ = last_ = clock::now();
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
  const double done = (t - t_start_) / (t_end_ - t_start_);
  const double eta = done > 0 ? wall * (1 - done) / done : NAN;
  char head[64];
  std::snprintf(head, sizeof head, "[%3d%%]", int(100 * (t / t_end_) + 1e-9));
  os_ << head << " step " << step << "  t = " << units::format_duration(t) << "  dt "
      << units::format_duration(dt) << "  wall " << format_clock(wall) << "  ETA "
      << format_clock(eta);
  if (!extra.empty()) os_ << "  " << extra;
  os_ << std::endl;
}

}  // namespace dnd
