// HDF5 field files, the XDMF collection that references them, atomic writes, checkpoints.
#include <gtest/gtest.h>

#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dendrite/io/checkpoint.hpp"
#include "dendrite/io/hdf5_file.hpp"
#include "dendrite/io/output.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) {
  const fs::path p =
      fs::temp_directory_path() / ("dendrite_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Output, ACaseTextOverSixtyFourKibibytesIsKeptWhole) {
  // Issue 14, item 4: a case file with long comments failed at the first output, since the
  // config text was an HDF5 attribute (64 KiB at most). Long texts now go to a dataset.
  const std::string dir = temp_dir("longtext");
  const std::string text = "# " + std::string(200000, 'c') + "\nmodel: allen_cahn\n";
  Grid g = make_grid(2, {4, 3, 1}, 1.0);
  FieldWriter w(dir, "cell", g, Provenance::current(text, "case.yaml"));
  std::vector<real> xi(12, real(0.5));
  w.write(0, 0.0, {{"xi", &xi}});
  h5::Reader r(dir + "/" + w.field_file(0));
  EXPECT_EQ(r.attribute_string("config"), text);
  EXPECT_EQ(r.attribute_string("config_path"), "case.yaml");
  fs::remove_all(dir);
}

TEST(Output, FieldFilesAndXdmfAgree) {
  const std::string dir = temp_dir("xdmf");
  Grid g = make_grid(2, {5, 3, 1}, 0.25);
  g.origin[0] = 1.0;
  FieldWriter w(dir, "cell", g, Provenance::current("a: 1\n", "case.yaml"));
  std::vector<real> xi(15);
  for (std::size_t i = 0; i < xi.size(); ++i) xi[i] = real(i);
  w.write(0, 0.0, {{"xi", &xi}});
  w.write(10, 0.5, {{"xi", &xi}});

  h5::Reader r(dir + "/" + w.field_file(10));
  EXPECT_EQ(r.dims("xi"), (std::vector<std::uint64_t>{3, 5}));  // (ny, nx)
  EXPECT_EQ(r.attribute_double("time"), 0.5);
  EXPECT_EQ(r.attribute_string("config"), "a: 1\n");
  EXPECT_EQ(r.attribute_string("backend"), backend_name);
  if (sizeof(real) == 8) {
    EXPECT_EQ(r.read_double("xi")[7], 7.0);
  } else {
    EXPECT_EQ(r.read_float("xi")[7], 7.0f);
  }

  const std::string x = slurp(w.xdmf_path());
  EXPECT_NE(x.find("CollectionType=\"Temporal\""), std::string::npos);
  EXPECT_NE(x.find("TopologyType=\"2DCoRectMesh\" Dimensions=\"4 6\""), std::string::npos) << x;
  EXPECT_NE(x.find(">0 1</DataItem>"), std::string::npos) << x;  // origin z y x order: y=0, x=1
  EXPECT_NE(x.find("<Time Value=\"0.5\"/>"), std::string::npos);
  EXPECT_NE(x.find("fields/cell_00000010.h5:/xi"), std::string::npos);
  EXPECT_NE(x.find("Center=\"Cell\""), std::string::npos);
  // No temporary files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(dir))
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  fs::remove_all(dir);
}

