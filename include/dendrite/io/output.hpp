#pragma once
/// \file output.hpp
/// Field output (one HDF5 file per output step plus one XDMF2 temporal collection that
/// ParaView opens), the scalar time-series table, and provenance for both.

#include <cstdint>
#include <string>
#include <vector>

#include "dendrite/core/box.hpp"
#include "dendrite/core/macros.hpp"

namespace dnd {

/// What produced a file: written into every HDF5 output and checkpoint.
struct Provenance {
  std::string config_text;
  std::string config_path;
  std::string version;
  std::string backend;
  std::string precision;
  std::string device;
  static Provenance current(const std::string& config_text, const std::string& config_path);
};

/// One named cell field, interior values packed x-fastest ((nz, ny, nx) in C order).
struct NamedField {
  std::string name;
  const std::vector<real>* values;
};

class FieldWriter {
 public:
  struct Entry {
    std::int64_t step;
    double time;
  };
  FieldWriter(std::string dir, std::string name, const Grid& grid, Provenance prov);

  /// Write fields/<name>_<step>.h5 and rewrite <name>.xmf (both atomically).
  void write(std::int64_t step, double time, const std::vector<NamedField>& fields);
  /// Outputs already on disk (after a restart): the XDMF is rewritten from these.
  void set_history(std::vector<Entry> history, std::vector<std::string> field_names);
  const std::vector<Entry>& history() const { return history_; }
  std::string xdmf_path() const;
  std::string field_file(std::int64_t step) const;  ///< relative to dir

 private:
  void write_xdmf() const;
  std::string dir_, name_;
  Grid grid_;
  Provenance prov_;
  std::vector<Entry> history_;
  std::vector<std::string> field_names_;
};

/// Scalars per recorded step, kept in memory and rewritten atomically as CSV.
class ScalarTable {
 public:
  explicit ScalarTable(std::vector<std::string> columns) : columns_(std::move(columns)) {}
  void add(std::vector<double> row) { rows_.push_back(std::move(row)); }
  void write_csv(const std::string& path) const;
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<std::vector<double>>& rows() const { return rows_; }
  void set_rows(std::vector<std::vector<double>> rows) { rows_ = std::move(rows); }
  /// Flattened rows (row-major), for checkpoints.
  std::vector<double> flat() const;
  void set_flat(const std::vector<double>& v);

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<double>> rows_;
};

}  // namespace dnd
