// Parameter studies: points, claims, concurrent runs, the results table
// (include/dendrite/app/study.hpp; docs/model.md section 12).
#include "dendrite/app/study.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <thread>

#include "dendrite/app/protocol.hpp"
#include "dendrite/app/run.hpp"
#include "dendrite/io/config.hpp"
#include "dendrite/io/hdf5_file.hpp"

#if defined(DENDRITE_WITH_MPI)
#include <mpi.h>
#endif

namespace dnd {

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string point_dir(const StudySpec& s, const StudyPoint& p) {
  return s.output + "/points/" + p.id;
}

/// A JSON string value of a flat file written by us ("key": "text" or "key": number).
std::string json_value(const std::string& json, const std::string& key) {
  const std::string tag = "\"" + key + "\": ";
  const auto at = json.find(tag);
  if (at == std::string::npos) return {};
  std::size_t b = at + tag.size();
  if (json[b] == '"') {
    const auto e = json.find('"', b + 1);
    return json.substr(b + 1, e - b - 1);
  }
  const auto e = json.find_first_of(",}\n", b);
  return json.substr(b, e - b);
}

/// MPI rank and size when launched by mpirun (main initialised MPI), else 0 and 1.
void ranks(int& rank, int& size) {
  rank = 0;
  size = 1;
#if defined(DENDRITE_WITH_MPI)
  int up = 0, down = 0;
  MPI_Initialized(&up);
  MPI_Finalized(&down);
  if (up && !down) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
#endif
}

void barrier() {
#if defined(DENDRITE_WITH_MPI)
  int up = 0, down = 0;
  MPI_Initialized(&up);
  MPI_Finalized(&down);
  if (up && !down) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

/// The claim of a point: an exclusive flock on points/ID/claim, held by the study process
/// while the point runs, with "host pid" inside for `study status`. The kernel drops the
/// lock when its holder dies (kill -9 included), so no claim outlives its study, and the
/// holder writes result.json before it lets go (a later claimant re-checks it).
int take_claim(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;  // another job, rank, shard or worker runs it
  }
  const std::string me = host_name() + " " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != ssize_t(me.size())) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Who holds a claim now ("host pid"), or empty when nobody does.
std::string claim_holder(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string who;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    char buf[300] = {0};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    who = n > 0 ? std::string(buf, std::size_t(n)) : "unknown";
    while (!who.empty() && who.back() == '\n') who.pop_back();
  }
  ::close(fd);
  return who;
}

/// Environment of a point's run: without the MPI launcher's variables (the child is one
/// rank of its own, not a member of the study's job).
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    bool mpi = false;
    for (const char* p :
         {"OMPI_", "PMI_", "PMIX_", "MPI_LOCALNRANKS", "SLURM_STEP_NUM_TASKS", "HYDRA_", "I_MPI_"})
      if (v.rfind(p, 0) == 0) mpi = true;
    if (!mpi) env.push_back(v);
  }
  return env;
}

std::atomic_bool g_stop_study{false};
void on_stop(int) {
  g_stop_study = true;
}

struct Running {
  pid_t pid = 0;
  int claim = -1;  ///< the held claim's descriptor
  StudyPoint point;
  std::chrono::steady_clock::time_point start;
};

