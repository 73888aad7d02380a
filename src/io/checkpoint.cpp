#include "dendrite/io/checkpoint.hpp"

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "dendrite/io/hdf5_file.hpp"

namespace dnd {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += ',';
    s += x;
  }
  return s;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

template <class T>
std::vector<T> read_as(const h5::Reader& r, const std::string& name) {
  if constexpr (sizeof(T) == sizeof(double))
    return r.read_double(name);
  else
    return r.read_float(name);
}

/// Hash of everything a resume reads, in a fixed order.
std::uint64_t content_hash(const Checkpoint& c) {
  std::uint64_t h = fnv1a(nullptr, 0);
  auto add = [&](const void* p, std::size_t n) { h = fnv1a(p, n, h); };
  auto add_text = [&](const std::string& t) { add(t.data(), t.size()); };
  for (const auto& [name, v] : c.fields) add_text(name), add(v.data(), v.size() * sizeof(real));
  for (const auto& [name, v] : c.double_fields)
    add_text(name), add(v.data(), v.size() * sizeof(double));
  for (const auto& [k, v] : c.controller) add_text(k), add(&v, sizeof v);
  for (const auto& [name, v] : c.series) add_text(name), add(v.data(), v.size() * sizeof(double));
  add(c.table.data(), c.table.size() * sizeof(double));
  add(c.output_steps.data(), c.output_steps.size() * sizeof(std::int64_t));
  add(c.output_times.data(), c.output_times.size() * sizeof(double));
  const double scalars[] = {double(c.step),        c.time,         c.dt,
                            double(c.rng_counter), c.next_output,  double(c.dim),
                            double(c.n[0]),        double(c.n[1]), double(c.n[2])};
  add(scalars, sizeof scalars);
  return h;
}

}  // namespace

std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

std::string checkpoint_mismatch(const Checkpoint& c, const Provenance& now) {
  const std::uint64_t mine = fnv1a(now.config_text.data(), now.config_text.size());
  if (c.case_hash != mine)
    return "it was written by the case " + c.case_path +
           " with other contents than this run's case " + now.config_path +
           " (a checkpoint resumes only the case that wrote it)";
  if (c.version != now.version || c.backend != now.backend)
    return "it was written by dendrite " + c.version + " (" + c.backend + "); this is " +
           now.version + " (" + now.backend + ")";
  return {};
}

void save_checkpoint(const std::string& path, const Checkpoint& c, const Provenance& prov) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::vector<std::uint64_t> dims;
  for (int d = c.dim - 1; d >= 0; --d) dims.push_back(std::uint64_t(c.n[d]));
  {
    h5::Writer w(path + ".new");
    for (const auto& [name, v] : c.fields) w.write("fields/" + name, dims, v.data());
    for (const auto& [name, v] : c.double_fields) w.write("double_fields/" + name, dims, v.data());
    std::vector<std::string> names, dnames;
    for (const auto& kv : c.fields) names.push_back(kv.first);
    for (const auto& kv : c.double_fields) dnames.push_back(kv.first);
    w.attribute("field_names", join(names));
    w.attribute("double_field_names", join(dnames));
    std::vector<std::string> keys;
    std::vector<double> values;
    for (const auto& [k, v] : c.controller) {
      keys.push_back(k);
      values.push_back(v);
    }
    if (!values.empty()) w.write("controller", {values.size()}, values.data());
    w.attribute("controller_keys", join(keys));
    std::vector<std::string> series;
    for (const auto& [name, v] : c.series) {
      series.push_back(name);
      w.write("series/" + name, {std::uint64_t(v.size())}, v.data());
    }
    w.attribute("series_names", join(series));
    w.write("table", {std::uint64_t(c.table.size())}, c.table.data());
    w.attribute("table_columns", join(c.table_columns));
    w.write("output_steps", c.output_steps);
    w.write("output_times", {std::uint64_t(c.output_times.size())}, c.output_times.data());
    w.attribute("step", c.step);
    w.attribute("time", c.time);
    w.attribute("dt", c.dt);
    w.attribute("rng_counter", std::int64_t(c.rng_counter));
    w.attribute("next_output", c.next_output);
    w.attribute("wall_elapsed", c.wall_elapsed);
    w.attribute("dim", std::int64_t(c.dim));
    w.attribute("nx", std::int64_t(c.n[0]));
    w.attribute("ny", std::int64_t(c.n[1]));
    w.attribute("nz", std::int64_t(c.n[2]));
    w.attribute("config", prov.config_text);
    w.attribute("config_path", prov.config_path);
    w.attribute("case_hash", std::int64_t(fnv1a(prov.config_text.data(), prov.config_text.size())));
    w.attribute("content_hash", std::int64_t(content_hash(c)));
    w.attribute("version", prov.version);
    w.attribute("backend", prov.backend);
    w.attribute("precision", prov.precision);
    w.commit();
  }
  finish_checkpoint_rotation(path);
}

void finish_checkpoint_rotation(const std::string& path) {
  // Keep the previous checkpoint until the new one is complete: "<path>.new" appears only
  // complete (renamed from its temporary), so it is the newest state whenever it exists.
  std::error_code ec;
  if (!std::filesystem::exists(path + ".new", ec)) return;
  if (std::filesystem::exists(path, ec)) std::filesystem::rename(path, path + ".prev", ec);
  std::filesystem::rename(path + ".new", path);
}

Checkpoint load_checkpoint(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("no checkpoint at " + path);
  h5::Reader r(path);
  Checkpoint c;
  c.step = r.attribute_int("step");
  c.time = r.attribute_double("time");
  c.dt = r.attribute_double("dt");
  c.rng_counter = std::uint64_t(r.attribute_int("rng_counter"));
  c.next_output = r.attribute_double("next_output");
  c.wall_elapsed = r.attribute_double("wall_elapsed");
  c.dim = int(r.attribute_int("dim"));
  c.n[0] = int(r.attribute_int("nx"));
  c.n[1] = int(r.attribute_int("ny"));
  c.n[2] = int(r.attribute_int("nz"));
  const std::string precision = r.attribute_string("precision");
  if (precision != precision_name)
    throw std::runtime_error("checkpoint " + path + " was written by a " + precision +
                             "-precision build; this build is " + precision_name);
  for (const std::string& name : split(r.attribute_string("field_names"))) {
    c.fields[name] = read_as<real>(r, "fields/" + name);
  }
  for (const std::string& name : split(r.attribute_string("double_field_names")))
    c.double_fields[name] = r.read_double("double_fields/" + name);
  const auto keys = split(r.attribute_string("controller_keys"));
  if (!keys.empty()) {
    const auto values = r.read_double("controller");
    for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i)
      c.controller[keys[i]] = values[i];
  }
  if (r.has_attribute("series_names"))
    for (const std::string& name : split(r.attribute_string("series_names")))
      c.series[name] = r.read_double("series/" + name);
  c.table_columns = split(r.attribute_string("table_columns"));
  c.table = r.read_double("table");
  c.output_steps = r.read_int("output_steps");
  c.output_times = r.read_double("output_times");
  c.case_hash = std::uint64_t(r.attribute_int("case_hash"));
  c.case_path = r.attribute_string("config_path");
  c.version = r.attribute_string("version");
  c.backend = r.attribute_string("backend");
  if (std::uint64_t(r.attribute_int("content_hash")) != content_hash(c))
    throw std::runtime_error("checkpoint " + path +
                             " has been modified since it was written (its content no longer "
                             "matches its hash)");
  return c;
}

}  // namespace dnd
