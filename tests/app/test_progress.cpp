// The progress line's ETA: remaining wall time from the recent pace of simulated time.
#include <gtest/gtest.h>

#include <cmath>

#include "dendrite/app/progress.hpp"

namespace dnd {
namespace {

TEST(RecentPace, UnknownUntilTimeHasAdvanced) {
  RecentPace pace(60.0);
  pace.add(0.0, 5.0);
  EXPECT_TRUE(std::isnan(pace.remaining(10.0)));
  pace.add(2.0, 5.0);  // a first step that has not finished yet
  EXPECT_TRUE(std::isnan(pace.remaining(10.0)));
}

TEST(RecentPace, SteadyRunExtrapolatesLinearly) {
  RecentPace pace(60.0);
  for (int k = 0; k <= 100; ++k) pace.add(2.0 * k, 0.5 * k);  // 0.25 simulated s per wall s
  EXPECT_NEAR(pace.remaining(100.0), (100.0 - 50.0) / 0.25, 1e-9);
  EXPECT_EQ(pace.remaining(40.0), 0.0);  // already past the end
}

TEST(RecentPace, SlowdownShowsWithinOneWindow) {
  // 100 wall s at 1 simulated s per wall s, then substeps cut the pace to 0.1 for 80 s.
  RecentPace pace(60.0);
  double wall = 0, t = 0;
  for (; wall < 100; wall += 2, t += 2) pace.add(wall, t);
  for (int k = 0; k < 40; ++k, wall += 2, t += 0.2) pace.add(wall, t);
  const double t_end = 200;
  const double recent = (t_end - t) / 0.1;
  const double whole_run_average = (t_end - t) * wall / t;
  EXPECT_NEAR(pace.remaining(t_end), recent, 0.05 * recent);
  EXPECT_GT(pace.remaining(t_end), 4 * whole_run_average);
}

}  // namespace
}  // namespace dnd
