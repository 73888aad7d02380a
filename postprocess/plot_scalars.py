#!/usr/bin/env python3
"""Plot the scalar time series of a dendrite run.

Electrodeposition: cell voltage and currents, front and tip positions. Liquid reference mode
(normalised units): current and tip. Allen-Cahn: metal volume and free energy.

usage: plot_scalars.py RESULT_DIR [-o scalars.png]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dendrite_io import field_shape, scalars, steps  # noqa: E402


def cell_height(result_dir):
    """Extent along y of a 2D run (None in 3D, where metal_amount is a volume)."""
    _, fields, spacing = steps(result_dir)[0]
    shape = field_shape(next(iter(fields.values())))
    return shape[0] * spacing[0] if len(shape) == 2 else None


p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("result_dir")
p.add_argument("-o", "--output", help="PNG path (default RESULT_DIR/scalars.png)")
a = p.parse_args()
s = scalars(a.result_dir)
t = s["time_s"]
fig, ax = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
if "v_cell_V" in s.dtype.names:
    ax[0].plot(t, s["v_cell_V"] * 1e3, color="C0")
    ax[0].set(ylabel="cell voltage (mV)", title="voltage (plating at x = 0: V < 0)")
    right = ax[0].twinx()
    right.plot(t, s["i_ionic_A_m2"] / 10, "--", color="C1", label="ionic")
    right.plot(t, s["i_electronic_A_m2"] / 10, ":", color="C2", label="electronic")
    right.set_ylabel("current density (mA/cm^2)")
    right.legend(loc="lower right")
    ax[1].plot(t, s["metal_thickness_m"] * 1e6, label="mean front (metal volume / area)")
    ax[1].plot(t, s["tip_m"] * 1e6, label="tip (connected to the anode)")
    ax[1].plot(t, s["deepest_m"] * 1e6, ":", label="deepest metal")
    ax[1].set(ylabel="x (um)", title="metal front")
    ax[1].legend()
elif "cation_inflow" in s.dtype.names:
    ax[0].plot(t, s["current"], color="C0")
    ax[0].set(ylabel="current density at x = Lx (normalised)", title="current")
    if s["current"].min() > 0:
        ax[0].set_yscale("log")  # a short circuit ends with a spike of several decades
    height = cell_height(a.result_dir)
    if height:
        ax[1].plot(t, s["metal_amount"] / height, label="mean front (metal area / height)")
    ax[1].plot(t, s["tip"], label="tip (connected to the electrode)")
    ax[1].plot(t, s["deepest"], ":", label="deepest metal")
    ax[1].set(ylabel="x (normalised length)", title="metal front")
    ax[1].legend()
else:
    dim = len(steps(a.result_dir)[0][2])
    scale, unit = (1e12, "um^2") if dim == 2 else (1e18, "um^3")
    ax[0].plot(t, s["metal_volume"] * scale)
    ax[0].set(ylabel=f"metal ({unit})", title="metal (integral of xi)")
    ax[1].plot(t, s["free_energy"], color="C3")
    ax[1].set(ylabel="free energy (J/m per depth)" if dim == 2 else "free energy (J)",
              title="free energy")
for x in ax:
    x.set(xlabel="time (s)")
    x.grid(alpha=0.3)
out = a.output or os.path.join(a.result_dir, "scalars.png")
fig.savefig(out, dpi=120)
print(out)