pid_t spawn_point(const StudySpec& s, const StudyPoint& p, const std::string& exe) {
  const std::string dir = point_dir(s, p);
  fs::create_directories(dir);
  std::vector<std::string> args{exe,       "run",       s.base,
                                "--quiet", "--resume",  "--output-dir",
                                dir,       "--threads", std::to_string(s.threads_per_point)};
  for (const std::string& o : p.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  const std::vector<std::string> env = child_environment();
  const std::string log = dir + "/log.txt";
  const pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(std::string("cannot start a point: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed study takes its points with it
    const int fd = ::open(log.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(exe.c_str(), argv.data(), envp.data());
    std::perror("exec");
    ::_exit(127);
  }
  return pid;
}

/// result.json of a point whose run ended (exit status rc): the run's CCD result when it
/// has one. Deterministic content only (no wall times), so tables compare byte for byte.
void write_result(const StudySpec& s, const StudyPoint& p, int rc) {
  const std::string dir = point_dir(s, p);
  const std::string ccd = slurp(dir + "/ccd.json");
  std::ostringstream os;
  os << "{\n  \"point\": " << json_string(p.id) << ",\n  \"index\": " << p.index
     << ",\n  \"status\": " << (rc == 0 ? "\"done\"" : "\"failed\"")
     << ",\n  \"exit_code\": " << rc;
  for (std::size_t a = 0; a < p.values.size(); ++a)
    os << ",\n  \"axis" << a << "\": " << json_string(p.values[a]);
  os << ",\n  \"replicate\": " << p.replicate << ",\n  \"seed\": " << p.seed;
  if (rc == 0 && !ccd.empty()) {
    os << ",\n  \"shorted\": " << json_value(ccd, "shorted")
       << ",\n  \"ccd_A_m2\": " << json_value(ccd, "ccd_A_m2")
       << ",\n  \"end_time_s\": " << json_value(ccd, "end_time_s");
    std::string first = "none";
    double t_first = 1e300;
    for (const char* d : {"metal_path", "electronic_fraction", "voltage_collapse"}) {
      const auto at = ccd.find(std::string("\"") + d + "\": {");
      if (at == std::string::npos) continue;
      const double t = std::stod(json_value(ccd.substr(at), "time_s"));
      if (t < t_first) t_first = t, first = d;
    }
    os << ",\n  \"first_detector\": " << json_string(first);
  } else if (rc != 0) {
    std::string log = slurp(dir + "/log.txt");
    const auto e = log.find("error:");
    log = e == std::string::npos ? log.substr(0, 200) : log.substr(e, 200);
    os << ",\n  \"error\": " << json_string(log);
  }
  os << "\n}\n";
  h5::write_text_atomic(dir + "/result.json", os.str());
}

/// The study's identity in its folder: a rerun of another study there is refused.
void check_folder(const StudySpec& s) {
  fs::create_directories(s.output + "/points");
  const std::string id_path = s.output + "/study.yaml";
  if (fs::exists(id_path)) {
    if (slurp(id_path) != s.text)
      throw std::runtime_error(s.output + " holds the results of another study (" + id_path +
                               " differs from " + s.path +
                               "): give this study another output folder, or remove that one");
    return;
  }
  h5::write_text_atomic(id_path, s.text);
}

}  // namespace

std::vector<StudyPoint> study_points(const StudySpec& s) {
  std::vector<StudyPoint> pts;
  const std::size_t n0 = s.axes.size() > 0 ? s.axes[0].values.size() : 1;
  const std::size_t n1 = s.axes.size() > 1 ? s.axes[1].values.size() : 1;
  for (std::size_t a = 0; a < n0; ++a)
    for (std::size_t b = 0; b < n1; ++b)
      for (int r = 0; r < s.replicates; ++r) {
        StudyPoint p;
        p.index = int(pts.size());
        char id[16];
        std::snprintf(id, sizeof id, "p%04d", p.index);
        p.id = id;
        p.replicate = r;
        p.seed = s.first_seed + std::uint64_t(r);
        if (s.axes.size() > 0) p.values.push_back(s.axes[0].values[a]);
        if (s.axes.size() > 1) p.values.push_back(s.axes[1].values[b]);
        for (std::size_t k = 0; k < p.values.size(); ++k)
          p.overrides.push_back(s.axes[k].key + "=" + p.values[k]);
        if (s.replicates > 1) p.overrides.push_back(s.seed_key + "=" + std::to_string(p.seed));
        pts.push_back(p);
      }
  return pts;
}

void write_study_table(const StudySpec& s) {
  std::ostringstream os;
  os << "point";
  for (const StudyAxis& a : s.axes) os << "," << a.key;
  os << ",replicate,seed,status,shorted,ccd_A_m2,first_detector,end_time_s\n";
  for (const StudyPoint& p : study_points(s)) {
    const std::string r = slurp(point_dir(s, p) + "/result.json");
    if (r.empty()) continue;
    os << p.id;
    for (const std::string& v : p.values)
      os << "," << (v.find_first_of(",\"") != std::string::npos ? json_string(v) : v);
    os << "," << p.replicate << "," << p.seed << "," << json_value(r, "status") << ","
       << json_value(r, "shorted") << "," << json_value(r, "ccd_A_m2") << ","
       << json_value(r, "first_detector") << "," << json_value(r, "end_time_s") << "\n";
  }
  h5::write_text_atomic(s.output + "/results.csv", os.str());
}

int run_study(const StudySpec& s, const StudyOptions& o, std::ostream& out, std::ostream& err) {
  int rank = 0, size = 1;
  ranks(rank, size);
  // MPI ranks are shards that take points as they free up (claims), over any shard split.
  check_folder(s);
  const std::vector<StudyPoint> all = study_points(s);
  // Every axis value is read as a case before anything runs: a bad value is refused by the
  // study file's line, not found hours later.
  if (rank == 0) {
    for (std::size_t a = 0; a < s.axes.size(); ++a)
      for (std::size_t v = 0; v < s.axes[a].values.size(); ++v) {
        std::vector<std::string> one{s.axes[a].key + "=" + s.axes[a].values[v]};
        for (std::size_t b = 0; b < s.axes.size(); ++b)
          if (b != a) one.push_back(s.axes[b].key + "=" + s.axes[b].values[0]);
        if (s.replicates > 1) one.push_back(s.seed_key + "=" + std::to_string(s.first_seed));
        try {
          load_config(s.base, one);
        } catch (const ConfigError& e) {
          throw ConfigError(s.axes[a].where[v] + ": axes[" + std::to_string(a) + "] (" +
                            s.axes[a].key + " = " + s.axes[a].values[v] + "): " + e.what());
        }
      }
  }
  barrier();
  std::vector<StudyPoint> mine;
  for (const StudyPoint& p : all)
    if (p.index % o.shards == o.shard &&
        (o.only.empty() || std::find(o.only.begin(), o.only.end(), p.id) != o.only.end()))
      mine.push_back(p);
  for (const std::string& id : o.only)
    if (std::none_of(all.begin(), all.end(), [&](const StudyPoint& p) { return p.id == id; }))
      throw ConfigError(s.path + ": no point " + id + " (the study has p0000 to p" +
                        all.back().id.substr(1) + ")");
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1, cores / (size * s.threads_per_point));
  const std::string exe =
      o.executable.empty() ? fs::read_symlink("/proc/self/exe").string() : o.executable;
  if (!o.quiet && rank == 0)
    out << "study " << s.path << ": " << all.size() << " points (" << mine.size()
        << " in this shard), " << jobs << " at a time per rank, " << size << " rank(s); base "
        << s.base << "; results in " << s.output << "\n";
  g_stop_study = false;
  // Without SA_RESTART, so the wait below returns and passes SIGTERM on to the points.
  struct sigaction stop_action = {}, old_int = {}, old_term = {};
  stop_action.sa_handler = on_stop;
  sigemptyset(&stop_action.sa_mask);
  sigaction(SIGINT, &stop_action, &old_int);
  sigaction(SIGTERM, &stop_action, &old_term);
  std::vector<Running> running;
  std::size_t next = 0;
  int failed = 0, ran = 0;
  auto done = [&](const StudyPoint& p) {
    const std::string r = slurp(point_dir(s, p) + "/result.json");
    if (r.empty()) return false;
    return !(o.retry_failed && json_value(r, "status") == "failed");
  };
  while (true) {
    // Start points while slots are free.
    while (!g_stop_study && int(running.size()) < jobs && next < mine.size()) {
      const StudyPoint& p = mine[next++];
      if (done(p)) continue;
      fs::create_directories(point_dir(s, p));
      const int claim = take_claim(point_dir(s, p) + "/claim");
      if (claim < 0) continue;  // another job, rank, shard or worker has it
      if (done(p)) {            // finished between the check and the claim
        ::close(claim);
        continue;
      }
      if (o.retry_failed) fs::remove(point_dir(s, p) + "/result.json");
      running.push_back({spawn_point(s, p, exe), claim, p, std::chrono::steady_clock::now()});
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) {
        for (const Running& r : running) ::kill(r.pid, SIGTERM);  // they checkpoint and stop
        continue;
      }
      break;
    }
    const auto it = std::find_if(running.begin(), running.end(),
                                 [&](const Running& r) { return r.pid == pid; });
    if (it == running.end()) continue;
    const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - it->start).count();
    const bool interrupted = g_stop_study.load();
    if (!interrupted) {
      write_result(s, it->point, rc);
      ++ran;
      if (rc != 0) ++failed;
    }
    ::close(it->claim);  // after result.json: the next claimant sees the point finished
    if (!o.quiet) {
      out << "  " << it->point.id;
      for (std::size_t a = 0; a < it->point.values.size(); ++a)
        out << "  " << s.axes[a].key << " = " << it->point.values[a];
      if (s.replicates > 1) out << "  seed " << it->point.seed;
      out << ": "
          << (interrupted ? "stopped (resumes on the next run)"
              : rc == 0   ? "done"
                          : "FAILED (see its log.txt)")
          << " in " << std::lround(wall) << " s\n";
    }
    running.erase(it);
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  barrier();
  std::size_t finished = 0;
  for (const StudyPoint& p : all)
    if (fs::exists(point_dir(s, p) + "/result.json")) ++finished;
  if (rank == 0) {
    write_study_table(s);
    if (!o.quiet)
      out << (g_stop_study ? "stopped: " : "") << finished << " of " << all.size()
          << " points finished (" << ran << " run now, " << failed << " failed); table " << s.output
          << "/results.csv\n";
  }
  if (g_stop_study) err << "study stopped; rerun the same command to go on\n";
  return failed == 0 && !g_stop_study ? 0 : 1;
}

