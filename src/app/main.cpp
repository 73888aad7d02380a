// dendrite executable: MPI start-up, signal handling, then the command line.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

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

/// Started by an MPI launcher (mpirun, srun, mpiexec): its environment says so. A plain
/// start does not initialise MPI at all (a singleton MPI_Init starts Open MPI's daemon, which
/// cost start-up time and now and then failed); in-situ pipelines initialise it when a case
/// asks for them (src/io/insitu_catalyst.cpp).
bool launched_by_mpi() {
  for (const char* v :
       {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", "SLURM_STEP_NUM_TASKS"})
    if (std::getenv(v)) return true;
  return false;
}

int main(int argc, char** argv) {
#if defined(DENDRITE_WITH_MPI)
  if (launched_by_mpi()) MPI_Init(&argc, &argv);
  int ranks = 1;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // Studies use ranks for independent points (each rank claims points as it frees up).
  const bool study = argc > 1 && std::string(argv[1]) == "study";
  if (ranks > 1 && !study) {
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
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Finalize();
#endif
  return rc;
}
