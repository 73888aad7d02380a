#include "dendrite/core/boundary.hpp"

#include <sstream>

namespace dnd {

std::string BoundaryCondition::describe() const {
  std::ostringstream os;
  if (is_periodic())
    os << "periodic";
  else if (is_dirichlet())
    os << "dirichlet(" << c / a << ")";
  else if (is_neumann())
    os << "neumann(" << c / b << ")";
  else
    os << "robin(" << a << " phi + " << b << " dphi/dn = " << c << ")";
  return os.str();
}

}  // namespace dnd
