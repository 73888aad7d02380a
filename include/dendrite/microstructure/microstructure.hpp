#pragma once
/// \file microstructure.hpp
/// A static solid-electrolyte microstructure on the cell grid: a phase id and a grain id per
/// cell (docs/model.md, section 9). Phases are the five kinds of the physics brief (section 3):
/// grain interior, grain boundary (GB), pore, secondary phase and surface-damage layer; their
/// properties live in a PhaseTable (properties.hpp), the cells hold only the id.
///
/// Arrays are x fastest, index i + n0 (j + n1 k), the order of every field in dendrite, so
/// HDF5 datasets are (nz, ny, nx) and need no reordering.

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dnd::micro {

/// Phase ids stored per cell.
enum Phase : std::uint8_t {
  grain = 0,           ///< grain interior
  grain_boundary = 1,  ///< the resolved GB band (width gb_width)
  pore = 2,
  secondary = 3,  ///< secondary-phase particle (e.g. NaNbO3 at triple junctions, 000)
  damage = 4      ///< surface-damage layer at the anode
};
inline constexpr int kPhaseCount = 5;

/// Names used in files and messages: grain, grain_boundary, pore, secondary_phase, damage_layer.
const char* phase_name(int id);
/// The id of a phase name (as phase_name writes it); -1 if unknown.
int phase_id(const std::string& name);

/// An error in a microstructure file or specification. The message names the file (and,
/// where known, the dataset or page); the config reader adds the key path.
struct MicrostructureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Microstructure {
  int dim = 2;
  int n[3] = {1, 1, 1};
  double voxel = 0.0;     ///< m: edge of the cubic voxels
  double gb_width = 0.0;  ///< m: width of the resolved GB band (0: no GB band)
  /// Axes along which the geometry wraps (generated: lateral axes; imported: none). Normals
  /// between grain centres are taken across the nearest periodic image.
  bool periodic[3] = {false, false, false};
  std::vector<std::uint8_t> phase;  ///< cells(), Phase ids
  /// cells(): grain (Voronoi cell) id, 0 .. centres.size()-1, everywhere, also under pores,
  /// particles and the damage layer, which keep the id of the grain they sit in.
  std::vector<std::int32_t> grain;
  /// m, one per grain id, cell coordinates measured from the grid origin: the seed of a
  /// generated grain (exact GB normals of a Voronoi/Laguerre tessellation) or the centroid
  /// of an imported one.
  std::vector<std::array<double, 3>> centres;

  std::size_t cells() const { return std::size_t(n[0]) * n[1] * n[2]; }
  std::size_t index(int i, int j, int k) const {
    return std::size_t(i) + std::size_t(n[0]) * (std::size_t(j) + std::size_t(n[1]) * k);
  }
  /// Volume fraction of a phase.
  double fraction(Phase p) const;
};

/// FNV-1a 64 of the shape, phase and grain ids, as 16 hex digits: identifies an imported
/// microstructure in a run's provenance, so a checkpoint refuses to resume on another one.
std::string fingerprint(const Microstructure& m);

/// A microstructure of one phase (grain, grain id 0) on n cells: the uniform electrolyte.
Microstructure uniform(int dim, const int n[3], double voxel);

// ---- generator (src/microstructure/generate.cpp) ------------------------------------

/// Where inclusions (pores, secondary-phase particles) are placed.
enum class Site { random, grain_boundary, triple_junction };

/// Spherical (3D) or circular (2D) inclusions, placed until their volume fraction is reached.
struct InclusionSpec {
  double fraction = 0.0;       ///< target volume fraction of the electrolyte region
  Site site = Site::random;    ///< centres anywhere, on GB cells, or at triple junctions
  double mean_radius = 0.0;    ///< m
  double radius_spread = 0.0;  ///< sigma of ln(radius) (0: all equal)
};

struct GeneratorSpec {
  int dim = 2;
  int n[3] = {1, 1, 1};
  double voxel = 0.0;                      ///< m
  bool periodic[3] = {false, true, true};  ///< x never wraps (electrodes); lateral axes do
  std::uint64_t seed = 1;
  /// Either the number of grains or the mean grain size (the other 0). The mean grain size
  /// is the edge of a square (2D) or cube (3D) of the mean grain area or volume, (V/N)^(1/dim).
  int grains = 0;
  double grain_size = 0.0;  ///< m
  /// sigma of ln(grain size) (0: Poisson-Voronoi): a Laguerre (power) tessellation with
  /// log-normal radii.
  double size_spread = 0.0;
  /// Least seed spacing over the sum of the two grains' radii, in [0, 0.9): 0 is a Poisson
  /// tessellation (grain-area CV 0.52 in 2D); 0.6-0.7 gives the more even grains of a
  /// sintered ceramic (random sequential addition).
  double regularity = 0.0;
  double gb_width = 0.0;  ///< m: cells within gb_width/2 of a grain's boundary are GB cells
  /// m: x of the anode surface. Inclusions, the damage layer and the contact gap lie at
  /// x >= electrolyte_from (the metal region holds grains only).
  double electrolyte_from = 0.0;
  InclusionSpec pores;
  InclusionSpec secondary;
  double damage_thickness = 0.0;  ///< m, damage layer from electrolyte_from
  /// Partial contact of the anode: a gap (pore cells, gap_thickness thick) at the anode
  /// surface, open except in contact patches (discs of patch_size diameter) that cover
  /// contact_fraction of the surface. contact_fraction 1: full contact, no gap.
  double contact_fraction = 1.0;
  double patch_size = 0.0;     ///< m
  double gap_thickness = 0.0;  ///< m
};

/// Generate a microstructure. The same spec gives the same phase and grain ids, bit for bit,
/// on every run, thread count and backend (draws are counter-based, keyed by the seed).
/// Throws MicrostructureError for an impossible spec.
Microstructure generate(const GeneratorSpec& spec);

// ---- files (src/microstructure/io.cpp) ----------------------------------------------

enum class LabelFormat { hdf5, raw, tiff };

/// A voxel label image and how to read it (CT data as in seed 004).
struct ImportSpec {
  std::string file;
  LabelFormat format = LabelFormat::hdf5;
  std::string dataset = "phase";   ///< hdf5: dataset of the labels
  std::string grain_dataset;       ///< hdf5: optional dataset of grain ids ("" none)
  std::string grain_file;          ///< tiff/raw: optional image of grain ids ("" none)
  int dims[3] = {0, 0, 0};         ///< raw: nx, ny, nz (nz 1 for 2D)
  std::string raw_type = "uint8";  ///< raw: uint8, uint16, int16, uint32, int32
  bool big_endian = false;         ///< raw
  /// Label value -> phase id. Empty: the labels are phase ids (files written by dendrite).
  std::vector<std::pair<std::int64_t, int>> labels;
  double voxel = 0.0;  ///< m (required)
  int crop_lo[3] = {0, 0, 0};
  int crop_hi[3] = {-1, -1, -1};  ///< exclusive; -1: to the end
  int downsample = 1;             ///< keep every k-th voxel (the first of each k^dim block)
  double gb_width = 0.0;          ///< m, width of the GB band in the image (0: measured as 0)
};

/// Read a label image. Grain ids: from the grain dataset/file if given, else connected
/// regions of grain-interior cells, each other cell taking the id of the nearest such region
/// (breadth-first, ties to the lowest id); centres are centroids unless the file stores them.
/// Throws MicrostructureError naming the file for a wrong size, an unknown label, an
/// unsupported type or a truncated file.
Microstructure import_labels(const ImportSpec& spec);

/// Write phase and grain ids (and centres, voxel, gb_width, periodic axes) as HDF5 with an
/// XDMF beside it (<stem>.xmf) that ParaView opens; atomic and checked like every output.
/// `provenance` is stored as a text attribute.
void write_microstructure(const std::string& h5_path, const Microstructure& m,
                          const std::string& provenance);
/// Multi-page TIFF (one page per z slice) of the phase ids (uint8) or the grain ids (uint32).
void write_tiff(const std::string& path, const Microstructure& m, bool grain_ids);

}  // namespace dnd::micro
