// PyTorch checkpoints: both torch.save formats read (made by torch at test time), our zip checkpoints read by
// torch.load, and hostile, truncated and malformed files refused with an error naming them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "runtime/checkpoint.h"
#include "runtime/error.h"
#include "runtime/file_io.h"
#include "runtime/npy.h"
#include "tests/error_of.h"

namespace antialiased {
namespace {

const std::string kFixtures = "tests/golden/checkpoint_fixtures.py";

class CheckpointTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/checkpoints";
        ASSERT_EQ(std::system(("mkdir -p " + dir_ + " && /usr/bin/python3 " + kFixtures + " write " + dir_).c_str()), 0);
    }
    static std::string file(const std::string &name) { return dir_ + "/" + name; }
    static std::string error_of(const std::string &path) {
        return antialiased::error_of([&] { Checkpoint::read(path).state_dict(); });
    }
    static std::string dir_;
};
std::string CheckpointTest::dir_;

const char *kKeys[] = {"0.weight",     "0.bias",         "1.weight", "1.bias", "1.running_mean",
                       "1.running_var", "1.num_batches_tracked", "2.weight", "2.bias"};

TEST_F(CheckpointTest, ReadsTrainingCheckpointsInBothFormats) {
    for (const char *name : {"train_zip.pth.tar", "train_legacy.pth.tar"}) {
        SCOPED_TRACE(name);
        const Checkpoint checkpoint = Checkpoint::read(file(name));
        const auto tensors = checkpoint.state_dict();
        ASSERT_EQ(tensors.size(), 9u);
        for (size_t i = 0; i < tensors.size(); i++) {
            const auto &[key, array] = tensors[i];
            EXPECT_EQ(key, kKeys[i]);  // file order, 'module.' removed
            if (key == "1.num_batches_tracked") {
                EXPECT_EQ(array.dtype, DType::kInt64);
                EXPECT_TRUE(array.shape.empty());
                EXPECT_EQ(array.to_float(), std::vector<float>{7.0f});
                EXPECT_EQ(read_npy_int64(file(key + ".npy")).data, std::vector<int64_t>{7});
                continue;
            }
            const NpyArray<float> expected = read_npy_float(file(key + ".npy"));
            EXPECT_EQ(array.dtype, DType::kFloat32);
            EXPECT_EQ(array.shape, expected.shape);
            EXPECT_EQ(array.to_float(), expected.data) << key;
        }
        const Value &root = checkpoint.root();
        EXPECT_EQ(root.get("epoch")->integer, 12);
        EXPECT_EQ(root.get("arch")->text, "resnet18_lpf4");
        EXPECT_EQ(checkpoint.array(root.get("best_acc1")->tensor).to_float(), std::vector<float>{55.5f});
        const ValuePtr groups = root.get("optimizer")->get("param_groups");
        ASSERT_EQ(groups->kind, Value::Kind::kList);
        EXPECT_DOUBLE_EQ(groups->items[0]->get("lr")->real, 0.1);
        EXPECT_DOUBLE_EQ(groups->items[0]->get("momentum")->real, 0.9);
        EXPECT_EQ(groups->items[0]->get("params")->items.size(), 8u);
        const ValuePtr state = root.get("optimizer")->get("state");
        ASSERT_EQ(state->entries.size(), 8u);
        EXPECT_EQ(state->entries[0].first->integer, 0);  // int keys
        EXPECT_EQ(state->entries[0].second->get("momentum_buffer")->kind, Value::Kind::kTensor);
    }
}

