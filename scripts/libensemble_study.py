#!/usr/bin/env python3
"""Drive a dendrite study from libEnsemble (https://libensemble.readthedocs.io, PyPI), the
ensemble manager HPC centres run: libEnsemble's manager hands the study's points to its
workers, and each worker runs one point with `dendrite study run STUDY --point ID`, so the
points, their claims, resumption and results.csv are the study's own (a point finished by
any route is not run again).

    python3 -m pip install libensemble        (scripts/install-libensemble does it here)
    python3 scripts/libensemble_study.py inputs/studies/ccd_vs_temperature.yaml --nworkers 2

--comms local runs the workers as processes on this machine; with --comms mpi (under
mpirun, with mpi4py) they spread over the nodes of an allocation."""
import argparse
import os
import shutil
import subprocess
import sys

import numpy as np
from libensemble.libE import libE
from libensemble.tools import add_unique_random_streams


def dendrite_binary():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("DENDRITE") or shutil.which("dendrite") or \
        os.path.join(here, "..", "build", "cpu", "dendrite")


def all_points(H, persis_info, gen_specs, libE_info):
    """gen_f: every point of the study, once."""
    ids = gen_specs["user"]["points"]
    out = np.zeros(len(ids), dtype=gen_specs["out"])
    out["index"] = np.arange(len(ids))
    return out, persis_info


def run_point(H, persis_info, sim_specs, libE_info):
    """sim_f: one point through dendrite; its CCD back to the manager."""
    u = sim_specs["user"]
    out = np.zeros(1, dtype=sim_specs["out"])
    pid = u["points"][int(H["index"][0])]
    r = subprocess.run([u["dendrite"], "study", "run", u["study"], "--point", pid, "--quiet",
                        "--jobs", "1"], capture_output=True, text=True)
    out["ok"] = r.returncode == 0
    result = os.path.join(u["output"], "points", pid, "result.json")
    ccd = np.nan
    if os.path.exists(result):
        for line in open(result):
            if '"ccd_A_m2"' in line:
                value = line.split(":")[1].strip().rstrip(",")
                ccd = float(value) / 10.0 if value != "null" else np.nan
    out["ccd_mA_cm2"] = ccd
    return out, persis_info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("study")
    ap.add_argument("--nworkers", type=int, default=2)
    ap.add_argument("--comms", default="local", choices=["local", "mpi"])
    a = ap.parse_args()
    dendrite = dendrite_binary()
    listing = subprocess.run([dendrite, "study", "points", a.study], capture_output=True,
                             text=True, check=True).stdout.split("\n")
    points = [line.split("\t")[0] for line in listing if line]
    output = None
    for line in open(a.study):
        if line.startswith("output:"):
            output = line.split(":", 1)[1].split("#")[0].strip()
    sim_specs = {"sim_f": run_point, "in": ["index"],
                 "out": [("ccd_mA_cm2", float), ("ok", bool)],
                 "user": {"dendrite": dendrite, "study": a.study, "points": points,
                          "output": output}}
    gen_specs = {"gen_f": all_points, "out": [("index", int)], "user": {"points": points}}
    libE_specs = {"comms": a.comms, "nworkers": a.nworkers}
    persis_info = add_unique_random_streams({}, a.nworkers + 1)
    H, _, flag = libE(sim_specs, gen_specs, {"sim_max": len(points)}, persis_info,
                      libE_specs=libE_specs)
    if H is None:  # a worker process under mpi
        return 0
    # The table once every worker is done (each point's run wrote it as far as it knew).
    subprocess.run([dendrite, "study", "status", a.study], check=True, capture_output=True)
    done = H[H["sim_ended"]]
    for row in sorted(done, key=lambda r: r["index"]):
        print(f"{points[row['index']]}: {'CCD %g mA/cm^2' % row['ccd_mA_cm2'] if row['ok'] else 'FAILED'}")
    print(f"libEnsemble: {len(done)} of {len(points)} points, exit flag {flag}; "
          f"table {output}/results.csv")
    return 0 if flag == 0 and all(done["ok"]) and len(done) == len(points) else 1


if __name__ == "__main__":
    sys.exit(main())
