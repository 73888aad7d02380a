#pragma once
// Private to the configuration readers (src/io/config*.cpp), the only files that include
// yaml-cpp: a YAML node with its key path, so every message names file, line, column and key,
// and the readers of the materials library. Each config block has its own reader file that
// includes this one.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dendrite/io/config.hpp"
#include "dendrite/io/units.hpp"
#include "dendrite/models/arrhenius.hpp"

namespace dnd::config_detail {

using units::Kind;

/// Command-line overrides of the case being read (`--set KEY=VALUE`): a message about a key
/// they set names the override instead of a line of the file.
inline thread_local const std::vector<std::pair<std::string, std::string>>* g_overrides = nullptr;

/// The override that set key path `p` (or a mapping above it), or null.
inline const std::pair<std::string, std::string>* override_of(const std::string& p) {
  if (!g_overrides) return nullptr;
  for (const auto& o : *g_overrides)
    if (p == o.first || p.rfind(o.first + ".", 0) == 0 || p.rfind(o.first + "[", 0) == 0) return &o;
  return nullptr;
}

/// A YAML node with the key path that reached it, so every message can name both.
struct Entry {
  YAML::Node node;
  std::string path;
  const std::string* file;

  [[noreturn]] void fail(const std::string& msg) const { fail_at(node.Mark(), path, msg); }
  [[noreturn]] void fail_at(const YAML::Mark& m, const std::string& p,
                            const std::string& msg) const {
    std::ostringstream os;
    os << *file;
    if (const auto* o = override_of(p)) {
      const std::string v = o->second.size() > 40 ? o->second.substr(0, 24) + "..." : o->second;
      os << ": --set " << o->first << "=" << v;
    } else if (m.line >= 0) {
      os << ":" << m.line + 1 << ":" << m.column + 1;  // Mark is 0-based
    }
    os << ": " << (p.empty() ? "(top level)" : p) << ": " << msg;
    throw ConfigError(os.str());
  }

  std::string child_path(const std::string& key) const {
    return path.empty() ? key : path + "." + key;
  }
  bool has(const std::string& key) const { return node.IsMap() && node[key]; }
  Entry at(const std::string& key) const {
    if (!has(key)) fail("missing required key '" + key + "'");
    return {node[key], child_path(key), file};
  }
  Entry item(std::size_t i) const { return {node[i], path + "[" + std::to_string(i) + "]", file}; }

  void expect_map() const {
    if (!node.IsMap()) fail("expected a mapping of keys to values");
  }

  /// Unknown keys are errors: a typo must not silently fall back to a default.
  /// Also refuses keys that are not plain names and keys given twice (YAML would keep one).
  void allow_only(std::initializer_list<const char*> keys) const {
    expect_map();
    std::set<std::string> ok(keys.begin(), keys.end());
    std::map<std::string, int> seen;  // key -> line
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar())
        fail_at(it->first.Mark(), path, "a key must be a plain name, not a list or a mapping");
      const std::string k = it->first.Scalar();
      const YAML::Mark mark = it->first.Mark();
      if (seen.count(k))
        fail_at(mark, child_path(k),
                "given twice (first at line " + std::to_string(seen[k]) + "); give it once");
      seen[k] = mark.line + 1;
      if (ok.count(k)) continue;
      std::string list;
      std::string suggestion;
      std::size_t best = 3;
      for (const auto& o : ok) {
        if (!list.empty()) list += ", ";
        list += o;
        const std::size_t d = edit_distance(k, o);
        if (d < best) {
          best = d;
          suggestion = o;
        }
      }
      fail_at(it->first.Mark(), child_path(k),
              "unknown key" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                  "; expected one of: " + list);
    }
  }

  static std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  }

  std::string scalar_text() const {
    if (!node.IsScalar()) fail("expected a single value");
    // Values are numbers with units and short names: a long one is a mistake, and is not
    // echoed back whole in any message.
    if (node.Scalar().size() > 200)
      fail("a value of " + std::to_string(node.Scalar().size()) + " characters (starting '" +
           node.Scalar().substr(0, 24) + "...'); values are numbers with units or short names");
    return node.Scalar();
  }
  /// The value in SI, finite and (unless negative where `positive` will say so) inside the
  /// kind's physical range.
  double quantity(Kind kind) const {
    try {
      const double v = units::parse(scalar_text(), kind);
      if (v > 0.0 || signed_kind(kind)) units::check_range(v, kind);
      return v;
    } catch (const units::UnitError& e) {
      fail(e.what());
    }
  }
  static bool signed_kind(Kind k) { return k == Kind::voltage || k == Kind::current_density; }
  std::string str() const { return scalar_text(); }
  std::int64_t integer() const {
    const std::string s = scalar_text();
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (end == s.c_str() || *end != '\0') fail("'" + s + "' is not an integer");
    return v;
  }
  double number() const { return quantity(Kind::dimensionless); }
};

