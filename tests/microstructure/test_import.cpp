#include <gtest/gtest.h>

#include "dendrite/microstructure/microstructure.hpp"
