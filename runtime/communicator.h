// The processes of a data-parallel run and what they exchange, over MPI (Debian's Open MPI), the way Horovod
// uses it: `mpirun -np N PROGRAM ...` starts N ranks, each with a share of every batch; gradients are averaged
// with an allreduce, and rank 0 holds the weights everyone starts from. A program started without mpirun is
// one rank of one and never touches MPI.
//
// Every collective must be called by every rank in the same order. A failed call (a rank gone, the network
// down) throws Error naming the operation; the program then ends, and mpirun ends the others.
#pragma once

#include <cstddef>
#include <cstdint>

namespace antialiased {

class Communicator {
  public:
    // The world of this process: MPI_COMM_WORLD under mpirun (MPI initialized on first use, finalized at
    // exit), else a single rank. In mpi_communicator.cc: only what links //runtime:distributed has it.
    static const Communicator &world();
    // This process alone, without MPI: what training uses unless told otherwise (TrainContext).
    static const Communicator &local();

    virtual ~Communicator() = default;
    int rank() const { return rank_; }
    int size() const { return size_; }
    bool distributed() const { return size_ > 1; }

    // Element-wise sums over the ranks, in place, on every rank.
    virtual void sum(float *values, size_t count) const = 0;
    virtual void sum(double *values, size_t count) const = 0;
    virtual void sum(int64_t *values, size_t count) const = 0;
    // Rank 0's values, on every rank.
    virtual void broadcast(float *values, size_t count) const = 0;
    virtual void broadcast(int64_t *values, size_t count) const = 0;
    // Ends every rank of the job (a rank that failed: the others may be waiting for it in a collective).
    // Nothing when not distributed.
    virtual void abort(int code) const = 0;

  protected:
    int rank_ = 0, size_ = 1;
};

}  // namespace antialiased
