#!/usr/bin/python3
"""A study's critical-current-density map (dendrite study run; docs/model.md section 12).

Reads STUDY_DIR/results.csv (one row per finished point) and writes
  STUDY_DIR/ccd_map.png  the CCD over the study's axes: a heat map of the median over the
                         replicates for two axes, CCD against the axis for one (replicates
                         as points); cells that never shorted are marked "no short"
  STUDY_DIR/ccd_map.csv  per grid point: replicates, shorted, median / min / max CCD and the
                         failure probability P(short <= i) at each current reached
and with --trace POINT (e.g. p0003) the voltage trace of that point from its scalars.csv,
protocol.csv and ccd.json (when each short detector fired) as STUDY_DIR/trace_POINT.png.

usage: plot_ccd_map.py STUDY_DIR [--trace POINT ...]"""
import argparse
import csv
import json
import os
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def number(text):
    """The leading number of an axis value ("25 degC" -> 25.0), or None for a name."""
    try:
        return float(text.split()[0])
    except (ValueError, IndexError):
        return None


def load(study_dir):
    with open(os.path.join(study_dir, "results.csv")) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{study_dir}/results.csv has no finished points yet")
    fixed = {"point", "replicate", "seed", "status", "shorted", "ccd_A_m2", "first_detector",
             "end_time_s"}
    axes = [c for c in rows[0].keys() if c not in fixed]
    return rows, axes


def groups(rows, axes):
    """Points grouped by their axis values, in the order they appear."""
    out = {}
    for r in rows:
        out.setdefault(tuple(r[a] for a in axes), []).append(r)
    return out


def summary(reps):
    ccd = [float(r["ccd_A_m2"]) / 10.0 for r in reps if r["shorted"] == "true"]
    return {"replicates": len(reps), "shorted": len(ccd),
            "median": statistics.median(ccd) if ccd and len(ccd) * 2 > len(reps) else None,
            "min": min(ccd) if ccd else None, "max": max(ccd) if ccd else None, "ccd": ccd}


def write_csv(study_dir, axes, table, currents):
    path = os.path.join(study_dir, "ccd_map.csv")
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(axes + ["replicates", "shorted", "median_ccd_mA_cm2", "min_ccd_mA_cm2",
                           "max_ccd_mA_cm2"] + [f"P(short<={i:g} mA/cm^2)" for i in currents])
        for key, s in table.items():
            fmt = lambda v: "" if v is None else f"{v:g}"  # noqa: E731
            w.writerow(list(key) + [s["replicates"], s["shorted"], fmt(s["median"]), fmt(s["min"]),
                                    fmt(s["max"])] +
                       [f"{sum(c <= i + 1e-9 for c in s['ccd']) / s['replicates']:.3g}"
                        for i in currents])
    os.replace(path + ".tmp", path)
    return path


def plot_map(study_dir, axes, table, currents):
    fig, ax = plt.subplots(1, 2, figsize=(12, 4.6), constrained_layout=True)
    keys = list(table.keys())
    if len(axes) == 2:
        xs = list(dict.fromkeys(k[0] for k in keys))
        ys = list(dict.fromkeys(k[1] for k in keys))
        grid = np.full((len(ys), len(xs)), np.nan)
        for k, s in table.items():
            if s["median"] is not None:
                grid[ys.index(k[1]), xs.index(k[0])] = s["median"]
        im = ax[0].imshow(grid, origin="lower", cmap="viridis", aspect="auto")
        for k, s in table.items():
            text = "no short" if s["median"] is None else f"{s['median']:g}"
            ax[0].text(xs.index(k[0]), ys.index(k[1]), f"{text}\n{s['shorted']}/{s['replicates']}",
                       ha="center", va="center", color="w", fontsize=8)
        ax[0].set_xticks(range(len(xs)), xs, rotation=30, fontsize=8)
        ax[0].set_yticks(range(len(ys)), ys, fontsize=8)
        ax[0].set_xlabel(axes[0])
        ax[0].set_ylabel(axes[1])
        fig.colorbar(im, ax=ax[0], label="median CCD (mA/cm^2)")
    else:
        labels = [k[0] if k else "base" for k in keys]
        xnum = [number(label) for label in labels]
        use_numbers = all(v is not None for v in xnum)
        xpos = xnum if use_numbers else list(range(len(keys)))
        for m, (x, (k, s)) in enumerate(zip(xpos, table.items())):
            ax[0].scatter([x] * len(s["ccd"]), s["ccd"], color="C0", alpha=0.6,
                          label="replicates that shorted" if m == 0 else None)
            if s["median"] is not None:
                ax[0].scatter([x], [s["median"]], color="C3", marker="_", s=400,
                              label="median" if m == 0 else None)
            if s["shorted"] < s["replicates"]:
                ax[0].annotate(f"{s['replicates'] - s['shorted']} no short", (x, 0), fontsize=7,
                               ha="center", va="bottom")
        if not use_numbers:
            ax[0].set_xticks(xpos, labels, rotation=20, fontsize=8)
        unit = " ".join(labels[0].split()[1:]) if use_numbers and labels else ""
        ax[0].set_xlabel((axes[0] if axes else "") + (f" ({unit})" if unit else ""))
        ax[0].set_ylabel("CCD (mA/cm^2)")
        ax[0].set_ylim(bottom=0)
        ax[0].legend(fontsize=8, loc="upper left")
    ax[0].set_title("critical current density")
    # Curves of equal CCD coincide: each is drawn a little higher, thinner, with markers.
    n = max(len(table), 1)
    for m, (k, s) in enumerate(table.items()):
        p = [sum(c <= i + 1e-9 for c in s["ccd"]) / s["replicates"] for i in currents]
        lift = 0.02 * (m - (n - 1) / 2) / n
        ax[1].step(currents, [v + lift for v in p], where="post", marker="o", ms=4,
                   lw=2.5 - 1.5 * m / n, label=", ".join(k) if k else "base")
    ax[1].set_xlabel("current density i (mA/cm^2)")
    ax[1].set_ylabel("failure probability P(short <= i)")
    ax[1].set_ylim(-0.08, 1.08)
    if len(table) <= 12:
        ax[1].legend(fontsize=7)
    ax[1].set_title("over the replicates of each point (equal curves offset slightly)")
    path = os.path.join(study_dir, "ccd_map.png")
    fig.savefig(path, dpi=120)
    return path


