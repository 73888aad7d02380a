// The run driver: time loop, outputs, checkpoints and restarts for any Simulation. Host
// code only: every kernel launch lives in the model and solver sources.
#include "dendrite/app/run.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <memory>
#include <sstream>

#include "dendrite/app/progress.hpp"
#include "dendrite/app/protocol.hpp"
#include "dendrite/app/simulation.hpp"
#include "dendrite/io/checkpoint.hpp"
#include "dendrite/io/hdf5_file.hpp"
#include "dendrite/io/insitu.hpp"
#include "dendrite/io/output.hpp"
#include "dendrite/io/units.hpp"
#include "dendrite/microstructure/microstructure.hpp"

namespace dnd {

namespace {

/// After an accepted step [t - h, t] of a current ramp: log it, run the detectors, and at a
/// segment's end apply the next current. Returns why the run ends now, or empty: the metal
/// path ends it at once; a soft short at the end of its current step (so that each
/// detector may fire in that step, as a cycler would record it).
std::string follow_protocol(CurrentRamp& ramp, Simulation& sim, double t, double h,
                            const std::string& metal_path) {
  ramp.record(t, h, sim.reading());
  if (!metal_path.empty()) ramp.metal_path(t, metal_path);
  if (ramp.shorted() && ramp.should_stop(t))
    return metal_path.empty() ? "the cell shorted (" + ramp.first()->detail + ")" : metal_path;
  const std::size_t now = ramp.segment_at(t), during = ramp.segment_at(t - 0.5 * h);
  if (now != during) sim.set_applied_current(ramp.segments()[now].current, true);
  return {};
}

/// The first line of a message (a numerical stop's reason without its advice).
std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

/// A write killed half-way (kill -9, a crash) leaves "<name>.tmp-<pid>": no run reads them,
/// and they would pile up. Removed at start, unless the process that writes them is alive.
void remove_abandoned_temporaries(const std::string& dir) {
  namespace fs = std::filesystem;
  for (const char* sub : {"", "/fields", "/checkpoint"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir + sub, ec)) {
      const std::string name = e.path().filename().string();
      const auto at = name.rfind(".tmp-");
      if (at == std::string::npos) continue;
      const std::string pid = name.substr(at + 5);
      if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos)
        continue;
      const pid_t writer = pid_t(std::stol(pid));
      if (writer == ::getpid() || (::kill(writer, 0) != 0 && errno == ESRCH))
        fs::remove(e.path(), ec);
    }
  }
}

std::atomic<bool> g_stop{false};

std::vector<std::string> table_columns(const Simulation& sim) {
  std::vector<std::string> c{"step", "time_s", "dt_s"};
  for (const auto& m : sim.columns()) c.push_back(m);
  return c;
}

}  // namespace

void request_stop() {
  g_stop = true;
}

