// Legacy ParaView Catalyst backend (vtkCPProcessor + Python pipelines), built as a module
// (libdendrite_catalyst.so) that the run loads when a case has an `insitu:` block. The only
// file that sees VTK types.
#include <vtkCPDataDescription.h>
#include <vtkCPInputDataDescription.h>
#include <vtkCPProcessor.h>
#include <vtkCPPythonPipeline.h>
#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkSmartPointer.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <type_traits>

#include "dendrite/io/insitu.hpp"

#if defined(DENDRITE_WITH_MPI)
#include <mpi.h>
#endif

namespace dnd {

using RealArray = std::conditional_t<sizeof(real) == sizeof(double), vtkDoubleArray, vtkFloatArray>;

class CatalystAdaptor : public InsituAdaptor {
 public:
  CatalystAdaptor(const Grid& grid, const std::vector<std::string>& scripts,
                  const std::string& output_dir)
      : grid_(grid), scripts_(scripts) {
    std::filesystem::create_directories(output_dir);
    // Pipelines read their output folder from the environment (Catalyst-2-style scripts set
    // options.ExtractsOutputDirectory from it).
    setenv("DENDRITE_INSITU_OUTPUT", output_dir.c_str(), 1);
#if defined(DENDRITE_WITH_MPI)
    // ParaView is built with MPI; a plain start of dendrite does not initialise it
    // (src/app/main.cpp), so the pipelines that need it do, once.
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init(nullptr, nullptr);
#endif
    processor_->Initialize();
    for (const std::string& s : scripts) {
      vtkSmartPointer<vtkCPPythonPipeline> p =
          vtkCPPythonPipeline::CreateAndInitializePipeline(s.c_str());
      if (!p) throw std::runtime_error("Catalyst could not initialise the pipeline " + s);
      processor_->AddPipeline(p);
    }
  }
  ~CatalystAdaptor() override {
    processor_->Finalize();
  }

  void execute(std::int64_t step, double time, const std::vector<NamedField>& fields) override {
    vtkNew<vtkCPDataDescription> desc;
    desc->AddInput("input");
    desc->SetTimeData(time, step);
    if (processor_->RequestDataDescription(desc) == 0) return;  // no pipeline wants this step
    vtkNew<vtkImageData> image;
    // Cells of the grid are the cells of the image: points are the cell corners.
    image->SetDimensions(grid_.n[0] + 1, grid_.n[1] + 1, grid_.dim == 3 ? grid_.n[2] + 1 : 1);
    image->SetOrigin(grid_.origin[0], grid_.origin[1], grid_.dim == 3 ? grid_.origin[2] : 0.0);
    image->SetSpacing(grid_.dx[0], grid_.dx[1], grid_.dim == 3 ? grid_.dx[2] : 1.0);
    for (const NamedField& f : fields) {
      vtkNew<RealArray> a;
      a->SetName(f.name.c_str());
      a->SetNumberOfComponents(1);
      a->SetNumberOfTuples(vtkIdType(f.values->size()));
      std::copy(f.values->begin(), f.values->end(), a->GetPointer(0));
      image->GetCellData()->AddArray(a);
    }
    // Active scalars, so filters that ask an image for its scalar type find one.
    if (!fields.empty()) image->GetCellData()->SetActiveScalars(fields.front().name.c_str());
    desc->GetInputDescriptionByName("input")->SetGrid(image);
    processor_->CoProcess(desc);
  }

  std::string describe() const override {
    std::string s = "Catalyst (legacy, ParaView 5.11):";
    for (const auto& p : scripts_) s += " " + p;
    return s;
  }

 private:
  Grid grid_;
  std::vector<std::string> scripts_;
  vtkNew<vtkCPProcessor> processor_;
};

}  // namespace dnd

/// The module's one entry point, loaded at run time by src/io/insitu_module.cpp only when a
/// case asks for in-situ pipelines: the ParaView libraries (~400 shared objects) then load
/// only for such runs, not on every start. Returns nullptr with `error` set on failure.
extern "C" __attribute__((visibility("default"))) dnd::InsituAdaptor* dendrite_catalyst_create(
    const dnd::Grid* grid, const std::vector<std::string>* scripts, const std::string* output_dir,
    std::string* error) {
  try {
    return new dnd::CatalystAdaptor(*grid, *scripts, *output_dir);
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
}
