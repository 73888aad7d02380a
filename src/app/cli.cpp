#include "dendrite/app/cli.hpp"
#include "dendrite/io/version.hpp"

#include <cmath>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "dendrite/app/bench.hpp"
#include "dendrite/app/microstructure_cli.hpp"
#include "dendrite/app/run.hpp"
#include "dendrite/app/study.hpp"
#include "dendrite/core/memory.hpp"
#include "dendrite/io/config.hpp"
#include "dendrite/io/units.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace dnd {

namespace {

const char* kHelp =
    "dendrite - phase-field solver for metal filament growth in solid electrolytes\n"
    "\n"
    "usage:\n"
    "  dendrite run CASE.yaml [options]   run a case (see inputs/examples/)\n"
    "  dendrite check CASE.yaml           read and validate a case, print what it would run\n"
    "  dendrite bench [CASE ...]          time the kernels (cell-updates/s, bandwidth)\n"
    "  dendrite microstructure FILE.yaml  generate or import a microstructure, write it for\n"
    "                                     ParaView (HDF5/XDMF) and as TIFF stacks\n"
    "  dendrite effective FILE.yaml       effective conductivities and tortuosity of a case's\n"
    "                                     or a microstructure file's electrolyte\n"
    "  dendrite study run|status STUDY.yaml  run a parameter study (CCD maps; see\n"
    "                                     inputs/studies/ and 'dendrite study --help')\n"
    "  dendrite --help | --version\n"
    "\n"
    "'dendrite run --help' lists the run options. Values in case files carry their units\n"
    "(\"40 um\", \"30 degC\", \"0.5 mA/cm^2\"); a bare number is SI. Outputs go to\n"
    "output.dir: <name>.xmf (open in ParaView), fields/*.h5, scalars.csv, checkpoint/.\n";

const char* kRunHelp =
    "usage: dendrite run CASE.yaml [options]\n"
    "\n"
    "options:\n"
    "  --quiet            no progress lines (errors are still printed)\n"
    "  --resume           continue from OUTPUT_DIR/checkpoint/checkpoint.h5 if it exists\n"
    "  --restart FILE     continue from the checkpoint FILE\n"
    "  --output-dir DIR   write outputs to DIR instead of the case's output.dir\n"
    "  --set KEY=VALUE    override one key of the case, validated like the file\n"
    "                     (e.g. --set control.current_density=\"1 mA/cm^2\"; repeatable)\n"
    "  --threads N        OpenMP threads (CPU backend; default: all cores)\n"
    "\n"
    "The run prints one progress line every few seconds (step, simulated time, dt, wall\n"
    "time, ETA). Electrodeposition cases choose dt per step from accuracy targets\n"
    "(time: {dt: auto, front_move: 0.1, control_change: 0.01, dt_max: ...}; docs/model.md,\n"
    "section 8) unless time.dt is given. Ctrl-C stops at the next step boundary after writing a "
    "checkpoint; rerun\n"
    "with --resume to continue. A restarted run ends bit-identical to an uninterrupted one\n"
    "(same backend and thread count).\n";

const char* kBenchHelp =
    "usage: dendrite bench [CASE ...] [--scale S]\n"
    "\n"
    "cases: ac2d-peer (2D 512^2 Allen-Cahn, 1000 steps, the peer-comparable case), ac3d\n"
    "(256^3), poisson2d (1024^2 variable-coefficient MG-PCG solve), poisson3d (128^3), ed2d\n"
    "(a coupled electrodeposition step of the explicit chen2015 form, 256 x 128 cells,\n"
    "potentials solved every step), hold (a 30-min galvanostatic hold at 0.5 mA/cm^2 on the\n"
    "example's 90 x 40 cell: simulated seconds per wall second and steps, chen2015 against\n"
    "the adaptive gibbs_thomson form), lq2d (a liquid-electrolyte step of the Hong &\n"
    "Viswanathan benchmark, 400 x 200 cells), props (the per-cell conductivities of eq. 25\n"
    "from a phase id and table against two stored fields, 256^3).\n"
    "--scale S (0 < S <= 4) multiplies the sizes of every case but ac2d-peer: S < 1 for a\n"
    "quick look, S = 2 to fill a GPU (ac3d 512^3, poisson2d 2048^2). Each line reports\n"
    "cell-updates per second and bandwidth as a fraction of a copy measured in the same run.\n";

struct Args {
  std::vector<std::string> items;
  std::size_t pos = 0;
  bool more() const { return pos < items.size(); }
  const std::string& next() { return items[pos++]; }
};

int usage_error(std::ostream& err, const std::string& msg, const char* help) {
  err << "dendrite: " << msg << "\n\n" << help;
  return 2;
}

void set_threads(int n) {
#if defined(_OPENMP)
  if (n > 0) omp_set_num_threads(n);
#else
  (void)n;
#endif
}

int cmd_run(Args& a, std::ostream& out, std::ostream& err, bool check_only) {
  std::string path;
  RunOptions opt;
  std::string outdir;
  std::vector<std::string> overrides;
  while (a.more()) {
    const std::string s = a.next();
    if (s == "--help" || s == "-h") {
      out << kRunHelp;
      return 0;
    } else if (s == "--quiet" || s == "-q") {
      opt.quiet = true;
    } else if (s == "--resume") {
      opt.resume = true;
    } else if (s == "--restart") {
      if (!a.more()) return usage_error(err, "--restart needs a checkpoint file", kRunHelp);
      opt.restart_path = a.next();
    } else if (s == "--output-dir") {
      if (!a.more()) return usage_error(err, "--output-dir needs a directory", kRunHelp);
      outdir = a.next();
    } else if (s == "--threads") {
      if (!a.more()) return usage_error(err, "--threads needs a number", kRunHelp);
      const int n = std::atoi(a.next().c_str());
      if (n < 1) return usage_error(err, "--threads needs a positive number", kRunHelp);
      set_threads(n);
    } else if (s == "--set") {
      if (!a.more()) return usage_error(err, "--set needs KEY.PATH=VALUE", kRunHelp);
      overrides.push_back(a.next());
    } else if (s.rfind("--set=", 0) == 0) {
      overrides.push_back(s.substr(6));
    } else if (s == "--stop-after") {  // testing aid: behave as if killed after N steps
      if (!a.more()) return usage_error(err, "--stop-after needs a step count", kRunHelp);
      opt.stop_after = std::atoll(a.next().c_str());
    } else if (!s.empty() && s[0] == '-') {
      return usage_error(err, "unknown option '" + s + "'", kRunHelp);
    } else if (path.empty()) {
      path = s;
    } else {
      return usage_error(err, "only one case file, got '" + path + "' and '" + s + "'", kRunHelp);
    }
  }
  if (path.empty()) return usage_error(err, "no case file given", kRunHelp);
  RunConfig cfg = load_config(path, overrides);
  if (!outdir.empty()) cfg.output.dir = outdir;
  if (check_only) {
    out << path << ": OK\n  model " << cfg.model << ", " << cfg.grid.dim << "D, "
        << cfg.grid.cells() << " cells, ";
    if (cfg.time.adaptive)  // the step count is the controller's: only a bound is known
      out << "dt adaptive (<= " << format_sim_time(cfg, cfg.time.dt_max) << ", at least "
          << std::int64_t(std::ceil(cfg.time.end / cfg.time.dt_max)) << " steps) to ";
    else
      out << "dt " << format_sim_time(cfg, cfg.time.dt) << ", "
          << std::int64_t(std::ceil(cfg.time.end / cfg.time.dt)) << " steps to ";
    out << format_sim_time(cfg, cfg.time.end) << ", about " << estimated_bytes(cfg) / (1 << 20)
        << " MiB (" << std::lround(bytes_per_cell(cfg)) << " bytes per cell)\n  output "
        << cfg.output.dir << "\n";
    if (cfg.microstructure.present) out << microstructure_text(cfg) << "\n";
    return 0;
  }
  const RunSummary s = run_case(cfg, opt, out);
  return s.completed || opt.stop_after > 0 ? 0 : 1;
}

int cmd_bench(Args& a, std::ostream& out, std::ostream& err) {
  BenchOptions opt;
  while (a.more()) {
    const std::string s = a.next();
    if (s == "--help" || s == "-h") {
      out << kBenchHelp;
      return 0;
    } else if (s == "--scale") {
      if (!a.more()) return usage_error(err, "--scale needs a number", kBenchHelp);
      opt.scale = std::atof(a.next().c_str());
      if (!(opt.scale > 0 && opt.scale <= 4))
        return usage_error(err, "--scale must be in (0, 4]", kBenchHelp);
    } else if (s == "--threads") {
      if (!a.more()) return usage_error(err, "--threads needs a number", kBenchHelp);
      set_threads(std::atoi(a.next().c_str()));
    } else if (!s.empty() && s[0] == '-') {
      return usage_error(err, "unknown option '" + s + "'", kBenchHelp);
    } else {
      opt.cases.push_back(s);
    }
  }
  return run_bench(opt, out);
}

}  // namespace

int dendrite_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  Args a;
  for (int i = 1; i < argc; ++i) a.items.emplace_back(argv[i]);
  if (!a.more()) {
    err << kHelp;
    return 2;
  }
  const std::string cmd = a.next();
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      out << kHelp;
      return 0;
    }
    if (cmd == "--version") {
      out << "dendrite " << version() << " (" << backend_name << ", " << precision_name
          << " precision)\n";
      return 0;
    }
    if (cmd == "run") return cmd_run(a, out, err, false);
    if (cmd == "check") return cmd_run(a, out, err, true);
    if (cmd == "bench") return cmd_bench(a, out, err);
    if (cmd == "study") {
      const std::vector<std::string> rest(a.items.begin() + std::ptrdiff_t(a.pos), a.items.end());
      return study_command(rest, out, err);
    }
    if (cmd == "microstructure" || cmd == "effective") {
      const std::vector<std::string> rest(a.items.begin() + std::ptrdiff_t(a.pos), a.items.end());
      return cmd == "microstructure" ? microstructure_command(rest, out, err)
                                     : effective_command(rest, out, err);
    }
    return usage_error(err, "unknown command '" + cmd + "'", kHelp);
  } catch (const ConfigError& e) {
    err << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "dendrite: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace dnd
