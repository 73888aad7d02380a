#!/usr/bin/env python3
"""Compare two dendrite output directories of the same case, field by field and scalar by
scalar: the CPU-against-GPU cross-check (same case, same seed, two backends).

    postprocess/compare_runs.py REF_DIR OTHER_DIR [--field-tol 1e-6] [--scalar-tol 1e-6]

For every output step both runs wrote, every field's largest difference is reported
relative to the field's range in REF_DIR; the scalar table's columns are compared at every
row both runs hold, relative to the column's largest magnitude. Exit status 1 when a
difference exceeds its tolerance, 2 when the runs cannot be compared (different steps,
shapes or columns)."""
import argparse
import sys

import numpy as np

import dendrite_io as dio


def field_differences(ref_dir, other_dir):
    """[(time, field, max |a - b| / range(a))] over the output steps both runs wrote."""
    ref, other = dio.steps(ref_dir), dio.steps(other_dir)
    if [round(t, 12) for t, _, _ in ref] != [round(t, 12) for t, _, _ in other]:
        raise SystemExit(f"output times differ: {[t for t, _, _ in ref]} vs "
                         f"{[t for t, _, _ in other]}")
    rows = []
    for (t, fa, _), (_, fb, _) in zip(ref, other):
        for name in sorted(fa):
            if name not in fb:
                raise SystemExit(f"field {name} at t = {t} missing from {other_dir}")
            a, b = dio.read_field(fa[name]), dio.read_field(fb[name])
            if a.shape != b.shape:
                raise SystemExit(f"field {name}: shapes {a.shape} and {b.shape} differ")
            span = float(np.ptp(a)) or float(np.max(np.abs(a))) or 1.0
            rows.append((t, name, float(np.max(np.abs(a - b))) / span))
    return rows


def scalar_differences(ref_dir, other_dir):
    """[(column, largest relative difference, step where it occurs)] over common rows."""
    a, b = dio.scalars(ref_dir), dio.scalars(other_dir)
    if a.dtype.names != b.dtype.names:
        raise SystemExit("scalar columns differ")
    n = min(a.shape[0], b.shape[0])
    if n == 0 or not np.array_equal(a["step"][:n], b["step"][:n]):
        raise SystemExit("scalar rows are not the same steps")
    out = []
    for col in a.dtype.names:
        if col == "step":
            continue
        x, y = a[col][:n], b[col][:n]
        scale = float(np.max(np.abs(x))) or 1.0
        d = np.abs(x - y) / scale
        m = int(np.argmax(d))
        out.append((col, float(d[m]), int(a["step"][m])))
    return out


# Counters of a solver (iterations, reuse flags) may legitimately differ by one between
# backends whose sums round differently; they are reported, never judged.
COUNTERS = ("iterations", "substeps", "reused")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ref")
    ap.add_argument("other")
    ap.add_argument("--field-tol", type=float, default=1e-6,
                    help="largest field difference relative to its range (default 1e-6)")
    ap.add_argument("--scalar-tol", type=float, default=1e-6,
                    help="largest scalar difference relative to the column (default 1e-6)")
    args = ap.parse_args()
    worst = 0.0
    ok = True
    for t, name, d in field_differences(args.ref, args.other):
        bad = d > args.field_tol
        ok &= not bad
        worst = max(worst, d)
        print(f"field  t = {t:<12.6g} {name:<14} max diff / range = {d:.3e}"
              f"{'  EXCEEDS' if bad else ''}")
    for col, d, step in scalar_differences(args.ref, args.other):
        counter = any(c in col for c in COUNTERS)
        bad = d > args.scalar_tol and not counter
        ok &= not bad
        print(f"scalar {col:<22} max rel diff = {d:.3e} (step {step})"
              f"{'  EXCEEDS' if bad else ''}{'  (counter, not judged)' if counter else ''}")
    print(f"{'agree' if ok else 'DIFFER'}: largest field difference {worst:.3e} of range")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