int study_status(const StudySpec& s, std::ostream& out) {
  std::size_t done = 0, failed = 0, running = 0, left = 0;
  std::ostringstream list;
  for (const StudyPoint& p : study_points(s)) {
    const std::string dir = point_dir(s, p);
    const std::string r = slurp(dir + "/result.json");
    if (!r.empty()) {
      (json_value(r, "status") == "failed" ? failed : done) += 1;
    } else if (const std::string who = claim_holder(dir + "/claim"); !who.empty()) {
      ++running;
      list << "  running " << p.id << " (claimed by " << who << ")\n";
    } else {
      ++left;
    }
  }
  out << s.path << ": " << done << " done, " << failed << " failed, " << running << " running, "
      << left << " left (of " << done + failed + running + left << ")\n"
      << list.str();
  // The table from what is finished now: jobs of a Slurm array or an ensemble manager that
  // finish together may each have written it before the other's point was done.
  if (fs::exists(s.output + "/points")) {
    write_study_table(s);
    out << "table " << s.output << "/results.csv\n";
  }
  return 0;
}

namespace {

const char* kStudyHelp =
    "usage: dendrite study run STUDY.yaml [--jobs N] [--shard K/N] [--point ID]\n"
    "                                     [--retry-failed] [--quiet]\n"
    "       dendrite study status STUDY.yaml\n"
    "       dendrite study points STUDY.yaml\n"
    "\n"
    "A study runs its base case at every point of up to two axes (any key path of the case;\n"
    "a list of values, or linear / log ranges) times its replicate seeds, each point as\n"
    "'dendrite run BASE --set KEY=VALUE ...' in OUTPUT/points/ID/. A point is finished when\n"
    "its result.json exists; a rerun skips finished points and resumes started ones from\n"
    "their checkpoints, so a killed study loses nothing. OUTPUT/results.csv lists every\n"
    "finished point (postprocess/plot_ccd_map.py draws it).\n"
    "\n"
    "  --jobs N        points at a time (default: cores / threads_per_point)\n"
    "  --shard K/N     run only the points with index % N == K (Slurm job arrays:\n"
    "                  scripts/slurm-study); under mpirun each rank takes points as it frees up\n"
    "  --point ID      run only this point (repeatable; for ensemble managers such as\n"
    "                  libEnsemble: scripts/libensemble_study.py)\n"
    "  --retry-failed  run failed points again\n"
    "  --quiet         no line per point\n"
    "\n"
    "'dendrite study points STUDY.yaml' lists the points: id, then each axis value.\n"
    "'dendrite study status' also rewrites results.csv from the finished points (after a\n"
    "Slurm array or an ensemble manager whose last jobs finished together).\n";

}  // namespace