RunSummary run_case(const RunConfig& cfg, const RunOptions& opt, std::ostream& log) {
  g_stop = false;
  namespace fs = std::filesystem;
  const std::string dir = cfg.output.dir;
  fs::create_directories(dir);
  const std::string ckpt_path = dir + "/checkpoint/checkpoint.h5";
  const std::string table_path = dir + "/scalars.csv";
  // A current ramp (protocol:): the cycler's log per segment, and the CCD result.
  std::unique_ptr<CurrentRamp> ramp;
  if (cfg.protocol.present) ramp = std::make_unique<CurrentRamp>(cfg.protocol);
  const std::string protocol_path = dir + "/protocol.csv", result_path = dir + "/ccd.json";
  // An imported microstructure is not in the case text: its fingerprint is, so outputs name
  // it and a checkpoint refuses to resume on another one.
  std::string case_text = cfg.text;
  if (cfg.microstructure.present) {
    case_text += "\n# microstructure fingerprint " +
                 micro::fingerprint(*cfg.microstructure.structure) +
                 " (phase and grain ids, FNV-1a 64)\n";
    micro::write_microstructure(dir + "/microstructure.h5", *cfg.microstructure.structure,
                                cfg.text);
  }
  const Provenance prov = Provenance::current(case_text, cfg.source);

  const std::unique_ptr<Simulation> sim = make_simulation(cfg);
  FieldWriter writer(dir, cfg.output.name, cfg.grid, prov);
  ScalarTable table(table_columns(*sim));

  std::int64_t step = 0;
  double t = 0.0;
  double next_output = 0.0;
  double wall_before = 0.0;
  const double dt = cfg.time.dt;

  remove_abandoned_temporaries(dir);
  // A kill between writing the new checkpoint and renaming it: finish the rotation, so that
  // --resume finds the newest state and not none.
  finish_checkpoint_rotation(ckpt_path);
  std::string restart = opt.restart_path;
  if (restart.empty() && opt.resume && fs::exists(ckpt_path)) restart = ckpt_path;
  if (opt.resume && restart.empty() && !opt.quiet)
    log << "no checkpoint at " << ckpt_path << ": starting at t = 0\n";
  if (!restart.empty()) {
    Checkpoint c;
    try {
      c = load_checkpoint(restart);
    } catch (const std::exception& e) {
      std::string msg = "cannot resume from " + restart + ": " + e.what();
      if (fs::exists(restart + ".prev"))
        msg += "; the previous checkpoint is intact at " + restart + ".prev: dendrite run " +
               cfg.source + " --restart " + restart + ".prev";
      throw std::runtime_error(msg);
    }
    const std::string mismatch = checkpoint_mismatch(c, prov);
    if (!mismatch.empty())
      throw std::runtime_error("checkpoint " + restart +
                               " does not belong to this run: " + mismatch);
    if (c.dim != cfg.grid.dim || c.n[0] != cfg.grid.n[0] || c.n[1] != cfg.grid.n[1] ||
        c.n[2] != cfg.grid.n[2])
      throw std::runtime_error("checkpoint " + restart + " is for another grid than " + cfg.source);
    sim->load(c);
    step = c.step;
    t = c.time;
    if (ramp) {
      ramp->load(c);
      sim->set_applied_current(ramp->segments()[ramp->segment_at(t)].current, false);
    }
    next_output = c.next_output;
    wall_before = c.wall_elapsed;
    table.set_flat(c.table);
    std::vector<FieldWriter::Entry> hist;
    for (std::size_t i = 0; i < c.output_steps.size(); ++i)
      hist.push_back({c.output_steps[i], c.output_times[i]});
    writer.set_history(hist, cfg.output.fields);
    if (!opt.quiet)
      log << "resuming from " << restart << " at step " << step
          << ", t = " << format_sim_time(cfg, t) << "\n";
  }

  if (!opt.quiet)
    log << "dendrite " << prov.version << " | backend " << prov.backend << " | " << prov.device
        << " | precision " << prov.precision << "\n"
        << sim->describe() << "\nend " << format_sim_time(cfg, cfg.time.end) << ", output " << dir
        << "\n";

  double last_h = dt;
  std::int64_t recorded_step = -1;
  auto record_scalars = [&]() {
    recorded_step = step;
    std::vector<double> row{double(step), t, last_h};
    for (double v : sim->scalars()) row.push_back(v);
    table.add(std::move(row));
  };
  std::unique_ptr<InsituAdaptor> insitu;
  if (!cfg.insitu.scripts.empty()) {
    insitu = make_catalyst_adaptor(cfg.grid, cfg.insitu.scripts, dir + "/insitu");
    if (!opt.quiet) log << "in situ: " << insitu->describe() << "\n";
  }
  // One host staging copy per step feeds both the HDF5 output and the in-situ pipelines.
  auto stage = [&](bool to_disk, bool to_insitu) {
    const auto fields = sim->fields(to_insitu ? sim->field_names() : cfg.output.fields);
    std::vector<NamedField> all, chosen;
    for (const auto& [name, values] : fields) {
      all.push_back({name, &values});
      for (const auto& want : cfg.output.fields)
        if (want == name) chosen.push_back({name, &values});
    }
    if (to_disk) writer.write(step, t, chosen);
    if (to_insitu) insitu->execute(step, t, all);
  };
  auto write_fields = [&]() { stage(true, false); };
  double next_insitu = 0.0;
  auto insitu_due = [&]() {
    if (!insitu) return false;
    if (cfg.insitu.every > 0) return t >= next_insitu - 1e-9 * dt;
    return step % cfg.insitu.every_steps == 0;
  };
  auto write_tables = [&]() {
    table.write_csv(table_path);
    if (ramp) ramp->write_csv(protocol_path);
    for (const auto& [name, text] : sim->tables()) h5::write_text_atomic(dir + "/" + name, text);
  };
  auto checkpoint = [&](double wall_now) {
    Checkpoint c;
    c.step = step;
    c.time = t;
    c.dt = dt;
    c.next_output = next_output;
    c.wall_elapsed = wall_before + wall_now;
    c.dim = cfg.grid.dim;
    for (int d = 0; d < 3; ++d) c.n[d] = cfg.grid.n[d];
    sim->save(c);
    c.table_columns = table.columns();
    c.table = table.flat();
    for (const auto& e : writer.history()) {
      c.output_steps.push_back(e.step);
      c.output_times.push_back(e.time);
    }
    if (ramp) ramp->save(c);
    save_checkpoint(ckpt_path, c, prov);
    write_tables();
  };

  const double eps = 1e-9 * dt;
  if (restart.empty()) {
    record_scalars();
    stage(true, insitu_due());
    next_output = cfg.output.every > 0 ? cfg.output.every : cfg.time.end;
  }
  if (insitu && cfg.insitu.every > 0)
    next_insitu = cfg.insitu.every *
                  (std::floor(t / cfg.insitu.every + 1e-9) + (restart.empty() ? 1.0 : 0.0));

  Progress progress(t, cfg.time.end, cfg.progress_every, opt.quiet, log,
                    [&cfg](double v) { return format_sim_time(cfg, v); });
  double last_ckpt_wall = 0.0;
  std::int64_t steps_this_run = 0;
  bool interrupted = false;
  std::string ended_because;
  while (t < cfg.time.end - eps) {
    if (cfg.time.max_steps > 0 && step >= cfg.time.max_steps) break;
    // Shorten the steps before an output time or the end so outputs land exactly on the
    // requested times (a smaller step is always stable). A remainder between dt and 2 dt is
    // split in two equal steps, so no step is shorter than dt / 2: a Langevin amplitude
    // scaled by 1/sqrt(dt) would otherwise spike the charge source on a sliver of a step.
    const double target =
        std::min({next_output, cfg.time.end, ramp ? ramp->next_boundary(t) : cfg.time.end});
    const double remaining = target - t;
    // An adaptive model proposes its own step (bounded by time.dt_max).
    const double dt_now = cfg.time.adaptive ? std::min(sim->suggested_dt(), dt) : dt;
    const bool lands = remaining <= dt_now + eps;
    const double h = lands ? remaining : (remaining < 2.0 * dt_now ? 0.5 * remaining : dt_now);
    if (!(h > 0.0) || !(t + h > t))
      throw std::runtime_error("the time step " + std::to_string(h) + " no longer advances t = " +
                               format_sim_time(cfg, t) + " (time.dt, or the adaptive step)");
    bool stopped_after_short = false;
    std::string stop_reason;
    try {
      sim->step(h);
    } catch (const std::runtime_error& e) {
      // A numerical stop (issue 14, item 6): keep the last good state, written as a field
      // output, the scalar table and a checkpoint, and say where it is and how to go on.
      const double done = sim->advanced_before_failure();
      if (done > 0.0) {
        t += done;
        ++step;
        last_h = done;
        if (ramp) ramp->record(t, done, sim->reading());  // the cycler logs what was run
      }
      // A soft short lets its current level run on (section 11), but what follows a short
      // is not what the ramp measures: a numerical stop there ends the run as shorted.
      if (ramp && ramp->shorted()) {
        stopped_after_short = true;
        stop_reason = first_line(e.what());
      } else {
        if (recorded_step != step) record_scalars();
        if (writer.history().empty() || writer.history().back().step != step) write_fields();
        write_tables();
        checkpoint(progress.wall_elapsed());
        throw std::runtime_error(
            std::string(e.what()) + "\n  the last good state (step " + std::to_string(step) +
            ", t = " + format_sim_time(cfg, t) + ") is written: fields " + writer.xdmf_path() +
            ", scalars " + table_path + ", checkpoint " + ckpt_path +
            "\n  to go on, change what the message names (a shorter time.dt or time.dt_max, a "
            "lower current, the cell) and run again; the checkpoint resumes only the unchanged "
            "case (dendrite run " +
            cfg.source + " --resume)");
      }
    }
    if (stopped_after_short) {
      ended_because = "the cell shorted (" + ramp->first()->detail +
                      "); the rest of that current step was not run (" + stop_reason + ")";
      break;  // the last state is recorded and written after the loop
    }
    last_h = h;
    t = lands ? target : t + h;
    ++step;
    ++steps_this_run;
    bool output_due = t >= next_output - eps;
    const bool scalars_due = step % cfg.output.scalars_every == 0 || output_due;
    if (scalars_due) record_scalars();
    ended_because = sim->stop_reason();
    if (ramp) ended_because = follow_protocol(*ramp, *sim, t, h, ended_because);
    if (!ended_because.empty() && !scalars_due) record_scalars();
    if (!ended_because.empty()) output_due = true;  // the last state is worth a look
    const bool to_insitu = insitu_due();
    if (to_insitu && cfg.insitu.every > 0)
      next_insitu = cfg.insitu.every * (std::round(t / cfg.insitu.every) + 1.0);
    if (output_due || to_insitu) stage(output_due, to_insitu);
    if (output_due) {
      write_tables();
      // Multiples of `every`, not a running sum, so output times do not drift.
      next_output = cfg.output.every > 0
                        ? cfg.output.every * (std::round(t / cfg.output.every) + 1.0)
                        : cfg.time.end;
    }
    const double wall = progress.wall_elapsed();
    const bool stop_now = g_stop || (opt.stop_after > 0 && steps_this_run >= opt.stop_after);
    const bool ckpt_due =
        (cfg.checkpoint.every_steps > 0 && step % cfg.checkpoint.every_steps == 0) ||
        (cfg.checkpoint.every_wall > 0 && wall - last_ckpt_wall >= cfg.checkpoint.every_wall);
    if (ckpt_due || stop_now) {
      checkpoint(wall);
      last_ckpt_wall = wall;
    }
    if (stop_now) {
      interrupted = true;
      break;
    }
    if (!ended_because.empty()) break;
    if (progress.due()) progress.update(step, t, h, sim->progress());
  }

  RunSummary s;
  s.steps = step;
  s.time = t;
  s.wall_seconds = wall_before + progress.wall_elapsed();
  s.completed = !interrupted && (t >= cfg.time.end - eps || !ended_because.empty());
  s.ended_because = ended_because;
  if (!interrupted) {
    // The last state, unless an output holds it (fields and a scalar row are written
    // together; a run resumed at its end has both) or its row was recorded without fields
    // (a stop after a short, section 11).
    if (writer.history().empty() || writer.history().back().step != step) {
      if (recorded_step != step) record_scalars();
      write_fields();
    }
    checkpoint(progress.wall_elapsed());
  }
  write_tables();
  if (ramp && !interrupted) ramp->write_result(result_path, t, s.completed);
  s.xdmf = writer.xdmf_path();
  s.table = table_path;
  s.checkpoint = ckpt_path;
  if (!opt.quiet) {
    if (interrupted)
      log << "stopped at step " << step << " (t = " << format_sim_time(cfg, t)
          << "); continue with: dendrite run " << cfg.source << " --resume\n";
    else if (!ended_because.empty())
      log << "ended at step " << step << ", t = " << format_sim_time(cfg, t) << ": "
          << ended_because << "\n";
    else
      log << "done: " << step << " steps, t = " << format_sim_time(cfg, t) << ", wall "
          << format_clock(s.wall_seconds) << "\n";
    if (ramp && !interrupted)
      log << ramp->summary() << "\nprotocol: " << protocol_path << "\nresult: " << result_path
          << "\n";
    log << "fields: " << s.xdmf << "\nscalars: " << s.table << "\n";
  }
  return s;
}

}  // namespace dnd
