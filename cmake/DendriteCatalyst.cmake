# Legacy ParaView Catalyst from Debian 12 (paraview-dev 5.11). Debian's VTK export names
# imported targets it does not find itself: find them first (facts checked on this machine,
# ../shared/docs/architecture.md).
list(APPEND CMAKE_MODULE_PATH /usr/lib/x86_64-linux-gnu/cmake/paraview-5.11/vtk)
find_package(Freetype REQUIRED)
find_package(X11 REQUIRED)
find_package(GLEW REQUIRED)
find_package(LibXml2 REQUIRED)
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(NetCDF QUIET)
find_package(Boost QUIET)
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C HL)
find_package(ParaView REQUIRED COMPONENTS PythonCatalyst)
message(STATUS "dendrite: ParaView ${ParaView_VERSION} Catalyst (legacy) enabled")
