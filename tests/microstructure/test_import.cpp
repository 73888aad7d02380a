#include <gtest/gtest.h>
#include <tiffio.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "dendrite/io/hdf5_file.hpp"
#include "dendrite/microstructure/microstructure.hpp"

namespace {

using namespace dnd::micro;
namespace fs = std::filesystem;

/// A fresh folder under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("dendrite_import_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

/// A grid of cells with rectangular grains, a GB band between them, pores, a secondary
/// particle and a damage layer (all five phases), and centres that are not centroids (so a
/// round trip that recomputed them would show).
Microstructure hand_made(int nx, int ny, int nz) {
  Microstructure m;
  m.dim = nz > 1 ? 3 : 2;
  m.n[0] = nx;
  m.n[1] = ny;
  m.n[2] = nz;
  m.voxel = 0.37e-6;
  m.gb_width = 0.74e-6;
  m.periodic[1] = true;
  m.periodic[2] = m.dim == 3;
  m.phase.assign(m.cells(), Phase::grain);
  m.grain.assign(m.cells(), 0);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const std::size_t c = m.index(i, j, k);
        const int g = (i < nx / 2 ? 0 : (j < ny / 2 ? 1 : 2)) + (k >= nz / 2 && nz > 1 ? 3 : 0);
        m.grain[c] = g;
        if (i == nx / 2 - 1 || i == nx / 2 || (i >= nx / 2 && (j == ny / 2 - 1 || j == ny / 2)))
          m.phase[c] = Phase::grain_boundary;
        if (i == 0) m.phase[c] = Phase::damage;
      }
  m.phase[m.index(3, 4, 0)] = Phase::pore;
  m.phase[m.index(nx - 3, ny - 2, nz - 1)] = Phase::pore;
  m.phase[m.index(nx / 2, ny / 2, nz / 2)] = Phase::secondary;
  const int grains = m.dim == 3 ? 6 : 3;
  for (int g = 0; g < grains; ++g)
    m.centres.push_back({(0.1 + g) * 1.3e-6 / 3.0, (0.7 + g) * 0.9e-6 / 7.0, g * 1e-6 / 11.0});
  return m;
}

/// Runs f, which must throw a MicrostructureError starting with `file` and containing each
/// of `parts`.
void expect_error(const std::function<void()>& f, const std::string& file,
                  std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one naming " << file;
  } catch (const MicrostructureError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(file, 0), 0u) << what;
    for (const std::string& p : parts) EXPECT_NE(what.find(p), std::string::npos) << what;
  }
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void expect_same(const Microstructure& got, const Microstructure& want) {
  EXPECT_EQ(got.dim, want.dim);
  for (int a = 0; a < 3; ++a) EXPECT_EQ(got.n[a], want.n[a]) << "axis " << a;
  EXPECT_TRUE(got.phase == want.phase);
  EXPECT_TRUE(got.grain == want.grain);
}

ImportSpec hdf5_spec(const std::string& file, const Microstructure& m) {
  ImportSpec s;
  s.file = file;
  s.format = LabelFormat::hdf5;
  s.grain_dataset = "grain";
  s.voxel = m.voxel;
  s.gb_width = m.gb_width;
  return s;
}

// ---- HDF5 ---------------------------------------------------------------------------

TEST(RoundTrip, Hdf5KeepsEverythingBitForBit) {
  TempDir dir;
  for (const Microstructure& m : {hand_made(40, 30, 1), hand_made(16, 12, 10)}) {
    const std::string file = dir.file("m" + std::to_string(m.dim) + ".h5");
    write_microstructure(file, m, "test: hand made");
    const Microstructure r = import_labels(hdf5_spec(file, m));
    expect_same(r, m);
    ASSERT_EQ(r.centres.size(), m.centres.size());
    EXPECT_EQ(
        std::memcmp(r.centres.data(), m.centres.data(), sizeof(double) * 3 * m.centres.size()), 0);
    EXPECT_EQ(r.voxel, m.voxel);
    EXPECT_EQ(r.gb_width, m.gb_width);
    for (int a = 0; a < 3; ++a) EXPECT_EQ(r.periodic[a], m.periodic[a]) << "axis " << a;
  }
}

