#pragma once
/// \file properties.hpp
/// Per-phase properties of a microstructure and how a grain-boundary film thinner than a
/// cell is carried by the resolved GB band (docs/model.md, section 9, eqs. 50-53).
///
/// The kernels read a cell's electrolyte conductivities by its phase id from a PhaseTable
/// passed by value (1 byte per cell instead of two stored doubles; docs/performance.md).
/// A GB film of thickness delta is a tensor conductor: sigma_n across it, sigma_t along it.
/// The band of width w_gb carries the along value sigma_t isotropically (eq. 51); the rest
/// of the across resistance sits on the faces where the grain id changes (the band's mid
/// plane), as a series resistance scaled by the staircase factor |n_x| + |n_y| + |n_z| of the
/// boundary normal n between the two grains' centres (eq. 52). A planar film then has the
/// real film's series and parallel conductances on any axis.

#include <array>
#include <string>
#include <vector>

#include "dendrite/core/box.hpp"
#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/models/arrhenius.hpp"

namespace dnd::micro {

/// One phase's material, as read from the materials library (SI; Arrhenius in T).
struct PhaseMaterial {
  bool present = false;  ///< a material was given for this phase
  std::string name, file;
  Arrhenius sigma_ion, sigma_e;  ///< S/m
  /// 1/R_int of a metal contact, S/m^2 (ref 0: the grain interior's).
  Arrhenius conductance_int;
  double nucleation_factor = 1.0;    ///< f_het in (0, 1]
  double fracture_resistance = 0.0;  ///< Pa (0: not given)
  // Grain-boundary presets only: the real film before mapping.
  double film_thickness = 0.0;  ///< delta, m (0: the band is the GB, no film)
};

/// Properties per phase id at the run's temperature (trivially copyable: kernels take it by
/// value). Grain-boundary entries are the band's values of eq. (51).
struct PhaseTable {
  double sigma_ion[kPhaseCount] = {};  ///< S/m, electrolyte ionic conductivity at xi = 0
  double sigma_e[kPhaseCount] = {};    ///< S/m, electronic
  double i0_factor[kPhaseCount] = {1, 1, 1, 1, 1};  ///< i0(phase) / i0(grain) at a metal contact
  double nucleation_factor[kPhaseCount] = {1, 1, 1, 1, 1};  ///< f_het
  double fracture_resistance[kPhaseCount] = {};             ///< Pa
  /// Series resistances of eq. (52) at a GB mid-plane face with staircase factor 1, ohm m^2.
  double film_resistance_ion = 0.0, film_resistance_e = 0.0;
  bool has_film = false;
};

/// A table in which every phase is the uniform electrolyte (sigma_ion, sigma_e): the
/// single-phase path, identical to the homogeneous model.
PhaseTable uniform_table(double sigma_ion, double sigma_e);

/// A GB film (thickness delta, conductivity sigma_f) inside a band of width w_gb >= delta
/// whose remainder is grain (sigma_g):
///   along  (eq. 51): sigma_t = (sigma_f delta + sigma_g (w_gb - delta)) / w_gb
///   across (eq. 52): w_gb / sigma_n = delta / sigma_f + (w_gb - delta) / sigma_g,
/// and the series resistance  r = w_gb / sigma_n - w_gb / sigma_t >= 0  that the band's mid
/// plane must add so that band plus face give sigma_n across.
struct FilmMapping {
  double sigma_along = 0.0;        ///< S/m
  double sigma_across = 0.0;       ///< S/m
  double series_resistance = 0.0;  ///< ohm m^2
};
FilmMapping map_film(double delta, double sigma_film, double w_gb, double sigma_grain);

/// Conductivity of an insulating pore relative to the grain's, ionic and electronic.
inline constexpr double kPoreContrast = 1e-6;

/// The table at temperature T (K) from the materials of each phase; phases without a
/// material are the grain's. Pores are insulating (kPoreContrast times the grain's
/// conductivities) or, with metal_filled_pores, conduct electrons as the metal
/// (metal_sigma, S/m). i0 factors are conductance_int(T) / grain conductance_int(T).
/// `floor` is unused (kept for the metal's ionic floor, which eq. 25 applies itself).
PhaseTable phase_table(const std::array<PhaseMaterial, kPhaseCount>& phases, double t, double w_gb,
                       double floor, bool metal_filled_pores, double metal_sigma);

/// Staircase factors of eq. (52) per axis and face, laid out like the solver's face weights
/// (low face of each cell, index n the periodic copy of face 0 or 0 on a physical side):
/// |n_x| + |n_y| + |n_z| on faces between two GB cells of different grains, 0 elsewhere.
/// `periodic` per axis: faces across the wrap count where the grid is periodic.
/// Host arrays with the grid's ghost layout; upload into fields with Field::upload_all.
struct FilmFaces {
  std::array<std::vector<double>, 3> factor;
  std::size_t faces = 0;  ///< number of film faces (all axes)
};
FilmFaces film_faces(const Microstructure& m, const Grid& g, const bool periodic[3]);

/// Brick-layer estimate of a polycrystal of cubic grains of edge d with films of thickness
/// delta on every face (delta << d):
///   sigma = 1 / (1/sigma_g + delta/(d sigma_f)) + (dim - 1) (delta/d) sigma_f      (eq. 54)
/// (the across path in series, the films along the current in parallel).
double brick_layer(int dim, double d, double delta, double sigma_grain, double sigma_film);

/// Mean grain size (V / N)^(1/dim) of a microstructure (the generator's definition), m, with
/// N the grains that hold cells.
double mean_grain_size(const Microstructure& m);

}  // namespace dnd::micro
