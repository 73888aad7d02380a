// Per-phase properties in the electrodeposition model (docs/model.md, section 9): the
// single-phase path reproduces the homogeneous model bit for bit (V4 unchanged), and a GB
// film across the current adds exactly the real film's resistance to the cell voltage.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "dendrite/microstructure/microstructure.hpp"
#include "dendrite/microstructure/properties.hpp"
#include "dendrite/models/cell_setup.hpp"
#include "dendrite/models/electrodeposition.hpp"

namespace dnd {
namespace {

CellSpec flat_cell() {
  CellSpec c = reference_na_nzsp();
  c.thickness = 20e-6;
  c.anode_thickness = 5e-6;
  c.width = 0.5e-6;
  c.dx = 0.25e-6;
  c.interface_width = 1e-6;
  return c;
}

/// The grain material: the cell's electrolyte.
micro::PhaseMaterial grain_of(const CellSpec& c) {
  micro::PhaseMaterial g;
  g.present = true;
  g.sigma_ion = c.electrolyte.sigma_ion;
  g.sigma_e = c.electrolyte.sigma_e;
  g.conductance_int = c.electrolyte.conductance_int;
  return g;
}

struct Trace {
  std::vector<double> v;
  std::vector<real> xi;
};

Trace run(const CellSpec& c, const micro::Microstructure* m,
          const std::array<micro::PhaseMaterial, micro::kPhaseCount>* mats, double i_app) {
  const Grid g = cell_grid(c);
  ElectrodepositionParams p = cell_params(c);
  if (m) {
    p.phases =
        micro::phase_table(*mats, c.temperature, m->gb_width, p.sigma.floor, false, p.sigma.metal);
    p.has_phases = true;
  }
  Electrodeposition model(g, p);
  if (m) model.set_microstructure(*m);
  model.xi().upload_interior(flat_anode(c, g));
  model.equilibrate_profile();
  const CellControl ctl{ControlMode::galvanostatic, 0.0, i_app};
  Trace t;
  for (int s = 0; s < 10; ++s) {
    EXPECT_TRUE(model.advance(0.05, ctl).converged);
    t.v.push_back(model.v_cell());
  }
  t.xi = model.xi().download_interior();
  return t;
}

double v4(const CellSpec& c, double i, double electrolyte) {
  const double rt_nf = echem::kGas * c.temperature / echem::kFaraday;
  return i * electrolyte / c.electrolyte.sigma_ion.at(c.temperature) +
         2.0 * (2.0 * rt_nf) * std::asinh(i / (2.0 * exchange_current(c)));
}

TEST(PhaseProperties, UniformMicrostructureReproducesTheHomogeneousCellBitForBit) {
  const CellSpec c = flat_cell();
  const Grid g = cell_grid(c);
  const micro::Microstructure m = micro::uniform(g.dim, g.n, g.dx[0]);
  std::array<micro::PhaseMaterial, micro::kPhaseCount> mats;
  mats[micro::Phase::grain] = grain_of(c);
  const double i = 50.0;
  const Trace plain = run(c, nullptr, nullptr, i);
  const Trace phased = run(c, &m, &mats, i);
  ASSERT_EQ(plain.v.size(), phased.v.size());
  for (std::size_t s = 0; s < plain.v.size(); ++s) EXPECT_EQ(plain.v[s], phased.v[s]) << s;
  EXPECT_EQ(plain.xi, phased.xi);
  std::printf("[V4] uniform microstructure: V = %.9f mV, homogeneous %.9f mV\n",
              -phased.v.back() * 1e3, -plain.v.back() * 1e3);
}

TEST(PhaseProperties, FilmAcrossTheCurrentAddsTheRealFilmsResistance) {
  // A planar GB band at mid-electrolyte, normal to x: the cell voltage rises by
  // i delta (1/sigma_f - 1/sigma_g) over the homogeneous cell (eqs. 51-52).
  const CellSpec c = flat_cell();
  const Grid g = cell_grid(c);
  micro::Microstructure m = micro::uniform(g.dim, g.n, g.dx[0]);
  const int band = 4, mid = g.n[0] / 2 + 10;
  m.gb_width = band * g.dx[0];
  const double lx = g.length(0);
  m.centres = {{0.25 * lx, 0.0, 0.0}, {0.9 * lx, 0.0, 0.0}};
  for (int j = 0; j < g.n[1]; ++j)
    for (int i = 0; i < g.n[0]; ++i) {
      const std::size_t k = m.index(i, j, 0);
      m.grain[k] = i < mid ? 0 : 1;
      if (i >= mid - band / 2 && i < mid + band / 2) m.phase[k] = micro::Phase::grain_boundary;
    }
  std::array<micro::PhaseMaterial, micro::kPhaseCount> mats;
  mats[micro::Phase::grain] = grain_of(c);
  micro::PhaseMaterial film = grain_of(c);
  const double delta = 2e-9, sigma_f = 5e-4;  // pristine NZSP-like: 4e-6 ohm m^2 per boundary
  film.film_thickness = delta;
  film.sigma_ion = {sigma_f, c.temperature, 0.0};
  mats[micro::Phase::grain_boundary] = film;
  const double i = 50.0;
  const Trace plain = run(c, nullptr, nullptr, i);
  const Trace filmed = run(c, &m, &mats, i);
  const double sg = c.electrolyte.sigma_ion.at(c.temperature);
  const double added = i * delta * (1.0 / sigma_f - 1.0 / sg);
  const double shift = plain.v.back() - filmed.v.back();  // V < 0 when plating
  std::printf("[GB film in the cell] |V| %.6f -> %.6f mV: +%.6f mV, film i delta/sigma %.6f mV\n",
              -plain.v.back() * 1e3, -filmed.v.back() * 1e3, shift * 1e3, added * 1e3);
  EXPECT_NEAR(shift / added, 1.0, 0.01);
  // The homogeneous part still obeys V4.
  EXPECT_NEAR(-plain.v.back() / v4(c, i, c.thickness), 1.0, 0.02);
}

}  // namespace
}  // namespace dnd
