#pragma once
/// \file protocol.hpp
/// The current-ramp protocol of a critical-current-density (CCD) measurement (physics brief
/// section 7; docs/model.md section 11): galvanostatic steps from a start current by a fixed
/// increment, each a fixed time or a fixed charge, plating only or plate/strip alternating,
/// with optional rests at zero current; a cycler's log per step; and the short detectors.
///
/// A short is (a) a metal path, connected metal (xi > 1/2) from the anode to the counter
/// electrode (the run's stop_reason), or (b) a soft short: the electronic share of the
/// current |i_e| / (|i_ion| + |i_e|) above `electronic_fraction`, or |V_cell| below
/// `voltage_collapse` times the running mean of |V_cell| over the step so far (armed after
/// the first `collapse_arming` of the step, when the step's own transient has passed) or
/// times the mean |V_cell| of the previous step in the same direction (from the step's start:
/// a ramp raises |i|, so a sound cell's |V| stays near or above it).
/// The CCD is the current density of the step in which the first detector fires.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dendrite/io/config.hpp"

namespace dnd {

struct Checkpoint;

/// One constant-current stretch of the protocol: [begin, end) at `current` (0 in a rest).
struct ProtocolSegment {
  int level = 0;                  ///< the current step it belongs to (0-based)
  double current = 0.0;           ///< A/m^2, > 0 plating at the anode
  double begin = 0.0, end = 0.0;  ///< s
  bool rest = false;
};

/// `s` as a JSON string value: quoted, with quotes and backslashes escaped and control
/// characters blanked (the result files of ramps and studies).
std::string json_string(const std::string& s);

/// Every segment of the protocol, in order (levels, then plate / strip / rests).
std::vector<ProtocolSegment> protocol_segments(const ProtocolConfig& p);

/// What the cycler reads after a step: cell voltage and the currents at the counter
/// electrode (A/m^2).
struct CellReading {
  double v_cell = 0.0, i_ionic = 0.0, i_electronic = 0.0;
};

/// One detector's first firing.
struct ShortEvent {
  bool fired = false;
  double time = 0.0;  ///< s
  int segment = -1;
  int level = -1;
  double current = 0.0;  ///< A/m^2, of the segment
  double value = 0.0;    ///< the measured value (fraction, |V| / mean |V|)
  std::string detail;    ///< e.g. the metal path
};

/// The running protocol: which segment holds a time, the cycler log, and the detectors.
/// Its state is restart state (save / load), so a resumed ramp logs and detects as an
/// uninterrupted one.
class CurrentRamp {
 public:
  explicit CurrentRamp(const ProtocolConfig& p);
  const ProtocolConfig& config() const { return p_; }
  const std::vector<ProtocolSegment>& segments() const { return segs_; }
  double end_time() const { return segs_.empty() ? 0.0 : segs_.back().end; }
  /// The segment that holds [t, t + 0): the last one whose begin <= t (within round-off).
  std::size_t segment_at(double t) const;
  /// The next segment boundary after t (the end time at most).
  double next_boundary(double t) const;

  /// An accepted step [t - h, t] with the reading at its start (the potentials a step
  /// solves are those of its start state). Closes the segment when t reaches its end.
  void record(double t, double h, const CellReading& r);
  /// The metal path (hard short) fired at t; `path` says where.
  void metal_path(double t, const std::string& path);

  /// A detector has fired: the run goes on to the end of that step's current level, or
  /// the metal path, whichever comes first, so each detector can say when it fires.
  bool shorted() const;
  /// The run should end now (a metal path, or the level of the first firing is over).
  bool should_stop(double t) const;

  const ShortEvent& metal() const { return metal_; }
  const ShortEvent& electronic() const { return electronic_; }
  const ShortEvent& collapse() const { return collapse_; }
  /// The first detector's event (the CCD's), or null.
  const ShortEvent* first() const;

  /// "CCD 0.8 mA/cm^2 (...)" or "no short up to 3 mA/cm^2 (...)", with the protocol.
  std::string summary() const;
  /// The cycler's log: one row per segment begun, the running one last.
  void write_csv(const std::string& path) const;
  /// The result for studies and scripts (JSON): CCD, detectors, protocol.
  void write_result(const std::string& path, double t_end, bool completed) const;

  void save(Checkpoint& c) const;
  void load(const Checkpoint& c);

 private:
  struct Row {  // one segment's cycler line
    double v_time_integral = 0.0, v_abs_time_integral = 0.0, charge = 0.0, duration = 0.0;
    double v_final = 0.0, max_electronic_fraction = 0.0;
  };
  void fire(ShortEvent& e, double t, std::size_t seg, double value, const std::string& detail);
  std::string protocol_text() const;
  double highest_reached() const;  ///< A/m^2, the largest |current| of the segments begun
  std::string electronic_detail(double fraction) const;
  std::string collapse_detail(double ratio, const std::string& reference) const;
  /// Mean |V_cell| of the last segment before k with current in k's direction (0: none).
  double previous_mean(std::size_t k) const;

  ProtocolConfig p_;
  std::vector<ProtocolSegment> segs_;
  std::vector<Row> rows_;  ///< segments begun so far
  ShortEvent metal_, electronic_, collapse_;
};

}  // namespace dnd