TEST(RoundTrip, Hdf5KeepsIdsOfGrainsWithoutCells) {
  // A coarse generated grid may leave a grain without cells: its id is unused, its centre
  // stays, and the ids are not renumbered.
  TempDir dir;
  Microstructure m = hand_made(40, 30, 1);
  for (std::int32_t& g : m.grain)
    if (g == 1) g = 3;
  m.centres.push_back({1e-6, 2e-6, 0.0});
  const std::string file = dir.file("gap.h5");
  write_microstructure(file, m, "");
  const Microstructure r = import_labels(hdf5_spec(file, m));
  EXPECT_TRUE(r.grain == m.grain);
  ASSERT_EQ(r.centres.size(), 4u);
  EXPECT_EQ(std::memcmp(r.centres.data(), m.centres.data(), sizeof(double) * 12), 0);
  // Cropped, the ids are renumbered by value (0 2 3 -> 0 1 2) and centres are centroids.
  ImportSpec s = hdf5_spec(file, m);
  s.crop_lo[1] = 1;
  const Microstructure c = import_labels(s);
  EXPECT_EQ(c.centres.size(), 3u);
  EXPECT_EQ(c.grain[c.index(39, 0, 0)], 2);   // stored 3
  EXPECT_EQ(c.grain[c.index(39, 28, 0)], 1);  // stored 2
}

TEST(Write, MicrostructureLayoutAndXdmf) {
  TempDir dir;
  const Microstructure m = hand_made(16, 12, 10);
  const std::string file = dir.file("micro.h5");
  write_microstructure(file, m, "generated by the test");
  {
    dnd::h5::Reader r(file);
    EXPECT_EQ(r.stored_type("phase"), "uint8");
    EXPECT_EQ(r.stored_type("grain"), "int32");
    EXPECT_EQ(r.dims("phase"), (std::vector<std::uint64_t>{10, 12, 16}));
    EXPECT_EQ(r.dims("grain"), (std::vector<std::uint64_t>{10, 12, 16}));
    EXPECT_EQ(r.dims("grain_centres"), (std::vector<std::uint64_t>{6, 3}));
    EXPECT_EQ(r.attribute_int("dim"), 3);
    EXPECT_EQ(r.attribute_double("voxel"), m.voxel);
    EXPECT_EQ(r.attribute_double("gb_width"), m.gb_width);
    EXPECT_EQ(r.attribute_string("periodic"), "y z");
    EXPECT_EQ(r.attribute_string("phase_names"),
              "grain,grain_boundary,pore,secondary_phase,damage_layer");
    EXPECT_EQ(r.attribute_string("provenance"), "generated by the test");
    // Stored x fastest: element (k, j, i) of the dataset is cell (i, j, k).
    const std::vector<std::int64_t> phase = r.read_integers("phase");
    EXPECT_EQ(phase[m.index(3, 4, 0)], Phase::pore);
  }
  const std::string xmf = dir.file("micro.xmf");
  ASSERT_TRUE(fs::exists(xmf));
  const std::string x = read_text(xmf);
  for (const char* part :
       {"<Xdmf Version=\"2.0\">", "3DCoRectMesh", "Dimensions=\"11 13 17\"", "ORIGIN_DXDYDZ",
        "Attribute Name=\"phase\"", "Attribute Name=\"grain\"", "Center=\"Cell\"",
        "micro.h5:/phase", "micro.h5:/grain", "Dimensions=\"10 12 16\""})
    EXPECT_NE(x.find(part), std::string::npos) << part << "\n" << x;
  // No temporary files left beside them.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(fs::path(file).parent_path()))
    ++files;
  EXPECT_EQ(files, 2);
}

TEST(Write, MicrostructureXdmf2D) {
  TempDir dir;
  const Microstructure m = hand_made(40, 30, 1);
  write_microstructure(dir.file("flat.h5"), m, "");
  const std::string x = read_text(dir.file("flat.xmf"));
  for (const char* part : {"2DCoRectMesh", "Dimensions=\"31 41\"", "ORIGIN_DXDY\"",
                           "Dimensions=\"30 40\"", "flat.h5:/phase", "flat.h5:/grain"})
    EXPECT_NE(x.find(part), std::string::npos) << part << "\n" << x;
}

TEST(Write, MicrostructureFailsCleanly) {
  TempDir dir;
  const Microstructure m = hand_made(40, 30, 1);
  const std::string file = dir.file("no/such/folder/m.h5");
  expect_error([&] { write_microstructure(file, m, ""); }, file, {});
  EXPECT_FALSE(fs::exists(file));
  Microstructure bad = m;
  bad.grain.pop_back();
  const std::string other = dir.file("bad.h5");
  expect_error([&] { write_microstructure(other, bad, ""); }, other, {"grain"});
  EXPECT_FALSE(fs::exists(other));
}

