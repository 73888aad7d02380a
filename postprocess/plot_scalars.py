#!/usr/bin/env python3
"""Plot the scalar time series of a dendrite run: metal volume and free energy vs time.

usage: plot_scalars.py RESULT_DIR [-o scalars.png]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dendrite_io import scalars  # noqa: E402

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("result_dir")
p.add_argument("-o", "--output", help="PNG path (default RESULT_DIR/scalars.png)")
a = p.parse_args()
s = scalars(a.result_dir)
fig, ax = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
ax[0].plot(s["time_s"], s["metal_volume"] * 1e12, "-o", ms=2)
ax[0].set(xlabel="time (s)", ylabel="metal volume (um^2 per unit depth, 2D; um^3 x 1e-6, 3D)",
          title="metal volume")
ax[1].plot(s["time_s"], s["free_energy"], "-o", ms=2, color="C3")
ax[1].set(xlabel="time (s)", ylabel="free energy (J, per m depth in 2D)", title="free energy")
for x in ax:
    x.grid(alpha=0.3)
out = a.output or os.path.join(a.result_dir, "scalars.png")
fig.savefig(out, dpi=120)
print(out)
