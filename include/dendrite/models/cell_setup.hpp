#pragma once
/// \file cell_setup.hpp
/// From material properties and cell geometry (the units experimentalists use, converted
/// to SI when read) to the grid, initial state and parameters of the electrodeposition
/// model: one place for Omega_m = M / rho, c_s, i0 = RT / (nF R_int), L_eta, kappa, W.

#include <string>
#include <vector>

#include "dendrite/core/box.hpp"
#include "dendrite/models/arrhenius.hpp"
#include "dendrite/models/electrodeposition.hpp"

namespace dnd {

struct MetalProps {
  std::string name;
  double molar_mass = 0.0;  ///< kg/mol
  double density = 0.0;     ///< kg/m^3
  int valence = 1;
  double sigma = 0.0;                                           ///< electronic conductivity, S/m
  double molar_volume() const { return molar_mass / density; }  ///< Omega_m, m^3/mol
  double site_density() const { return density / molar_mass; }  ///< c_s, mol/m^3
};

struct ElectrolyteProps {
  std::string name;
  Arrhenius sigma_ion;                ///< S/m
  Arrhenius sigma_e;                  ///< S/m
  Arrhenius conductance_int;          ///< 1 / R_int, S/m^2, of the interface with the cell's metal
  double transfer_coefficient = 0.5;  ///< alpha of that interface's Butler-Volmer law (eq. 21)
  double fracture_resistance = 0.0;   ///< Pa, sigma_c of the mechanical gate (0: not given)
  double nucleation_factor = 1.0;     ///< f_het in (0, 1]
};

struct CellSpec {
  MetalProps metal;
  ElectrolyteProps electrolyte;
  double temperature = 298.15;  ///< K
  int dim = 2;
  double thickness = 0.0;         ///< electrolyte thickness along x, m
  double anode_thickness = 0.0;   ///< m
  double width = 0.0;             ///< lateral size along y, m
  double depth = 0.0;             ///< lateral size along z (3D), m
  double dx = 0.0;                ///< m
  double interface_width = 0.0;   ///< w of the tanh profile, m
  double interface_energy = 0.3;  ///< gamma, J/m^2
  Formulation formulation = Formulation::gibbs_thomson;
  double mobility = 2.5e-6;         ///< L_sigma, m^3/(J s) (chen2015 only)
  double profile_relaxation = 2.0;  ///< gibbs_thomson: lambda w / |v_n| of eq. (44)
  double alpha = 0.5;               ///< transfer coefficient of both metal | electrolyte interfaces
  /// chen2015: delta of kappa(n), eq. (5); gibbs_thomson: eps of gamma(n), eq. (45).
  /// Cubic in 3D, four-fold in 2D.
  double anisotropy = 0.0;
  double sigma_floor = 1e-4;  ///< ionic conductivity inside the metal, S/m
  bool counter_butler_volmer = true;
  bool lateral_periodic = true;
};

/// Na | NZSP | Na at 30 degC with the physics brief's numbers (section 5; sources in
/// inputs/materials/): Na M 22.99 g/mol, rho 968 kg/m^3, sigma 2.1e7 S/m; NZSP 1.6 mS/cm at
/// 30 degC (Ea 0.28 eV), sigma_e 2.35e-7 S/cm, 1.5 ohm cm^2 per interface (Ea 0.41 eV).
/// The geometry (thickness, width, dx, w) is left for the caller: benchmarks and tests.
CellSpec reference_na_nzsp();

/// Exchange current density i0 = R T / (n F R_int(T)) (A/m^2).
double exchange_current(const CellSpec& c);
/// Wagner length sigma_ion(T) R_int(T) (m): the distance over which the interface resistance
/// spreads the current along a metal | electrolyte interface. A diffuse front resolves how
/// the current divides only where w is well below it (docs/model.md 10.2): nucleation needs
/// w <= wagner_length / kWagnerWidths (electrodeposition.hpp).
double wagner_length(const CellSpec& c);
Grid cell_grid(const CellSpec& c);
ElectrodepositionParams cell_params(const CellSpec& c);
/// Flat anode of anode_thickness with the equilibrium tanh profile.
std::vector<real> flat_anode(const CellSpec& c, const Grid& g);

}  // namespace dnd
