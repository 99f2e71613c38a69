#include "runtime/memory_pool.h"

#include <HalideRuntime.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>

#include "runtime/error.h"

namespace antialiased {
namespace {

constexpr size_t kAlignment = 128;  // also the size of the header that records a block's size
// Halide allocates scratch per parallel task (a row, a block of channels) and frees it in the same task:
// scratch blocks up to this size stay with the thread that freed them, reused without taking the lock.
// Tensors always go through the shared cache (a thread's small cache would churn through a network's many
// small maps, and evicted blocks come back as fresh pages).
constexpr size_t kMaxThreadBlock = size_t(4) << 20;
#ifdef __SANITIZE_ADDRESS__
// Under AddressSanitizer (bazel test --config=asan) nothing is kept: every block goes back to free(), where a
// use after it is caught instead of landing in a block the pool handed out again.
constexpr size_t kMaxCachedBytes = 0, kMaxThreadCachedBytes = 0;
#else
// What the pool may keep beyond what is in use: a ResNet-50 training batch of 16 at 224 px moves ~2 GB of
// activations through it.
constexpr size_t kMaxCachedBytes = size_t(3) << 30;
constexpr size_t kMaxThreadCachedBytes = size_t(32) << 20;
#endif

size_t block_size(void *block) {
    size_t size;
    std::memcpy(&size, block, sizeof(size));
    return size;
}

// Freed blocks, oldest first; each begins with its total size.
struct Cache {
    std::deque<void *> blocks;
    size_t bytes = 0;

    // A block of `total` bytes; or, `at_least`, the smallest block of `total` bytes or more.
    void *take(size_t total, bool at_least) {
        auto found = blocks.rend();
        for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {  // newest first: likeliest in cache
            const size_t size = block_size(*it);
            if (size == total) {
                found = it;
                break;
            }
            if (at_least && size > total && (found == blocks.rend() || size < block_size(*found))) found = it;
        }
        if (found == blocks.rend()) return nullptr;
        void *block = *found;
        blocks.erase(std::next(found).base());
        bytes -= block_size(block);
        return block;
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

// Large scratch (Halide's, and the layers' per-call buffers) lives only while one stage runs, in sizes that
// differ from layer to layer: it takes the smallest cached block that is large enough, so that a few blocks
// serve every layer. (Cached by exact size, a ResNet-50 training step kept one block per layer shape: ~400 MB
// of weight-gradient partial sums, gradients and transposed weights, a sixth of the process.) Tensors, which
// live longer and come back in the same sizes every batch, take exact sizes from their own cache: a map must
// not hold a block several times its size.
std::mutex mutex;
Cache shared, shared_scratch;  // under `mutex`
std::atomic<size_t> in_use{0}, peak_in_use{0};
thread_local Cache local;

bool thread_local_block(size_t total, bool scratch) { return scratch && total <= kMaxThreadBlock; }

void *try_allocate(size_t bytes, bool scratch) {
    const size_t total = (bytes + 2 * kAlignment - 1) / kAlignment * kAlignment;  // header + payload
    void *block = thread_local_block(total, scratch) ? local.take(total, false) : nullptr;
    if (!block) {
        std::lock_guard<std::mutex> lock(mutex);
        block = scratch ? shared_scratch.take(total, true) : shared.take(total, false);
    }
    if (!block) {
        block = std::aligned_alloc(kAlignment, total);
        if (!block) return nullptr;
        std::memcpy(block, &total, sizeof(total));
    }
    const size_t now = in_use += block_size(block);
    for (size_t peak = peak_in_use; now > peak && !peak_in_use.compare_exchange_weak(peak, now);) {
    }
    return static_cast<char *>(block) + kAlignment;
}

void release(void *payload, bool scratch) {
    if (!payload) return;
    void *block = static_cast<char *>(payload) - kAlignment;
    in_use -= block_size(block);
    std::deque<void *> evicted;
    if (thread_local_block(block_size(block), scratch)) {
        local.put(block, kMaxThreadCachedBytes, &evicted);
    } else {
        std::lock_guard<std::mutex> lock(mutex);
        (scratch ? shared_scratch : shared).put(block, kMaxCachedBytes, &evicted);
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

void *pool_allocate_scratch(size_t bytes) {
    void *block = try_allocate(bytes, true);
    if (!block) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes of scratch");
    return block;
}

void pool_free_scratch(void *payload) { release(payload, true); }

size_t pool_bytes_in_use() { return in_use; }

size_t pool_peak_bytes_in_use() { return peak_in_use; }

size_t pool_cached_bytes() {
    std::lock_guard<std::mutex> lock(mutex);
    return shared.bytes + shared_scratch.bytes + local.bytes;
}

}  // namespace antialiased
