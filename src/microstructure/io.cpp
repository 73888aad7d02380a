/// \file io.cpp
/// Microstructure files: label images read from HDF5, raw or multi-page TIFF (CT data), and
/// phase/grain ids written as HDF5 + XDMF (ParaView) or TIFF (image tools).
#include <tiffio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "dendrite/io/hdf5_file.hpp"
#include "dendrite/microstructure/microstructure.hpp"

namespace dnd::micro {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw MicrostructureError(file + ": " + what);
}

/// Runs `f`, turning the std::runtime_error of a lower layer (HDF5, the file system) into a
/// MicrostructureError that starts with `file`.
template <class F>
auto naming_file(const std::string& file, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const MicrostructureError&) {
    throw;
  } catch (const std::exception& e) {
    fail(file, e.what());
  }
}

// ---- grid boxes -----------------------------------------------------------------------

/// Voxel counts (or voxel coordinates) along x, y, z.
using Dims = std::array<std::int64_t, 3>;

std::string dims_text(const Dims& d) {
  return std::to_string(d[0]) + " x " + std::to_string(d[1]) + " x " + std::to_string(d[2]);
}

std::string voxel_text(std::int64_t i, std::int64_t j, std::int64_t k) {
  return "(" + std::to_string(i) + ", " + std::to_string(j) + ", " + std::to_string(k) + ")";
}

/// Refuses dims that are not positive or whose voxel count (as int64 values) cannot be held.
std::uint64_t checked_cells(const Dims& d, const std::string& file) {
  for (std::int64_t n : d)
    if (n <= 0) fail(file, "image dims " + dims_text(d) + " must all be positive");
  constexpr std::uint64_t kMaxCells = std::numeric_limits<std::size_t>::max() / 16;
  std::uint64_t cells = 1;
  for (std::int64_t n : d) {
    if (std::uint64_t(n) > std::uint64_t(std::numeric_limits<int>::max()) ||
        cells > kMaxCells / std::uint64_t(n))
      fail(file, "size overflow: an image of " + dims_text(d) + " voxels is too large");
    cells *= std::uint64_t(n);
  }
  return cells;
}

/// The voxels kept from an image of `full` voxels: file voxel lo[a] + step * i for
/// i < n[a] along each axis a.
struct Box {
  Dims full{1, 1, 1};
  Dims lo{0, 0, 0};
  Dims hi{1, 1, 1};  ///< end of the crop (exclusive)
  Dims n{1, 1, 1};
  int step = 1;

  std::size_t cells() const { return std::size_t(n[0] * n[1] * n[2]); }
  bool uncropped() const { return lo == Dims{0, 0, 0} && hi == full; }
  /// The box is the whole image (no crop, no downsampling).
  bool whole() const { return uncropped() && step == 1; }
  /// File coordinates of kept voxel c (x fastest).
  Dims file_voxel(std::size_t c) const {
    const auto i = std::int64_t(c % std::size_t(n[0]));
    const auto j = std::int64_t(c / std::size_t(n[0]) % std::size_t(n[1]));
    const auto k = std::int64_t(c / std::size_t(n[0] * n[1]));
    return {lo[0] + step * i, lo[1] + step * j, lo[2] + step * k};
  }
};

/// Crop [crop_lo, crop_hi) first, then downsample by k: voxel (i, j, k) of the result is
/// voxel (k*i, k*j, k*k) of the cropped image, the first of each k^3 block (a partial block
/// at the far end still gives its first voxel, so n = ceil(cropped / k)); an axis of one
/// voxel (z of a 2D image) stays one voxel.
Box crop_box(const ImportSpec& spec, const Dims& full) {
  Box b;
  b.full = full;
  b.step = spec.downsample;
  static constexpr const char* kAxis = "xyz";
  for (int a = 0; a < 3; ++a) {
    const std::int64_t lo = spec.crop_lo[a];
    const std::int64_t hi = spec.crop_hi[a] == -1 ? full[a] : spec.crop_hi[a];
    const std::string axis(1, kAxis[a]);
    if (lo < 0 || lo >= full[a] || hi < 0 || hi > full[a])
      fail(spec.file, "crop [" + std::to_string(lo) + ", " + std::to_string(spec.crop_hi[a]) +
                          ") along " + axis + " lies outside the image (0 .. " +
                          std::to_string(full[a]) + " voxels)");
    if (hi <= lo)
      fail(spec.file, "crop [" + std::to_string(lo) + ", " + std::to_string(hi) + ") along " +
                          axis + " is empty");
    b.lo[a] = lo;
    b.hi[a] = hi;
    b.n[a] = (hi - lo + b.step - 1) / b.step;
  }
  return b;
}

/// Label (or grain id) values of the kept voxels, x fastest.
using Values = std::vector<std::int64_t>;

// ---- HDF5 -----------------------------------------------------------------------------

std::string without_leading_slash(const std::string& name) {
  return name.rfind('/', 0) == 0 ? name.substr(1) : name;
}

void require_dataset(const h5::Reader& r, const std::string& file, const std::string& name) {
  const std::vector<std::string> present = r.datasets();
  if (std::find(present.begin(), present.end(), without_leading_slash(name)) != present.end())
    return;
  std::string list;
  for (const std::string& p : present) list.append(list.empty() ? "" : ", ").append(p);
  fail(file, "no dataset \"" + name + "\"; the file holds " +
                 (list.empty() ? std::string("no datasets") : "the datasets " + list));
}

/// (nx, ny, nz) of a 2D (ny, nx) or 3D (nz, ny, nx) integer dataset.
Dims hdf5_dims(const h5::Reader& r, const std::string& file, const std::string& name) {
  require_dataset(r, file, name);
  const std::vector<std::uint64_t> d = r.dims(name);
  if (d.size() != 2 && d.size() != 3)
    fail(file, "dataset " + name + " has rank " + std::to_string(d.size()) +
                   "; a label image is 2D (ny, nx) or 3D (nz, ny, nx)");
  const std::string type = r.stored_type(name);
  if (type.rfind("int", 0) != 0 && type.rfind("uint", 0) != 0)
    fail(file, "dataset " + name + " holds " + type + " values; labels must be integers");
  for (std::uint64_t n : d)
    if (n > std::uint64_t(std::numeric_limits<int>::max()))
      fail(file, "size overflow: dataset " + name + " is too large");
  const Dims dims = d.size() == 3 ? Dims{std::int64_t(d[2]), std::int64_t(d[1]), std::int64_t(d[0])}
                                  : Dims{std::int64_t(d[1]), std::int64_t(d[0]), 1};
  checked_cells(dims, file);
  return dims;
}

