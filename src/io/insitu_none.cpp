// Builds without Catalyst: the adaptor factory explains how to get one.
#include <stdexcept>

#include "dendrite/io/insitu.hpp"

namespace dnd {

bool catalyst_built_in() {
  return false;
}

std::unique_ptr<InsituAdaptor> make_catalyst_adaptor(const Grid&, const std::vector<std::string>&,
                                                     const std::string&) {
  throw std::runtime_error(
      "in-situ visualisation needs ParaView Catalyst, which this build does not include: "
      "install Debian's paraview-dev and python3-paraview (scripts/install-deps does) and "
      "configure with -DDENDRITE_WITH_CATALYST=ON");
}

}  // namespace dnd