TEST(Import, Hdf5CropAndDownsample) {
  TempDir dir;
  // phase (i + 2j + 3k) mod 5 and grain = i tell which file voxel each result voxel is.
  const int n[3] = {16, 12, 10};
  Microstructure m = uniform(3, n, 1e-6);
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) {
        m.phase[m.index(i, j, k)] = std::uint8_t((i + 2 * j + 3 * k) % 5);
        m.grain[m.index(i, j, k)] = i;
      }
  m.centres.assign(16, {0.0, 0.0, 0.0});
  m.periodic[1] = true;
  const std::string file = dir.file("pattern.h5");
  write_microstructure(file, m, "");
  ImportSpec s = hdf5_spec(file, m);
  s.crop_lo[0] = 3, s.crop_hi[0] = 14;  // 11 voxels: 3 5 7 9 11 13
  s.crop_lo[1] = 1, s.crop_hi[1] = -1;  // 11 voxels: 1 3 .. 11
  s.crop_lo[2] = 2, s.crop_hi[2] = 8;   // 6 voxels: 2 4 6
  s.downsample = 2;
  const Microstructure r = import_labels(s);
  ASSERT_EQ(r.n[0], 6);
  ASSERT_EQ(r.n[1], 6);
  ASSERT_EQ(r.n[2], 3);
  EXPECT_EQ(r.dim, 3);
  EXPECT_EQ(r.voxel, 2e-6);
  EXPECT_FALSE(r.periodic[1]);  // cropped: no longer wraps
  for (int k = 0; k < r.n[2]; ++k)
    for (int j = 0; j < r.n[1]; ++j)
      for (int i = 0; i < r.n[0]; ++i) {
        const int fi = 3 + 2 * i, fj = 1 + 2 * j, fk = 2 + 2 * k;
        EXPECT_EQ(r.phase[r.index(i, j, k)], (fi + 2 * fj + 3 * fk) % 5);
        EXPECT_EQ(r.grain[r.index(i, j, k)], i);  // ids 3 5 .. 13 renumbered by value
      }
  // Centroids, not the stored centres: grain 0 is the slab i = 0.
  ASSERT_EQ(r.centres.size(), 6u);
  EXPECT_DOUBLE_EQ(r.centres[0][0], 0.5 * 2e-6);
  EXPECT_DOUBLE_EQ(r.centres[0][1], 3.0 * 2e-6);
  EXPECT_DOUBLE_EQ(r.centres[0][2], 1.5 * 2e-6);

  // A single slice of a 3D image is 2D.
  ImportSpec slice = hdf5_spec(file, m);
  slice.crop_lo[2] = 4, slice.crop_hi[2] = 5;
  const Microstructure flat = import_labels(slice);
  EXPECT_EQ(flat.dim, 2);
  EXPECT_EQ(flat.n[2], 1);
  EXPECT_EQ(flat.phase[flat.index(1, 2, 0)], (1 + 4 + 12) % 5);
}

TEST(Import, Hdf5PeriodicSurvivesWholeBlockDownsample) {
  TempDir dir;
  const Microstructure m = hand_made(16, 12, 10);
  const std::string file = dir.file("m.h5");
  write_microstructure(file, m, "");
  ImportSpec s = hdf5_spec(file, m);
  s.downsample = 2;  // 12 and 10 are whole multiples of 2: y and z still wrap
  const Microstructure r = import_labels(s);
  EXPECT_TRUE(r.periodic[1]);
  EXPECT_TRUE(r.periodic[2]);
  s.downsample = 3;  // 12 is, 10 is not
  const Microstructure r3 = import_labels(s);
  EXPECT_TRUE(r3.periodic[1]);
  EXPECT_FALSE(r3.periodic[2]);
}

TEST(Import, Hdf5AnyIntegerTypeWithLabelMap) {
  TempDir dir;
  const std::string file = dir.file("ct.h5");
  {
    dnd::h5::Writer w(file);
    const std::vector<std::int32_t> labels = {-1, 7, 7, -1, 7, 7};
    w.write("seg/labels", {2, 3}, labels.data());
    w.commit();
  }
  ImportSpec s;
  s.file = file;
  s.dataset = "seg/labels";
  s.voxel = 1e-6;
  s.labels = {{7, Phase::grain}, {-1, Phase::pore}};
  const Microstructure r = import_labels(s);
  EXPECT_EQ(r.dim, 2);
  EXPECT_EQ(r.n[0], 3);
  EXPECT_EQ(r.n[1], 2);
  EXPECT_EQ(r.phase, (std::vector<std::uint8_t>{2, 0, 0, 2, 0, 0}));
  EXPECT_EQ(r.grain, (std::vector<std::int32_t>{0, 0, 0, 0, 0, 0}));
}

