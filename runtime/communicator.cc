#include "runtime/communicator.h"

namespace antialiased {
namespace {

// One rank of one: every collective is the identity.
class LocalCommunicator : public Communicator {
  public:
    void sum(float *, size_t) const override {}
    void sum(double *, size_t) const override {}
    void sum(int64_t *, size_t) const override {}
    void broadcast(float *, size_t) const override {}
    void broadcast(int64_t *, size_t) const override {}
    void abort(int) const override {}
};

}  // namespace

const Communicator &Communicator::local() {
    static const LocalCommunicator local;
    return local;
}

}  // namespace antialiased
