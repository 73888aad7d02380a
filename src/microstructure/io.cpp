#include "dendrite/microstructure/microstructure.hpp"
