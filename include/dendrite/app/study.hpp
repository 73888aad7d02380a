#pragma once
/// \file study.hpp
/// Parameter studies (issue 13; docs/model.md section 12): a base case, up to two axes of any
/// config key path, and replicate microstructure seeds. Every point is the base case with
/// `--set` overrides, run as its own `dendrite run` in OUTPUT/points/ID/, and finished when
/// its result.json exists (written atomically after the run). A rerun skips finished points
/// and resumes started ones from their checkpoints; points are claimed by a file lock, so
/// concurrent jobs, MPI ranks and Slurm shards never run one twice.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace dnd {

struct StudyAxis {
  std::string key;                  ///< config key path, e.g. cell.temperature
  std::vector<std::string> values;  ///< YAML text of each value, e.g. "25 degC"
  std::vector<std::string> where;   ///< "file:line:col" of each value (for messages)
};

struct StudySpec {
  std::string path;  ///< the study file
  std::string text;  ///< its text (identifies the study's results)
  std::string base;  ///< the base case file (resolved)
  std::vector<StudyAxis> axes;
  int replicates = 1;
  std::string seed_key;  ///< key set to first_seed + replicate ("" : no replicates)
  std::uint64_t first_seed = 1;
  std::string output;         ///< results folder (resolved)
  int threads_per_point = 1;  ///< OpenMP threads of each point's run
};

struct StudyPoint {
  int index = 0;
  std::string id;                   ///< "p0007"
  std::vector<std::string> values;  ///< one per axis
  int replicate = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> overrides;  ///< KEY=VALUE for `dendrite run --set`
};

/// Read a study file. Throws ConfigError naming file:line:col and the key.
StudySpec load_study(const std::string& path);
/// Every point, axes row-major then replicates.
std::vector<StudyPoint> study_points(const StudySpec& s);

struct StudyOptions {
  int jobs = 0;    ///< concurrent points on this process (0: cores / threads_per_point)
  int shard = 0;   ///< this shard's index ...
  int shards = 1;  ///< ... of this many (points with index % shards == shard)
  std::vector<std::string> only;  ///< run just these point ids (an ensemble manager's work unit)
  bool retry_failed = false;
  bool quiet = false;
  std::string executable;  ///< the dendrite binary to run points with (default: this one)
};

/// Run the study's points that are not finished; write OUTPUT/results.csv when every point
/// is. Returns 0 when all this process's points succeeded.
int run_study(const StudySpec& s, const StudyOptions& o, std::ostream& out, std::ostream& err);
/// Print done / failed / running / left, with the running points' claims.
int study_status(const StudySpec& s, std::ostream& out);
/// Write OUTPUT/results.csv from the finished points (atomically; rows by point).
void write_study_table(const StudySpec& s);

/// `dendrite study run|status STUDY.yaml [options]`.
int study_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace dnd
