#!/usr/bin/env python3
"""Plot the scalar time series of a dendrite run: metal volume and free energy vs time.

usage: plot_scalars.py RESULT_DIR [-o scalars.png]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dendrite_io import scalars, steps  # noqa: E402

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("result_dir")
p.add_argument("-o", "--output", help="PNG path (default RESULT_DIR/scalars.png)")
a = p.parse_args()
s = scalars(a.result_dir)
dim = len(steps(a.result_dir)[0][2])
fig, ax = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
if dim == 2:
    ax[0].plot(s["time_s"], s["metal_volume"] * 1e12)
    ax[0].set(ylabel="metal area (um^2)", title="metal (integral of xi)")
    ax[1].set(ylabel="free energy per unit depth (J/m)")
else:
    ax[0].plot(s["time_s"], s["metal_volume"] * 1e18)
    ax[0].set(ylabel="metal volume (um^3)", title="metal (integral of xi)")
    ax[1].set(ylabel="free energy (J)")
ax[1].plot(s["time_s"], s["free_energy"], color="C3")
ax[1].set(title="free energy")
for x in ax:
    x.set(xlabel="time (s)")
for x in ax:
    x.grid(alpha=0.3)
out = a.output or os.path.join(a.result_dir, "scalars.png")
fig.savefig(out, dpi=120)
print(out)