inline double positive(const Entry& e, Kind kind) {
  const double v = e.quantity(kind);
  if (!(v > 0.0)) e.fail("must be positive, got " + e.scalar_text());
  return v;
}

inline int axis_index(const Entry& e) {
  const std::string s = e.str();
  if (s == "x") return 0;
  if (s == "y") return 1;
  if (s == "z") return 2;
  e.fail("'" + s + "' is not an axis; use x, y or z");
}

// ---- materials library --------------------------------------------------------------

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A file named in a case: a path (*.yaml) against the case's folder then inputs/, or a
/// name looked up as <folder>/<name>.yaml (lower case, other characters as _) beside the
/// case, then in inputs/<folder>/.
inline std::string find_library_file(const Entry& e, const std::string& case_dir,
                                     const std::string& folder) {
  namespace fs = std::filesystem;
  const std::string v = e.str();
  std::vector<fs::path> tries;
  if (v.size() > 5 && v.substr(v.size() - 5) == ".yaml") {
    tries = {fs::path(case_dir) / v, fs::path(inputs_dir()) / v};
  } else {
    std::string stem;
    for (char ch : v)
      stem += std::isalnum(static_cast<unsigned char>(ch)) ? char(std::tolower(ch)) : '_';
    tries = {fs::path(case_dir) / folder / (stem + ".yaml"),
             fs::path(inputs_dir()) / folder / (stem + ".yaml")};
  }
  for (const auto& t : tries)
    if (fs::exists(t)) return t.string();
  std::string where;
  for (const auto& t : tries) where += (where.empty() ? "" : ", ") + t.string();
  e.fail(std::string(folder == "materials" ? "no material file" : "no file") + " for '" + v +
         "' (looked for " + where + ")");
}

/// A material named in a case (materials/ beside the case, then inputs/materials/).
inline std::string find_material(const Entry& e, const std::string& case_dir) {
  return find_library_file(e, case_dir, "materials");
}

/// A material file's root entry, with errors naming that file.
struct MaterialFile {
  std::string path, text;
  YAML::Node root;
};

inline MaterialFile open_material(const Entry& ref, const std::string& path) {
  MaterialFile m{path, read_text(path), {}};
  try {
    m.root = YAML::Load(m.text);
  } catch (const YAML::Exception& ex) {
    ref.fail("material file " + path + ":" + std::to_string(ex.mark.line + 1) +
             ": YAML syntax: " + ex.msg);
  }
  return m;
}

/// {value, at, activation_energy, source, note} -> Arrhenius (source is required: every
/// number in the library says where it came from).
/// The transfer coefficient alpha of eq. (21): strictly between 0 and 1.
inline double read_transfer_coefficient(const Entry& e) {
  const double a = e.number();
  if (!(a > 0.0 && a < 1.0))
    e.fail("must lie strictly between 0 and 1 (the cathodic share of the overpotential)");
  return a;
}

inline Arrhenius read_arrhenius(const Entry& e, Kind kind, bool inverse = false) {
  e.allow_only(
      {"value", "resistance", "at", "activation_energy", "transfer_coefficient", "source", "note"});
  e.at("source");
  Arrhenius a;
  const double v =
      inverse ? positive(e.at("resistance"), Kind::area_resistance) : positive(e.at("value"), kind);
  a.ref = inverse ? 1.0 / v : v;
  a.t_ref = positive(e.at("at"), Kind::temperature);
  a.ea = e.has("activation_energy") ? e.at("activation_energy").quantity(Kind::activation_energy)
                                    : 0.0;
  if (a.ea < 0) e.at("activation_energy").fail("must not be negative");
  return a;
}

/// f_het in (0, 1] of a material file, with its source.
inline double read_nucleation_factor(const Entry& f) {
  f.allow_only({"value", "source", "note"});
  f.at("source");
  const double v = f.at("value").number();
  if (!(v > 0.0 && v <= 1.0)) f.at("value").fail("f_het must lie in (0, 1]");
  return v;
}

inline double sourced_value(const Entry& e, Kind kind) {
  e.allow_only({"value", "at", "source", "note"});
  e.at("source");
  return positive(e.at("value"), kind);
}

/// Find, parse and kind-check a material named by `ref`; `file` receives its path (errors
/// inside the material name that file).
inline MaterialFile open_material_of_kind(const Entry& ref, const std::string& case_dir,
                                          const std::string& kind, std::string& file) {
  file = find_material(ref, case_dir);
  MaterialFile mf = open_material(ref, file);
  const Entry m{mf.root, "", &file};
  if (m.at("kind").str() != kind)
    m.at("kind").fail("this file is of kind '" + m.at("kind").str() + "', not '" + kind + "'");
  return mf;
}

/// The `microstructure:` block of an electrodeposition case (src/io/config_microstructure.cpp),
/// read after the cell and grid.
void read_microstructure(const Entry& e, const std::string& case_dir, RunConfig& cfg);

}  // namespace dnd::config_detail
