# Backend selection: DENDRITE_GPU_BACKEND = AUTO | CUDA | NONE.
# AUTO picks CUDA only when nvcc is found *and* a GPU is visible now, so a user with a GPU
# gets it and a build machine without one gets a CPU build that runs.

set(DENDRITE_GPU_BACKEND "AUTO" CACHE STRING "GPU backend: AUTO, CUDA or NONE")
set_property(CACHE DENDRITE_GPU_BACKEND PROPERTY STRINGS AUTO CUDA NONE)

if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
  find_program(_dnd_nvcc nvcc)
  if(NOT _dnd_nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
endif()

set(DENDRITE_USE_CUDA OFF)
if(DENDRITE_GPU_BACKEND STREQUAL "CUDA")
  set(DENDRITE_USE_CUDA ON)
elseif(DENDRITE_GPU_BACKEND STREQUAL "AUTO")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    find_program(_dnd_smi nvidia-smi)
    if(_dnd_smi)
      execute_process(COMMAND ${_dnd_smi} -L OUTPUT_VARIABLE _dnd_gpus RESULT_VARIABLE _dnd_rc
                      ERROR_QUIET)
      if(_dnd_rc EQUAL 0 AND _dnd_gpus MATCHES "GPU")
        set(DENDRITE_USE_CUDA ON)
      endif()
    endif()
  endif()
  if(NOT DENDRITE_USE_CUDA)
    message(STATUS "dendrite: AUTO backend found no usable GPU; building the CPU backend")
  endif()
elseif(NOT DENDRITE_GPU_BACKEND STREQUAL "NONE")
  message(FATAL_ERROR "DENDRITE_GPU_BACKEND must be AUTO, CUDA or NONE, not '${DENDRITE_GPU_BACKEND}'")
endif()

if(DENDRITE_USE_CUDA)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90)  # H100/H200; CUDA 13 supports sm_75 and newer
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  # CMake 3.25 does not know nvcc 13's C++20 mode: teach it the flag, so sources compiled as
  # CUDA get -std=c++20 like their C++ builds.
  if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
  endif()
  set(CMAKE_CUDA_STANDARD 20)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  set(CMAKE_CUDA_FLAGS "${CMAKE_CUDA_FLAGS} --extended-lambda --expt-relaxed-constexpr")
  message(STATUS "dendrite: CUDA backend, architectures ${CMAKE_CUDA_ARCHITECTURES}")
else()
  message(STATUS "dendrite: CPU backend (OpenMP)")
endif()

# Mark the sources that hold kernel launches as CUDA in GPU builds: one source, two compilers.
function(dendrite_kernel_sources)
  if(DENDRITE_USE_CUDA)
    set_source_files_properties(${ARGN} PROPERTIES LANGUAGE CUDA)
  endif()
endfunction()
