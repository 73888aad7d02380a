# script-version: 2
# dendrite in-situ pipeline (c): Catalyst Live. Start the ParaView GUI (5.11), choose
# Catalyst > Connect... and accept port 22222, then run a case whose insitu: block lists
# this script. The running simulation appears in the Pipeline Browser (click the icon next
# to "input" to pull its data); Catalyst > Pause Simulation holds it. Set
# DENDRITE_LIVE_URL=host:port to connect elsewhere. No files are written.
import os

from paraview import catalyst
from paraview.simple import *  # noqa: F401,F403

source = TrivialProducer(registrationName="input")

options = catalyst.Options()
options.GlobalTrigger = "TimeStep"
options.EnableCatalystLive = 1
options.CatalystLiveTrigger = "TimeStep"
options.CatalystLiveURL = os.environ.get("DENDRITE_LIVE_URL", "localhost:22222")
