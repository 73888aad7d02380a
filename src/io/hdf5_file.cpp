#include "dendrite/io/hdf5_file.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dnd::h5 {

namespace {

/// Why a write to `path` may have failed, as far as the file system tells: a full device or
/// a folder that is not writable (HDF5's own error stack does not say).
std::string write_cause(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  // Writability first: a read-only mount also reports little free space.
  if (::access(dir.c_str(), W_OK) != 0)
    return ": the folder " + dir.string() + " is not writable" +
           (errno == EROFS ? " (a read-only file system)" : "");
  std::error_code ec;
  const fs::space_info sp = fs::space(dir, ec);
  if (!ec && sp.available < (std::uintmax_t(4) << 20))
    return ": no space left on the device holding " + dir.string() + " (" +
           std::to_string(sp.available / 1024) + " KiB free)";
  return "";
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("HDF5: " + what + " (" + path + ")" + write_cause(path));
}

hid_t check(hid_t id, const std::string& what, const std::string& path) {
  if (id < 0) fail(what, path);
  return id;
}

void silence_hdf5_stack() {
  static bool done = false;
  if (!done) {
    // No library clean-up at exit (or at MPI_Finalize): after a write failed on a full disk,
    // HDF5 keeps the half-closed file and its clean-up crashed closing it again. Our files
    // are closed (or abandoned and removed) by the writers themselves.
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // we report our own errors
    done = true;
  }
}

template <class T>
void write_dataset(hid_t file, const std::string& name, const std::vector<std::uint64_t>& dims,
                   const T* data, hid_t type, const std::string& path) {
  std::vector<hsize_t> d(dims.begin(), dims.end());
  const hid_t space = check(H5Screate_simple(int(d.size()), d.data(), nullptr), "dataspace", path);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  // Fletcher-32 checksum on every dataset (a flipped byte fails the read); it needs chunks:
  // whole rows of the slowest axis, at most ~256 MiB each.
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  bool chunked = !d.empty();
  for (hsize_t n : d) chunked = chunked && n > 0;
  if (chunked) {
    std::vector<hsize_t> chunk = d;
    double bytes = double(H5Tget_size(type));
    for (hsize_t n : d) bytes *= double(n);
    while (bytes > 256.0 * (1 << 20) && chunk[0] > 1) {
      chunk[0] = (chunk[0] + 1) / 2;
      bytes /= 2;
    }
    H5Pset_chunk(dcpl, int(chunk.size()), chunk.data());
    H5Pset_fletcher32(dcpl);
  }
  const hid_t set = H5Dcreate2(file, name.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  H5Pclose(lcpl);
  if (set < 0) {
    H5Sclose(space);
    fail("cannot create dataset " + name, path);
  }
  const herr_t rc = H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  H5Dclose(set);
  H5Sclose(space);
  if (rc < 0) fail("cannot write dataset " + name, path);
}

template <class T>
std::vector<T> read_dataset(hid_t file, const std::string& name, hid_t type,
                            const std::string& path) {
  const hid_t set = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (set < 0) fail("no dataset " + name, path);
  const hid_t space = H5Dget_space(set);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<T> out(std::size_t(n > 0 ? n : 0));
  const herr_t rc = H5Dread(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(space);
  H5Dclose(set);
  if (rc < 0) fail("cannot read dataset " + name, path);
  return out;
}

}  // namespace

Writer::Writer(std::string final_path) : final_(std::move(final_path)) {
  silence_hdf5_stack();
  tmp_ = final_ + ".tmp-" + std::to_string(getpid());
  // The file is built in memory (HDF5's core driver, no backing store) and written to disk
  // by commit() with checked plain I/O: a full disk then fails our write, cleanly, and never
  // leaves HDF5 holding a half-closed file (which crashed its clean-up at exit).
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_core(fapl, std::size_t(16) << 20, 0);
  file_ = H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (file_ < 0) fail("cannot create file", tmp_);
}

Writer::~Writer() {
  if (file_ >= 0) H5Fclose(hid_t(file_));  // in memory only: nothing reached the disk
}

void Writer::write(const std::string& name, const std::vector<std::uint64_t>& dims,
                   const double* data) {
  write_dataset(hid_t(file_), name, dims, data, H5T_NATIVE_DOUBLE, tmp_);
}
void Writer::write(const std::string& name, const std::vector<std::uint64_t>& dims,
                   const float* data) {
  write_dataset(hid_t(file_), name, dims, data, H5T_NATIVE_FLOAT, tmp_);
}
void Writer::write(const std::string& name, const std::vector<std::int64_t>& data) {
  write_dataset(hid_t(file_), name, {std::uint64_t(data.size())}, data.data(), H5T_NATIVE_INT64,
                tmp_);
}
void Writer::write(const std::string& name, const std::vector<std::uint64_t>& dims,
                   const std::uint8_t* data) {
  write_dataset(hid_t(file_), name, dims, data, H5T_NATIVE_UINT8, tmp_);
}
void Writer::write(const std::string& name, const std::vector<std::uint64_t>& dims,
                   const std::int32_t* data) {
  write_dataset(hid_t(file_), name, dims, data, H5T_NATIVE_INT32, tmp_);
}

namespace {
template <class T>
void scalar_attribute(hid_t file, const std::string& name, const T& v, hid_t type,
                      const std::string& path) {
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(file, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) {
    H5Sclose(space);
    fail("cannot create attribute " + name, path);
  }
  const herr_t rc = H5Awrite(a, type, &v);
  H5Aclose(a);
  H5Sclose(space);
  if (rc < 0) fail("cannot write attribute " + name, path);
}
}  // namespace

void Writer::attribute(const std::string& name, double value) {
  scalar_attribute(hid_t(file_), name, value, H5T_NATIVE_DOUBLE, tmp_);
}
void Writer::attribute(const std::string& name, std::int64_t value) {
  scalar_attribute(hid_t(file_), name, value, H5T_NATIVE_INT64, tmp_);
}
/// Text attributes longer than this go to a dataset of their own (an HDF5 attribute is
/// limited to 64 KiB; a case file with long comments is not), and the attribute names it.
constexpr std::size_t kLongText = 32768;
constexpr const char* kLongTextMark = "@dataset:";

void Writer::attribute(const std::string& name, const std::string& value) {
  if (value.size() > kLongText) {
    const std::string dataset = "text_" + name;
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, value.size());
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t d = H5Dcreate2(hid_t(file_), dataset.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT);
    const bool ok = d >= 0 && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, value.data()) >= 0;
    if (d >= 0) H5Dclose(d);
    H5Sclose(space);
    H5Tclose(type);
    if (!ok) fail("cannot write dataset " + dataset, tmp_);
    attribute(name, kLongTextMark + dataset);
    return;
  }
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.empty() ? 1 : value.size());
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(hid_t(file_), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = -1;
  if (a >= 0) {
    const std::string v = value.empty() ? std::string(1, '\0') : value;
    rc = H5Awrite(a, type, v.data());
    H5Aclose(a);
  }
  H5Sclose(space);
  H5Tclose(type);
  if (a < 0) fail("cannot create attribute " + name, tmp_);
  if (rc < 0) fail("cannot write attribute " + name, tmp_);
}

