# script-version: 2
# dendrite in-situ pipeline (b): a PNG per call, 800 x 400. 2D: the field map coloured by the
# current density |i| (xi where the model has no current) with the xi = 0.5 contour in
# white; 3D: the xi = 0.5 surface coloured the same way. Needs a display: Debian's ParaView
# renders through X (use xvfb-run on a headless machine).
import os

from paraview import catalyst
from paraview.simple import *  # noqa: F401,F403

source = TrivialProducer(registrationName="input")
points = CellDatatoPointData(registrationName="points", Input=source)
front = Contour(registrationName="front", Input=points)
front.ContourBy = ["POINTS", "xi"]
front.Isosurfaces = [0.5]

view = CreateView("RenderView")
view.ViewSize = [800, 400]
view.OrientationAxesVisibility = 0
view.UseColorPaletteForBackground = 0
view.Background = [1.0, 1.0, 1.0]

png = CreateExtractor("PNG", view, registrationName="view_png")
png.Writer.FileName = "view_{timestep:06d}.png"
png.Writer.ImageResolution = [800, 400]

_configured = False


def catalyst_execute(info):
    """Set the displays up on the first call, when the fields and dimension are known."""
    global _configured
    if _configured:
        return
    _configured = True
    data = source.GetDataInformation()
    ext = data.GetExtent()
    three_d = ext[5] > ext[4]
    colour = "current" if "current" in source.CellData.keys() else "xi"
    if three_d:
        shown = Show(front, view)
        ColorBy(shown, ("POINTS", colour))
    else:
        shown = Show(source, view)
        shown.Representation = "Surface"
        ColorBy(shown, ("CELLS", colour))
        line = Show(front, view)
        line.DiffuseColor = [1.0, 1.0, 1.0]
        line.AmbientColor = [1.0, 1.0, 1.0]
        line.LineWidth = 2.0
        line.ColorArrayName = ["POINTS", ""]  # solid white
    shown.RescaleTransferFunctionToDataRange(True, False)
    shown.SetScalarBarVisibility(view, True)
    bar = GetScalarBar(GetColorTransferFunction(colour), view)
    bar.Title = colour + (" (A/m^2)" if colour == "current" else "")
    bar.ComponentTitle = ""
    bar.TitleColor = [0.0, 0.0, 0.0]
    bar.LabelColor = [0.0, 0.0, 0.0]
    view.InteractionMode = "3D" if three_d else "2D"
    ResetCamera(view)


options = catalyst.Options()
options.GlobalTrigger = "TimeStep"
options.ExtractsOutputDirectory = os.environ.get("DENDRITE_INSITU_OUTPUT", "insitu")
