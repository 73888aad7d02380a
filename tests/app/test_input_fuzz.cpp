// Mutants of every shipped example (issue 14, items 3-4): each scalar value of each case is
// replaced by values that are out of range, non-finite, of the wrong kind or of the wrong
// shape. Every mutant is either refused with file:line:col and a key path, or accepted; an
// accepted mutant of a small example then runs a few steps, without a crash or a hang,
// and writes only finite scalars.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "dendrite/app/run.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Positions [begin, end) of every scalar value written as `key: value` (block or flow style).
std::vector<std::pair<std::size_t, std::size_t>> scalar_values(const std::string& text) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const std::regex value(R"(([A-Za-z_][A-Za-z0-9_]*): +([^\s{\[#,}\]][^#,}\]\n]*))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), value);
       it != std::sregex_iterator(); ++it) {
    std::size_t b = std::size_t(it->position(2)), e = b + std::size_t(it->length(2));
    while (e > b && text[e - 1] == ' ') --e;
    out.emplace_back(b, e);
  }
  return out;
}

/// Only the last line of each scalar table row that holds numbers, all finite.
bool scalars_finite(const fs::path& csv) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ','))
      if (!std::isfinite(std::strtod(cell.c_str(), nullptr))) return false;
  }
  return true;
}

TEST(InputFuzz, EveryMutantOfEveryExampleIsRefusedByNameOrRunsFinite) {
  const std::vector<std::string> mutants{"0",      "-1",    "1e400",      "nan",    "0x10",
                                         "1e-300", "1e300", "\"\"",       "[1, 2]", "{a: 1}",
                                         "1 m",    "-5 um", "1e9 mA/cm^2"};
  // Accepted mutants of these run a few steps; the others are only read.
  const std::vector<std::string> run_these{"nzsp_2d.yaml", "nzsp_2d_2mA.yaml",
                                           "na_islands_2d.yaml"};
  const fs::path examples = fs::path(inputs_dir()) / "examples";
  const fs::path work = fs::temp_directory_path() / ("dendrite_fuzz_" + std::to_string(::getpid()));
  int refused = 0, accepted = 0, ran = 0;
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name = entry.path().filename().string();
    const std::string text = slurp(entry.path());
    const bool runs = std::find(run_these.begin(), run_these.end(), name) != run_these.end();
    // Value mutants, then structural ones: a key given twice, a key that is a list, a second
    // document, UTF-16 bytes, a value of a million characters.
    std::vector<std::pair<std::string, std::string>> cases;  // (description, text)
    for (const auto& [b, e] : scalar_values(text))
      for (const std::string& m : mutants)
        cases.emplace_back(
            std::string(1, '\'').append(text, b, e - b).append("' -> '").append(m).append("'"),
            text.substr(0, b) + m + text.substr(e));
    const std::regex block_key(R"((^|\n)( *)([A-Za-z_]+):( [^\n]*)?)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), block_key);
         it != std::sregex_iterator(); ++it) {
      const std::size_t b = std::size_t(it->position(0)) + it->str(1).size();
      const std::size_t e = std::size_t(it->position(0) + it->length(0));
      const std::string line = text.substr(b, e - b), indent = it->str(2), key = it->str(3);
      cases.emplace_back("line '" + line + "' twice",
                         text.substr(0, e) + "\n" + line + text.substr(e));
      cases.emplace_back("key [" + key + "]", text.substr(0, b) + indent + "[" + key + "]" +
                                                  text.substr(b + indent.size() + key.size()));
    }
    cases.emplace_back("a second document", text + "\n---\nmodel: liquid\n");
    std::string utf16(2, '\xff');
    utf16[1] = '\xfe';
    utf16 += text;
    cases.emplace_back("UTF-16", utf16);
    cases.emplace_back("a long value", text + "\nprogress_every: " + std::string(1000000, '9'));
    for (const auto& [description, mutated] : cases) {
      {
        // Same folder as the example, so materials and scripts resolve as they do for it.
        const std::string path = entry.path().string();
        const std::string what = name + " with " + description.substr(0, 200);
        RunConfig cfg;
        try {
          cfg = parse_config(mutated, path);
        } catch (const ConfigError& err) {
          const std::string msg = err.what();
          ++refused;
          EXPECT_EQ(msg.rfind(path + ":", 0), 0u) << what << ": " << msg;
          EXPECT_TRUE(std::regex_search(msg, std::regex(R"(^[^:]+:\d+:\d+: [A-Za-z_(])")))
              << what << ": " << msg;
          EXPECT_LT(msg.size(), 1200u) << what << ": the message quotes too much";
          continue;
        } catch (const std::exception& other) {
          ADD_FAILURE() << what << ": not a configuration error: " << other.what();
          continue;
        }
        ++accepted;
        if (!runs || cfg.insitu.scripts.size() > 0) continue;
        cfg.output.dir = (work / std::to_string(ran)).string();
        cfg.time.max_steps = 3;
        cfg.output.scalars_every = 1;
        cfg.checkpoint.every_wall = 0;
        RunOptions quiet;
        quiet.quiet = true;
        std::ostringstream log;
        try {
          run_case(cfg, quiet, log);
          EXPECT_TRUE(scalars_finite(fs::path(cfg.output.dir) / "scalars.csv")) << what;
        } catch (const std::exception& err) {
          // A run may stop on a numerical limit, but it must say which quantity.
          EXPECT_GT(std::string(err.what()).size(), 20u) << what << ": " << err.what();
        }
        ++ran;
        fs::remove_all(cfg.output.dir);
      }
    }
  }
  fs::remove_all(work);
  std::printf("  %d mutants refused, %d accepted, %d of them run 3 steps\n", refused, accepted,
              ran);
  EXPECT_GT(refused, 200);
  EXPECT_GT(ran, 20);
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

TEST(ShippedExamples, EveryExampleRunsItsFirstSteps) {
  // Issue 14, item 2: parsing is not running. Each example as shipped takes two steps (the
  // in-situ one is run with its pipelines by tests/python/test_insitu.py).
  namespace fs = std::filesystem;
  const fs::path work =
      fs::temp_directory_path() / ("dendrite_examples_" + std::to_string(::getpid()));
  int ran = 0;
  for (const auto& e : fs::directory_iterator(fs::path(inputs_dir()) / "examples")) {
    if (e.path().extension() != ".yaml") continue;
    RunConfig cfg;
    try {
      cfg = load_config(e.path().string());
    } catch (const ConfigError& err) {
      if (std::string(err.what()).find("ParaView Catalyst") == std::string::npos)
        ADD_FAILURE() << err.what();
      continue;
    }
    if (!cfg.insitu.scripts.empty()) continue;
    cfg.output.dir = (work / e.path().stem()).string();
    cfg.time.max_steps = 2;
    cfg.checkpoint.every_wall = 0;
    RunOptions quiet;
    quiet.quiet = true;
    std::ostringstream log;
    const RunSummary s = run_case(cfg, quiet, log);
    EXPECT_EQ(s.steps, 2) << e.path();
    EXPECT_TRUE(scalars_finite(fs::path(cfg.output.dir) / "scalars.csv")) << e.path();
    ++ran;
  }
  fs::remove_all(work);
  EXPECT_GE(ran, 6);
}

}  // namespace
}  // namespace dnd
