// dendrite executable: MPI start-up, signal handling, then the command line.
#include <csignal>
#include <iostream>

#include "dendrite/app/cli.hpp"
#include "dendrite/app/run.hpp"

#if defined(DENDRITE_WITH_MPI)
#include <mpi.h>
#endif

namespace {
void on_signal(int) {
  dnd::request_stop();
}
}  // namespace

int main(int argc, char** argv) {
#if defined(DENDRITE_WITH_MPI)
  MPI_Init(&argc, &argv);
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks > 1) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
      std::cerr << "dendrite: domain decomposition over MPI ranks is not implemented yet; "
                   "run with one rank (studies will use ranks for independent cases)\n";
    MPI_Finalize();
    return 2;
  }
#endif
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const int rc = dnd::dendrite_main(argc, argv, std::cout, std::cerr);
#if defined(DENDRITE_WITH_MPI)
  MPI_Finalize();
#endif
  return rc;
}