// ---- grain ids from regions ---------------------------------------------------------

TEST(Import, GrainsFromConnectedRegions) {
  TempDir dir;
  // 20 x 10: grain interior at x < 8 and x > 10, a GB band x = 8, 9, 10 between them, a
  // pore inside the left grain.
  const int n[3] = {20, 10, 1};
  Microstructure m = uniform(2, n, 1e-6);
  for (int j = 0; j < 10; ++j)
    for (int i = 8; i <= 10; ++i) m.phase[m.index(i, j, 0)] = Phase::grain_boundary;
  m.phase[m.index(3, 3, 0)] = Phase::pore;
  const std::string file = dir.file("two.h5");
  write_microstructure(file, m, "");
  ImportSpec s;
  s.file = file;
  s.voxel = 1e-6;  // no grain_dataset: the ids come from the regions
  const Microstructure r = import_labels(s);
  ASSERT_EQ(r.centres.size(), 2u);
  for (int j = 0; j < 10; ++j) {
    EXPECT_EQ(r.grain[r.index(0, j, 0)], 0);
    EXPECT_EQ(r.grain[r.index(19, j, 0)], 1);
    EXPECT_EQ(r.grain[r.index(8, j, 0)], 0);   // nearer the left grain
    EXPECT_EQ(r.grain[r.index(9, j, 0)], 0);   // equally near both: the lower id
    EXPECT_EQ(r.grain[r.index(10, j, 0)], 1);  // nearer the right grain
  }
  EXPECT_EQ(r.grain[r.index(3, 3, 0)], 0);  // the pore keeps its grain
  // Centroids: left grain x = 0..9 (10 columns), right x = 10..19.
  EXPECT_DOUBLE_EQ(r.centres[0][0], 5e-6);
  EXPECT_DOUBLE_EQ(r.centres[1][0], 15e-6);
  EXPECT_DOUBLE_EQ(r.centres[0][1], 5e-6);
  EXPECT_DOUBLE_EQ(r.centres[0][2], 0.5e-6);
}

TEST(Import, GrainsFromRegionsWrapAlongPeriodicAxes) {
  TempDir dir;
  // 10 x 8, periodic in y: grain-interior rows y = 0 and 7 (one grain across the wrap) and
  // y = 3, 4; GB rows between them.
  const int n[3] = {10, 8, 1};
  Microstructure m = uniform(2, n, 1e-6);
  m.periodic[1] = true;
  for (int j : {1, 2, 5, 6})
    for (int i = 0; i < 10; ++i) m.phase[m.index(i, j, 0)] = Phase::grain_boundary;
  const std::string file = dir.file("wrap.h5");
  write_microstructure(file, m, "");
  ImportSpec s;
  s.file = file;
  s.voxel = 1e-6;
  const Microstructure r = import_labels(s);
  EXPECT_TRUE(r.periodic[1]);
  ASSERT_EQ(r.centres.size(), 2u);
  const int want[8] = {0, 0, 1, 1, 1, 1, 0, 0};
  for (int j = 0; j < 8; ++j) EXPECT_EQ(r.grain[r.index(4, j, 0)], want[j]) << "y " << j;
  // Grain 0 spans y = 6, 7, 0, 1: its centroid lies on the wrap, at y = 0.
  EXPECT_NEAR(r.centres[0][1], 0.0, 1e-18);
  EXPECT_DOUBLE_EQ(r.centres[1][1], 4e-6);
  EXPECT_DOUBLE_EQ(r.centres[0][0], 5e-6);
}

TEST(Import, StoredCentresScaleWithAGivenVoxel) {
  TempDir dir;
  const Microstructure m = hand_made(40, 30, 1);
  const std::string file = dir.file("m.h5");
  write_microstructure(file, m, "");
  ImportSpec s = hdf5_spec(file, m);
  s.voxel = 2 * m.voxel;  // the same cells, twice as large
  const Microstructure r = import_labels(s);
  ASSERT_EQ(r.centres.size(), m.centres.size());
  for (std::size_t g = 0; g < m.centres.size(); ++g)
    for (int a = 0; a < 3; ++a) EXPECT_DOUBLE_EQ(r.centres[g][a], 2 * m.centres[g][a]);
  // Without the grain dataset the ids are regions, and the centres centroids.
  s.grain_dataset.clear();
  const Microstructure regions = import_labels(s);
  EXPECT_NE(regions.centres[0][0], 2 * m.centres[0][0]);
}

