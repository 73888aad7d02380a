"""Readers for dendrite's outputs: the XDMF collection, its HDF5 fields, the scalar table."""
import os
import xml.etree.ElementTree as ET

import h5py
import numpy as np


def find_xdmf(result_dir):
    names = sorted(f for f in os.listdir(result_dir) if f.endswith(".xmf"))
    if not names:
        raise SystemExit(f"no .xmf file in {result_dir}: is it a dendrite output directory?")
    return os.path.join(result_dir, names[0])


def steps(result_dir):
    """[(time, {field: (h5 path, dataset)}, spacing zyx)] for every output step."""
    xmf = find_xdmf(result_dir)
    out = []
    for g in ET.parse(xmf).getroot().find("Domain/Grid").findall("Grid"):
        t = float(g.find("Time").get("Value"))
        spacing = np.array(g.find("Geometry")[1].text.split(), float)
        fields = {}
        for att in g.findall("Attribute"):
            fname, dset = att.find("DataItem").text.strip().split(":")
            fields[att.get("Name")] = (os.path.join(result_dir, fname), dset.lstrip("/"))
        out.append((t, fields, spacing))
    return out


def read_field(ref):
    path, dset = ref
    with h5py.File(path, "r") as h:
        return h[dset][...]


def field_shape(ref):
    """Array shape (z, y, x order) of a field without reading it."""
    path, dset = ref
    with h5py.File(path, "r") as h:
        return h[dset].shape


def scalars(result_dir):
    return np.genfromtxt(os.path.join(result_dir, "scalars.csv"), delimiter=",", names=True)


def model(result_dir):
    """The model name from the config text stored in the first field file."""
    first = steps(result_dir)[0][1]
    path = next(iter(first.values()))[0]
    with h5py.File(path, "r") as h:
        cfg = h.attrs.get("config", b"")
    cfg = cfg.decode() if isinstance(cfg, bytes) else str(cfg)
    for line in cfg.splitlines():
        if line.startswith("model:"):
            return line.split(":", 1)[1].split("#")[0].strip()
    return "allen_cahn"
