#include "dendrite/io/output.hpp"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "dendrite/core/memory.hpp"
#include "dendrite/io/hdf5_file.hpp"
#include "dendrite/io/version.hpp"

namespace dnd {

Provenance Provenance::current(const std::string& config_text, const std::string& config_path) {
  return {config_text,  config_path,    dnd::version(),
          backend_name, precision_name, memory::device_description()};
}

FieldWriter::FieldWriter(std::string dir, std::string name, const Grid& grid, Provenance prov)
    : dir_(std::move(dir)), name_(std::move(name)), grid_(grid), prov_(std::move(prov)) {
  std::filesystem::create_directories(std::filesystem::path(dir_) / "fields");
}

std::string FieldWriter::field_file(std::int64_t step) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "_%08lld.h5", static_cast<long long>(step));
  return "fields/" + name_ + buf;
}

std::string FieldWriter::xdmf_path() const {
  return dir_ + "/" + name_ + ".xmf";
}

void FieldWriter::set_history(std::vector<Entry> history, std::vector<std::string> names) {
  history_ = std::move(history);
  field_names_ = std::move(names);
  if (!history_.empty()) write_xdmf();
}

void FieldWriter::write(std::int64_t step, double time, const std::vector<NamedField>& fields) {
  std::vector<std::uint64_t> dims;
  for (int d = grid_.dim - 1; d >= 0; --d) dims.push_back(std::uint64_t(grid_.n[d]));
  h5::Writer w(dir_ + "/" + field_file(step));
  for (const NamedField& f : fields) w.write(f.name, dims, f.values->data());
  w.attribute("time", time);
  w.attribute("step", std::int64_t(step));
  w.attribute("config", prov_.config_text);
  w.attribute("config_path", prov_.config_path);
  w.attribute("version", prov_.version);
  w.attribute("backend", prov_.backend);
  w.attribute("precision", prov_.precision);
  w.attribute("device", prov_.device);
  w.commit();
  field_names_.clear();
  for (const NamedField& f : fields) field_names_.push_back(f.name);
  while (!history_.empty() && history_.back().step >= step) history_.pop_back();
  history_.push_back({step, time});
  write_xdmf();
}

void FieldWriter::write_xdmf() const {
  // XDMF2 with a co-rectilinear mesh: node counts, origin and spacing all in z y x order.
  std::ostringstream dims_nodes, dims_cells, origin, spacing;
  for (int d = grid_.dim - 1; d >= 0; --d) {
    const char* sep = d == 0 ? "" : " ";
    dims_nodes << grid_.n[d] + 1 << sep;
    dims_cells << grid_.n[d] << sep;
    origin << grid_.origin[d] << sep;
    spacing << grid_.dx[d] << sep;
  }
  const bool three = grid_.dim == 3;
  const int precision = sizeof(real);
  std::ostringstream x;
  x.precision(17);
  origin.precision(17);
  x << "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
    << "<Xdmf Version=\"2.0\">\n <Domain>\n"
    << "  <Grid Name=\"" << name_ << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (const Entry& e : history_) {
    x << "   <Grid Name=\"step_" << e.step << "\" GridType=\"Uniform\">\n"
      << "    <Time Value=\"" << e.time << "\"/>\n"
      << "    <Topology TopologyType=\"" << (three ? "3DCoRectMesh" : "2DCoRectMesh")
      << "\" Dimensions=\"" << dims_nodes.str() << "\"/>\n"
      << "    <Geometry GeometryType=\"" << (three ? "ORIGIN_DXDYDZ" : "ORIGIN_DXDY") << "\">\n"
      << "     <DataItem Dimensions=\"" << grid_.dim
      << "\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" << origin.str()
      << "</DataItem>\n"
      << "     <DataItem Dimensions=\"" << grid_.dim
      << "\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" << spacing.str()
      << "</DataItem>\n    </Geometry>\n";
    for (const std::string& f : field_names_)
      x << "    <Attribute Name=\"" << f << "\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
        << "     <DataItem Dimensions=\"" << dims_cells.str()
        << "\" NumberType=\"Float\" Precision=\"" << precision << "\" Format=\"HDF\">"
        << field_file(e.step) << ":/" << f << "</DataItem>\n    </Attribute>\n";
    x << "   </Grid>\n";
  }
  x << "  </Grid>\n </Domain>\n</Xdmf>\n";
  h5::write_text_atomic(xdmf_path(), x.str());
}

void ScalarTable::write_csv(const std::string& path) const {
  std::ostringstream os;
  os.precision(12);
  for (std::size_t c = 0; c < columns_.size(); ++c) os << (c ? "," : "") << columns_[c];
  os << "\n";
  for (const auto& r : rows_) {
    for (std::size_t c = 0; c < r.size(); ++c) os << (c ? "," : "") << r[c];
    os << "\n";
  }
  h5::write_text_atomic(path, os.str());
}

std::vector<double> ScalarTable::flat() const {
  std::vector<double> v;
  for (const auto& r : rows_) v.insert(v.end(), r.begin(), r.end());
  return v;
}

void ScalarTable::set_flat(const std::vector<double>& v) {
  rows_.clear();
  const std::size_t w = columns_.size();
  for (std::size_t i = 0; i + w <= v.size(); i += w)
    rows_.emplace_back(v.begin() + i, v.begin() + i + w);
}

}  // namespace dnd
