#include "dendrite/microstructure/properties.hpp"

#include <cmath>
#include <stdexcept>

namespace dnd::micro {

PhaseTable uniform_table(double sigma_ion, double sigma_e) {
  PhaseTable t;
  for (int p = 0; p < kPhaseCount; ++p) {
    t.sigma_ion[p] = sigma_ion;
    t.sigma_e[p] = sigma_e;
  }
  return t;
}

FilmMapping map_film(double delta, double sigma_film, double w_gb, double sigma_grain) {
  if (!(delta > 0.0 && w_gb >= delta && sigma_film > 0.0 && sigma_grain > 0.0))
    throw std::invalid_argument("map_film: need 0 < delta <= w_gb and positive conductivities");
  FilmMapping f;
  const double rest = w_gb - delta;
  f.sigma_along = (sigma_film * delta + sigma_grain * rest) / w_gb;
  const double across_resistance = delta / sigma_film + rest / sigma_grain;  // ohm m^2
  f.sigma_across = w_gb / across_resistance;
  // The arithmetic mean bounds the harmonic one, so this is >= 0 up to rounding.
  f.series_resistance = std::max(0.0, across_resistance - w_gb / f.sigma_along);
  return f;
}

PhaseTable phase_table(const std::array<PhaseMaterial, kPhaseCount>& phases, double t, double w_gb,
                       double floor, bool metal_filled_pores, double metal_sigma) {
  const PhaseMaterial& grain_mat = phases[Phase::grain];
  if (!grain_mat.present)
    throw std::invalid_argument("phase_table: the grain phase has no material");
  PhaseTable tab;
  const double g_ion = grain_mat.sigma_ion.at(t), g_e = grain_mat.sigma_e.at(t);
  const double g_int = grain_mat.conductance_int.ref > 0 ? grain_mat.conductance_int.at(t) : 0.0;
  for (int p = 0; p < kPhaseCount; ++p) {
    const PhaseMaterial& m = phases[p].present ? phases[p] : grain_mat;
    tab.sigma_ion[p] = m.sigma_ion.at(t);
    tab.sigma_e[p] = m.sigma_e.at(t);
    tab.i0_factor[p] =
        (m.conductance_int.ref > 0 && g_int > 0) ? m.conductance_int.at(t) / g_int : 1.0;
    tab.nucleation_factor[p] = m.nucleation_factor;
    tab.fracture_resistance[p] = m.fracture_resistance;
  }
  // An insulating pore conducts at a floor of 1e-6 of the grain's value (both potentials
  // stay solvable, 1e6 is far inside the solver's 1e13 range, and the floor current is 1e-6
  // of the grain's); a metal-filled one conducts electrons as metal.
  (void)floor;
  tab.sigma_ion[Phase::pore] = kPoreContrast * g_ion;
  tab.sigma_e[Phase::pore] = metal_filled_pores ? metal_sigma : kPoreContrast * g_e;
  tab.fracture_resistance[Phase::pore] = 0.0;
  if (!phases[Phase::pore].present) tab.nucleation_factor[Phase::pore] = 1.0;
  const PhaseMaterial& gb = phases[Phase::grain_boundary];
  if (gb.present && gb.film_thickness > 0.0 && w_gb > 0.0) {
    const FilmMapping ion = map_film(gb.film_thickness, gb.sigma_ion.at(t), w_gb, g_ion);
    const FilmMapping e = map_film(gb.film_thickness, gb.sigma_e.at(t), w_gb, g_e);
    tab.sigma_ion[Phase::grain_boundary] = ion.sigma_along;
    tab.sigma_e[Phase::grain_boundary] = e.sigma_along;
    tab.film_resistance_ion = ion.series_resistance;
    tab.film_resistance_e = e.series_resistance;
    tab.has_film = true;
  }
  return tab;
}

namespace {

/// Unit normal between two grain centres, across the nearest periodic image.
std::array<double, 3> centre_normal(const Microstructure& m, int a, int b, const double len[3],
                                    const bool periodic[3]) {
  std::array<double, 3> d{};
  double norm = 0.0;
  for (int ax = 0; ax < m.dim; ++ax) {
    double v = m.centres[b][ax] - m.centres[a][ax];
    if (periodic[ax]) v -= len[ax] * std::round(v / len[ax]);
    d[ax] = v;
    norm += v * v;
  }
  norm = std::sqrt(norm);
  if (norm > 0.0)
    for (double& v : d) v /= norm;
  return d;
}

}  // namespace

FilmFaces film_faces(const Microstructure& m, const Grid& g, const bool periodic[3]) {
  for (int d = 0; d < 3; ++d)
    if (m.n[d] != g.n[d]) throw std::invalid_argument("film_faces: microstructure and grid differ");
  FilmFaces out;
  std::int64_t ext[3], gh[3];
  for (int d = 0; d < 3; ++d) {
    gh[d] = g.ghost_along(d);
    ext[d] = g.n[d] + 2 * gh[d];
  }
  const std::size_t total = std::size_t(ext[0] * ext[1] * ext[2]);
  const double len[3] = {m.n[0] * m.voxel, m.n[1] * m.voxel, m.n[2] * m.voxel};
  auto at = [&](int i, int j, int k) {
    return std::size_t((i + gh[0]) + ext[0] * ((j + gh[1]) + ext[1] * (k + gh[2])));
  };
  for (int axis = 0; axis < g.dim; ++axis) {
    std::vector<double>& f = out.factor[axis];
    f.assign(total, 0.0);
    const int n = g.n[axis];
    for (int k = 0; k < g.n[2]; ++k)
      for (int j = 0; j < g.n[1]; ++j)
        for (int i = 0; i < g.n[0]; ++i) {
          // Face between the cell and its low neighbour along axis.
          int lo[3] = {i, j, k};
          const int c = lo[axis];
          if (c == 0 && !periodic[axis]) continue;
          lo[axis] = (c - 1 + n) % n;
          const std::size_t a = m.index(lo[0], lo[1], lo[2]), b = m.index(i, j, k);
          // A boundary between grains (the band's mid plane; a digital band may leave a grain
          // cell against it), not one against a pore, particle or damage layer.
          auto solid = [&](std::size_t c) {
            return m.phase[c] == Phase::grain_boundary || m.phase[c] == Phase::grain;
          };
          if (!solid(a) || !solid(b)) continue;
          if (m.grain[a] == m.grain[b]) continue;
          const auto nrm = centre_normal(m, m.grain[a], m.grain[b], len, periodic);
          const double s = std::abs(nrm[0]) + std::abs(nrm[1]) + std::abs(nrm[2]);
          f[at(i, j, k)] = s;
          ++out.faces;
          if (c == 0) {  // the periodic copy at index n
            int hi[3] = {i, j, k};
            hi[axis] = n;
            f[at(hi[0], hi[1], hi[2])] = s;
          }
        }
  }
  return out;
}

double brick_layer(int dim, double d, double delta, double sigma_grain, double sigma_film) {
  const double across = 1.0 / (1.0 / sigma_grain + delta / (d * sigma_film));
  return across + (dim - 1) * (delta / d) * sigma_film;
}

double mean_grain_size(const Microstructure& m) {
  double volume = 1.0;
  for (int d = 0; d < m.dim; ++d) volume *= m.n[d] * m.voxel;
  // Grains that hold cells here (a case's electrolyte leaves out those of the anode region).
  std::vector<char> present(std::max<std::size_t>(1, m.centres.size()), 0);
  std::size_t grains = 0;
  for (const std::int32_t id : m.grain)
    if (id >= 0 && std::size_t(id) < present.size() && !present[std::size_t(id)]) {
      present[std::size_t(id)] = 1;
      ++grains;
    }
  return std::pow(volume / double(std::max<std::size_t>(1, grains)), 1.0 / m.dim);
}

}  // namespace dnd::micro