def plot_trace(study_dir, point):
    """The voltage trace of one point of a study, as STUDY_DIR/trace_POINT.png."""
    path = os.path.join(study_dir, f"trace_{point}.png")
    return draw_trace(os.path.join(study_dir, "points", point), point, path)


def draw_trace(d, name, path):
    """V_cell per step (scalars.csv of run folder d) over the applied current of each segment
    (protocol.csv), with when each short detector fired (ccd.json); written to path."""
    data = np.genfromtxt(os.path.join(d, "scalars.csv"), delimiter=",", names=True)
    with open(os.path.join(d, "protocol.csv")) as f:
        segments = list(csv.DictReader(f))
    fig, ax = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True, constrained_layout=True)
    t = data["time_s"] / 60.0
    ax[0].plot(t, data["v_cell_V"] * 1e3, ".-", ms=3)
    ax[0].set_ylabel("V_cell (mV)")
    # The applied current as the cycler set it: a staircase, segment by segment.
    steps_t, steps_i = [], []
    for s in segments:
        begin = float(s["begin_s"]) / 60.0
        end = (float(s["begin_s"]) + float(s["time_s"])) / 60.0
        steps_t += [begin, end]
        steps_i += [float(s["current_density_A_m2"]) / 10.0] * 2
    ax[1].plot(steps_t, steps_i, color="k", label="applied")
    ax[1].plot(t, data["i_electronic_A_m2"] / 10.0, ".-", ms=3, label="electronic (at the counter electrode)")
    ax[1].set_ylabel("current density (mA/cm^2)")
    ax[1].set_xlabel("time (min)")
    ax[1].legend(fontsize=8)
    total = np.abs(data["i_ionic_A_m2"]) + np.abs(data["i_electronic_A_m2"])
    share = np.divide(np.abs(data["i_electronic_A_m2"]), total, out=np.zeros_like(total),
                      where=total > 0)
    ax[0].set_title(f"{name}: largest electronic share {share.max():.2f}")
    # When each short detector fired (ccd.json), on both panels.
    ccd_path = os.path.join(d, "ccd.json")
    if os.path.exists(ccd_path):
        with open(ccd_path) as f:
            result = json.load(f)
        for (name, event), color in zip((result.get("detectors") or {}).items(),
                                        ("C3", "C2", "C4")):
            if event:
                for a in ax:
                    a.axvline(event["time_s"] / 60.0, color=color, ls="--", lw=1)
                ax[1].annotate(f"{name.replace('_', ' ')} (step {event['step']})",
                               (event["time_s"] / 60.0, ax[1].get_ylim()[1]), rotation=90,
                               va="top", ha="right", fontsize=7, color=color)
    fig.savefig(path, dpi=120)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("study_dir")
    ap.add_argument("--trace", nargs="*", default=[], metavar="POINT")
    a = ap.parse_args()
    rows, axes = load(a.study_dir)
    table = {k: summary(v) for k, v in groups(rows, axes).items()}
    reached = sorted({c for s in table.values() for c in s["ccd"]})
    # From zero, so every curve starts at P = 0 and its rise shows.
    currents = [0.0] + reached
    print("wrote", write_csv(a.study_dir, axes, table, currents))
    print("wrote", plot_map(a.study_dir, axes, table, currents))
    for p in a.trace:
        print("wrote", plot_trace(a.study_dir, p))


if __name__ == "__main__":
    main()
