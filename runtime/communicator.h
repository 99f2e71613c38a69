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
    // exit), else a single rank.
    static Communicator &world();

    int rank() const { return rank_; }
    int size() const { return size_; }
    bool distributed() const { return size_ > 1; }

    // Element-wise sums over the ranks, in place, on every rank.
    void sum(float *values, size_t count) const;
    void sum(double *values, size_t count) const;
    void sum(int64_t *values, size_t count) const;
    // Rank 0's values, on every rank.
    void broadcast(float *values, size_t count) const;
    void broadcast(int64_t *values, size_t count) const;
    // Ends every rank of the job (a rank that failed: the others may be waiting for it in a collective).
    // Nothing when not distributed.
    void abort(int code) const;

  private:
    Communicator();
    ~Communicator();
    int rank_ = 0, size_ = 1;
};

}  // namespace antialiased
