#!/usr/bin/python3
"""Plot a microstructure written by `dendrite microstructure` (or microstructure.h5 beside a
run's fields): the phase map and the grain map, side by side, as a PNG.

usage: plot_microstructure.py FILE.h5 [-o FILE.png] [--slice K]
3D files are cut at z index K (default: the middle)."""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

PHASE_COLOURS = ["#d9d4c7", "#2b5d8a", "#ffffff", "#c0392b", "#8e6c3a"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("-o", "--output", "--out", dest="out", help="PNG path (default: FILE with .png)")
    ap.add_argument("--slice", type=int, help="z index of the cut of a 3D microstructure")
    a = ap.parse_args()
    with h5py.File(a.file, "r") as h:
        phase = h["phase"][...]
        grain = h["grain"][...]
        voxel = float(h.attrs["voxel"])
        names = h.attrs["phase_names"]
        names = (names.decode() if isinstance(names, bytes) else str(names)).split(",")
    title = a.file
    if phase.ndim == 3:
        k = phase.shape[0] // 2 if a.slice is None else a.slice
        phase, grain = phase[k], grain[k]
        title += f" (z index {k})"
    ny, nx = phase.shape
    extent = [0, nx * voxel * 1e6, 0, ny * voxel * 1e6]
    fig, ax = plt.subplots(1, 2, figsize=(11, 5.2 * ny / nx + 0.8), constrained_layout=True)
    cmap = ListedColormap(PHASE_COLOURS)
    ax[0].imshow(phase, origin="lower", extent=extent, cmap=cmap, vmin=-0.5, vmax=4.5,
                 interpolation="nearest")
    present = sorted(set(np.unique(phase).tolist()))
    handles = [plt.Rectangle((0, 0), 1, 1, fc=PHASE_COLOURS[p], ec="k", lw=0.3) for p in present]
    ax[0].legend(handles, [f"{names[p]} {100 * np.mean(phase == p):.1f} %" for p in present],
                 loc="upper right", fontsize=7, framealpha=0.9)
    ax[0].set_title("phase")
    rng = np.random.default_rng(0)
    colours = rng.random((int(grain.max()) + 1, 3)) * 0.7 + 0.3
    ax[1].imshow(colours[grain], origin="lower", extent=extent, interpolation="nearest")
    ax[1].set_title(f"grain id ({len(np.unique(grain))} grains)")
    for x in ax:
        x.set_xlabel("x (um)")
        x.set_ylabel("y (um)")
    fig.suptitle(title, fontsize=9)
    out = a.out or a.file.rsplit(".", 1)[0] + ".png"
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