Values read_hdf5(const h5::Reader& r, const std::string& name, const Box& b) {
  const std::size_t rank = r.dims(name).size();
  std::vector<std::uint64_t> start, stride, count;
  for (int a = int(rank) - 1; a >= 0; --a) {  // C order: z y x
    start.push_back(std::uint64_t(b.lo[a]));
    stride.push_back(std::uint64_t(b.step));
    count.push_back(std::uint64_t(b.n[a]));
  }
  return r.read_integers(name, start, stride, count);
}

// ---- raw ------------------------------------------------------------------------------

struct RawType {
  std::string name;
  int bytes = 1;
  bool is_signed = false;
};

RawType raw_type(const std::string& name, const std::string& file) {
  for (const RawType& t :
       {RawType{"uint8", 1, false}, RawType{"uint16", 2, false}, RawType{"int16", 2, true},
        RawType{"uint32", 4, false}, RawType{"int32", 4, true}})
    if (t.name == name) return t;
  fail(file, "raw type \"" + name + "\" is not one of uint8, uint16, int16, uint32, int32");
}

/// One sample, decoded byte by byte so the host's byte order does not matter.
std::int64_t decode(const unsigned char* p, const RawType& t, bool big_endian) {
  std::uint64_t u = 0;
  for (int b = 0; b < t.bytes; ++b) {
    const int shift = 8 * (big_endian ? t.bytes - 1 - b : b);
    u |= std::uint64_t(p[b]) << shift;
  }
  const int bits = 8 * t.bytes;
  if (t.is_signed && (u >> (bits - 1)) & 1u) u |= ~std::uint64_t(0) << bits;  // sign-extend
  return std::int64_t(u);
}

/// Reads the kept voxels of a raw image of `full` voxels. The file holds exactly the image:
/// a size that differs either way means wrong dims or type, and is refused.
Values read_raw(const std::string& file, const Dims& full, const RawType& t, bool big_endian,
                const Box& b) {
  const std::uint64_t cells = checked_cells(full, file);
  const std::uint64_t expected = cells * std::uint64_t(t.bytes);
  std::error_code ec;
  const std::uint64_t found = fs::file_size(file, ec);
  if (ec) fail(file, "cannot read the file size: " + ec.message());
  const std::string what = " (" + dims_text(full) + " voxels of " + t.name + ")";
  if (found < expected)
    fail(file, "truncated: expected " + std::to_string(expected) + " bytes" + what + ", found " +
                   std::to_string(found));
  if (found > expected)
    fail(file, "too long: expected " + std::to_string(expected) + " bytes" + what + ", found " +
                   std::to_string(found) + " (wrong dims or type?)");
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, "cannot open");
  const std::size_t row_bytes = std::size_t(full[0]) * std::size_t(t.bytes);
  const std::size_t plane_bytes = row_bytes * std::size_t(full[1]);
  std::vector<unsigned char> plane(plane_bytes);
  Values out;
  out.reserve(b.cells());
  for (std::int64_t k = 0; k < b.n[2]; ++k) {
    const std::int64_t z = b.lo[2] + b.step * k;
    in.seekg(std::streamoff(std::uint64_t(z) * plane_bytes));
    in.read(reinterpret_cast<char*>(plane.data()), std::streamsize(plane_bytes));
    if (!in) fail(file, "cannot read slice z = " + std::to_string(z));
    for (std::int64_t j = 0; j < b.n[1]; ++j) {
      const unsigned char* row = plane.data() + std::size_t(b.lo[1] + b.step * j) * row_bytes;
      for (std::int64_t i = 0; i < b.n[0]; ++i)
        out.push_back(
            decode(row + std::size_t(b.lo[0] + b.step * i) * std::size_t(t.bytes), t, big_endian));
    }
  }
  return out;
}

// ---- TIFF -----------------------------------------------------------------------------

/// What libtiff last reported on this thread. libtiff prints errors and warnings to stderr
/// unless told otherwise; ours keep them for the exception's message instead.
thread_local std::string tiff_error_text;
thread_local std::string tiff_warning_text;
thread_local std::uint64_t tiff_error_count = 0;

std::string format_tiff_message(const char* module, const char* fmt, va_list ap) {
  char text[1024];
  std::vsnprintf(text, sizeof text, fmt, ap);
  return (module && *module ? std::string(module) + ": " : std::string()) + text;
}

void on_tiff_error(const char* module, const char* fmt, va_list ap) {
  tiff_error_text = format_tiff_message(module, fmt, ap);
  ++tiff_error_count;
}

void on_tiff_warning(const char* module, const char* fmt, va_list ap) {
  tiff_warning_text = format_tiff_message(module, fmt, ap);
}

void install_tiff_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(on_tiff_error);
    TIFFSetWarningHandler(on_tiff_warning);
  });
}

/// "; libtiff: <message>" when libtiff said something, else "".
std::string libtiff_says() {
  if (!tiff_error_text.empty()) return "; libtiff: " + tiff_error_text;
  if (!tiff_warning_text.empty()) return "; libtiff warning: " + tiff_warning_text;
  return "";
}

/// An open TIFF file, closed on every path out.
class TiffFile {
 public:
  TiffFile(const std::string& path, const char* mode) : path_(path) {
    install_tiff_handlers();
    tiff_error_text.clear();
    tiff_warning_text.clear();
    tif_ = TIFFOpen(path.c_str(), mode);
    if (!tif_) fail(path, std::string("cannot open as TIFF") + libtiff_says());
  }
  ~TiffFile() {
    if (tif_) TIFFClose(tif_);
  }
  TiffFile(const TiffFile&) = delete;
  TiffFile& operator=(const TiffFile&) = delete;

