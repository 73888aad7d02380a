#pragma once
/// \file config.hpp
/// A run's configuration as plain validated structs. The YAML is read in one place
/// (src/io/config.cpp, the only file that includes yaml-cpp); every error names the file,
/// line, column and key path.

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dendrite/core/boundary.hpp"
#include "dendrite/core/box.hpp"
#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/microstructure/properties.hpp"
#include "dendrite/models/allen_cahn_K.hpp"
#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/liquid_K.hpp"

namespace dnd {

/// A configuration error, formatted "file:line:col: key.path: message".
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One initial shape of the metal phase, drawn with the equilibrium tanh profile.
struct ShapeConfig {
  enum class Kind { sphere, slab } kind = Kind::sphere;
  double center[3] = {0, 0, 0};
  double radius = 0;
  int axis = 0;  // slab normal
  double from = 0, to = 0;
};

struct InitialConfig {
  double background = 0.0;
  std::vector<ShapeConfig> shapes;
  double noise_amplitude = 0.0;
  std::uint64_t noise_seed = 1;
};

struct TimeConfig {
  double end = 0.0;
  double dt = 0.0;  ///< resolved step (auto or given)
  bool dt_auto = true;
  double safety = 0.5;  ///< fraction of the stability limit used by dt: auto
  std::int64_t max_steps = -1;
  /// Adaptive steps (electrodeposition, gibbs_thomson, dt: auto): dt is the controller's
  /// (docs/model.md, section 8); dt above is then only its upper bound.
  bool adaptive = false;
  double dt_max = 0.0;           ///< s
  double dt_min = 1e-9;          ///< s: a step that would have to be shorter stops the run
  double front_move = 0.1;       ///< largest front move of one step, interface widths
  double control_change = 0.01;  ///< largest relative change of V_cell (I) of one step
};

struct OutputConfig {
  std::string dir;
  std::string name = "fields";
  double every = 0.0;  ///< simulated time between field outputs; 0: start and end only
  std::vector<std::string> fields{"xi"};
  int scalars_every = 10;  ///< steps between rows of the scalar table
};

/// In-situ pipelines (ParaView Catalyst): script paths resolved when read.
struct InsituConfig {
  std::vector<std::string> scripts;
  double every = 0.0;  ///< simulated time between calls (0: use every_steps)
  std::int64_t every_steps = 1;
};

struct CheckpointConfig {
  double every_wall = 600.0;     ///< wall seconds between checkpoints (0: off)
  std::int64_t every_steps = 0;  ///< steps between checkpoints (0: off)
};

/// The electrodeposition model's cell, control and phase-field settings.
struct CellConfig {
  CellSpec spec;
  CellControl control;
  std::string metal_file, electrolyte_file;  ///< where the materials came from
  double noise_amplitude = 0.0;              ///< 1/s at steps of noise_reference_dt
  double noise_reference_dt = 1.0;           ///< s
  std::uint64_t noise_seed = 1;
  double reuse_tolerance = 1e-3;  ///< potentials reused while the source moved less (0: never)
  bool mechanical_gate = false;   ///< mechanics: {gate: true} (eq. 56)
  /// `nucleation:` (eqs. 57-58): J_ref, sigma_ref, gamma, radius and seed as read; the
  /// metal's atomic volume, valence and the temperature are filled from the cell.
  NucleationParams nucleation;
};

/// The current-ramp protocol of a CCD measurement (`protocol:` block; it replaces
/// `control:`): see dendrite/app/protocol.hpp and docs/model.md section 11.
struct ProtocolConfig {
  bool present = false;
  double start = 0.0;                ///< A/m^2, current density of the first step (> 0: plating)
  double increment = 0.0;            ///< A/m^2 added per step (>= 0)
  double until = 0.0;                ///< A/m^2, the last step's current (>= start)
  double step_time = 0.0;            ///< s per step (per half-cycle when alternating); 0: by charge
  double step_charge = 0.0;          ///< C/m^2 per step (per half-cycle); 0: by time
  bool alternate = false;            ///< plate, then strip the same charge, at each current
  double rest = 0.0;                 ///< s at zero current after each plating or stripping segment
  double electronic_fraction = 0.5;  ///< soft short threshold (0, 1)
  double voltage_collapse = 0.2;     ///< soft short threshold (0, 1)
  double collapse_arming = 0.1;      ///< fraction of a step before the collapse test arms
  double temperature = 0.0;          ///< K, the cell's (stated with the CCD)
};

/// The liquid-electrolyte reference mode (Hong & Viswanathan 2018), in the paper's
/// normalised units: lengths and times are bare numbers, potentials in volts.
struct LiquidConfig {
  liquid::Params params;
  std::string parameters_file;  ///< where the parameter set came from
  double v_left = 0.0, v_right = 0.0;
  double front = -1.0;  ///< x of the initial planar metal front (< 0: none)
  bool lateral_periodic = false;
  double noise_amplitude = 0.0;
  double noise_dt = 0.0;  ///< step at which the amplitude was set (0: use as given)
  double noise_dx = 0.0;  ///< cell size at which the amplitude was set (0: use as given)
  std::uint64_t noise_seed = 1;
};

/// The electrolyte's microstructure (`microstructure:` block; docs/model.md, section 9):
/// generated or imported when the file is read, so a bad file is refused before the run.
struct MicrostructureConfig {
  bool present = false;
  bool generated = true;
  micro::GeneratorSpec generator;
  micro::ImportSpec import;
  /// Materials per phase id; the grain's is the cell's electrolyte unless given.
  std::array<micro::PhaseMaterial, micro::kPhaseCount> phases;
  bool metal_filled_pores = false;
  std::shared_ptr<const micro::Microstructure> structure;  ///< on the case's grid
  /// Cells along x of the metal anode in front of an image of the electrolyte only.
  int anode_cells = 0;
};

/// A microstructure file on its own (`dendrite microstructure FILE`, `dendrite effective`):
/// the same `microstructure:` block with the box it fills.
struct MicrostructureFile {
  std::string source, text;
  MicrostructureConfig micro;
  double temperature = 298.15;  ///< K, for the properties
  OutputConfig output;
};

struct RunConfig {
  std::string source;  ///< path of the YAML file
  std::string text;    ///< the YAML text, stored in every output for provenance
  std::string model = "allen_cahn";
  Grid grid;
  BoundarySet boundary;
  allen_cahn::Params allen_cahn;
  CellConfig cell;                      ///< model: electrodeposition
  ProtocolConfig protocol;              ///< model: electrodeposition (a CCD ramp)
  LiquidConfig liquid;                  ///< model: liquid
  MicrostructureConfig microstructure;  ///< model: electrodeposition
  InitialConfig initial;
  TimeConfig time;
  OutputConfig output;
  CheckpointConfig checkpoint;
  InsituConfig insitu;
  double progress_every = 2.0;  ///< wall seconds between progress lines
};

/// Directory searched for materials after the case file's own `materials/` folder:
/// $DENDRITE_INPUTS, else the source tree's inputs/ recorded at build time.
std::string inputs_dir();

/// Read and validate a run file. Throws ConfigError.
/// `overrides`: "KEY.PATH=VALUE" settings (the command line's --set), applied to the file's
/// YAML before it is read and validated like it; a message about one names it. They enter
/// the case text that outputs and checkpoints record.
RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});
/// Same, from text (the name is used in messages).
RunConfig parse_config(const std::string& text, const std::string& name,
                       const std::vector<std::string>& overrides = {});

/// Read a microstructure file (see MicrostructureFile). Throws ConfigError.
MicrostructureFile load_microstructure_file(const std::string& path);

/// A table of the microstructure's phase properties at temperature t (K).
micro::PhaseTable microstructure_table(const MicrostructureConfig& m, double t, double floor,
                                       double metal_sigma);

/// Bytes a run of this configuration allocates on its backend (fields and halo buffers).
std::size_t estimated_bytes(const RunConfig& cfg);

/// A simulated time for logs: with its unit (s, min, h), or as a plain number in the liquid
/// mode's normalised units, to enough digits that a long run's progress lines move.
std::string format_sim_time(const RunConfig& cfg, double t);

/// The fields a model can write, in the order `output.fields` lists them by default.
std::vector<std::string> model_fields(const std::string& model);

}  // namespace dnd
