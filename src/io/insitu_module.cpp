// Builds with Catalyst: the backend is the module libdendrite_catalyst.so, loaded here the
// first time a case asks for in-situ pipelines (dlopen), so a start that does not need
// ParaView does not load it.
#include <dlfcn.h>

#include <cstdlib>
#include <stdexcept>

#include "dendrite/io/insitu.hpp"

namespace dnd {

namespace {

using CreateFn = InsituAdaptor* (*)(const Grid*, const std::vector<std::string>*,
                                    const std::string*, std::string*);

/// $DENDRITE_CATALYST_MODULE, else the module of this build (its path is recorded at build time).
CreateFn load_catalyst() {
  static CreateFn create = nullptr;
  if (create) return create;
  const char* env = std::getenv("DENDRITE_CATALYST_MODULE");
  const std::string path = env ? env : DENDRITE_CATALYST_MODULE;
  // Global: the embedded Python loads extension modules that take libpython's symbols from
  // the process, as they would from a python executable.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) {
    const char* why = dlerror();
    throw std::runtime_error("the in-situ backend (ParaView Catalyst) could not be loaded from " +
                             path + ": " + (why ? why : "unknown error") +
                             " (set DENDRITE_CATALYST_MODULE to its path)");
  }
  create = reinterpret_cast<CreateFn>(dlsym(handle, "dendrite_catalyst_create"));
  if (!create) throw std::runtime_error(path + " is not dendrite's Catalyst module");
  return create;
}

}  // namespace

bool catalyst_built_in() {
  return true;
}

std::unique_ptr<InsituAdaptor> make_catalyst_adaptor(const Grid& grid,
                                                     const std::vector<std::string>& scripts,
                                                     const std::string& output_dir) {
  std::string error;
  InsituAdaptor* a = load_catalyst()(&grid, &scripts, &output_dir, &error);
  if (!a) throw std::runtime_error(error);
  return std::unique_ptr<InsituAdaptor>(a);
}

}  // namespace dnd
