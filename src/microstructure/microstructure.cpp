#include "dendrite/microstructure/microstructure.hpp"

#include <algorithm>
#include <cstdio>

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

std::string fingerprint(const Microstructure& m) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) {
      h ^= p[i];
      h *= 1099511628211ull;
    }
  };
  mix(m.n, sizeof m.n);
  mix(m.phase.data(), m.phase.size());
  mix(m.grain.data(), m.grain.size() * sizeof(std::int32_t));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
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
