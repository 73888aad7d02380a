// Reader of study files (include/dendrite/app/study.hpp): base case, axes, replicates.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config_entry.hpp"
#include "dendrite/app/study.hpp"

namespace dnd {

using config_detail::Entry;

namespace {

std::string where(const Entry& e) {
  const YAML::Mark m = e.node.Mark();
  return *e.file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

/// "0.5 mA/cm^2" from 0.5 and the unit (or the bare number).
std::string with_unit(double v, const std::string& unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return unit.empty() ? std::string(buf) : std::string(buf) + " " + unit;
}

StudyAxis read_axis(const Entry& a) {
  a.allow_only({"key", "values", "linear", "log"});
  StudyAxis axis;
  axis.key = a.at("key").str();
  if (axis.key.empty() || axis.key.find_first_of(" =[]{}") != std::string::npos)
    a.at("key").fail("expected a key path of the case, names joined by dots (cell.temperature)");
  const int kinds = int(a.has("values")) + int(a.has("linear")) + int(a.has("log"));
  if (kinds != 1) a.fail("give one of values (a list), linear or log (from, to, count, unit)");
  if (a.has("values")) {
    const Entry v = a.at("values");
    if (!v.node.IsSequence() || v.node.size() == 0) v.fail("expected a list of values");
    for (std::size_t i = 0; i < v.node.size(); ++i) {
      const Entry item = v.item(i);
      if (item.node.IsScalar()) {
        axis.values.push_back(item.str());
      } else {  // a mapping or list value (e.g. a preset block) goes as flow YAML
        YAML::Emitter em;
        em << YAML::Flow << item.node;
        axis.values.push_back(em.c_str());
      }
      axis.where.push_back(where(item));
    }
    return axis;
  }
  const bool log = a.has("log");
  const Entry r = a.at(log ? "log" : "linear");
  r.allow_only({"from", "to", "count", "unit"});
  const double from = r.at("from").number(), to = r.at("to").number();
  const std::int64_t count = r.at("count").integer();
  if (count < 1 || count > 10000) r.at("count").fail("must lie in [1, 10000]");
  if (log && !(from > 0.0 && to > 0.0)) r.fail("a log range needs from > 0 and to > 0");
  const std::string unit = r.has("unit") ? r.at("unit").str() : "";
  for (std::int64_t k = 0; k < count; ++k) {
    const double t = count == 1 ? 0.0 : double(k) / double(count - 1);
    const double v = log ? from * std::pow(to / from, t) : from + (to - from) * t;
    axis.values.push_back(with_unit(v, unit));
    axis.where.push_back(where(r));
  }
  return axis;
}

}  // namespace

StudySpec load_study(const std::string& path) {
  namespace fs = std::filesystem;
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the file");
  std::stringstream ss;
  ss << in.rdbuf();
  StudySpec s;
  s.path = path;
  s.text = ss.str();
  YAML::Node root;
  try {
    root = YAML::Load(s.text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": YAML syntax: " + e.msg);
  }
  if (!root || root.IsNull()) throw ConfigError(path + ": the file is empty");
  const Entry top{root, "", &path};
  top.allow_only(
      {"base", "axes", "replicates", "seed_key", "first_seed", "output", "threads_per_point"});
  const fs::path dir = fs::path(path).parent_path();
  const Entry base = top.at("base");
  s.base = (dir / base.str()).lexically_normal().string();
  if (!fs::exists(s.base)) base.fail("no case file at " + s.base);
  if (top.has("axes")) {
    const Entry axes = top.at("axes");
    if (!axes.node.IsSequence()) axes.fail("expected a list of axes");
    if (axes.node.size() > 2) axes.fail("a study has at most two axes (a map)");
    for (std::size_t i = 0; i < axes.node.size(); ++i) s.axes.push_back(read_axis(axes.item(i)));
    if (s.axes.size() == 2 && s.axes[0].key == s.axes[1].key)
      axes.item(1).at("key").fail("both axes set the same key");
  }
  if (top.has("replicates")) {
    const Entry r = top.at("replicates");
    const std::int64_t n = r.integer();
    if (n < 1 || n > 100000) r.fail("must lie in [1, 100000]");
    s.replicates = int(n);
  }
  s.seed_key = top.has("seed_key") ? top.at("seed_key").str() : "microstructure.generate.seed";
  if (top.has("first_seed")) {
    const std::int64_t f = top.at("first_seed").integer();
    if (f < 0) top.at("first_seed").fail("must not be negative");
    s.first_seed = std::uint64_t(f);
  }
  // Like a case's output.dir: relative to where dendrite runs.
  s.output = fs::path(top.at("output").str()).lexically_normal().string();
  if (top.has("threads_per_point")) {
    const std::int64_t t = top.at("threads_per_point").integer();
    if (t < 1 || t > 1024) top.at("threads_per_point").fail("must lie in [1, 1024]");
    s.threads_per_point = int(t);
  }
  std::size_t points = std::size_t(s.replicates);
  for (const StudyAxis& a : s.axes) points *= a.values.size();
  if (points > 1000000) top.fail("more than a million points");
  return s;
}

}  // namespace dnd
