# script-version: 2
# dendrite in-situ pipeline (a): every field as VTK image data, one .pvti per call, in
# OUTPUT/insitu/ (dendrite sets $DENDRITE_INSITU_OUTPUT). Catalyst-2 style: runs under
# ParaView 5.11's legacy Catalyst and is ready for Catalyst 2.
import os

from paraview import catalyst
from paraview.simple import *  # noqa: F401,F403

# The channel dendrite fills: a uniform grid with cell data xi (phi_l, phi_s, current).
source = TrivialProducer(registrationName="input")
vti = CreateExtractor("VTI", source, registrationName="fields_vti")
# ParaView 5.11 writes the parallel form (a .pvti header and its pieces) even on one rank.
vti.Writer.FileName = "fields_{timestep:06d}.pvti"

options = catalyst.Options()
options.GlobalTrigger = "TimeStep"
options.ExtractsOutputDirectory = os.environ.get("DENDRITE_INSITU_OUTPUT", "insitu")
