// The current-ramp protocol: its segments, the cycler log and the short detectors
// (include/dendrite/app/protocol.hpp; docs/model.md section 11).
#include "dendrite/app/protocol.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "dendrite/io/checkpoint.hpp"
#include "dendrite/io/hdf5_file.hpp"

namespace dnd {

namespace {

/// A number for JSON: round-trip precision, no locale.
std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

/// A number for people: 6 significant digits.
std::string short_num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// A ratio or fraction for people: 4 significant digits.
std::string ratio_num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string ma_cm2(double i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.4g mA/cm^2", i / 10.0);
  return buf;
}

/// The multi-line summary as one line ("a\n  b" -> "a; b").
std::string one_line(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') {
      out += s[i];
      continue;
    }
    out += "; ";
    while (i + 1 < s.size() && s[i + 1] == ' ') ++i;
  }
  return out;
}

}  // namespace

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) {
      out += ' ';
      continue;
    }
    out += ch;
  }
  return out + "\"";
}

std::vector<ProtocolSegment> protocol_segments(const ProtocolConfig& p) {
  std::vector<ProtocolSegment> segs;
  const int levels =
      p.increment > 0.0 ? int(std::floor((p.until - p.start) / p.increment + 1e-9)) + 1 : 1;
  double t = 0.0;
  auto add = [&](int level, double i, double length, bool rest) {
    ProtocolSegment s;
    s.level = level;
    s.current = rest ? 0.0 : i;
    s.begin = t;
    s.end = t + length;
    s.rest = rest;
    segs.push_back(s);
    t = s.end;
  };
  for (int k = 0; k < levels; ++k) {
    const double i = p.start + k * p.increment;
    const double length = p.step_charge > 0.0 ? p.step_charge / i : p.step_time;
    for (int half = 0; half < (p.alternate ? 2 : 1); ++half) {
      add(k, half == 0 ? i : -i, length, false);
      if (p.rest > 0.0) add(k, 0.0, p.rest, true);
    }
  }
  return segs;
}

CurrentRamp::CurrentRamp(const ProtocolConfig& p) : p_(p), segs_(protocol_segments(p)) {
  if (segs_.empty()) throw std::logic_error("a protocol without segments");
}

std::size_t CurrentRamp::segment_at(double t) const {
  // Boundaries are landed on exactly by the driver; a tolerance absorbs sums of steps.
  std::size_t k = 0;
  while (k + 1 < segs_.size() && t >= segs_[k + 1].begin - 1e-9 * (segs_[k].end - segs_[k].begin))
    ++k;
  return k;
}

double CurrentRamp::next_boundary(double t) const {
  return segs_[segment_at(t)].end;
}

void CurrentRamp::record(double t, double h, const CellReading& r) {
  const std::size_t k = segment_at(t - 0.5 * h);  // the segment the step belongs to
  if (rows_.size() < k + 1) rows_.resize(k + 1);
  Row& row = rows_[k];
  row.v_time_integral += r.v_cell * h;
  row.v_abs_time_integral += std::abs(r.v_cell) * h;
  row.charge += r.i_ionic * h;
  row.duration += h;
  row.v_final = r.v_cell;
  const double total = std::abs(r.i_ionic) + std::abs(r.i_electronic);
  const double fraction = total > 0.0 ? std::abs(r.i_electronic) / total : 0.0;
  row.max_electronic_fraction = std::max(row.max_electronic_fraction, fraction);
  const ProtocolSegment& s = segs_[k];
  if (s.rest) return;  // no current to share, and V relaxes to 0 by design
  if (!electronic_.fired && fraction > p_.electronic_fraction)
    fire(electronic_, t, k, fraction, electronic_detail(fraction));
  if (collapse_.fired) return;
  // Two references: this step's running mean once its own transient has passed, and from
  // its start the mean of the previous step of the same direction. A collapse early in a
  // step (nuclei form as soon as the current is raised) leaves no running mean to fall
  // below, but a cell whose |V| falls as its current rises has lost resistance.
  const double length = s.end - s.begin;
  const double running = row.v_abs_time_integral / row.duration;
  if (row.duration >= p_.collapse_arming * length && running > 0.0 &&
      std::abs(r.v_cell) < p_.voltage_collapse * running) {
    const double ratio = std::abs(r.v_cell) / running;
    fire(collapse_, t, k, ratio, collapse_detail(ratio, "the step's running mean"));
    return;
  }
  const double before = previous_mean(k);
  if (before > 0.0 && std::abs(r.v_cell) < p_.voltage_collapse * before) {
    const double ratio = std::abs(r.v_cell) / before;
    fire(collapse_, t, k, ratio, collapse_detail(ratio, "the previous step's mean"));
  }
}

