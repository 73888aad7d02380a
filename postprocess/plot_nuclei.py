#!/usr/bin/python3
"""Where metal nucleated inside the electrolyte (docs/model.md 10.2): the run's nuclei.csv
drawn over its last order parameter, with the grain boundaries outlined from
microstructure.h5 when the run has one. Each nucleus is marked at its centre cell, coloured
by when it formed; o still owes its metal, * was paid by the current that reached it, x
dissolved. 3D runs are cut at the middle z (or --slice K) and show every nucleus.

usage: plot_nuclei.py RESULT_DIR [-o nuclei.png] [--slice K]"""
import argparse
import csv
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dendrite_io import read_field, steps  # noqa: E402

MARKERS = {"owing": "o", "paid": "*", "dissolved": "x"}


def read_nuclei(result_dir):
    path = os.path.join(result_dir, "nuclei.csv")
    if not os.path.exists(path):
        raise SystemExit(f"no nuclei.csv in {result_dir}: was the run made with a nucleation: block?")
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("result_dir")
    ap.add_argument("-o", "--output", help="PNG path (default: RESULT_DIR/nuclei.png)")
    ap.add_argument("--slice", type=int, help="z index of the cut of a 3D run")
    a = ap.parse_args()
    nuclei = read_nuclei(a.result_dir)
    t, fields, spacing = steps(a.result_dir)[-1]
    xi = read_field(fields["xi"])
    if xi.ndim == 3:
        xi = xi[xi.shape[0] // 2 if a.slice is None else a.slice]
    ny, nx = xi.shape
    dx = spacing[-1] * 1e6
    extent = [0, nx * dx, 0, ny * dx]
    stretched = nx > 6 * ny  # a long thin cell: stretch y so that the nuclei can be told apart
    fig, ax = plt.subplots(figsize=(11, 3.4 if stretched else max(2.5, 9.0 * ny / nx + 1.4)),
                           constrained_layout=True)
    ax.imshow(xi, origin="lower", extent=extent, cmap="Greys", vmin=0, vmax=1, interpolation="nearest",
              aspect="auto" if stretched else "equal")
    micro = os.path.join(a.result_dir, "microstructure.h5")
    on_gb = sum(int(n["on_grain_boundary"]) for n in nuclei)
    if os.path.exists(micro):
        with h5py.File(micro, "r") as h:
            phase = h["phase"][...]
        if phase.ndim == 3:
            phase = phase[phase.shape[0] // 2 if a.slice is None else a.slice]
        ax.contour((phase == 1).astype(float), levels=[0.5], colors="#2b5d8a", linewidths=0.8,
                   extent=extent, origin="lower")
    times = np.array([float(n["time_s"]) for n in nuclei]) if nuclei else np.array([0.0])
    norm = plt.Normalize(0.0, max(times.max(), 1e-9))
    for state, marker in MARKERS.items():
        pick = [n for n in nuclei if n["state"] == state]
        if not pick:
            continue
        sc = ax.scatter([float(n["x_m"]) * 1e6 for n in pick], [float(n["y_m"]) * 1e6 for n in pick],
                        c=[float(n["time_s"]) for n in pick], cmap="plasma", norm=norm, marker=marker,
                        s=90, edgecolors="k" if marker != "x" else None, linewidths=0.6,
                        label=f"{state} ({len(pick)})")
    if nuclei:
        fig.colorbar(sc, ax=ax, label="formed at t (s)", shrink=0.8)
        ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    share = f", {100.0 * on_gb / len(nuclei):.0f} % on grain boundaries" if nuclei else ""
    ax.set_title(f"{os.path.basename(os.path.normpath(a.result_dir))}: {len(nuclei)} nuclei{share}; "
                 f"order parameter at t = {t:g} s" + (" (y stretched)" if stretched else ""), fontsize=10)
    ax.set_xlabel("x (um)")
    ax.set_ylabel("y (um)")
    out = a.output or os.path.join(a.result_dir, "nuclei.png")
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