  TIFF* get() const { return tif_; }
  /// Closes the file; false if libtiff reported an error while flushing it.
  bool close() {
    const std::uint64_t errors = tiff_error_count;
    TIFFClose(tif_);
    tif_ = nullptr;
    return tiff_error_count == errors;
  }

 private:
  std::string path_;
  TIFF* tif_ = nullptr;
};

/// The layout of one TIFF page, checked to be a grey image of 8/16/32-bit integers.
struct TiffPage {
  std::uint32_t width = 0, height = 0;
  int bits = 8;
  bool is_signed = false;
  bool tiled = false;
  std::uint32_t tile_width = 0, tile_height = 0;
};

TiffPage describe_page(TIFF* tif, const std::string& file, std::int64_t page) {
  TiffPage p;
  const std::string where = "page " + std::to_string(page) + " ";
  std::uint16_t bits = 1, samples = 1, format = SAMPLEFORMAT_UINT,
                photometric = PHOTOMETRIC_MINISBLACK;
  if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p.width) ||
      !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p.height) || p.width == 0 || p.height == 0)
    fail(file, where + "has no image size" + libtiff_says());
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);  // absent: read as grey
  if (samples != 1)
    fail(file, where + "has " + std::to_string(samples) +
                   " samples per pixel (an RGB or multi-channel image); labels need one sample "
                   "per pixel");
  if (photometric != PHOTOMETRIC_MINISBLACK && photometric != PHOTOMETRIC_MINISWHITE &&
      photometric != PHOTOMETRIC_PALETTE)
    fail(file, where + "is a colour image (photometric interpretation " +
                   std::to_string(photometric) + "); labels need a grey image of integers");
  if (format == SAMPLEFORMAT_IEEEFP)
    fail(file, where + "holds " + std::to_string(bits) +
                   "-bit floating-point samples; labels must be integers");
  if (format != SAMPLEFORMAT_UINT && format != SAMPLEFORMAT_INT && format != SAMPLEFORMAT_VOID)
    fail(file, where + "holds samples of format " + std::to_string(format) +
                   " (complex); labels must be integers");
  if (bits != 8 && bits != 16 && bits != 32)
    fail(file, where + "has " + std::to_string(bits) +
                   " bits per sample; labels need 8, 16 or 32-bit integers");
  p.bits = bits;
  p.is_signed = format == SAMPLEFORMAT_INT;
  p.tiled = TIFFIsTiled(tif) != 0;
  if (p.tiled && (!TIFFGetField(tif, TIFFTAG_TILEWIDTH, &p.tile_width) ||
                  !TIFFGetField(tif, TIFFTAG_TILELENGTH, &p.tile_height) || p.tile_width == 0 ||
                  p.tile_height == 0))
    fail(file, where + "is tiled without a tile size" + libtiff_says());
  return p;
}

std::int64_t tiff_sample(const unsigned char* row, std::size_t x, const TiffPage& p) {
  // libtiff hands samples over in the host's byte order.
  switch (p.bits) {
    case 8:
      return p.is_signed ? std::int64_t(std::int8_t(row[x])) : std::int64_t(row[x]);
    case 16: {
      std::uint16_t v;
      std::memcpy(&v, row + 2 * x, 2);
      return p.is_signed ? std::int64_t(std::int16_t(v)) : std::int64_t(v);
    }
    default: {
      std::uint32_t v;
      std::memcpy(&v, row + 4 * x, 4);
      return p.is_signed ? std::int64_t(std::int32_t(v)) : std::int64_t(v);
    }
  }
}

void select_page(TIFF* tif, const std::string& file, std::int64_t page) {
  if (!TIFFSetDirectory(tif, tdir_t(page)))
    fail(file, "cannot read page " + std::to_string(page) + libtiff_says());
}

/// (width, height, pages) of a multi-page TIFF whose pages all have one size and a
/// supported layout.
Dims tiff_dims(const std::string& file) {
  TiffFile t(file, "r");
  const std::int64_t pages = TIFFNumberOfDirectories(t.get());
  if (pages < 1) fail(file, "has no pages" + libtiff_says());
  Dims d{0, 0, pages};
  for (std::int64_t z = 0; z < pages; ++z) {
    select_page(t.get(), file, z);
    const TiffPage p = describe_page(t.get(), file, z);
    if (z == 0) {
      d[0] = p.width;
      d[1] = p.height;
    } else if (p.width != d[0] || p.height != d[1]) {
      fail(file, "page " + std::to_string(z) + " is " + std::to_string(p.width) + " x " +
                     std::to_string(p.height) + " pixels but page 0 is " + std::to_string(d[0]) +
                     " x " + std::to_string(d[1]) + "; all pages must have one size");
    }
  }
  checked_cells(d, file);
  return d;
}

/// Calls row(y, samples) for the rows y = 0 .. height-1 of the current page, in order, with
/// the row's samples packed as libtiff decodes them; stops after row `last`.
template <class Row>
void for_each_row(TIFF* tif, const std::string& file, std::int64_t page, const TiffPage& p,
                  std::uint32_t last, Row&& row) {
  const std::size_t sample_bytes = std::size_t(p.bits / 8);
  const std::string where = " of page " + std::to_string(page);
  if (!p.tiled) {
    std::vector<unsigned char> buf(std::size_t(TIFFScanlineSize64(tif)));
    if (buf.size() < p.width * sample_bytes) fail(file, "bad scanline size" + where);
    for (std::uint32_t y = 0; y <= last; ++y) {
      if (TIFFReadScanline(tif, buf.data(), y, 0) < 0)
        fail(file, "cannot read row " + std::to_string(y) + where + libtiff_says());
      row(y, buf.data());
    }
    return;
  }
  // Tiled: decode one band of tiles at a time into whole rows.
  std::vector<unsigned char> tile(std::size_t(TIFFTileSize64(tif)));
  if (tile.size() < std::size_t(p.tile_width) * p.tile_height * sample_bytes)
    fail(file, "bad tile size" + where);
  const std::size_t row_bytes = std::size_t(p.width) * sample_bytes;
  std::vector<unsigned char> band(row_bytes * p.tile_height);
  for (std::uint32_t y0 = 0; y0 <= last; y0 += p.tile_height) {
    for (std::uint32_t x0 = 0; x0 < p.width; x0 += p.tile_width) {
      if (TIFFReadTile(tif, tile.data(), x0, y0, 0, 0) < 0)
        fail(file, "cannot read the tile at (" + std::to_string(x0) + ", " + std::to_string(y0) +
                       ")" + where + libtiff_says());
      const std::size_t w = std::min(p.tile_width, p.width - x0);
      for (std::uint32_t r = 0; r < p.tile_height && y0 + r < p.height; ++r)
        std::memcpy(band.data() + r * row_bytes + x0 * sample_bytes,
                    tile.data() + std::size_t(r) * p.tile_width * sample_bytes, w * sample_bytes);
    }
    for (std::uint32_t r = 0; r < p.tile_height && y0 + r <= last; ++r)
      row(y0 + r, band.data() + r * row_bytes);
  }
}

