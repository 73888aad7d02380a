#include "dendrite/microstructure/microstructure.hpp"

#include <algorithm>

namespace dnd::micro {

namespace {
constexpr const char* kNames[kPhaseCount] = {"grain", "grain_boundary", "pore", "secondary_phase",
                                             "damage_layer"};
}

const char* phase_name(int id) {
  return id >= 0 && id < kPhaseCount ? kNames[id] : "unknown";
}

int phase_id(const std::string& name) {
  for (int p = 0; p < kPhaseCount; ++p)
    if (name == kNames[p]) return p;
  return -1;
}

double Microstructure::fraction(Phase p) const {
  if (phase.empty()) return 0.0;
  const auto count = std::count(phase.begin(), phase.end(), std::uint8_t(p));
  return double(count) / double(phase.size());
}

Microstructure uniform(int dim, const int n[3], double voxel) {
  Microstructure m;
  m.dim = dim;
  for (int d = 0; d < 3; ++d) m.n[d] = d < dim ? n[d] : 1;
  m.voxel = voxel;
  m.phase.assign(m.cells(), Phase::grain);
  m.grain.assign(m.cells(), 0);
  m.centres = {{0.5 * m.n[0] * voxel, 0.5 * m.n[1] * voxel, 0.5 * m.n[2] * voxel}};
  return m;
}

}  // namespace dnd::micro