int study_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << kStudyHelp;
    return args.empty() ? 2 : 0;
  }
  const std::string what = args[0];
  if (what != "run" && what != "status" && what != "points") {
    err << "dendrite study: unknown subcommand '" << what << "'\n" << kStudyHelp;
    return 2;
  }
  StudyOptions o;
  std::string path;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= args.size())
        throw ConfigError(std::string("dendrite study: ") + name + " needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      out << kStudyHelp;
      return 0;
    } else if (a == "--jobs") {
      o.jobs = std::atoi(value("--jobs").c_str());
      if (o.jobs < 1) throw ConfigError("dendrite study: --jobs needs a positive number");
    } else if (a == "--shard") {
      const std::string v = value("--shard");
      const auto slash = v.find('/');
      if (slash == std::string::npos)
        throw ConfigError("dendrite study: --shard needs K/N (e.g. 0/4)");
      o.shard = std::atoi(v.substr(0, slash).c_str());
      o.shards = std::atoi(v.substr(slash + 1).c_str());
      if (o.shards < 1 || o.shard < 0 || o.shard >= o.shards)
        throw ConfigError("dendrite study: --shard K/N needs 0 <= K < N");
    } else if (a == "--point") {
      o.only.push_back(value("--point"));
    } else if (a == "--retry-failed") {
      o.retry_failed = true;
    } else if (a == "--quiet" || a == "-q") {
      o.quiet = true;
    } else if (!a.empty() && a[0] == '-') {
      err << "dendrite study: unknown option '" << a << "'\n" << kStudyHelp;
      return 2;
    } else if (path.empty()) {
      path = a;
    } else {
      err << "dendrite study: one study file, got '" << path << "' and '" << a << "'\n";
      return 2;
    }
  }
  if (path.empty()) {
    err << "dendrite study: no study file given\n" << kStudyHelp;
    return 2;
  }
  const StudySpec s = load_study(path);
  if (what == "points") {
    for (const StudyPoint& p : study_points(s)) {
      out << p.id;
      for (const std::string& v : p.values) out << "\t" << v;
      if (s.replicates > 1) out << "\tseed " << p.seed;
      out << "\n";
    }
    return 0;
  }
  return what == "run" ? run_study(s, o, out, err) : study_status(s, out);
}

}  // namespace dnd