Values read_tiff(const std::string& file, const Box& b) {
  TiffFile t(file, "r");
  Values out(b.cells());
  for (std::int64_t k = 0; k < b.n[2]; ++k) {
    const std::int64_t z = b.lo[2] + b.step * k;
    select_page(t.get(), file, z);
    const TiffPage p = describe_page(t.get(), file, z);
    const auto last = std::uint32_t(b.lo[1] + b.step * (b.n[1] - 1));
    for_each_row(t.get(), file, z, p, last, [&](std::uint32_t y, const unsigned char* samples) {
      const std::int64_t dy = std::int64_t(y) - b.lo[1];
      if (dy < 0 || dy % b.step != 0) return;
      const std::size_t base =
          std::size_t(b.n[0]) * (std::size_t(dy / b.step) + std::size_t(b.n[1]) * std::size_t(k));
      for (std::int64_t i = 0; i < b.n[0]; ++i)
        out[base + std::size_t(i)] = tiff_sample(samples, std::size_t(b.lo[0] + b.step * i), p);
    });
  }
  return out;
}

// ---- labels to phases -----------------------------------------------------------------

/// Label value -> phase id, sorted by label, checked (phases 0..4, no label twice).
std::vector<std::pair<std::int64_t, int>> checked_label_map(const ImportSpec& spec) {
  auto map = spec.labels;
  std::sort(map.begin(), map.end());
  for (std::size_t e = 0; e < map.size(); ++e) {
    if (map[e].second < 0 || map[e].second >= kPhaseCount)
      fail(spec.file, "label " + std::to_string(map[e].first) + " maps to phase " +
                          std::to_string(map[e].second) + "; phase ids are 0 .. " +
                          std::to_string(kPhaseCount - 1));
    if (e > 0 && map[e].first == map[e - 1].first)
      fail(spec.file, "label " + std::to_string(map[e].first) + " is mapped twice");
  }
  return map;
}

std::string label_map_text(const std::vector<std::pair<std::int64_t, int>>& map) {
  if (map.empty()) {
    std::string names;
    for (int p = 0; p < kPhaseCount; ++p)
      names.append(p ? ", " : "").append(std::to_string(p)).append(" ").append(phase_name(p));
    return "without a label map the labels are phase ids (" + names + ")";
  }
  std::string text = "the label map has ";
  for (std::size_t e = 0; e < map.size(); ++e)
    text.append(e ? ", " : "")
        .append(std::to_string(map[e].first))
        .append(" -> ")
        .append(phase_name(map[e].second));
  return text;
}

/// Phase id of a label, or -1 for an unknown one.
int phase_of(std::int64_t label, const std::vector<std::pair<std::int64_t, int>>& map) {
  if (map.empty()) return label >= 0 && label < kPhaseCount ? int(label) : -1;
  const auto it = std::lower_bound(map.begin(), map.end(), std::pair<std::int64_t, int>{label, -1});
  return it != map.end() && it->first == label ? it->second : -1;
}

std::vector<std::uint8_t> map_labels(const Values& labels, const ImportSpec& spec, const Box& b) {
  const auto map = checked_label_map(spec);
  std::vector<std::uint8_t> phase(labels.size());
  std::int64_t cached_label = 0;  // images are runs of equal labels: look each run up once
  int cached_phase = phase_of(0, map);
  for (std::size_t c = 0; c < labels.size(); ++c) {
    if (labels[c] != cached_label) {
      cached_label = labels[c];
      cached_phase = phase_of(cached_label, map);
    }
    if (cached_phase < 0) {
      const auto count = std::count(labels.begin() + std::ptrdiff_t(c), labels.end(), labels[c]);
      const Dims v = b.file_voxel(c);
      fail(spec.file, "unknown label " + std::to_string(labels[c]) + " in " +
                          std::to_string(count) + " voxel" + (count == 1 ? "" : "s") +
                          ", first at voxel " + voxel_text(v[0], v[1], v[2]) +
                          " (i, j, k of the file, from 0); " + label_map_text(map));
    }
    phase[c] = std::uint8_t(cached_phase);
  }
  return phase;
}

// ---- grain ids ------------------------------------------------------------------------

/// Grain ids from a file: refused if negative; kept as they are when they already are
/// 0..N-1 (every id used, so a dendrite-written file round-trips bit for bit) or all lie
/// below `stored_ids` (the number of centres stored beside them: a dendrite file in which
/// some grain has no cell left), otherwise renumbered in increasing order of value.
/// Returns whether they were kept.
bool grain_ids_from_file(const Values& ids, const std::string& file, const Box& b,
                         std::int64_t stored_ids, std::vector<std::int32_t>& out) {
  std::int64_t max_id = -1;
  for (std::size_t c = 0; c < ids.size(); ++c) {
    if (ids[c] < 0) {
      const Dims v = b.file_voxel(c);
      fail(file, "grain id " + std::to_string(ids[c]) + " at voxel " +
                     voxel_text(v[0], v[1], v[2]) + " is negative; grain ids must be >= 0");
    }
    max_id = std::max(max_id, ids[c]);
  }
  // Distinct values, sorted: a presence table when the ids are small, else a sorted copy.
  std::vector<std::int64_t> distinct;
  if (max_id < std::int64_t(ids.size())) {
    std::vector<char> present(std::size_t(max_id + 1), 0);
    for (std::int64_t id : ids) present[std::size_t(id)] = 1;
    for (std::size_t v = 0; v < present.size(); ++v)
      if (present[v]) distinct.push_back(std::int64_t(v));
  } else {
    distinct = ids;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  }
  out.resize(ids.size());
  const bool contiguous = std::int64_t(distinct.size()) == max_id + 1;
  if (contiguous || max_id < stored_ids) {
    for (std::size_t c = 0; c < ids.size(); ++c) out[c] = std::int32_t(ids[c]);
    return true;
  }
  for (std::size_t c = 0; c < ids.size(); ++c)
    out[c] =
        std::int32_t(std::lower_bound(distinct.begin(), distinct.end(), ids[c]) - distinct.begin());
  return false;
}