TEST(Import, NoGrainCellsIsOneGrain) {
  TempDir dir;
  const std::string file = dir.file("pores.raw");
  write_bytes(file, std::vector<unsigned char>(24, 2));
  ImportSpec s;
  s.file = file;
  s.format = LabelFormat::raw;
  s.dims[0] = 4, s.dims[1] = 3, s.dims[2] = 2;
  s.voxel = 2e-6;
  const Microstructure r = import_labels(s);
  EXPECT_EQ(r.dim, 3);
  EXPECT_EQ(r.grain, std::vector<std::int32_t>(24, 0));
  ASSERT_EQ(r.centres.size(), 1u);
  EXPECT_DOUBLE_EQ(r.centres[0][0], 4e-6);
  EXPECT_DOUBLE_EQ(r.centres[0][1], 3e-6);
  EXPECT_DOUBLE_EQ(r.centres[0][2], 2e-6);
}

// ---- raw ----------------------------------------------------------------------------

TEST(Import, RawUint16BigEndianWithLabelMap) {
  TempDir dir;
  const int nx = 7, ny = 5, nz = 3;
  const auto label_at = [](int i, int j, int k) {
    if (i == 3) return 128;  // GB band
    if (i == 5 && j == 2 && k == 1) return 255;
    return 0;
  };
  std::vector<unsigned char> bytes;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int v = label_at(i, j, k);
        bytes.push_back(std::uint8_t(v >> 8));
        bytes.push_back(std::uint8_t(v & 0xff));
      }
  const std::string file = dir.file("labels.raw");
  write_bytes(file, bytes);
  ImportSpec s;
  s.file = file;
  s.format = LabelFormat::raw;
  s.dims[0] = nx, s.dims[1] = ny, s.dims[2] = nz;
  s.raw_type = "uint16";
  s.big_endian = true;
  s.labels = {{0, Phase::grain}, {255, Phase::pore}, {128, Phase::grain_boundary}};
  s.voxel = 0.5e-6;
  s.gb_width = 0.5e-6;
  const Microstructure r = import_labels(s);
  EXPECT_EQ(r.dim, 3);
  EXPECT_EQ(r.gb_width, 0.5e-6);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int want = i == 3 ? Phase::grain_boundary
                                : (i == 5 && j == 2 && k == 1 ? Phase::pore : Phase::grain);
        EXPECT_EQ(r.phase[r.index(i, j, k)], want) << i << " " << j << " " << k;
      }
  // Two regions split by the band; the band's cells are equally near both: grain 0.
  EXPECT_EQ(r.grain[r.index(0, 0, 0)], 0);
  EXPECT_EQ(r.grain[r.index(6, 4, 2)], 1);
  EXPECT_EQ(r.grain[r.index(3, 2, 1)], 0);

  // The same bytes read little-endian are labels 0, 32768 and 65280: unknown.
  s.big_endian = false;
  expect_error([&] { import_labels(s); }, file, {"unknown label 32768", "(3, 0, 0)"});
}

TEST(Import, RawSignedAndGrainFile) {
  TempDir dir;
  // int16 little-endian labels -5 (grain) and 9 (pore), a raw int32 grain file with ids
  // 10 and 40 (renumbered 0 and 1 by value).
  const int nx = 4, ny = 2;
  std::vector<unsigned char> labels, grains;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const std::int16_t l = i == 1 ? 9 : -5;
      labels.push_back(std::uint8_t(l & 0xff));
      labels.push_back(std::uint8_t((l >> 8) & 0xff));
      const std::int32_t g = i < 2 ? 40 : 10;
      for (int b = 0; b < 4; ++b) grains.push_back(std::uint8_t((g >> (8 * b)) & 0xff));
    }
  const std::string file = dir.file("l.raw"), grain_file = dir.file("g.raw");
  write_bytes(file, labels);
  write_bytes(grain_file, grains);
  ImportSpec s;
  s.file = file;
  s.format = LabelFormat::raw;
  s.dims[0] = nx, s.dims[1] = ny, s.dims[2] = 1;
  s.raw_type = "int16";
  s.labels = {{-5, Phase::grain}, {9, Phase::pore}};
  s.grain_file = grain_file;
  s.voxel = 1e-6;
  const Microstructure r = import_labels(s);
  EXPECT_EQ(r.dim, 2);
  EXPECT_EQ(r.phase, (std::vector<std::uint8_t>{0, 2, 0, 0, 0, 2, 0, 0}));
  EXPECT_EQ(r.grain, (std::vector<std::int32_t>{1, 1, 0, 0, 1, 1, 0, 0}));
  ASSERT_EQ(r.centres.size(), 2u);
  EXPECT_DOUBLE_EQ(r.centres[0][0], 3e-6);
  EXPECT_DOUBLE_EQ(r.centres[1][0], 1e-6);
}

