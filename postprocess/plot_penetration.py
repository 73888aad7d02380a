#!/usr/bin/python3
"""Filament penetration of several runs side by side: the connected tip, the deepest metal
and the mean metal thickness against time (from each run's scalars.csv), and, where the
table has them, the share of the metal ahead of the front on grain-boundary cells, the
number of nuclei formed and the metal they still owe (docs/model.md 10.2-10.3).

usage: plot_penetration.py RESULT_DIR [RESULT_DIR ...] [-o penetration.png]"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from dendrite_io import scalars  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("result_dirs", nargs="+")
    ap.add_argument("-o", "--output", default="penetration.png")
    a = ap.parse_args()
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
    for d in a.result_dirs:
        s = scalars(d)
        label = os.path.basename(os.path.normpath(d))
        t = s["time_s"] / 60.0
        line, = ax[0].plot(t, s["tip_m"] * 1e6, label=f"{label}: connected tip")
        ax[0].plot(t, s["deepest_m"] * 1e6, "--", color=line.get_color(), label=f"{label}: deepest")
        ax[0].plot(t, s["metal_thickness_m"] * 1e6, ":", color=line.get_color(),
                   label=f"{label}: mean thickness")
        if "gb_metal_fraction" in s.dtype.names:
            ax[1].plot(t, s["gb_metal_fraction"], color=line.get_color(), label=label)
        if "nuclei" in s.dtype.names:
            ax[2].plot(t, s["nuclei"], color=line.get_color(), label=f"{label}: nuclei")
        if "unpaid_nuclei_m" in s.dtype.names:
            twin = ax[2].twinx() if not hasattr(ax[2], "unpaid") else ax[2].unpaid
            ax[2].unpaid = twin
            twin.plot(t, s["unpaid_nuclei_m"] * 1e6, ":", color=line.get_color())
            twin.set_ylabel("metal the nuclei still owe (um of thickness, dotted)")
    ax[0].set_xlabel("time (min)")
    ax[0].set_ylabel("x (um)")
    ax[0].legend(fontsize=7)
    ax[0].set_title("penetration")
    ax[1].set_xlabel("time (min)")
    ax[1].set_ylabel("share of metal cells ahead of the front on GB cells")
    ax[1].set_ylim(-0.05, 1.05)
    ax[1].legend(fontsize=7)
    ax[1].set_title("where the metal goes")
    ax[2].set_xlabel("time (min)")
    ax[2].set_ylabel("nuclei formed (solid)")
    ax[2].yaxis.set_major_locator(MaxNLocator(integer=True))
    ax[2].legend(fontsize=7, loc="lower right")
    ax[2].set_title("nucleation inside the electrolyte")
    fig.savefig(a.output, dpi=120)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
