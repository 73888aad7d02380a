#!/usr/bin/env python3
"""Kill -9 campaign (issue 14, item 5): a run killed at random moments and resumed with
--resume, again and again until it finishes, must end with the same scalar table, byte for
byte, and the same fields, bit for bit, as the uninterrupted run. Kills land anywhere: in a
solve, in an output write, in a checkpoint write. Exit status 0 means every trial agreed."""
import argparse
import filecmp
import glob
import os
import random
import shutil
import subprocess
import sys
import time

import h5py
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--dendrite", required=True)
p.add_argument("--source", required=True)
p.add_argument("--work", required=True)
p.add_argument("--trials", type=int, default=8)
p.add_argument("--seed", type=int, default=14)
a = p.parse_args()

shutil.rmtree(a.work, ignore_errors=True)
os.makedirs(a.work)
with open(os.path.join(a.source, "inputs/examples/nzsp_2d.yaml")) as f:
    text = f.read()
# The shipped example, narrower; a checkpoint every 2 steps, fields every 5 min, and the
# potentials reused between solves (the path that once left state out of the checkpoint).
for old, new in [("every: 10 min", "every: 5 min"),
                 ("width: 20 um", "width: 8 um"),
                 ("center: [5 um, 10 um], radius: 3 um", "center: [5 um, 4 um], radius: 2 um")]:
    assert old in text, old
    text = text.replace(old, new)
text += "checkpoint: {every_steps: 2}\n"
case = os.path.join(a.work, "case.yaml")
with open(case, "w") as f:
    f.write(text)


def run(out, extra=()):
    return subprocess.Popen([a.dendrite, "run", case, "--output-dir", out, "--quiet", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


reference = os.path.join(a.work, "reference")
t0 = time.time()
r = run(reference)
_, err = r.communicate()
assert r.returncode == 0, err
wall = time.time() - t0
steps = sum(1 for _ in open(os.path.join(reference, "scalars.csv"))) - 1
print(f"uninterrupted: {steps} rows, {wall:.2f} s")


def fields_of(out):
    return sorted(os.path.relpath(f, out) for f in glob.glob(os.path.join(out, "fields", "*.h5")))


def same_fields(out):
    names = fields_of(reference)
    assert fields_of(out) == names, (fields_of(out), names)
    for name in names:
        with h5py.File(os.path.join(reference, name), "r") as x, \
             h5py.File(os.path.join(out, name), "r") as y:
            for key in x:
                assert np.array_equal(x[key][...], y[key][...]), (name, key)


rng = random.Random(a.seed)
total_kills = 0
all_resumes = []
for trial in range(a.trials):
    out = os.path.join(a.work, f"trial_{trial}")
    kills = 0
    resume = []
    resumed_from = []
    while True:
        proc = run(out, resume)
        try:
            proc.wait(timeout=rng.uniform(0.05, 1.0) * wall)
        except subprocess.TimeoutExpired:
            proc.kill()  # SIGKILL
            proc.wait()
            kills += 1
            # As a user would: --resume, whatever the kill left (before the first checkpoint
            # it starts at t = 0; between the two renames of a checkpoint it finishes them).
            resume = ["--resume"]
            ckpt = os.path.join(out, "checkpoint", "checkpoint.h5")
            for path in (ckpt + ".new", ckpt):
                if os.path.exists(path):
                    with h5py.File(path, "r") as h:
                        resumed_from.append(int(h.attrs["step"]))
                    break
            assert kills < 200, "the run never finished"
            continue
        _, err = proc.communicate()
        assert proc.returncode == 0, (trial, kills, err)
        break
    total_kills += kills
    assert filecmp.cmp(os.path.join(reference, "scalars.csv"), os.path.join(out, "scalars.csv"),
                       shallow=False), f"trial {trial}: the scalar table differs after {kills} kills"
    same_fields(out)
    leftovers = [f for _, _, fs in os.walk(out) for f in fs if ".tmp-" in f]
    assert not leftovers, leftovers
    print(f"trial {trial}: {kills} kills, resumed from steps {resumed_from}: table and fields "
          "identical")
    all_resumes += resumed_from
# The campaign must have resumed from checkpoints across the run, not only near its start.
assert len(set(all_resumes)) >= 5 and max(all_resumes) > steps // 2, all_resumes
print(f"{a.trials} trials, {total_kills} kills, {len(all_resumes)} resumes from "
      f"{len(set(all_resumes))} different steps: every resumed run identical")