void Writer::commit() {
  if (file_ < 0) return;
  const hid_t f = hid_t(file_);
  file_ = -1;  // never closed twice, whatever fails below
  std::string image;
  const bool built = H5Fflush(f, H5F_SCOPE_GLOBAL) >= 0 && [&] {
    const ssize_t n = H5Fget_file_image(f, nullptr, 0);
    if (n <= 0) return false;
    image.resize(std::size_t(n));
    return H5Fget_file_image(f, image.data(), image.size()) == n;
  }();
  H5Fclose(f);
  if (!built) fail("cannot build the file image of " + final_, tmp_);
  write_text_atomic(final_, image);  // temporary name, checked write, rename
}

Reader::Reader(const std::string& path) : path_(path) {
  silence_hdf5_stack();
  file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_ < 0) fail("cannot open file", path);
}
Reader::~Reader() {
  if (file_ >= 0) H5Fclose(hid_t(file_));
}

bool Reader::has(const std::string& name) const {
  return H5Lexists(hid_t(file_), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::uint64_t> Reader::dims(const std::string& name) const {
  const hid_t set = H5Dopen2(hid_t(file_), name.c_str(), H5P_DEFAULT);
  if (set < 0) fail("no dataset " + name, path_);
  const hid_t space = H5Dget_space(set);
  const int nd = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> d(std::size_t(nd > 0 ? nd : 0));
  H5Sget_simple_extent_dims(space, d.data(), nullptr);
  H5Sclose(space);
  H5Dclose(set);
  return {d.begin(), d.end()};
}

std::vector<double> Reader::read_double(const std::string& name) const {
  return read_dataset<double>(hid_t(file_), name, H5T_NATIVE_DOUBLE, path_);
}
std::vector<float> Reader::read_float(const std::string& name) const {
  return read_dataset<float>(hid_t(file_), name, H5T_NATIVE_FLOAT, path_);
}
std::vector<std::int64_t> Reader::read_int(const std::string& name) const {
  return read_dataset<std::int64_t>(hid_t(file_), name, H5T_NATIVE_INT64, path_);
}

double Reader::attribute_double(const std::string& name) const {
  double v = 0;
  const hid_t a = H5Aopen(hid_t(file_), name.c_str(), H5P_DEFAULT);
  if (a < 0) fail("no attribute " + name, path_);
  H5Aread(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  return v;
}
std::int64_t Reader::attribute_int(const std::string& name) const {
  std::int64_t v = 0;
  const hid_t a = H5Aopen(hid_t(file_), name.c_str(), H5P_DEFAULT);
  if (a < 0) fail("no attribute " + name, path_);
  H5Aread(a, H5T_NATIVE_INT64, &v);
  H5Aclose(a);
  return v;
}
std::string Reader::attribute_string(const std::string& name) const {
  const hid_t a = H5Aopen(hid_t(file_), name.c_str(), H5P_DEFAULT);
  if (a < 0) fail("no attribute " + name, path_);
  const hid_t type = H5Aget_type(a);
  const std::size_t n = H5Tget_size(type);
  std::string s(n, '\0');
  const hid_t mem = H5Tcopy(H5T_C_S1);
  H5Tset_size(mem, n);
  H5Tset_strpad(mem, H5T_STR_NULLPAD);
  H5Aread(a, mem, s.data());
  H5Tclose(mem);
  H5Tclose(type);
  H5Aclose(a);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  if (s.rfind(kLongTextMark, 0) != 0) return s;
  // A long text stored as its own dataset (Writer::attribute).
  const std::string dataset = s.substr(std::string(kLongTextMark).size());
  const hid_t d = H5Dopen2(hid_t(file_), dataset.c_str(), H5P_DEFAULT);
  if (d < 0) fail("no dataset " + dataset + " for attribute " + name, path_);
  const hid_t dtype = H5Dget_type(d);
  std::string text(H5Tget_size(dtype), '\0');
  const hid_t dmem = H5Tcopy(H5T_C_S1);
  H5Tset_size(dmem, text.size());
  H5Tset_strpad(dmem, H5T_STR_NULLPAD);
  const bool ok = H5Dread(d, dmem, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()) >= 0;
  H5Tclose(dmem);
  H5Tclose(dtype);
  H5Dclose(d);
  if (!ok) fail("cannot read dataset " + dataset, path_);
  while (!text.empty() && text.back() == '\0') text.pop_back();
  return text;
}

bool Reader::has_attribute(const std::string& name) const {
  return H5Aexists(hid_t(file_), name.c_str()) > 0;
}

namespace {
/// H5Lvisit callback: collects the links that lead to datasets.
herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t*, void* out) {
  // Opening the object is the one test that reads the same in HDF5 1.10 and 1.12+ (the
  // object-info calls changed signature between them).
  const hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
  if (obj < 0) return 0;  // a dangling soft or external link: not a dataset we can read
  if (H5Iget_type(obj) == H5I_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(name);
  H5Oclose(obj);
  return 0;
}
}  // namespace

std::vector<std::string> Reader::datasets() const {
  std::vector<std::string> names;
  H5Lvisit(hid_t(file_), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &names);
  return names;
}

std::string Reader::stored_type(const std::string& name) const {
  const hid_t set = H5Dopen2(hid_t(file_), name.c_str(), H5P_DEFAULT);
  if (set < 0) fail("no dataset " + name, path_);
  const hid_t type = H5Dget_type(set);
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t bits = 8 * H5Tget_size(type);
  std::string out;
  switch (cls) {
    case H5T_INTEGER:
      out = (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
      break;
    case H5T_FLOAT:
      out = "float" + std::to_string(bits);
      break;
    case H5T_STRING:
      out = "string";
      break;
    case H5T_COMPOUND:
      out = "compound";
      break;
    case H5T_ENUM:
      out = "enum";
      break;
    case H5T_ARRAY:
      out = "array";
      break;
    case H5T_BITFIELD:
      out = "bitfield";
      break;
    case H5T_OPAQUE:
      out = "opaque";
      break;
    case H5T_REFERENCE:
      out = "reference";
      break;
    case H5T_VLEN:
      out = "vlen";
      break;
    default:
      out = "unknown";
      break;
  }
  H5Tclose(type);
  H5Dclose(set);
  return out;
}

std::vector<std::int64_t> Reader::read_integers(const std::string& name,
                                                const std::vector<std::uint64_t>& start,
                                                const std::vector<std::uint64_t>& stride,
                                                const std::vector<std::uint64_t>& count) const {
  const std::string type = stored_type(name);
  if (type.rfind("int", 0) != 0 && type.rfind("uint", 0) != 0)
    fail("dataset " + name + " holds " + type + " values, not integers", path_);
  if (start.empty() && stride.empty() && count.empty()) return read_int(name);
  const std::size_t rank = dims(name).size();
  if (start.size() != rank || stride.size() != rank || count.size() != rank)
    fail("a selection of rank " + std::to_string(start.size()) + " in dataset " + name +
             " of rank " + std::to_string(rank),
         path_);
  const hid_t set = H5Dopen2(hid_t(file_), name.c_str(), H5P_DEFAULT);
  if (set < 0) fail("no dataset " + name, path_);
  const std::vector<hsize_t> h_start(start.begin(), start.end()),
      h_stride(stride.begin(), stride.end()), h_count(count.begin(), count.end());
  std::size_t n = 1;
  for (hsize_t c : h_count) n *= std::size_t(c);
  std::vector<std::int64_t> out(n);
  const hid_t file_space = H5Dget_space(set);
  const hid_t mem_space = H5Screate_simple(int(rank), h_count.data(), nullptr);
  const bool ok =
      file_space >= 0 && mem_space >= 0 &&
      H5Sselect_hyperslab(file_space, H5S_SELECT_SET, h_start.data(), h_stride.data(),
                          h_count.data(), nullptr) >= 0 &&
      H5Dread(set, H5T_NATIVE_INT64, mem_space, file_space, H5P_DEFAULT, out.data()) >= 0;
  if (mem_space >= 0) H5Sclose(mem_space);
  if (file_space >= 0) H5Sclose(file_space);
  H5Dclose(set);
  if (!ok) fail("cannot read a selection of dataset " + name, path_);
  return out;
}

void write_text_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot create " + tmp + write_cause(tmp));
    out << text;
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write " + path + "; the file there is unchanged" +
                               write_cause(tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename onto " + path);
  }
}

}  // namespace dnd::h5