// ---- TIFF ---------------------------------------------------------------------------

TEST(RoundTrip, TiffPhaseAndGrainIds) {
  TempDir dir;
  for (const Microstructure& m : {hand_made(40, 30, 1), hand_made(16, 12, 10)}) {
    const std::string tag = std::to_string(m.dim);
    const std::string phase_file = dir.file("phase" + tag + ".tif");
    const std::string grain_file = dir.file("grain" + tag + ".tif");
    write_tiff(phase_file, m, false);
    write_tiff(grain_file, m, true);
    ImportSpec s;
    s.file = phase_file;
    s.format = LabelFormat::tiff;
    s.grain_file = grain_file;
    s.voxel = m.voxel;
    const Microstructure r = import_labels(s);
    expect_same(r, m);
    EXPECT_EQ(r.voxel, m.voxel);
    EXPECT_EQ(r.centres.size(), m.centres.size());
  }
}

TEST(Write, TiffLayout) {
  TempDir dir;
  const Microstructure m = hand_made(16, 12, 10);
  const std::string file = dir.file("grain.tif");
  write_tiff(file, m, true);
  TIFF* tif = TIFFOpen(file.c_str(), "r");
  ASSERT_NE(tif, nullptr);
  EXPECT_EQ(TIFFNumberOfDirectories(tif), 10u);
  std::uint32_t width = 0, height = 0;
  std::uint16_t bits = 0, format = 0;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
  TIFFGetField(tif, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetField(tif, TIFFTAG_SAMPLEFORMAT, &format);
  EXPECT_EQ(width, 16u);
  EXPECT_EQ(height, 12u);
  EXPECT_EQ(bits, 32);
  EXPECT_EQ(format, SAMPLEFORMAT_UINT);
  // Page 6, row 9 is z = 6, y = 9.
  ASSERT_EQ(TIFFSetDirectory(tif, 6), 1);
  std::vector<std::uint32_t> row(16);
  ASSERT_EQ(TIFFReadScanline(tif, row.data(), 9, 0), 1);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(row[i], std::uint32_t(m.grain[m.index(i, 9, 6)]));
  TIFFClose(tif);
  // The temporary name is gone.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(fs::path(file).parent_path()))
    ++files;
  EXPECT_EQ(files, 1);

  const std::string nowhere = dir.file("missing/folder/p.tif");
  expect_error([&] { write_tiff(nowhere, m, false); }, nowhere, {"cannot"});
}

/// Writes a one-page TIFF with libtiff, tiled if tile > 0.
void write_test_tiff(const std::string& path, int width, int height, int bits, int format,
                     int samples, const std::vector<unsigned char>& pixels, int tile = 0) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(tif, nullptr);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(width));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(height));
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bits);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, samples);
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, format);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, samples == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  const std::size_t row_bytes = std::size_t(width) * samples * bits / 8;
  if (tile > 0) {
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, std::uint32_t(tile));
    TIFFSetField(tif, TIFFTAG_TILELENGTH, std::uint32_t(tile));
    const std::size_t px = std::size_t(bits / 8);
    std::vector<unsigned char> buf(std::size_t(tile) * tile * px);
    for (int y0 = 0; y0 < height; y0 += tile)
      for (int x0 = 0; x0 < width; x0 += tile) {
        std::fill(buf.begin(), buf.end(), 0);
        for (int y = 0; y < tile && y0 + y < height; ++y)
          for (int x = 0; x < tile && x0 + x < width; ++x)
            std::memcpy(&buf[(std::size_t(y) * tile + x) * px],
                        &pixels[std::size_t(y0 + y) * row_bytes + std::size_t(x0 + x) * px], px);
        ASSERT_GE(TIFFWriteTile(tif, buf.data(), std::uint32_t(x0), std::uint32_t(y0), 0, 0), 0);
      }
  } else {
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, std::uint32_t(height));
    std::vector<unsigned char> row(row_bytes);
    for (int y = 0; y < height; ++y) {
      std::memcpy(row.data(), &pixels[std::size_t(y) * row_bytes], row_bytes);
      ASSERT_EQ(TIFFWriteScanline(tif, row.data(), std::uint32_t(y), 0), 1);
    }
  }
  TIFFClose(tif);
}

