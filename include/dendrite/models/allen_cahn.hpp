#pragma once
/// \file allen_cahn.hpp
/// The Allen-Cahn model on a grid: state, explicit step, stability limit and diagnostics.

#include "dendrite/core/halo.hpp"
#include "dendrite/models/allen_cahn_K.hpp"

namespace dnd {

class AllenCahn {
 public:
  AllenCahn(const Grid& grid, const BoundarySet& bcs, const allen_cahn::Params& p);

  /// Largest stable forward-Euler step, eq. (3).
  static double stable_dt(const Grid& grid, const allen_cahn::Params& p);
  /// Equilibrium interface width w = sqrt(2 kappa / W) of the tanh profile.
  static double interface_width(const allen_cahn::Params& p);

  /// One forward-Euler step of eq. (2); `source` (per unit time, may be null) is added to
  /// the rate, for manufactured solutions and coupled models.
  void step(double dt, const Field<real>* source = nullptr);
  /// d xi/dt of eq. (2) into `out` (ghosts are filled first).
  void evaluate_rate(Field<real>& out);

  /// Total free energy, eq. (1), integrated over the domain (gradient on cell faces).
  double free_energy();
  /// Integral of xi over the domain (metal volume, m^3 in 3D, m^2 in 2D).
  double integral() const;
  double min_value() const;
  double max_value() const;

  Field<real>& xi() { return xi_; }
  const Field<real>& xi() const { return xi_; }
  const Grid& grid() const { return grid_; }
  const allen_cahn::Params& params() const { return params_; }
  const BoundarySet& boundary() const { return bcs_; }

 private:
  Grid grid_;
  BoundarySet bcs_;
  allen_cahn::Params params_;
  Field<real> xi_, next_;
  Halo halo_;
};

}  // namespace dnd