double CurrentRamp::previous_mean(std::size_t k) const {
  // The last segment before k that carried current in the same direction (rests and the
  // other half-cycle skipped): a ramp raises |i|, so a sound cell stays near or above its mean |V|.
  for (std::size_t j = k; j-- > 0;) {
    if (segs_[j].rest || (segs_[j].current > 0.0) != (segs_[k].current > 0.0)) continue;
    if (j >= rows_.size() || !(rows_[j].duration > 0.0)) return 0.0;
    return rows_[j].v_abs_time_integral / rows_[j].duration;
  }
  return 0.0;
}

std::string CurrentRamp::electronic_detail(double fraction) const {
  return "electronic share of the current " + ratio_num(fraction) + " > " +
         short_num(p_.electronic_fraction);
}

std::string CurrentRamp::collapse_detail(double ratio, const std::string& reference) const {
  return "|V_cell| at " + ratio_num(ratio) + " of " + reference + ", below " +
         short_num(p_.voltage_collapse);
}

void CurrentRamp::fire(ShortEvent& e, double t, std::size_t seg, double value,
                       const std::string& detail) {
  e.fired = true;
  e.time = t;
  e.segment = int(seg);
  e.level = segs_[seg].level;
  e.current = segs_[seg].current;
  e.value = value;
  e.detail = detail;
}

void CurrentRamp::metal_path(double t, const std::string& path) {
  if (metal_.fired) return;
  const std::size_t k = segment_at(t - 1e-12 * std::max(t, 1.0));
  fire(metal_, t, k, 1.0, path);
}

bool CurrentRamp::shorted() const {
  return metal_.fired || electronic_.fired || collapse_.fired;
}

const ShortEvent* CurrentRamp::first() const {
  const ShortEvent* best = nullptr;
  for (const ShortEvent* e : {&electronic_, &collapse_, &metal_})
    if (e->fired && (!best || e->time < best->time)) best = e;
  return best;
}

bool CurrentRamp::should_stop(double t) const {
  if (metal_.fired) return true;
  const ShortEvent* e = first();
  if (!e) return false;
  // Past the last segment of the level in which the first detector fired.
  const std::size_t k = segment_at(t);
  return segs_[k].level > e->level || t >= end_time() - 1e-9 * end_time();
}

double CurrentRamp::highest_reached() const {
  double i = 0.0;
  for (std::size_t k = 0; k < rows_.size(); ++k) i = std::max(i, std::abs(segs_[k].current));
  return i;
}

std::string CurrentRamp::protocol_text() const {
  std::ostringstream os;
  os << "steps of ";
  if (p_.step_charge > 0.0)
    os << num(p_.step_charge / 3.6e4) << " mAh/cm^2";
  else
    os << num(p_.step_time) << " s";
  os << " from " << ma_cm2(p_.start) << " by " << ma_cm2(p_.increment) << " to " << ma_cm2(p_.until)
     << (p_.alternate ? ", plate/strip" : ", plating");
  if (p_.rest > 0.0) os << ", rests of " << num(p_.rest) << " s";
  os << ", " << num(p_.temperature - 273.15) << " degC";
  return os.str();
}

std::string CurrentRamp::summary() const {
  const ShortEvent* e = first();
  if (!e) return "no short up to " + ma_cm2(p_.until) + " (" + protocol_text() + ")";
  std::ostringstream os;
  os << "CCD " << ma_cm2(std::abs(e->current)) << ": shorted in current step " << e->level + 1
     << " at t = " << short_num(e->time) << " s (" << protocol_text() << ")";
  const char* names[] = {"metal path", "electronic share", "voltage collapse"};
  const ShortEvent* events[] = {&metal_, &electronic_, &collapse_};
  for (int d = 0; d < 3; ++d) {
    os << "\n  " << names[d] << ": ";
    if (events[d]->fired)
      os << "fired at t = " << short_num(events[d]->time) << " s in current step "
         << events[d]->level + 1 << " (" << events[d]->detail << ")";
    else
      os << "did not fire";
  }
  return os.str();
}

void CurrentRamp::write_csv(const std::string& path) const {
  std::ostringstream os;
  os << "segment,step,current_density_A_m2,kind,begin_s,end_s,time_s,charge_C_m2,mean_V,"
        "final_V,max_electronic_fraction\n";
  for (std::size_t k = 0; k < rows_.size(); ++k) {
    const ProtocolSegment& s = segs_[k];
    const Row& r = rows_[k];
    const double mean = r.duration > 0.0 ? r.v_time_integral / r.duration : 0.0;
    os << k << ',' << s.level + 1 << ',' << num(s.current) << ','
       << (s.rest ? "rest" : (s.current > 0.0 ? "plate" : "strip")) << ',' << num(s.begin) << ','
       << num(s.end) << ',' << num(r.duration) << ',' << num(r.charge) << ',' << num(mean) << ','
       << num(r.v_final) << ',' << num(r.max_electronic_fraction) << '\n';
  }
  h5::write_text_atomic(path, os.str());
}