/// The face neighbours of a cell (4 in 2D, 6 in 3D), wrapping along periodic axes.
template <class F>
void for_each_face_neighbour(const Microstructure& m, std::size_t c, F&& f) {
  const std::size_t nx = std::size_t(m.n[0]), nxy = nx * std::size_t(m.n[1]);
  const int at[3] = {int(c % nx), int(c / nx % std::size_t(m.n[1])), int(c / nxy)};
  const std::size_t stride[3] = {1, nx, nxy};
  for (int a = 0; a < m.dim; ++a) {
    if (m.n[a] == 1) continue;
    for (int side : {-1, 1}) {
      int to = at[a] + side;
      if (to < 0 || to >= m.n[a]) {
        if (!m.periodic[a]) continue;
        to = (to + m.n[a]) % m.n[a];
      }
      f(c + std::size_t(to) * stride[a] - std::size_t(at[a]) * stride[a]);
    }
  }
}

/// Grain ids without a grain image: face-connected regions of grain-interior cells are
/// grains 0, 1, ... in scan order (x fastest); every other cell takes the id of the nearest
/// region (breadth-first over face neighbours, ties to the lowest id). No grain-interior
/// cell at all: one grain, 0.
std::vector<std::int32_t> grains_from_regions(const Microstructure& m) {
  const std::size_t cells = m.cells();
  std::vector<std::int32_t> id(cells, -1);
  std::int32_t regions = 0;
  std::vector<std::size_t> queue;
  for (std::size_t seed = 0; seed < cells; ++seed) {
    if (m.phase[seed] != Phase::grain || id[seed] >= 0) continue;
    id[seed] = regions;
    queue.assign(1, seed);
    for (std::size_t q = 0; q < queue.size(); ++q)
      for_each_face_neighbour(m, queue[q], [&](std::size_t nb) {
        if (m.phase[nb] == Phase::grain && id[nb] < 0) {
          id[nb] = regions;
          queue.push_back(nb);
        }
      });
    ++regions;
  }
  if (regions == 0) return std::vector<std::int32_t>(cells, 0);

  // Multi-source breadth-first search, one layer at a time: a cell first reached in layer
  // d+1 takes the lowest id among its neighbours in layer d.
  std::vector<std::int32_t> layer(cells, -1);
  std::vector<std::size_t> front, next;
  for (std::size_t c = 0; c < cells; ++c)
    if (id[c] >= 0) {
      layer[c] = 0;
      front.push_back(c);
    }
  for (std::int32_t d = 0; !front.empty(); ++d) {
    next.clear();
    for (std::size_t c : front)
      for_each_face_neighbour(m, c, [&](std::size_t nb) {
        if (layer[nb] < 0) {
          layer[nb] = d + 1;
          id[nb] = id[c];
          next.push_back(nb);
        } else if (layer[nb] == d + 1) {
          id[nb] = std::min(id[nb], id[c]);
        }
      });
    front.swap(next);
  }
  return id;
}

/// Centroid of each grain's cells, m (cell centre (i + 0.5) voxel). Along a periodic axis a
/// grain may wrap: its cells are taken at the image nearest its first cell, and the centroid
/// is wrapped back into the box.
std::vector<std::array<double, 3>> grain_centroids(const Microstructure& m) {
  std::int32_t grains = 0;
  for (std::int32_t g : m.grain) grains = std::max(grains, g + 1);
  std::vector<std::array<double, 3>> sum(std::size_t(grains), {0.0, 0.0, 0.0});
  std::vector<std::array<double, 3>> first(static_cast<std::size_t>(grains));
  std::vector<double> count(std::size_t(grains), 0.0);
  std::size_t c = 0;
  for (int k = 0; k < m.n[2]; ++k)
    for (int j = 0; j < m.n[1]; ++j)
      for (int i = 0; i < m.n[0]; ++i, ++c) {
        const auto g = std::size_t(m.grain[c]);
        std::array<double, 3> at = {double(i), double(j), double(k)};
        if (count[g] == 0) first[g] = at;
        for (int a = 0; a < 3; ++a) {
          if (!m.periodic[a]) continue;
          const double half = 0.5 * m.n[a];
          if (at[a] - first[g][a] > half) at[a] -= m.n[a];
          if (at[a] - first[g][a] < -half) at[a] += m.n[a];
        }
        for (int a = 0; a < 3; ++a) sum[g][a] += at[a];
        count[g] += 1;
      }
  std::vector<std::array<double, 3>> centres(static_cast<std::size_t>(grains));
  for (std::size_t g = 0; g < centres.size(); ++g)
    for (int a = 0; a < 3; ++a) {
      double x = count[g] > 0 ? sum[g][a] / count[g] + 0.5 : 0.5 * m.n[a];
      if (m.periodic[a]) x = std::fmod(std::fmod(x, m.n[a]) + m.n[a], m.n[a]);
      centres[g][a] = x * m.voxel;
    }
  return centres;
}

// ---- the stored attributes of dendrite files ------------------------------------------

/// The periodic axes as the file attribute holds them: the names of the axes that wrap,
/// e.g. "y z" ("" none).
std::string periodic_text(const bool periodic[3]) {
  std::string s;
  for (int a = 0; a < 3; ++a)
    if (periodic[a]) s.append(s.empty() ? "" : " ").push_back("xyz"[a]);
  return s;
}

