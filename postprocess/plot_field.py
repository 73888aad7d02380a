#!/usr/bin/env python3
"""Maps of a field at four output times, first to last (2D, or the mid-z slice in 3D).

usage: plot_field.py RESULT_DIR [--field xi] [-o xi.png]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dendrite_io import model, read_field, steps  # noqa: E402

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("result_dir")
p.add_argument("--field", default="xi")
p.add_argument("-o", "--output", help="PNG path (default RESULT_DIR/<field>.png)")
a = p.parse_args()
st = steps(a.result_dir)
# The liquid reference mode runs in the paper's normalised units (1 = 1 um, 1 = 1 s, V).
normalised = model(a.result_dir) == "liquid"
length_scale, length_unit = (1.0, "normalised") if normalised else (1e6, "um")
picks = sorted(set(round(f * (len(st) - 1)) for f in (0, 1 / 3, 2 / 3, 1)))
chosen = [st[i] for i in picks]
fig, axes = plt.subplots(1, len(chosen), figsize=(4.2 * len(chosen) + 1, 4.4), constrained_layout=True,
                         squeeze=False)
axes = axes[0]
for ax, (t, fields, spacing) in zip(axes, chosen):
    data = read_field(fields[a.field])
    if data.ndim == 3:
        data = data[data.shape[0] // 2]
    dy, dx = spacing[-2], spacing[-1]
    extent = [0, data.shape[1] * dx * length_scale, 0, data.shape[0] * dy * length_scale]
    scale, label = (1e3, a.field + " (mV)") if a.field.startswith("phi") else (1, a.field)
    if a.field == "current":
        scale, label = 0.1, "|i| (mA/cm^2)"
    if a.field == "xi":
        label = "xi (1 = metal)"
    im = ax.imshow(data * scale, origin="lower", extent=extent, cmap="viridis",
                   **({"vmin": 0, "vmax": 1} if a.field == "xi" else {}))
    if "xi" in fields:
        xi = read_field(fields["xi"])
        xi = xi[xi.shape[0] // 2] if xi.ndim == 3 else xi
        ax.contour(np.linspace(extent[0], extent[1], xi.shape[1]),
                   np.linspace(extent[2], extent[3], xi.shape[0]), xi, levels=[0.5], colors="w",
                   linewidths=0.8)
    ax.set(xlabel=f"x ({length_unit})", ylabel=f"y ({length_unit})",
           title=f"{a.field} at t = {t:g}" + ("" if normalised else " s"))
fig.colorbar(im, ax=axes, shrink=0.8, label=label)
out = a.output or os.path.join(a.result_dir, a.field + ".png")
fig.savefig(out, dpi=120)
print(out)
