// The command line: help texts, exit codes, and config errors reported without a crash.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dendrite/app/cli.hpp"
#include "dendrite/io/config.hpp"

namespace dnd {
namespace {

int call(std::vector<const char*> args, std::string& out, std::string& err) {
  args.insert(args.begin(), "dendrite");
  std::ostringstream o, e;
  const int rc = dendrite_main(int(args.size()), args.data(), o, e);
  out = o.str();
  err = e.str();
  return rc;
}

TEST(Cli, StartingAndCheckingDoNotLoadParaViewOrMpi) {
  // Issue 14, item 8: every start loaded the ParaView libraries (~0.7 s) and initialised MPI
  // as a singleton. Now the Catalyst backend is a module loaded only for an insitu: block,
  // and MPI starts only under a launcher.
  std::string out, err;
  EXPECT_EQ(call({"--version"}, out, err), 0);
  const std::string example = std::string(DENDRITE_INPUTS_DIR) + "/examples/nzsp_2d.yaml";
  EXPECT_EQ(call({"check", example.c_str()}, out, err), 0) << err;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  bool vtk = false, mpi_daemon = false;
  while (std::getline(maps, line)) {
    vtk = vtk || line.find("libvtkPVCatalyst") != std::string::npos;
    mpi_daemon = mpi_daemon || line.find("mca_") != std::string::npos;
  }
  EXPECT_FALSE(vtk) << "the ParaView libraries were loaded without an insitu: block";
  EXPECT_FALSE(mpi_daemon) << "Open MPI's components were loaded without a launcher";
}

TEST(Cli, HelpExplainsCommands) {
  std::string out, err;
  EXPECT_EQ(call({"--help"}, out, err), 0);
  EXPECT_NE(out.find("dendrite run CASE.yaml"), std::string::npos);
  EXPECT_EQ(call({"run", "--help"}, out, err), 0);
  EXPECT_NE(out.find("--resume"), std::string::npos);
  EXPECT_EQ(call({"bench", "--help"}, out, err), 0);
  EXPECT_NE(out.find("ac2d-peer"), std::string::npos);
}

TEST(Cli, UsageErrorsExitWithTwo) {
  std::string out, err;
  EXPECT_EQ(call({}, out, err), 2);
  EXPECT_EQ(call({"fly"}, out, err), 2);
  EXPECT_NE(err.find("unknown command 'fly'"), std::string::npos);
  EXPECT_EQ(call({"run"}, out, err), 2);
  EXPECT_EQ(call({"run", "a.yaml", "--bogus"}, out, err), 2);
}

TEST(Cli, BenchScaleSizesTheCasesWithinItsRange) {
  std::string out, err;
  EXPECT_EQ(call({"bench", "poisson2d", "--scale", "5"}, out, err), 2);
  EXPECT_NE(err.find("--scale must be in (0, 4]"), std::string::npos) << err;
  EXPECT_EQ(call({"bench", "poisson2d", "--scale", "0"}, out, err), 2);
  // 1024 x 1/16: the label names the size that ran.
  EXPECT_EQ(call({"bench", "poisson2d", "--scale", "0.0625"}, out, err), 0) << err;
  EXPECT_NE(out.find("poisson2d 64^2"), std::string::npos) << out;
  EXPECT_NE(out.find("PCG iterations"), std::string::npos) << out;
}

TEST(Cli, ConfigErrorIsPrintedNotThrown) {
  const auto path = std::filesystem::temp_directory_path() / "dendrite_cli_bad.yaml";
  std::ofstream(path) << "grid: {cells: [8, 8], dx: 1 parsec}\n";
  std::string out, err;
  EXPECT_EQ(call({"check", path.c_str()}, out, err), 2);
  EXPECT_NE(err.find("grid.dx: '1 parsec' has no known unit"), std::string::npos) << err;
  std::filesystem::remove(path);
}

TEST(Cli, EveryShippedMicrostructureIsWrittenForParaView) {
  // Issue 11: `dendrite microstructure` on each file in inputs/microstructures/ as shipped
  // writes HDF5 + XDMF + TIFF stacks; `dendrite effective` prints conductivities.
  namespace fs = std::filesystem;
  const fs::path out = fs::temp_directory_path() / ("dendrite_micro_" + std::to_string(::getpid()));
  int ran = 0;
  for (const auto& e : fs::directory_iterator(fs::path(inputs_dir()) / "microstructures")) {
    if (e.path().extension() != ".yaml") continue;
    std::string o, err;
    const std::string path = e.path().string();
    ASSERT_EQ(call({"microstructure", path.c_str(), "--output-dir", out.c_str()}, o, err), 0)
        << err;
    const std::string stem = (out / e.path().stem()).string();
    for (const char* ext : {".h5", ".xmf", "_phase.tif", "_grain.tif"})
      EXPECT_TRUE(fs::exists(stem + ext)) << stem << ext;
    EXPECT_NE(o.find("grains"), std::string::npos) << o;
    ++ran;
  }
  EXPECT_GE(ran, 3);
  std::string o, err;
  const std::string two_d =
      (fs::path(inputs_dir()) / "microstructures" / "nzsp_tape_defects.yaml").string();
  ASSERT_EQ(call({"effective", two_d.c_str(), "--axes", "x"}, o, err), 0) << err;
  EXPECT_NE(o.find("along x: sigma_ion"), std::string::npos) << o;
  EXPECT_NE(o.find("tortuosity factor"), std::string::npos) << o;
  EXPECT_EQ(o.find("along y"), std::string::npos) << o;
  EXPECT_EQ(call({"effective"}, o, err), 2);
  EXPECT_EQ(call({"microstructure", "--help"}, o, err), 0);
  EXPECT_NE(o.find("--output-dir"), std::string::npos);
  fs::remove_all(out);
}

}  // namespace
}  // namespace dnd