void parse_periodic(const std::string& text, const std::string& file, bool periodic[3]) {
  std::istringstream in(text);
  for (std::string axis; in >> axis;) {
    if (axis != "x" && axis != "y" && axis != "z")
      fail(file, "attribute periodic \"" + text + "\" names axes other than x, y, z");
    periodic[axis[0] - 'x'] = true;
  }
}

std::string phase_names_text() {
  std::string s;
  for (int p = 0; p < kPhaseCount; ++p) s.append(p ? "," : "").append(phase_name(p));
  return s;
}

// ---- import ---------------------------------------------------------------------------

void check_spec(const ImportSpec& spec) {
  if (spec.file.empty()) throw MicrostructureError("(no file): a label image needs a file name");
  if (!(spec.voxel > 0.0) || !std::isfinite(spec.voxel))
    fail(spec.file, "voxel size missing: give the voxel edge in m (> 0)");
  if (!(spec.gb_width >= 0.0) || !std::isfinite(spec.gb_width))
    fail(spec.file, "gb_width must be >= 0 m");
  if (spec.downsample < 1)
    fail(spec.file, "downsample " + std::to_string(spec.downsample) + " must be >= 1");
  const bool hdf5 = spec.format == LabelFormat::hdf5;
  if (hdf5 && !spec.grain_file.empty())
    fail(spec.file, "grain_file is for raw and TIFF images; an HDF5 file names a grain_dataset");
  if (!hdf5 && !spec.grain_dataset.empty())
    fail(spec.file, "grain_dataset is for HDF5 files; raw and TIFF images name a grain_file");
  checked_label_map(spec);
  std::error_code ec;
  if (!fs::is_regular_file(spec.file, ec)) fail(spec.file, "no such file");
  if (!spec.grain_file.empty() && !fs::is_regular_file(spec.grain_file, ec))
    fail(spec.grain_file, "no such file (the grain ids of " + spec.file + ")");
}

void require_same_dims(const Dims& grain_dims, const Dims& label_dims, const std::string& where,
                       const std::string& label_file) {
  if (grain_dims != label_dims)
    fail(where, "the grain ids are " + dims_text(grain_dims) + " voxels but the labels (" +
                    label_file + ") are " + dims_text(label_dims));
}

/// What the reading of one format gives.
struct Loaded {
  Box box;
  Values labels;
  Values grain_ids;       ///< empty: none given
  std::string grain_src;  ///< file (and dataset) of the grain ids, for messages
  /// HDF5 only: the centres and attributes a dendrite file stores.
  std::vector<std::array<double, 3>> stored_centres;
  double stored_voxel = 0.0;
  bool has_periodic = false;
  bool periodic[3] = {false, false, false};
};

Loaded load_hdf5(const ImportSpec& spec) {
  Loaded l;
  const std::unique_ptr<h5::Reader> r = naming_file(spec.file, [&] {
    try {
      return std::make_unique<h5::Reader>(spec.file);
    } catch (const std::exception&) {
      fail(spec.file, "not a readable HDF5 file");
    }
  });
  naming_file(spec.file, [&] {
    const Dims full = hdf5_dims(*r, spec.file, spec.dataset);
    l.box = crop_box(spec, full);
    l.labels = read_hdf5(*r, spec.dataset, l.box);
    if (!spec.grain_dataset.empty()) {
      require_same_dims(hdf5_dims(*r, spec.file, spec.grain_dataset), full,
                        spec.file + ": dataset " + spec.grain_dataset, spec.file);
      l.grain_ids = read_hdf5(*r, spec.grain_dataset, l.box);
      l.grain_src = spec.file + ": dataset " + spec.grain_dataset;
    }
    if (r->has("grain_centres") && r->stored_type("grain_centres").rfind("float", 0) == 0) {
      const std::vector<std::uint64_t> d = r->dims("grain_centres");
      if (d.size() == 2 && d[1] == 3) {
        const std::vector<double> flat = r->read_double("grain_centres");
        l.stored_centres.resize(std::size_t(d[0]));
        for (std::size_t g = 0; g < l.stored_centres.size(); ++g)
          for (int a = 0; a < 3; ++a) l.stored_centres[g][a] = flat[3 * g + std::size_t(a)];
      }
    }
    if (r->has_attribute("voxel")) l.stored_voxel = r->attribute_double("voxel");
    if (r->has_attribute("periodic")) {
      l.has_periodic = true;
      parse_periodic(r->attribute_string("periodic"), spec.file, l.periodic);
    }
    return 0;
  });
  return l;
}

Loaded load_raw(const ImportSpec& spec) {
  Loaded l;
  const Dims full{spec.dims[0], spec.dims[1], spec.dims[2]};
  checked_cells(full, spec.file);
  l.box = crop_box(spec, full);
  l.labels = read_raw(spec.file, full, raw_type(spec.raw_type, spec.file), spec.big_endian, l.box);
  if (!spec.grain_file.empty()) {
    // A raw grain image has the dims of the labels and is int32 little-endian (ImportSpec
    // has no field for its type; int32 holds any grain count).
    l.grain_ids = read_raw(spec.grain_file, full, RawType{"int32", 4, true}, false, l.box);
    l.grain_src = spec.grain_file;
  }
  return l;
}

Loaded load_tiff(const ImportSpec& spec) {
  Loaded l;
  const Dims full = tiff_dims(spec.file);
  l.box = crop_box(spec, full);
  l.labels = read_tiff(spec.file, l.box);
  if (!spec.grain_file.empty()) {
    require_same_dims(tiff_dims(spec.grain_file), full, spec.grain_file, spec.file);
    l.grain_ids = read_tiff(spec.grain_file, l.box);
    l.grain_src = spec.grain_file;
  }
  return l;
}

Loaded load(const ImportSpec& spec) {
  switch (spec.format) {
    case LabelFormat::hdf5:
      return load_hdf5(spec);
    case LabelFormat::raw:
      return load_raw(spec);
    case LabelFormat::tiff:
      return load_tiff(spec);
  }
  fail(spec.file, "unknown label format");
}

}  // namespace

