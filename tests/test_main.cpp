// GoogleTest main shared by every test executable. In a CUDA build with no visible device
// every test is skipped cleanly (CI compiles the CUDA build but has no GPU).
#include <gtest/gtest.h>

#include "dendrite/core/memory.hpp"

namespace {
class BackendEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
#if defined(DENDRITE_USE_CUDA)
    if (dnd::memory::device_count() == 0) GTEST_SKIP() << "no CUDA device visible";
#endif
  }
};
}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new BackendEnvironment);
  return RUN_ALL_TESTS();
}
