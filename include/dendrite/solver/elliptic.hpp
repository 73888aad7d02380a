#pragma once
/// \file elliptic.hpp
/// Matrix-free solver of  (alpha a(x) - div(b(x) grad)) phi = f  on a cell-centred grid with
/// Dirichlet, Neumann, periodic and Robin sides: conjugate gradients preconditioned by one
/// symmetric multigrid V-cycle, always in double precision (docs/model.md, section 3).
///
/// Coarse levels are aggregation (Galerkin with piecewise-constant transfer) operators: a
/// coarse face weight is the sum of the fine face weights it covers, scaled by 1/2 so a
/// constant-coefficient operator coarsens to its own rediscretisation. A one-cell channel
/// of high or low b keeps at least one of its faces on every coarse level where it still
/// separates aggregates, so the coarse problems see it.

#include <memory>
#include <vector>

#include "dendrite/core/boundary.hpp"
#include "dendrite/core/field.hpp"
#include "dendrite/core/halo.hpp"

namespace dnd {

namespace detail {
struct MgLevel;
}

/// Solver settings.
struct EllipticOptions {
  /// Stop when ||D^-1 (F - A phi)|| <= rel_tol ||D^-1 F||: the residual of the integrated
  /// system scaled row by row by the operator's diagonal D (docs/model.md, section 3).
  double rel_tol = 1e-10;
  int max_iterations = 200;
  int smoothing_sweeps = 2;  ///< red-black sweeps before and after the coarse correction
  int max_bottom_cells =
      512;  ///< coarsest level size, solved directly (refactored at every set-up)
  /// Face coefficient from the two cells: harmonic (default; exact across a layered,
  /// high-contrast medium) or arithmetic (second order for a smooth coefficient that
  /// vanishes on one side, such as a mobility that is zero inside the metal).
  bool arithmetic_faces = false;
  /// A solve whose true residual stops falling (round-off) counts as converged when it is
  /// below this: where a linearised reaction outweighs conduction by many orders on some rows
  /// (currents far above the exchange current), double precision ends near 1e-10.
  double roundoff_tol = 1e-8;
};

class EllipticSolver {
 public:
  using Options = EllipticOptions;
  struct Result {
    int iterations = 0;
    double relative_residual = 0.0;
    bool converged = false;
    bool stagnated = false;  ///< stopped at round-off (converged if below roundoff_tol)
  };

  EllipticSolver(const Grid& grid, const BoundarySet& bcs, Options opt = {});
  ~EllipticSolver();
  EllipticSolver(const EllipticSolver&) = delete;
  EllipticSolver& operator=(const EllipticSolver&) = delete;

  /// Set alpha a(x) and b(x) (cell values; b > 0 or 0 for a blocked cell) and rebuild the
  /// multigrid hierarchy. Face values of b are harmonic means of the two cells.
  void set_coefficients(double alpha, const Field<double>& a, const Field<double>& b);
  /// Same, also replacing the side conditions (type and coefficients may change, which
  /// axes are periodic may not): a linearised nonlinear boundary condition changes a and c
  /// every Newton iteration.
  void set_coefficients(double alpha, const Field<double>& a, const Field<double>& b,
                        const BoundarySet& bcs);
  /// New alpha a(x), and side conditions of the same kinds of axes, with b(x) unchanged since
  /// the last set_coefficients: the face weights and their coarse copies are kept and only
  /// the diagonals are rebuilt (a Newton iteration changes the linearisation, not the
  /// conductivity). The caller guarantees b is unchanged; the result is then identical to
  /// set_coefficients, bit for bit.
  void update_diagonal(double alpha, const Field<double>& a);
  void update_diagonal(double alpha, const Field<double>& a, const BoundarySet& bcs);
  /// Specific resistances (ohm m^2, >= 0) in series with the low face of every cell, one
  /// field per axis (nullptr: none), laid out like the face weights: the weight of face
  /// i-1/2 along an axis becomes area / (dx / b_face + r(i)), eq. (53). This is how a
  /// grain-boundary film thinner than a cell enters (docs/model.md, section 9). Read at the
  /// next set_coefficients (the fields must stay alive until then); update_diagonal keeps
  /// the faces built with them.
  void set_face_resistance(const Field<double>* rx, const Field<double>* ry,
                           const Field<double>* rz);
  /// Constant coefficients, for tests and benchmarks.
  void set_coefficients(double alpha_a, double b);
  /// Replace the boundary conditions (values only change the right-hand side; a change of
  /// type or of a/b coefficients needs set_coefficients again).
  void set_boundary(const BoundarySet& bcs);

  /// Solve with phi as the warm start; f is per unit volume.
  Result solve(Field<double>& phi, const Field<double>& f);

  /// Outward flux  -integral(b dphi/dn) dS  through one physical side (axis, side 0/1).
  double boundary_flux(const Field<double>& phi, int axis, int side) const;

  int levels() const;
  const Grid& grid() const { return grid_; }
  const BoundarySet& boundary() const { return bcs_; }

 private:
  void build_fine_level(double alpha, const Field<double>* a, const Field<double>* b,
                        double alpha_a_const, double b_const, bool keep_faces);
  void build_hierarchy(bool keep_faces);
  void factor_bottom();
  void vcycle(std::size_t l);
  /// Red-black sweeps; first_red_done: the vcycle's fused first pass did the first red half.
  void smooth(std::size_t l, bool forward, bool first_red_done = false);
  void bottom_solve();
  void precondition();
  double true_residual(Field<double>& phi, const Field<double>& F, double norm_f);

  Grid grid_;
  BoundarySet bcs_;
  Options opt_;
  const Field<double>* face_r_[3] = {nullptr, nullptr, nullptr};
  Field<double> b_cell_;  ///< cell values of b (with ghosts), for boundary terms and fluxes
  std::vector<std::unique_ptr<detail::MgLevel>> levels_;
  std::vector<double> bottom_factor_;  ///< dense Cholesky factor of the coarsest operator
  int bottom_n_ = 0;
  bool singular_ = false;
  // Krylov vectors on the fine level.
  Field<double> r_, z_, p_, q_, rprev_, fb_, inv_diag_, rhs_;
};

}  // namespace dnd
