# Run at every build (cmake -P): writes the version function with the current commit, and
# touches the file only when the text changes, so an unchanged tree rebuilds nothing.
# Inputs: SRC (source tree), VERSION (project version), OUT (file to write).
execute_process(COMMAND git describe --always --dirty WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE GIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT GIT)
  set(GIT "unknown")
endif()
file(WRITE "${OUT}.tmp"
     "// Generated at build time by cmake/write_version.cmake; do not edit.\n"
     "#include \"dendrite/io/version.hpp\"\n\n"
     "namespace dnd {\nconst char* version() { return \"${VERSION}+${GIT}\"; }\n}  // namespace dnd\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
