#include "dendrite/models/cell_setup.hpp"

#include <cmath>
#include <stdexcept>

namespace dnd {

CellSpec reference_na_nzsp() {
  CellSpec c;
  c.metal = {"Na", 22.99e-3, 968.0, 1, 2.1e7};
  c.electrolyte.name = "NZSP";
  c.electrolyte.sigma_ion = {0.16, 303.15, 0.28};
  c.electrolyte.sigma_e = {2.35e-5, 298.15, 0.0};
  c.electrolyte.conductance_int = {1.0 / 1.5e-4, 303.15, 0.41};
  c.temperature = 303.15;
  c.dim = 2;
  return c;
}

double exchange_current(const CellSpec& c) {
  const double r_int = 1.0 / c.electrolyte.conductance_int.at(c.temperature);
  return echem::kGas * c.temperature / (c.metal.valence * echem::kFaraday * r_int);
}

double wagner_length(const CellSpec& c) {
  return c.electrolyte.sigma_ion.at(c.temperature) /
         c.electrolyte.conductance_int.at(c.temperature);
}

Grid cell_grid(const CellSpec& c) {
  Grid g;
  g.dim = c.dim;
  const double len[3] = {c.anode_thickness + c.thickness, c.width, c.depth};
  for (int d = 0; d < 3; ++d) {
    g.n[d] = d < c.dim ? std::max(1, int(std::lround(len[d] / c.dx))) : 1;
    g.dx[d] = c.dx;
  }
  g.ghost = 1;
  return g;
}

ElectrodepositionParams cell_params(const CellSpec& c) {
  ElectrodepositionParams p;
  const double w = c.interface_width, gamma = c.interface_energy;
  p.capillary = {c.mobility, 3.0 * gamma * w, 6.0 * gamma / w,
                 c.formulation == Formulation::chen2015 ? c.anisotropy : 0.0};
  const double n = c.metal.valence, t = c.temperature;
  p.kinetics.alpha = c.alpha;
  p.kinetics.f = n * echem::kFaraday / (echem::kGas * t);
  p.kinetics.nfcs = n * echem::kFaraday * c.metal.site_density();
  const double i0 = exchange_current(c);
  // Sharp-interface match (physics brief, section 3): i = 3 w n F c_s L_eta |BV|.
  p.kinetics.l_eta = i0 / (3.0 * w * p.kinetics.nfcs);
  p.sigma.ion = c.electrolyte.sigma_ion.at(t);
  p.sigma.e = c.electrolyte.sigma_e.at(t);
  p.sigma.metal = c.metal.sigma;
  p.sigma.floor = c.sigma_floor;
  p.i0_counter = i0;
  p.counter_butler_volmer = c.counter_butler_volmer;
  p.lateral_periodic = c.lateral_periodic;
  // Gibbs-Thomson formulation (docs/model.md, section 8): v_n = -(i0 Omega_m / nF) BV.
  p.formulation = c.formulation;
  interface::FrontKinetics& fk = p.interface.kinetics;
  fk.width = w;
  fk.i0 = i0;
  fk.alpha = c.alpha;
  fk.f = p.kinetics.f;
  fk.speed_scale = i0 / p.kinetics.nfcs;
  p.interface.interface_energy = gamma;
  p.interface.anisotropy = c.formulation == Formulation::gibbs_thomson ? c.anisotropy : 0.0;
  p.interface.omega_over_nf = 1.0 / p.kinetics.nfcs;
  p.interface.relaxation = c.profile_relaxation;
  // lambda never falls below its value at a front speed of 1e-3 of the exchange current's.
  p.interface.speed_floor = 1e-3 * fk.speed_scale;
  p.interface.lateral_periodic = c.lateral_periodic;
  p.sigma.linear_ionic = c.formulation == Formulation::gibbs_thomson;
  return p;
}

std::vector<real> flat_anode(const CellSpec& c, const Grid& g) {
  std::vector<real> xi(g.cells());
  std::size_t m = 0;
  for (int k = 0; k < g.n[2]; ++k)
    for (int j = 0; j < g.n[1]; ++j)
      for (int i = 0; i < g.n[0]; ++i)
        xi[m++] =
            real(0.5 * (1.0 - std::tanh((g.centre(0, i) - c.anode_thickness) / c.interface_width)));
  return xi;
}

}  // namespace dnd