TEST(Import, TiffTiledSigned16) {
  TempDir dir;
  // 37 x 21 pixels in 16 x 16 tiles (partial tiles at both edges), labels -3 and 1000.
  const int w = 37, h = 21;
  std::vector<unsigned char> pixels;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::int16_t v = (x + y) % 3 == 0 ? -3 : 1000;
      unsigned char b[2];
      std::memcpy(b, &v, 2);
      pixels.insert(pixels.end(), b, b + 2);
    }
  const std::string file = dir.file("tiled.tif");
  write_test_tiff(file, w, h, 16, SAMPLEFORMAT_INT, 1, pixels, 16);
  ImportSpec s;
  s.file = file;
  s.format = LabelFormat::tiff;
  s.voxel = 1e-6;
  s.labels = {{-3, Phase::pore}, {1000, Phase::grain}};
  const Microstructure r = import_labels(s);
  ASSERT_EQ(r.n[0], w);
  ASSERT_EQ(r.n[1], h);
  EXPECT_EQ(r.dim, 2);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      EXPECT_EQ(r.phase[r.index(x, y, 0)], (x + y) % 3 == 0 ? Phase::pore : Phase::grain);
}

TEST(Import, TiffRefusesUnsupportedTypes) {
  TempDir dir;
  const std::string floats = dir.file("float.tif");
  write_test_tiff(floats, 4, 3, 32, SAMPLEFORMAT_IEEEFP, 1, std::vector<unsigned char>(48, 0));
  const std::string rgb = dir.file("rgb.tif");
  write_test_tiff(rgb, 4, 3, 8, SAMPLEFORMAT_UINT, 3, std::vector<unsigned char>(36, 0));
  const std::string junk = dir.file("junk.tif");
  write_bytes(junk, std::vector<unsigned char>(100, 'x'));
  ImportSpec s;
  s.format = LabelFormat::tiff;
  s.voxel = 1e-6;
  testing::internal::CaptureStderr();
  s.file = floats;
  expect_error([&] { import_labels(s); }, floats, {"floating-point", "page 0"});
  s.file = rgb;
  expect_error([&] { import_labels(s); }, rgb, {"3 samples per pixel"});
  s.file = junk;
  expect_error([&] { import_labels(s); }, junk, {"cannot open as TIFF", "libtiff"});
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");  // libtiff kept quiet
}

// ---- errors -------------------------------------------------------------------------

TEST(Import, RefusesUnknownLabel) {
  TempDir dir;
  const std::string file = dir.file("labels.h5");
  {
    std::vector<std::uint8_t> labels(6 * 5 * 4, Phase::grain);
    labels[3 + 6 * (2 + 5 * 1)] = 7;  // (3, 2, 1)
    labels[5 + 6 * (4 + 5 * 3)] = 7;
    dnd::h5::Writer w(file);
    w.write("phase", {4, 5, 6}, labels.data());
    w.commit();
  }
  ImportSpec s;
  s.file = file;
  s.voxel = 1e-6;
  expect_error([&] { import_labels(s); }, file,
               {"unknown label 7", "2 voxels", "(3, 2, 1)", "phase ids"});
  s.labels = {{0, Phase::grain}};
  expect_error([&] { import_labels(s); }, file, {"unknown label 7", "0 -> grain"});
  s.labels = {{0, Phase::grain}, {7, 9}};
  expect_error([&] { import_labels(s); }, file, {"phase 9"});
}

TEST(Import, RefusesRawOfWrongSize) {
  TempDir dir;
  const std::string file = dir.file("short.raw");
  write_bytes(file, std::vector<unsigned char>(200, 0));
  ImportSpec s;
  s.file = file;
  s.format = LabelFormat::raw;
  s.dims[0] = 7, s.dims[1] = 5, s.dims[2] = 3;
  s.raw_type = "uint16";
  s.voxel = 1e-6;
  expect_error([&] { import_labels(s); }, file, {"truncated: expected 210 bytes", "found 200"});
  write_bytes(file, std::vector<unsigned char>(212, 0));
  expect_error([&] { import_labels(s); }, file, {"expected 210 bytes", "found 212"});
  s.raw_type = "float32";
  write_bytes(file, std::vector<unsigned char>(210, 0));
  expect_error([&] { import_labels(s); }, file, {"float32"});
  s.raw_type = "uint16";
  s.dims[1] = -5;
  expect_error([&] { import_labels(s); }, file, {"positive"});
  s.dims[0] = 1 << 30, s.dims[1] = 1 << 30, s.dims[2] = 1 << 30;
  expect_error([&] { import_labels(s); }, file, {"overflow"});
}

