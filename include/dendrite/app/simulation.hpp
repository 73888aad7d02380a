#pragma once
/// \file simulation.hpp
/// What the run driver needs from a model: step it, describe it, report scalars and
/// fields, save and load its state. One implementation per model; run.cpp drives any.

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dendrite/app/protocol.hpp"
#include "dendrite/io/checkpoint.hpp"
#include "dendrite/io/config.hpp"

namespace dnd {

class Simulation {
 public:
  virtual ~Simulation() = default;
  /// One line on the model, grid and time step, for the start of the log.
  virtual std::string describe() const = 0;
  /// Advance by exactly dt (an adaptive model may take several steps inside it).
  virtual void step(double dt) = 0;
  /// The step an adaptive model wants next (s); 0 for a model run at the configured dt.
  virtual double suggested_dt() const { return 0.0; }
  /// After step() threw: the simulated time the model had advanced, in accepted substeps,
  /// before the failure (its state is that of the last accepted substep).
  virtual double advanced_before_failure() const { return 0.0; }
  /// Names (with units) and values of the model's scalars for the time-series table.
  virtual std::vector<std::string> columns() const = 0;
  virtual std::vector<double> scalars() = 0;
  /// Every field the model can hand out (what in-situ pipelines receive).
  virtual std::vector<std::string> field_names() const = 0;
  /// The requested output fields, interior cells packed x fastest.
  virtual std::vector<std::pair<std::string, std::vector<real>>> fields(
      const std::vector<std::string>& names) = 0;
  virtual void save(Checkpoint& c) const = 0;
  virtual void load(const Checkpoint& c) = 0;
  /// Tables beside scalars.csv, as file name and CSV text, rewritten (atomically) with it:
  /// the nucleus map of a run with nucleation.
  virtual std::vector<std::pair<std::string, std::string>> tables() const { return {}; }
  /// A short state summary for progress lines ("V = -2.8 mV  front 5.0 um").
  virtual std::string progress() = 0;
  /// Why the run should end before time.end (a short circuit), or empty. Asked after every
  /// step, so it must be cheap (a reduction, no download).
  virtual std::string stop_reason() const { return {}; }
  /// Electrochemical cells under a current protocol: the applied current density (A/m^2,
  /// galvanostatic, > 0 plating at the anode) from the next step on. `jump`: the control
  /// changed at this step boundary (the model re-solves before its next step); false when
  /// a resumed run restores the current of its segment.
  virtual void set_applied_current(double /*i*/, bool /*jump*/) {
    throw std::logic_error("this model has no applied current");
  }
  /// V_cell and the currents of the last solve (electrochemical cells).
  virtual CellReading reading() const { return {}; }
};

std::unique_ptr<Simulation> make_simulation(const RunConfig& cfg);

/// Initial order parameter: the flat anode of an electrodeposition cell (if any) and the
/// `initial:` shapes, each with the equilibrium tanh profile, combined by max.
std::vector<real> initial_order_parameter(const RunConfig& cfg);

}  // namespace dnd
