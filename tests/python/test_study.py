#!/usr/bin/env python3
"""Studies end to end (issue 13): a 4-point CCD study through the real binary, run
straight, killed with SIGKILL and rerun, split in Slurm shards and over 2 MPI ranks; each
ends with the same results.csv byte for byte, no point runs twice and no partial result is
read. Then `study status`, the map plot and the Slurm script's dry run. Exit 0: all passed."""
import argparse
import filecmp
import os
import shutil
import signal
import subprocess
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--dendrite", required=True)
p.add_argument("--source", required=True)
p.add_argument("--work", required=True)
a = p.parse_args()

shutil.rmtree(a.work, ignore_errors=True)
os.makedirs(a.work)
base = os.path.join(os.path.abspath(a.source), "inputs/examples/nzsp_ccd_ramp.yaml")


def study_file(name, extra=""):
    path = os.path.join(a.work, name + ".yaml")
    with open(path, "w") as f:
        f.write(f"base: {base}\n"
                "axes:\n"
                "  - key: cell.temperature\n"
                "    values: [25 degC, 90 degC]\n"
                "  - key: protocol.step_time\n"
                "    values: [4 min, 5 min]\n"
                f"output: {os.path.join(a.work, name)}\n" + extra)
    return path


def study(path, *extra, env=None, launcher=()):
    r = subprocess.run([*launcher, a.dendrite, "study", "run", path, *extra], capture_output=True,
                       text=True, env=env)
    return r


def table(name):
    return os.path.join(a.work, name, "results.csv")


# Straight through, two points at a time.
r = study(study_file("straight"), "--jobs", "2")
assert r.returncode == 0, r.stdout + r.stderr
rows = open(table("straight")).read().splitlines()
print("\n".join(rows))
assert len(rows) == 5, rows
assert all(",done,true," in row for row in rows[1:]), rows

# A bad axis value is refused by the study file's line before anything runs.
bad = os.path.join(a.work, "bad.yaml")
with open(bad, "w") as f:
    f.write(f"base: {base}\naxes:\n  - key: cell.temperature\n    values: [25 degC, -5 K]\n"
            f"output: {os.path.join(a.work, 'bad')}\n")
r = study(bad)
assert r.returncode == 2 and "bad.yaml:4:" in r.stderr and "cell.temperature" in r.stderr, r.stderr
assert not os.path.exists(os.path.join(a.work, "bad", "points", "p0000", "log.txt"))

# Killed mid-way (SIGKILL: no clean-up) and rerun: the same table; points finished before
# the kill are not run again, and no partial result is ever read.
killed = study_file("killed")
proc = subprocess.Popen([a.dendrite, "study", "run", killed, "--jobs", "1"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
time.sleep(1.2)
proc.send_signal(signal.SIGKILL)
proc.wait()
points = os.path.join(a.work, "killed", "points")
finished = {d: os.stat(os.path.join(points, d, "result.json")).st_mtime_ns
            for d in os.listdir(points) if os.path.exists(os.path.join(points, d, "result.json"))}
print(f"killed after {len(finished)} of 4 points")
assert len(finished) < 4, "the kill came too late to test anything"
status = subprocess.run([a.dendrite, "study", "status", killed], capture_output=True, text=True)
assert f"{len(finished)} done" in status.stdout, status.stdout
r = study(killed, "--jobs", "2")
assert r.returncode == 0, r.stderr
assert filecmp.cmp(table("straight"), table("killed"), shallow=False), open(table("killed")).read()
for d, mtime in finished.items():
    assert os.stat(os.path.join(points, d, "result.json")).st_mtime_ns == mtime, f"{d} ran twice"
    assert f"  {d} " not in r.stdout, f"{d} ran twice:\n{r.stdout}"
status = subprocess.run([a.dendrite, "study", "status", killed], capture_output=True, text=True)
assert "4 done, 0 failed, 0 running, 0 left" in status.stdout, status.stdout

# Slurm-style shards, one after the other: the same table.
shards = study_file("shards")
for k in range(3):
    r = study(shards, "--shard", f"{k}/3", "--jobs", "1")
    assert r.returncode == 0, r.stderr
assert filecmp.cmp(table("straight"), table("shards"), shallow=False)

# Two MPI ranks take points as they free up: the same table.
mpirun = shutil.which("mpirun")
if mpirun:
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    r = study(study_file("mpi"), "--jobs", "1", env=env, launcher=(mpirun, "-np", "2"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 rank(s)" in r.stdout, r.stdout
    assert filecmp.cmp(table("straight"), table("mpi"), shallow=False), open(table("mpi")).read()
else:
    print("MPI check skipped: no mpirun")

# Another study's folder is refused.
other = study_file("straight", extra="replicates: 1\n")
r = study(other)
assert r.returncode == 1 and "holds the results of another study" in r.stderr, r.stderr

# The map and a voltage trace.
plot = subprocess.run([sys.executable, os.path.join(a.source, "postprocess", "plot_ccd_map.py"),
                       os.path.join(a.work, "straight"), "--trace", "p0000"],
                      capture_output=True, text=True)
assert plot.returncode == 0, plot.stderr
for png in ("ccd_map.png", "trace_p0000.png"):
    with open(os.path.join(a.work, "straight", png), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", png
csv_text = open(os.path.join(a.work, "straight", "ccd_map.csv")).read()
assert "median_ccd_mA_cm2" in csv_text, csv_text

# The Slurm script: syntax and a dry run.
script = os.path.join(a.source, "scripts", "slurm-study")
assert subprocess.run(["bash", "-n", script]).returncode == 0
dry = subprocess.run([script, "--dry-run", study_file("straight"), "4"], capture_output=True,
                     text=True, env=dict(os.environ, DENDRITE=a.dendrite))
assert dry.returncode == 0 and "--array=0-3" in dry.stdout and "--shard" in dry.stdout, dry.stderr
# Every shipped study runs as shipped (each finishes in well under a minute on 2 cores), and
# its map is drawn.
for name in sorted(os.listdir(os.path.join(a.source, "inputs", "studies"))):
    if not name.endswith(".yaml"):
        continue
    t0 = time.time()
    r = subprocess.run([os.path.abspath(a.dendrite), "study", "run",
                        os.path.join(os.path.abspath(a.source), "inputs", "studies", name), "--quiet"],
                       capture_output=True, text=True, cwd=a.work)
    assert r.returncode == 0, (name, r.stdout + r.stderr)
    out = os.path.join(a.work, "results", "studies", name[:-5])
    plot = subprocess.run([sys.executable, os.path.join(a.source, "postprocess", "plot_ccd_map.py"),
                           out], capture_output=True, text=True)
    assert plot.returncode == 0, (name, plot.stderr)
    rows = open(os.path.join(out, "results.csv")).read().splitlines()[1:]
    print(f"shipped study {name}: {len(rows)} points in {time.time() - t0:.1f} s")
    assert rows and all(",done," in row for row in rows), rows
print("studies: all passed")
