// Where tensors and Halide's intermediate buffers get their memory.
//
// On this project's machines (VMs) a first touch of a fresh page costs ~10 us: a fresh 51 MB tensor takes
// 130 ms to fault in, 25x longer than the BlurPool that fills it. glibc returns blocks over its mmap
// threshold (32 MB at most) to the kernel on free, so every batch would pay that again. The pool keeps freed
// blocks and hands them back for the next request of the same size, which a network makes every batch.
#pragma once

#include <cstddef>

namespace antialiased {

// Memory aligned to 128 bytes (any vector width), never null: throws Error when out of memory.
void *pool_allocate(size_t bytes);
// Returns a block from pool_allocate to the pool (freeing the oldest blocks beyond the pool's cap).
void pool_free(void *block);
// The same for scratch that lives while one stage runs (Halide's own buffers take this path): it may get a
// larger block than asked for.
void *pool_allocate_scratch(size_t bytes);
void pool_free_scratch(void *block);

// Bytes held for reuse right now: the shared pool's and the calling thread's.
size_t pool_cached_bytes();
// Bytes handed out and not yet returned, by every thread (blocks rounded up to the alignment, with a header),
// now and at most so far.
size_t pool_bytes_in_use();
size_t pool_peak_bytes_in_use();

}  // namespace antialiased