TEST(Output, UncommittedWriterLeavesNoFile) {
  const std::string dir = temp_dir("atomic");
  {
    h5::Writer w(dir + "/half.h5");
    const double v[2] = {1, 2};
    w.write("a", {2}, v);
  }  // destroyed without commit, as when a run dies mid-write
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(Output, CheckpointRoundTripsEveryPiece) {
  const std::string dir = temp_dir("ckpt");
  Checkpoint c;
  c.step = 42;
  c.time = 1.25;
  c.dt = 0.01;
  c.rng_counter = 7;
  c.next_output = 1.5;
  c.dim = 3;
  c.n[0] = 2;
  c.n[1] = 3;
  c.n[2] = 4;
  c.fields["xi"] = std::vector<real>(24, real(0.5));
  c.double_fields["phi_l"] = std::vector<double>(24, -1.0);
  c.controller["v_cell"] = -2.75e-3;
  c.table_columns = {"a", "b"};
  c.table = {1, 2, 3, 4};
  c.output_steps = {0, 10};
  c.output_times = {0.0, 0.1};
  const std::string path = dir + "/checkpoint.h5";
  save_checkpoint(path, c, Provenance::current("x: 1", "c.yaml"));
  c.step = 43;
  save_checkpoint(path, c, Provenance::current("x: 1", "c.yaml"));
  EXPECT_TRUE(fs::exists(path + ".prev"));
  const Checkpoint r = load_checkpoint(path);
  EXPECT_EQ(r.step, 43);
  EXPECT_EQ(r.time, 1.25);
  EXPECT_EQ(r.rng_counter, 7u);
  EXPECT_EQ(r.next_output, 1.5);
  EXPECT_EQ(r.fields.at("xi"), c.fields.at("xi"));
  EXPECT_EQ(r.double_fields.at("phi_l"), c.double_fields.at("phi_l"));
  EXPECT_EQ(r.controller.at("v_cell"), -2.75e-3);
  EXPECT_EQ(r.table, c.table);
  EXPECT_EQ(r.table_columns, c.table_columns);
  EXPECT_EQ(r.output_steps, c.output_steps);
  fs::remove_all(dir);
}

/// A checkpoint with a field large enough that its bytes dominate the file.
Checkpoint sample_checkpoint() {
  Checkpoint c;
  c.step = 42;
  c.time = 1.25;
  c.dt = 0.01;
  c.dim = 2;
  c.n[0] = 64;
  c.n[1] = 64;
  c.fields["xi"] = std::vector<real>(64 * 64, real(0.5));
  std::vector<double> phi(64 * 64);
  for (std::size_t i = 0; i < phi.size(); ++i) phi[i] = 1e-3 * std::sin(0.01 * double(i));
  c.double_fields["phi_l"] = phi;
  c.controller["v_cell"] = -2.75e-3;
  c.table_columns = {"a"};
  c.table = {1, 2};
  c.output_steps = {0};
  c.output_times = {0.0};
  return c;
}

TEST(Output, ACheckpointWithFlippedBytesIsRefused) {
  // Issue 14, item 5: HDF5's Fletcher-32 checksum on every dataset.
  const std::string dir = temp_dir("ckpt_flip");
  const std::string path = dir + "/checkpoint.h5";
  save_checkpoint(path, sample_checkpoint(), Provenance::current("x: 1", "c.yaml"));
  std::string bytes = slurp(path);
  // Flip one byte of phi_l's data: find a run of its values in the file.
  const std::vector<double> phi = sample_checkpoint().double_fields.at("phi_l");
  const std::string needle(reinterpret_cast<const char*>(&phi[1000]), 8 * 4);
  const std::size_t at = bytes.find(needle);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] = char(bytes[at + 3] ^ 0x10);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  try {
    load_checkpoint(path);
    ADD_FAILURE() << "a flipped byte was read back";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(Output, ACheckpointRewrittenThroughTheLibraryIsRefused) {
  // Data rewritten through HDF5 keep valid checksums; the content hash catches them.
  const std::string dir = temp_dir("ckpt_rewrite");
  const std::string path = dir + "/checkpoint.h5";
  for (const char* what : {"phi_l", "time"}) {
    save_checkpoint(path, sample_checkpoint(), Provenance::current("x: 1", "c.yaml"));
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    if (std::string(what) == "phi_l") {
      const hid_t d = H5Dopen2(f, "double_fields/phi_l", H5P_DEFAULT);
      const std::vector<double> zeros(64 * 64, 0.0);
      EXPECT_GE(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data()), 0);
      H5Dclose(d);
    } else {
      const hid_t a = H5Aopen(f, "time", H5P_DEFAULT);
      const double t = 2.5;
      EXPECT_GE(H5Awrite(a, H5T_NATIVE_DOUBLE, &t), 0);
      H5Aclose(a);
    }
    H5Fclose(f);
    try {
      load_checkpoint(path);
      ADD_FAILURE() << what << " was rewritten and read back";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("has been modified since it was written"),
                std::string::npos)
          << e.what();
    }
  }
  fs::remove_all(dir);
}

TEST(Output, ACheckpointKnowsItsCaseAndBuild) {
  const Checkpoint c = sample_checkpoint();
  const std::string dir = temp_dir("ckpt_case");
  const std::string path = dir + "/checkpoint.h5";
  const Provenance mine = Provenance::current("x: 1", "a.yaml");
  save_checkpoint(path, c, mine);
  const Checkpoint r = load_checkpoint(path);
  EXPECT_EQ(checkpoint_mismatch(r, mine), "");
  const std::string other = checkpoint_mismatch(r, Provenance::current("x: 2", "b.yaml"));
  EXPECT_NE(other.find("written by the case a.yaml"), std::string::npos) << other;
  EXPECT_NE(other.find("this run's case b.yaml"), std::string::npos) << other;
  Provenance newer = mine;
  newer.version = "9.9.9";
  EXPECT_NE(checkpoint_mismatch(r, newer).find("this is 9.9.9"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dnd