void CurrentRamp::write_result(const std::string& path, double t_end, bool completed) const {
  const ShortEvent* e = first();
  std::ostringstream os;
  os << "{\n  \"shorted\": " << (e ? "true" : "false")
     << ",\n  \"ccd_A_m2\": " << (e ? num(std::abs(e->current)) : std::string("null"))
     << ",\n  \"highest_current_reached_A_m2\": " << num(highest_reached())
     << ",\n  \"summary\": " << json_string(one_line(summary()))
     << ",\n  \"completed\": " << (completed ? "true" : "false")
     << ",\n  \"end_time_s\": " << num(t_end) << ",\n  \"detectors\": {";
  const char* names[] = {"metal_path", "electronic_fraction", "voltage_collapse"};
  const ShortEvent* events[] = {&metal_, &electronic_, &collapse_};
  for (int d = 0; d < 3; ++d) {
    const ShortEvent& x = *events[d];
    os << (d ? "," : "") << "\n    \"" << names[d] << "\": ";
    if (!x.fired) {
      os << "null";
      continue;
    }
    os << "{\"time_s\": " << num(x.time) << ", \"step\": " << x.level + 1
       << ", \"current_A_m2\": " << num(x.current) << ", \"value\": " << num(x.value)
       << ", \"detail\": " << json_string(x.detail) << "}";
  }
  os << "\n  },\n  \"protocol\": {\"start_A_m2\": " << num(p_.start)
     << ", \"increment_A_m2\": " << num(p_.increment) << ", \"until_A_m2\": " << num(p_.until)
     << ", \"step_time_s\": " << num(p_.step_time)
     << ", \"step_charge_C_m2\": " << num(p_.step_charge)
     << ", \"alternate\": " << (p_.alternate ? "true" : "false") << ", \"rest_s\": " << num(p_.rest)
     << ", \"temperature_K\": " << num(p_.temperature) << "}\n}\n";
  h5::write_text_atomic(path, os.str());
}

namespace {

/// A text as a checkpoint series: its length, then a byte per value.
std::vector<double> text_series(const std::string& text) {
  std::vector<double> v{double(text.size())};
  for (unsigned char ch : text) v.push_back(ch);
  return v;
}

std::string series_text(const std::vector<double>& v) {
  std::string text;
  for (std::size_t k = 1; k < v.size(); ++k) text += char(v[k]);
  return text;
}

}  // namespace

void CurrentRamp::save(Checkpoint& c) const {
  std::vector<double> rows{double(rows_.size())};
  for (const Row& r : rows_)
    rows.insert(rows.end(), {r.v_time_integral, r.v_abs_time_integral, r.charge, r.duration,
                             r.v_final, r.max_electronic_fraction});
  c.series["protocol_rows"] = rows;
  std::vector<double> events;
  for (const ShortEvent* e : {&metal_, &electronic_, &collapse_})
    events.insert(events.end(), {e->fired ? 1.0 : 0.0, e->time, double(e->segment), e->value});
  c.series["protocol_events"] = events;
  // The metal path's and the collapse's texts, a byte per value (the electronic share's is
  // made from its value).
  c.series["protocol_metal_path"] = text_series(metal_.detail);
  c.series["protocol_collapse_detail"] = text_series(collapse_.detail);
}

void CurrentRamp::load(const Checkpoint& c) {
  const std::vector<double>& rows = c.series.at("protocol_rows");
  rows_.assign(std::size_t(rows.at(0)), Row{});
  for (std::size_t k = 0; k < rows_.size(); ++k) {
    const double* v = &rows.at(1 + 6 * k);
    rows_[k] = Row{v[0], v[1], v[2], v[3], v[4], v[5]};
  }
  const std::vector<double>& ev = c.series.at("protocol_events");
  ShortEvent* events[] = {&metal_, &electronic_, &collapse_};
  // Checkpoints before the collapse's second reference kept no collapse text.
  const auto collapse_text = c.series.find("protocol_collapse_detail");
  const std::string details[] = {
      series_text(c.series.at("protocol_metal_path")), electronic_detail(ev.at(7)),
      collapse_text != c.series.end() ? series_text(collapse_text->second)
                                      : collapse_detail(ev.at(11), "the step's running mean")};
  for (int d = 0; d < 3; ++d) {
    if (ev.at(4 * d) == 0.0) continue;
    fire(*events[d], ev[4 * d + 1], std::size_t(ev[4 * d + 2]), ev[4 * d + 3], details[d]);
  }
}

}  // namespace dnd
