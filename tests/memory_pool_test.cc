// The memory pool hands freed blocks back for requests of the same size, aligned, from any thread.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "runtime/memory_pool.h"
#include "runtime/tensor.h"

namespace antialiased {
namespace {

class MemoryPool : public ::testing::Test {
  protected:
    void SetUp() override {
#ifdef __SANITIZE_ADDRESS__
        GTEST_SKIP() << "under AddressSanitizer the pool keeps no block (runtime/memory_pool.cc)";
#endif
    }
};

TEST_F(MemoryPool, ReusesAFreedBlockOfTheSameSize) {
    for (size_t bytes : {size_t(1000), size_t(64) << 20}) {
        void *a = pool_allocate(bytes);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 128, 0u);
        pool_free(a);
        EXPECT_GE(pool_cached_bytes(), bytes);
        void *b = pool_allocate(bytes);
        EXPECT_EQ(a, b) << bytes;
        void *c = pool_allocate(bytes);  // the cached block is taken: a new one
        EXPECT_NE(b, c);
        pool_free(b);
        pool_free(c);
    }
}

TEST_F(MemoryPool, ScratchTakesTheSmallestCachedBlockThatIsLargeEnough) {
    void *small = pool_allocate_scratch(size_t(40) << 20), *large = pool_allocate_scratch(size_t(64) << 20);
    pool_free_scratch(large);
    pool_free_scratch(small);
    EXPECT_EQ(pool_allocate_scratch(size_t(30) << 20), small);
    const size_t in_use = pool_bytes_in_use();
    void *again = pool_allocate_scratch(size_t(50) << 20);
    EXPECT_EQ(again, large);
    EXPECT_GE(pool_bytes_in_use() - in_use, size_t(64) << 20) << "counted at the block's size";
    pool_free_scratch(again);
    pool_free_scratch(small);
    // A tensor's request takes only a block of its own size, and never a scratch block.
    void *tensor = pool_allocate(size_t(50) << 20);
    EXPECT_NE(tensor, large);
    EXPECT_NE(tensor, small);
    pool_free(tensor);
}

TEST_F(MemoryPool, TensorsOfARepeatedShapeGetTheSameMemory) {
    const float *first;
    {
        Tensor t(Shape{4, 64, 56, 56});
        first = t.data();
    }
    Tensor again(Shape{4, 64, 56, 56});
    EXPECT_EQ(again.data(), first);
    EXPECT_EQ(again.at(3, 63, 55, 55), 0.0f);  // and still zero-filled
}

TEST_F(MemoryPool, BlocksFreedOnAnotherThreadAreReusable) {
    void *block = pool_allocate(size_t(1) << 20);
    std::thread([block] { pool_free(block); }).join();
    void *again = pool_allocate(size_t(1) << 20);
    EXPECT_EQ(again, block);
    pool_free(again);
}

}  // namespace
}  // namespace antialiased
