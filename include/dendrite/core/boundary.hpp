#pragma once
/// \file boundary.hpp
/// Boundary conditions of a box-shaped domain.
///
/// Every non-periodic side is one general Robin condition  a phi + b dphi/dn = c  on the
/// boundary face, with n the outward normal: Dirichlet is (1, 0, value), Neumann is
/// (0, 1, gradient). One formula then serves ghost filling and the elliptic operator.

#include <string>

#include "dendrite/core/macros.hpp"

namespace dnd {

enum class BcKind { periodic, robin };

struct BoundaryCondition {
  BcKind kind = BcKind::robin;
  double a = 0.0;  ///< coefficient of phi on the face
  double b = 1.0;  ///< coefficient of the outward normal derivative
  double c = 0.0;  ///< right-hand side

  static BoundaryCondition periodic() { return {BcKind::periodic, 0.0, 0.0, 0.0}; }
  static BoundaryCondition dirichlet(double value) { return {BcKind::robin, 1.0, 0.0, value}; }
  static BoundaryCondition neumann(double outward_gradient = 0.0) {
    return {BcKind::robin, 0.0, 1.0, outward_gradient};
  }
  static BoundaryCondition robin(double a, double b, double c) { return {BcKind::robin, a, b, c}; }
  bool is_periodic() const { return kind == BcKind::periodic; }
  bool is_dirichlet() const { return kind == BcKind::robin && b == 0.0; }
  bool is_neumann() const { return kind == BcKind::robin && a == 0.0; }
  std::string describe() const;
};

/// Conditions on the six sides, side[axis][0] at the low end, side[axis][1] at the high end.
struct BoundarySet {
  BoundaryCondition side[3][2];

  static BoundarySet all(const BoundaryCondition& bc) {
    BoundarySet s;
    for (auto& ax : s.side) ax[0] = ax[1] = bc;
    return s;
  }
  bool periodic(int axis) const { return side[axis][0].is_periodic(); }
};

/// Ghost value for the general Robin condition. The ghost centre lies a distance `dist`
/// beyond the interior centre it mirrors; the face sits halfway between them:
/// a (G + I)/2 + b (G - I)/dist = c  solved for G (second order at the face).
DND_INLINE double robin_ghost(double interior, double a, double b, double c, double dist) {
  return (c - interior * (0.5 * a - b / dist)) / (0.5 * a + b / dist);
}

}  // namespace dnd