TEST(Import, RefusesGrainFileOfOtherSize) {
  TempDir dir;
  const std::string phase_file = dir.file("phase.tif"), grain_file = dir.file("grain.tif");
  write_tiff(phase_file, hand_made(40, 30, 1), false);
  write_tiff(grain_file, hand_made(40, 29, 1), true);
  ImportSpec s;
  s.file = phase_file;
  s.format = LabelFormat::tiff;
  s.grain_file = grain_file;
  s.voxel = 1e-6;
  expect_error([&] { import_labels(s); }, grain_file, {"40 x 29 x 1", "40 x 30 x 1"});

  // HDF5: a grain dataset of other dims than the labels.
  const std::string h5 = dir.file("mixed.h5");
  {
    const Microstructure a = hand_made(40, 30, 1), b = hand_made(40, 29, 1);
    dnd::h5::Writer w(h5);
    w.write("phase", {30, 40}, a.phase.data());
    w.write("grain", {29, 40}, b.grain.data());
    w.commit();
  }
  ImportSpec h;
  h.file = h5;
  h.grain_dataset = "grain";
  h.voxel = 1e-6;
  expect_error([&] { import_labels(h); }, h5, {"dataset grain", "40 x 29 x 1"});
}

TEST(Import, RefusesMissingVoxelSize) {
  TempDir dir;
  const Microstructure m = hand_made(40, 30, 1);
  const std::string file = dir.file("m.h5");
  write_microstructure(file, m, "");
  ImportSpec s = hdf5_spec(file, m);
  s.voxel = 0.0;
  expect_error([&] { import_labels(s); }, file, {"voxel size missing"});
  s.voxel = std::nan("");
  expect_error([&] { import_labels(s); }, file, {"voxel size missing"});
}

TEST(Import, RefusesMissingOrUnreadableData) {
  TempDir dir;
  const Microstructure m = hand_made(40, 30, 1);
  const std::string file = dir.file("m.h5");
  write_microstructure(file, m, "");
  ImportSpec s = hdf5_spec(file, m);
  s.dataset = "labels";
  expect_error([&] { import_labels(s); }, file,
               {"no dataset \"labels\"", "grain", "grain_centres", "phase"});
  s.dataset = "grain_centres";  // floating point, and (N, 3) is no image anyway
  expect_error([&] { import_labels(s); }, file, {"float64"});

  const std::string one_d = dir.file("oned.h5");
  {
    dnd::h5::Writer w(one_d);
    w.write("phase", std::vector<std::int64_t>{0, 1, 2});
    w.commit();
  }
  ImportSpec r = hdf5_spec(one_d, m);
  r.grain_dataset.clear();
  expect_error([&] { import_labels(r); }, one_d, {"rank 1"});

  const std::string text = dir.file("text.h5");
  write_bytes(text, std::vector<unsigned char>(64, 'a'));
  expect_error([&] { import_labels(hdf5_spec(text, m)); }, text, {"not a readable HDF5 file"});
  const std::string missing = dir.file("missing.h5");
  expect_error([&] { import_labels(hdf5_spec(missing, m)); }, missing, {"no such file"});
}

TEST(Import, RefusesBadCropAndDownsample) {
  TempDir dir;
  const Microstructure m = hand_made(40, 30, 1);
  const std::string file = dir.file("m.h5");
  write_microstructure(file, m, "");
  ImportSpec s = hdf5_spec(file, m);
  s.crop_hi[0] = 41;
  expect_error([&] { import_labels(s); }, file, {"outside the image"});
  s.crop_hi[0] = -1;
  s.crop_lo[1] = 10, s.crop_hi[1] = 10;
  expect_error([&] { import_labels(s); }, file, {"empty"});
  s.crop_hi[1] = -1;
  s.crop_lo[2] = 1;
  expect_error([&] { import_labels(s); }, file, {"along z"});
  s.crop_lo[2] = 0;
  s.downsample = 0;
  expect_error([&] { import_labels(s); }, file, {"downsample 0"});
}

TEST(Import, RefusesNegativeGrainIds) {
  TempDir dir;
  const std::string file = dir.file("neg.h5");
  {
    const std::vector<std::uint8_t> phase(6, Phase::grain);
    const std::vector<std::int32_t> grain = {0, 0, 1, 1, -2, 1};
    dnd::h5::Writer w(file);
    w.write("phase", {2, 3}, phase.data());
    w.write("grain", {2, 3}, grain.data());
    w.commit();
  }
  ImportSpec s;
  s.file = file;
  s.grain_dataset = "grain";
  s.voxel = 1e-6;
  expect_error([&] { import_labels(s); }, file, {"grain id -2", "(1, 1, 0)"});
}

}  // namespace