Microstructure import_labels(const ImportSpec& spec) {
  check_spec(spec);
  Loaded l = load(spec);
  Microstructure m;
  for (int a = 0; a < 3; ++a) m.n[a] = int(l.box.n[a]);
  m.dim = m.n[2] > 1 ? 3 : 2;
  m.voxel = spec.voxel * spec.downsample;
  m.gb_width = spec.gb_width;
  // Periodic axes survive only an uncropped image, and downsampling only where it keeps
  // whole blocks (the image still tiles).
  if (l.has_periodic && l.box.uncropped())
    for (int a = 0; a < 3; ++a) m.periodic[a] = l.periodic[a] && l.box.full[a] % l.box.step == 0;
  m.phase = map_labels(l.labels, spec, l.box);
  l.labels = Values();  // the int64 copy of the image is the largest array here

  // Stored centres (the exact seeds of a generated microstructure) are kept where they
  // still describe these grains: ids from the same file and kept as stored, a centre for
  // each, the whole image, a known voxel. A different voxel size given now scales them
  // (the geometry in cells is the same).
  const bool centres_usable = !l.grain_ids.empty() && !l.stored_centres.empty() && l.box.whole() &&
                              l.stored_voxel > 0.0 && std::isfinite(l.stored_voxel);
  bool ids_as_stored = false;
  if (!l.grain_ids.empty())
    ids_as_stored =
        grain_ids_from_file(l.grain_ids, l.grain_src, l.box,
                            centres_usable ? std::int64_t(l.stored_centres.size()) : 0, m.grain);
  else
    m.grain = grains_from_regions(m);
  l.grain_ids = Values();

  std::int32_t grains = 0;
  for (std::int32_t g : m.grain) grains = std::max(grains, g + 1);
  const bool keep_centres =
      ids_as_stored && centres_usable && std::size_t(grains) <= l.stored_centres.size();
  if (keep_centres) {
    const double scale = spec.voxel / l.stored_voxel;
    m.centres = l.stored_centres;
    if (scale != 1.0)
      for (auto& c : m.centres)
        for (double& x : c) x *= scale;
  } else {
    m.centres = grain_centroids(m);
  }
  return m;
}

// ---- writing --------------------------------------------------------------------------

namespace {

/// Refuses a microstructure whose arrays do not match its grid (a bug upstream, caught
/// before a file that would mislead is written).
void check_microstructure(const Microstructure& m, const std::string& path) {
  if (m.dim != 2 && m.dim != 3) fail(path, "dim " + std::to_string(m.dim) + " is not 2 or 3");
  for (int a = 0; a < 3; ++a)
    if (m.n[a] < 1) fail(path, "grid of " + std::to_string(m.n[a]) + " cells along an axis");
  if (m.dim == 2 && m.n[2] != 1) fail(path, "a 2D microstructure has nz = 1");
  if (m.phase.size() != m.cells() || m.grain.size() != m.cells())
    fail(path, "phase and grain hold " + std::to_string(m.phase.size()) + " and " +
                   std::to_string(m.grain.size()) + " values for " + std::to_string(m.cells()) +
                   " cells");
  for (std::uint8_t p : m.phase)
    if (p >= kPhaseCount) fail(path, "phase id " + std::to_string(p) + " is not 0 .. 4");
  for (std::int32_t g : m.grain)
    if (g < 0 || std::size_t(g) >= m.centres.size())
      fail(path, "grain id " + std::to_string(g) + " has no centre (" +
                     std::to_string(m.centres.size()) + " centres)");
}

/// Dataset dims in C order: (nz, ny, nx) in 3D, (ny, nx) in 2D.
std::vector<std::uint64_t> c_order_dims(const Microstructure& m) {
  std::vector<std::uint64_t> d;
  for (int a = m.dim - 1; a >= 0; --a) d.push_back(std::uint64_t(m.n[a]));
  return d;
}

std::string xml_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// XDMF2 of the two cell fields on a co-rectilinear mesh in m from the origin; node counts,
/// origin and spacing in z y x order, as src/io/output.cpp writes them.
std::string microstructure_xdmf(const Microstructure& m, const std::string& h5_name) {
  std::ostringstream nodes, cells, origin, spacing;
  spacing.precision(17);
  for (int a = m.dim - 1; a >= 0; --a) {
    const char* sep = a == 0 ? "" : " ";
    nodes << m.n[a] + 1 << sep;
    cells << m.n[a] << sep;
    origin << 0 << sep;
    spacing << m.voxel << sep;
  }
  const bool three = m.dim == 3;
  const std::string file = xml_escaped(h5_name);
  std::ostringstream x;
  x << "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
    << "<Xdmf Version=\"2.0\">\n <Domain>\n"
    << "  <Grid Name=\"microstructure\" GridType=\"Uniform\">\n"
    << "   <Topology TopologyType=\"" << (three ? "3DCoRectMesh" : "2DCoRectMesh")
    << "\" Dimensions=\"" << nodes.str() << "\"/>\n"
    << "   <Geometry GeometryType=\"" << (three ? "ORIGIN_DXDYDZ" : "ORIGIN_DXDY") << "\">\n"
    << "    <DataItem Dimensions=\"" << m.dim << "\" NumberType=\"Float\" Precision=\"8\" "
    << "Format=\"XML\">" << origin.str() << "</DataItem>\n"
    << "    <DataItem Dimensions=\"" << m.dim << "\" NumberType=\"Float\" Precision=\"8\" "
    << "Format=\"XML\">" << spacing.str() << "</DataItem>\n"
    << "   </Geometry>\n"
    << "   <Attribute Name=\"phase\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
    << "    <DataItem Dimensions=\"" << cells.str() << "\" NumberType=\"UChar\" Precision=\"1\" "
    << "Format=\"HDF\">" << file << ":/phase</DataItem>\n"
    << "   </Attribute>\n"
    << "   <Attribute Name=\"grain\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
    << "    <DataItem Dimensions=\"" << cells.str() << "\" NumberType=\"Int\" Precision=\"4\" "
    << "Format=\"HDF\">" << file << ":/grain</DataItem>\n"
    << "   </Attribute>\n"
    << "  </Grid>\n </Domain>\n</Xdmf>\n";
  return x.str();
}

}  // namespace