TEST_F(CheckpointTest, ReadsHalfPrecisionStridedAndScalarTensors) {
    const auto tensors = Checkpoint::read(file("plain_legacy.pth")).state_dict();
    ASSERT_EQ(tensors.size(), 3u);
    EXPECT_EQ(tensors[0].second.dtype, DType::kFloat16);
    EXPECT_EQ(tensors[0].second.to_float(), (std::vector<float>{0, 0.25f, 0.5f, 0.75f, 1, 1.25f}));
    EXPECT_EQ(tensors[1].second.shape, (std::vector<int64_t>{4, 3}));
    EXPECT_EQ(tensors[1].second.to_float(), (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
    EXPECT_EQ(tensors[2].second.to_float(), std::vector<float>{3.5f});
    EXPECT_EQ(tensors[2].second.shape_str(), "()");
}

TEST_F(CheckpointTest, WritesCheckpointsThatTorchLoads) {
    // Re-save the training checkpoint's weights (without 'module.') in our zip format.
    const auto tensors = Checkpoint::read(file("train_legacy.pth.tar")).state_dict();
    CheckpointWriter writer;
    const ValuePtr root = state_dict_value(&writer, tensors);
    const std::string ours = file("ours.pth");
    writer.save(ours, *root);
    EXPECT_EQ(std::system(("/usr/bin/python3 " + kFixtures + " check " + ours + " " + dir_).c_str()), 0);
    // And read it back.
    const auto again = Checkpoint::read(ours).state_dict();
    ASSERT_EQ(again.size(), tensors.size());
    for (size_t i = 0; i < again.size(); i++) {
        EXPECT_EQ(again[i].first, tensors[i].first);
        EXPECT_EQ(again[i].second.bytes, tensors[i].second.bytes);
    }
}

TEST_F(CheckpointTest, RefusesHostilePicklesAndRunsNothing) {
    for (const char *name : {"hostile_os_system.pth", "hostile_legacy.pth"}) {
        const std::string error = error_of(file(name));
        EXPECT_EQ(error.rfind(file(name) + ": refused to unpickle global 'posix.system'", 0), 0u) << error;
    }
    const std::string error = error_of(file("hostile_eval.pth"));
    EXPECT_EQ(error.rfind(file("hostile_eval.pth") + ": refused to unpickle global 'builtins.eval'", 0), 0u) << error;
    std::ifstream pwned(dir_ + "/pwned");
    EXPECT_FALSE(pwned.good()) << "a pickle ran a command";
}

// Crafted structures: each refused with a one-line error naming the file and what is wrong, before any
// allocation the file's size does not justify (the test's memory stays small; a 2^40-element tensor would not).
TEST_F(CheckpointTest, RefusesStructuresThatReachOutsideBlowUpOrLoop) {
    const std::pair<const char *, const char *> cases[] = {
        {"bad_past_storage.pth", "tensor of shape (3,) (offset 2) reaches past its storage 0 of 4 elements"},
        {"bad_expanded.pth", "tensor of shape (1099511627776,) (offset 0) reaches past its storage 0 of 4 elements"},
        {"bad_overflowing.pth", "tensor of shape (4611686018427387904, 4) (offset 0) reaches past its storage"},
        {"bad_negative.pth", "tensor with a negative size or stride"},
        {"bad_deflated.pth", "zip entry bad_source/data.pkl is compressed (method 8); checkpoints store entries "
                             "uncompressed"},
        {"bad_escaping.pth", "zip entry name '../bad_source/data.pkl' leaves the archive"},
        {"bad_absolute.pth", "zip entry name '/tmp/bad_source/data.pkl' leaves the archive"},
        {"bad_repeated.pth", "zip archive lists entry bad_source/data/0 twice"},
        {"bad_cycle.pth", "malformed pickle (a container inside itself) (pickle byte 7)"},
        {"bad_deep.pth", "pickle nested deeper than 100 levels"},
    };
    for (const auto &[name, expected] : cases) {
        const std::string error = error_of(file(name));
        EXPECT_EQ(error.rfind(file(name) + ": " + expected, 0), 0u) << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
    // The file the crafted ones were made from reads.
    const auto tensors = Checkpoint::read(file("bad_source.pth")).state_dict();
    ASSERT_EQ(tensors.size(), 1u);
    EXPECT_EQ(tensors[0].second.to_float(), std::vector<float>({0, 1, 2, 3}));
}

TEST_F(CheckpointTest, RefusesTruncatedAndMalformedFiles) {
    for (const char *name : {"train_zip.pth.tar", "train_legacy.pth.tar"}) {
        const std::string bytes = read_file(file(name));
        const std::string cut = file(std::string("cut_") + name);
        for (size_t size : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 9, size_t(20)}) {
            write_file_atomically(cut, bytes.substr(0, size));
            const std::string error = error_of(cut);
            EXPECT_EQ(error.rfind(cut + ": ", 0), 0u) << name << " cut to " << size << ": '" << error << "'";
        }
    }
    const std::string junk = file("junk.pth");
    write_file_atomically(junk, "definitely not a checkpoint");
    EXPECT_EQ(error_of(junk), junk + ": not a PyTorch checkpoint (neither a zip archive nor a legacy torch.save file)");
    EXPECT_NE(error_of(file("missing.pth")).find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace antialiased
