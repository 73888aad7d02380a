#!/usr/bin/env python3
"""Write gb_channels_2d.raw: two grain-boundary channels in a 2D electrolyte, for the
nucleation examples (inputs/examples/nucleation_gb_channels_2d*.yaml).

uint8 labels, x fastest: 0 grain, 1 grain boundary. 360 x 20 voxels of 0.5 um (180 um of
electrolyte behind a 5 um anode, 10 um wide); the channels are 1 um wide at y = 2.5 and
7.5 um and run from the anode 145 um into the electrolyte, 35 um short of the counter
electrode (connected to it they would short the cell electronically at once).
Run from this folder:  python3 make_gb_channels.py
"""
import pathlib

NX, NY, VOXEL = 360, 20, 0.5  # voxels, voxels, um
CHANNEL_END = 145.0  # um into the electrolyte
CENTRES = (2.5, 7.5)  # um


def label(i, j):
    x, y = (i + 0.5) * VOXEL, (j + 0.5) * VOXEL
    on = any(abs(y - c) < 0.5 for c in CENTRES) and x < CHANNEL_END
    return 1 if on else 0


data = bytes(label(i, j) for j in range(NY) for i in range(NX))
pathlib.Path(__file__).with_name("gb_channels_2d.raw").write_bytes(data)
print(f"gb_channels_2d.raw: {NX} x {NY} voxels, {sum(data)} GB voxels")