void write_microstructure(const std::string& h5_path, const Microstructure& m,
                          const std::string& provenance) {
  check_microstructure(m, h5_path);
  naming_file(h5_path, [&] {
    h5::Writer w(h5_path);
    const std::vector<std::uint64_t> dims = c_order_dims(m);
    w.write("phase", dims, m.phase.data());
    w.write("grain", dims, m.grain.data());
    std::vector<double> centres;
    centres.reserve(3 * m.centres.size());
    for (const auto& c : m.centres) centres.insert(centres.end(), c.begin(), c.end());
    w.write("grain_centres", {std::uint64_t(m.centres.size()), 3}, centres.data());
    w.attribute("voxel", m.voxel);
    w.attribute("gb_width", m.gb_width);
    w.attribute("dim", std::int64_t(m.dim));
    w.attribute("periodic", periodic_text(m.periodic));
    w.attribute("phase_names", phase_names_text());
    w.attribute("provenance", provenance);
    w.commit();
    return 0;
  });
  // After the HDF5 file, so the XDMF never names a file that is not there yet.
  const fs::path xmf = fs::path(h5_path).replace_extension(".xmf");
  naming_file(xmf.string(), [&] {
    h5::write_text_atomic(xmf.string(),
                          microstructure_xdmf(m, fs::path(h5_path).filename().string()));
    return 0;
  });
}

namespace {

/// Pages beyond this size need BigTIFF (classic TIFF has 32-bit offsets); the margin covers
/// the directories.
constexpr std::uint64_t kClassicTiffLimit = (std::uint64_t(1) << 32) - (std::uint64_t(1) << 26);

void set_tag(TIFF* tif, const std::string& file, ttag_t tag, auto... values) {
  if (TIFFSetField(tif, tag, values...) != 1)
    fail(file, "cannot set TIFF tag " + std::to_string(tag) + libtiff_says());
}

void write_tiff_page(TIFF* tif, const std::string& file, const Microstructure& m, bool grain_ids,
                     int k, const std::string& description) {
  const auto nx = std::uint32_t(m.n[0]), ny = std::uint32_t(m.n[1]);
  set_tag(tif, file, TIFFTAG_SUBFILETYPE, std::uint32_t(FILETYPE_PAGE));
  set_tag(tif, file, TIFFTAG_IMAGEWIDTH, nx);
  set_tag(tif, file, TIFFTAG_IMAGELENGTH, ny);
  set_tag(tif, file, TIFFTAG_BITSPERSAMPLE, int(grain_ids ? 32 : 8));
  set_tag(tif, file, TIFFTAG_SAMPLESPERPIXEL, 1);
  set_tag(tif, file, TIFFTAG_SAMPLEFORMAT, int(SAMPLEFORMAT_UINT));
  set_tag(tif, file, TIFFTAG_PHOTOMETRIC, int(PHOTOMETRIC_MINISBLACK));
  set_tag(tif, file, TIFFTAG_PLANARCONFIG, int(PLANARCONFIG_CONTIG));
  set_tag(tif, file, TIFFTAG_COMPRESSION, int(COMPRESSION_NONE));  // every reader takes it
  set_tag(tif, file, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0));
  if (m.n[2] <= 65535) set_tag(tif, file, TIFFTAG_PAGENUMBER, k, m.n[2]);
  if (m.voxel > 0.0) {  // pixels per cm, so image tools show the scale
    set_tag(tif, file, TIFFTAG_RESOLUTIONUNIT, int(RESUNIT_CENTIMETER));
    set_tag(tif, file, TIFFTAG_XRESOLUTION, 0.01 / m.voxel);
    set_tag(tif, file, TIFFTAG_YRESOLUTION, 0.01 / m.voxel);
  }
  if (k == 0) set_tag(tif, file, TIFFTAG_IMAGEDESCRIPTION, description.c_str());
  std::vector<std::uint32_t> wide(grain_ids ? nx : 0);
  std::vector<std::uint8_t> narrow(grain_ids ? 0 : nx);
  for (std::uint32_t y = 0; y < ny; ++y) {  // row y = 0 first
    const std::size_t row = m.index(0, int(y), k);
    void* data = nullptr;
    if (grain_ids) {
      for (std::uint32_t x = 0; x < nx; ++x) wide[x] = std::uint32_t(m.grain[row + x]);
      data = wide.data();
    } else {
      std::copy_n(m.phase.begin() + std::ptrdiff_t(row), nx, narrow.begin());
      data = narrow.data();
    }
    if (TIFFWriteScanline(tif, data, y, 0) < 0)
      fail(file, "cannot write row " + std::to_string(y) + " of page " + std::to_string(k) +
                     libtiff_says());
  }
  if (!TIFFWriteDirectory(tif))
    fail(file, "cannot write page " + std::to_string(k) + libtiff_says());
}

std::string tiff_description(const Microstructure& m, bool grain_ids) {
  std::ostringstream d;
  d.precision(17);
  d << "dendrite microstructure: "
    << (grain_ids ? "grain ids" : "phase ids (" + phase_names_text() + " = 0..4)")
    << "; one page per z slice; voxel " << m.voxel << " m";
  return d.str();
}

}  // namespace

void write_tiff(const std::string& path, const Microstructure& m, bool grain_ids) {
  check_microstructure(m, path);
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  const std::uint64_t bytes = std::uint64_t(m.cells()) * (grain_ids ? 4 : 1);
  try {
    TiffFile t(tmp, bytes > kClassicTiffLimit ? "w8" : "w");
    const std::string description = tiff_description(m, grain_ids);
    for (int k = 0; k < m.n[2]; ++k) write_tiff_page(t.get(), tmp, m, grain_ids, k, description);
    if (!t.close()) fail(tmp, "cannot finish the file" + libtiff_says());
  } catch (const std::exception& e) {
    std::remove(tmp.c_str());
    fail(path, std::string("cannot write the TIFF (") + e.what() + ")");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    fail(path, "cannot rename " + tmp + " onto it: " + why);
  }
}

}  // namespace dnd::micro
