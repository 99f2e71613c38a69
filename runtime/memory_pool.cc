#include "runtime/memory_pool.h"

#include <HalideRuntime.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>

#include "runtime/error.h"

namespace antialiased {
namespace {

constexpr size_t kAlignment = 128;  // also the size of the header that records a block's size
// What the pool may keep beyond what is in use: a ResNet-50 training batch of 16 at 224 px moves ~2 GB of
// activations through it.
constexpr size_t kMaxCachedBytes = size_t(3) << 30;
// Halide allocates scratch per parallel task (a row, a block of channels) and frees it in the same task:
// scratch blocks up to this size stay with the thread that freed them, reused without taking the lock.
// Tensors always go through the shared cache (a thread's small cache would churn through a network's many
// small maps, and evicted blocks come back as fresh pages).
constexpr size_t kMaxThreadBlock = size_t(4) << 20;
constexpr size_t kMaxThreadCachedBytes = size_t(32) << 20;

size_t block_size(void *block) {
    size_t size;
    std::memcpy(&size, block, sizeof(size));
    return size;
}

// Freed blocks, oldest first; each begins with its total size.
struct Cache {
    std::deque<void *> blocks;
    size_t bytes = 0;

    void *take(size_t total) {
        for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {  // newest first: likeliest in cache
            if (block_size(*it) == total) {
                void *block = *it;
                blocks.erase(std::next(it).base());
                bytes -= total;
                return block;
            }
        }
        return nullptr;
    }
    // Keeps `block`, evicting the oldest blocks beyond `limit` into `evicted`.
    void put(void *block, size_t limit, std::deque<void *> *evicted) {
        const size_t total = block_size(block);
        while (!blocks.empty() && bytes + total > limit) {
            bytes -= block_size(blocks.front());
            evicted->push_back(blocks.front());
            blocks.pop_front();
        }
        if (total > limit) {
            evicted->push_back(block);
            return;
        }
        blocks.push_back(block);
        bytes += total;
    }
    ~Cache() {
        for (void *block : blocks) std::free(block);
    }
};

std::mutex mutex;
Cache shared;  // under `mutex`
thread_local Cache local;

bool thread_local_block(size_t total, bool scratch) { return scratch && total <= kMaxThreadBlock; }

void *try_allocate(size_t bytes, bool scratch) {
    const size_t total = (bytes + 2 * kAlignment - 1) / kAlignment * kAlignment;  // header + payload
    void *block = thread_local_block(total, scratch) ? local.take(total) : nullptr;
    if (!block) {
        std::lock_guard<std::mutex> lock(mutex);
        block = shared.take(total);
    }
    if (block) return static_cast<char *>(block) + kAlignment;
    block = std::aligned_alloc(kAlignment, total);
    if (!block) return nullptr;
    std::memcpy(block, &total, sizeof(total));
    return static_cast<char *>(block) + kAlignment;
}

void release(void *payload, bool scratch) {
    if (!payload) return;
    void *block = static_cast<char *>(payload) - kAlignment;
    std::deque<void *> evicted;
    if (thread_local_block(block_size(block), scratch)) {
        local.put(block, kMaxThreadCachedBytes, &evicted);
    } else {
        std::lock_guard<std::mutex> lock(mutex);
        shared.put(block, kMaxCachedBytes, &evicted);
    }
    for (void *b : evicted) std::free(b);
}

// Halide's hooks: a failed allocation returns null and Halide reports it as a pipeline error.
void *halide_allocate(void *, size_t bytes) { return try_allocate(bytes, true); }
void halide_release(void *, void *block) { release(block, true); }

// Installed before main() (the runtime library is always linked whole).
const bool installed = (halide_set_custom_malloc(halide_allocate), halide_set_custom_free(halide_release), true);

}  // namespace

void *pool_allocate(size_t bytes) {
    void *block = try_allocate(bytes, false);
    if (!block) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
    return block;
}

void pool_free(void *payload) { release(payload, false); }

size_t pool_cached_bytes() {
    std::lock_guard<std::mutex> lock(mutex);
    return shared.bytes + local.bytes;
}

}  // namespace antialiased
