#pragma once
/// \file hdf5_file.hpp
/// Minimal HDF5 reading and writing. Writers create "<path>.tmp-<pid>" and rename it onto
/// the final path only when commit() succeeds, so a killed run leaves whole files only.

#include <cstdint>
#include <string>
#include <vector>

namespace dnd::h5 {

class Writer {
 public:
  explicit Writer(std::string final_path);
  ~Writer();  ///< without commit(): closes and deletes the temporary file
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Dataset at a slash-separated path (groups are created as needed), C order dims.
  void write(const std::string& name, const std::vector<std::uint64_t>& dims, const double* data);
  void write(const std::string& name, const std::vector<std::uint64_t>& dims, const float* data);
  void write(const std::string& name, const std::vector<std::int64_t>& data);
  /// Integer datasets stored as they are (uint8, int32), e.g. label and id images.
  void write(const std::string& name, const std::vector<std::uint64_t>& dims,
             const std::uint8_t* data);
  void write(const std::string& name, const std::vector<std::uint64_t>& dims,
             const std::int32_t* data);
  /// Attributes on the root group.
  void attribute(const std::string& name, double value);
  void attribute(const std::string& name, std::int64_t value);
  void attribute(const std::string& name, const std::string& value);
  void commit();

 private:
  std::string final_, tmp_;
  std::int64_t file_ = -1;
};

class Reader {
 public:
  explicit Reader(const std::string& path);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  bool has(const std::string& name) const;
  std::vector<std::uint64_t> dims(const std::string& name) const;
  std::vector<double> read_double(const std::string& name) const;
  std::vector<float> read_float(const std::string& name) const;
  std::vector<std::int64_t> read_int(const std::string& name) const;
  double attribute_double(const std::string& name) const;
  std::int64_t attribute_int(const std::string& name) const;
  std::string attribute_string(const std::string& name) const;

  /// Whether the root group has an attribute of this name.
  bool has_attribute(const std::string& name) const;
  /// Slash-separated paths of every dataset in the file, in name order (for messages).
  std::vector<std::string> datasets() const;
  /// How a dataset is stored: "int8" .. "uint64", "float32", "float64", "string", or the
  /// HDF5 type class ("compound", "enum", ...) for the others.
  std::string stored_type(const std::string& name) const;
  /// An integer dataset of any width and sign, converted to int64 (uint64 values above
  /// INT64_MAX saturate). `start`, `stride` and `count` (C order, like dims()) select a
  /// strided box; all empty: the whole dataset. Throws for a dataset that is not integer.
  std::vector<std::int64_t> read_integers(const std::string& name,
                                          const std::vector<std::uint64_t>& start = {},
                                          const std::vector<std::uint64_t>& stride = {},
                                          const std::vector<std::uint64_t>& count = {}) const;

 private:
  std::string path_;
  std::int64_t file_ = -1;
};

/// Write a text file atomically (temporary name, then rename).
void write_text_atomic(const std::string& path, const std::string& text);

}  // namespace dnd::h5
