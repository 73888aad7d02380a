#!/usr/bin/python3
"""The cycler's view of one current-ramp run (a case with `protocol:`; docs/model.md 11):
V_cell per step over the applied current staircase and the electronic current at the
counter electrode, with when each short detector fired.

Reads RUN_DIR/scalars.csv (a row per step with output.scalars_every: 1), protocol.csv and
ccd.json; writes RUN_DIR/protocol.png (or -o PNG).

usage: plot_protocol.py RUN_DIR [-o PNG]"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_ccd_map import draw_trace  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("-o", "--output", help="PNG to write (default RUN_DIR/protocol.png)")
    a = ap.parse_args()
    for name in ("scalars.csv", "protocol.csv"):
        if not os.path.exists(os.path.join(a.run_dir, name)):
            sys.exit(f"plot_protocol.py: {a.run_dir} has no {name}: is it the output of a case "
                     "with protocol:?")
    path = a.output or os.path.join(a.run_dir, "protocol.png")
    print("wrote", draw_trace(a.run_dir, os.path.basename(os.path.normpath(a.run_dir)), path))


if __name__ == "__main__":
    main()
