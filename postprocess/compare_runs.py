#!/usr/bin/env python3
"""Compare two dendrite output directories of the same case, field by field and scalar by
scalar: the CPU-against-GPU cross-check (same case, same seed, two backends).

    postprocess/compare_runs.py REF_DIR OTHER_DIR [--field-tol 1e-6] [--scalar-tol 1e-6]

For every output step both runs wrote, every field's largest difference is reported
relative to the field's range in REF_DIR; the scalar table's columns are compared at every
row both runs hold, relative to the column's largest magnitude. Exit status 1 when a
difference exceeds its tolerance or a value is not finite (a run that blew up), 2 when the
runs cannot be compared (different output times, shapes, columns or rows)."""
import argparse
import sys

import numpy as np

import dendrite_io as dio


def cannot_compare(message):
    print(f"cannot compare: {message}", file=sys.stderr)
    raise SystemExit(2)


def relative_difference(a, b):
    """max |a - b| over the range of a (or its magnitude, for a field that is constant up to
    round-off); infinite where either side holds a value that is not finite."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return float("inf")
    magnitude = float(np.max(np.abs(a))) if a.size else 0.0
    scale = max(float(np.ptp(a)) if a.size else 0.0, 1e-12 * magnitude) or 1.0
    return float(np.max(np.abs(a - b))) / scale if a.size else 0.0


def field_differences(ref_dir, other_dir):
    """[(time, field, max |a - b| / range(a))] over the output steps both runs wrote."""
    ref, other = dio.steps(ref_dir), dio.steps(other_dir)
    times_a, times_b = [t for t, _, _ in ref], [t for t, _, _ in other]
    if len(times_a) != len(times_b) or not np.allclose(times_a, times_b, rtol=1e-12, atol=0):
        cannot_compare(f"output times differ: {times_a} vs {times_b}")
    rows = []
    for (t, fa, _), (_, fb, _) in zip(ref, other):
        for name in sorted(fa):
            if name not in fb:
                cannot_compare(f"field {name} at t = {t} missing from {other_dir}")
            a, b = dio.read_field(fa[name]), dio.read_field(fb[name])
            if a.shape != b.shape:
                cannot_compare(f"field {name}: shapes {a.shape} and {b.shape} differ")
            rows.append((t, name, relative_difference(a, b)))
    return rows


def scalar_differences(ref_dir, other_dir):
    """[(column, largest relative difference, step where it occurs)] over common rows."""
    a, b = np.atleast_1d(dio.scalars(ref_dir)), np.atleast_1d(dio.scalars(other_dir))
    if a.dtype.names != b.dtype.names:
        cannot_compare("scalar columns differ")
    if a.shape[0] == 0 or a.shape != b.shape or not np.array_equal(a["step"], b["step"]):
        cannot_compare("the scalar tables do not hold the same steps")
    out = []
    for col in a.dtype.names:
        if col == "step":
            continue
        x, y = a[col], b[col]
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            out.append((col, float("inf"), int(a["step"][~(np.isfinite(x) & np.isfinite(y))][0])))
            continue
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
        bad = not d <= args.field_tol  # inf (not finite values) is bad too
        ok &= not bad
        worst = max(worst, d)
        print(f"field  t = {t:<12.6g} {name:<14} max diff / range = {d:.3e}"
              f"{'  EXCEEDS' if bad else ''}")
    for col, d, step in scalar_differences(args.ref, args.other):
        counter = any(c in col for c in COUNTERS)
        bad = not d <= args.scalar_tol and not counter
        ok &= not bad
        print(f"scalar {col:<22} max rel diff = {d:.3e} (step {step})"
              f"{'  EXCEEDS' if bad else ''}{'  (counter, not judged)' if counter else ''}")
    print(f"{'agree' if ok else 'DIFFER'}: largest field difference {worst:.3e} of range")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
