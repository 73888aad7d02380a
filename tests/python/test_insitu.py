#!/usr/bin/env pvpython
"""In-situ visualisation end to end, run by pvpython under xvfb-run: a small cell with the
shipped Catalyst scripts (a) VTK extracts (.pvti) and (b) PNG rendering. Checks that the extracts
exist, hold every field with exactly the values of the HDF5 output of the same step (read
back with ParaView's reader), that the PNGs are 800 x 400 images with content, and that
a run with in situ writes the same fields as one without."""
import argparse
import glob
import os
import shutil
import subprocess

import h5py
import numpy as np
from paraview.simple import OpenDataFile, servermanager
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOImage import vtkPNGReader

p = argparse.ArgumentParser()
p.add_argument("--dendrite", required=True)
p.add_argument("--source", required=True)
p.add_argument("--work", required=True)
a = p.parse_args()
shutil.rmtree(a.work, ignore_errors=True)
os.makedirs(a.work)

CASE = """model: electrodeposition
cell: {{metal: Na, electrolyte: NZSP, temperature: 30 degC, thickness: 10 um,
       anode_thickness: 5 um, width: 4 um}}
control: {{mode: galvanostatic, current_density: 5 mA/cm^2, duration: 0.3 s}}
phase_field: {{interface_width: 1 um}}
grid: {{dx: 0.25 um}}
initial: {{shapes: [{{sphere: {{center: [5 um, 2 um], radius: 1.5 um}}}}]}}
output: {{dir: {out}, name: cell, every: 0.1 s, fields: [xi, phi_l, phi_s, current]}}
{insitu}"""
scripts = [os.path.join(a.source, "inputs/catalyst", s) for s in ("extracts.py", "render_png.py")]
insitu_block = "insitu: {scripts: [%s], every: 0.1 s}\n" % ", ".join(scripts)


def run(name, insitu):
    out = os.path.join(a.work, name)
    case = os.path.join(a.work, name + ".yaml")
    with open(case, "w") as f:
        f.write(CASE.format(out=out, insitu=insitu))
    r = subprocess.run([a.dendrite, "run", case, "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


on = run("on", insitu_block)
off = run("off", "")

extracts = sorted(glob.glob(os.path.join(on, "insitu", "fields_*.pvti")))
h5files = sorted(glob.glob(os.path.join(on, "fields", "cell_*.h5")))
assert len(extracts) == 4 and len(h5files) == 4, (extracts, h5files)  # t = 0, 0.1, 0.2, 0.3
for vti, h5 in zip(extracts, h5files):
    step = int(os.path.basename(vti)[7:13])
    assert step == int(os.path.basename(h5)[5:13]), (vti, h5)
    data = servermanager.Fetch(OpenDataFile(vti))
    dims = data.GetDimensions()
    with h5py.File(h5, "r") as h:
        for name in ("xi", "phi_l", "phi_s", "current"):
            arr = data.GetCellData().GetArray(name)
            assert arr is not None, (vti, name)
            insitu = vtk_to_numpy(arr).reshape(dims[1] - 1, dims[0] - 1)
            assert np.array_equal(insitu, h[name][...]), (vti, name)

pngs = sorted(glob.glob(os.path.join(on, "insitu", "view_*.png")))
assert len(pngs) == 4, pngs
for png in pngs:
    assert os.path.getsize(png) > 1000, png
    reader = vtkPNGReader()
    reader.SetFileName(png)
    reader.Update()
    img = reader.GetOutput()
    assert img.GetDimensions()[:2] == (800, 400), img.GetDimensions()
    pixels = vtk_to_numpy(img.GetPointData().GetScalars())
    assert pixels.std() > 5, "the image has content, not one flat colour"

for h_on in h5files:
    h_off = os.path.join(off, "fields", os.path.basename(h_on))
    with h5py.File(h_on, "r") as x, h5py.File(h_off, "r") as y:
        for name in ("xi", "phi_l", "phi_s", "current"):
            assert np.array_equal(x[name][...], y[name][...]), (h_on, name)
print("1 passed, 0 failed")
