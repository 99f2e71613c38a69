// The GPU path, executed: every stage's GPU schedule (the one CUDA and OpenCL share) runs on an OpenCL device,
// in CI pocl's CPU device, and must give what the CPU schedule gives. Each layer of the runtime, forward and
// backward, on shapes that leave partial GPU tiles in every dimension (tiles are 32 channels x 4 columns: 37
// channels, 7 columns, 5 rows, 3 images); then whole networks: logits, SGD steps. Never skipped: on a machine
// without an OpenCL device the test fails (tools/setup.sh installs pocl). With ANTIALIASED_TEST_GPU=cuda the same
// checks run on CUDA GPU 0 (tools/gpu_check.sh, the day a GPU is lent).
#include <gtest/gtest.h>

#include <HalideRuntime.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "generators/conv2d_weights_blocked_cpu.h"
#include "generators/conv2d_weights_blocked_cuda.h"
#include "generators/conv2d_weights_blocked_opencl.h"
#include "generators/conv2d_weights_transposed_cpu.h"
#include "generators/conv2d_weights_transposed_cuda.h"
#include "generators/conv2d_weights_transposed_opencl.h"
#include "generators/conv2d_winograd_weights_cpu.h"
#include "generators/conv2d_winograd_weights_cuda.h"
#include "generators/conv2d_winograd_weights_opencl.h"
#include "generators/batch_norm_train_average_cpu.h"
#include "generators/batch_norm_train_average_cuda.h"
#include "generators/batch_norm_train_average_opencl.h"
#include "generators/scaled_sum_cpu.h"
#include "generators/scaled_sum_cuda.h"
#include "generators/scaled_sum_opencl.h"
#include "generators/sgd_step_cpu.h"
#include "generators/sgd_step_cuda.h"
#include "generators/sgd_step_opencl.h"
#include "generators/weight_blocks.h"
#include "models/zoo.h"
#include "runtime/layers.h"
#include "runtime/loss.h"
#include "runtime/trainer.h"
#include "tests/random_images.h"
#include "tests/scratch_dir.h"
#include "tests/tool_run.h"

namespace antialiased {
namespace {

Tensor random_map(Shape shape, uint32_t seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    Tensor map(shape);
    for (size_t i = 0; i < shape.elements(); i++) map.data()[i] = uniform(random);
    return map;
}

// Every element finite and within `tolerance` of the CPU's, relative to the CPU result's largest magnitude.
void expect_equal(const std::vector<float> &gpu, const std::vector<float> &cpu, float tolerance,
                  const std::string &what) {
    ASSERT_EQ(gpu.size(), cpu.size()) << what;
    float scale = 1e-6f;
    for (float v : cpu) scale = std::max(scale, std::abs(v));
    float worst = 0;
    for (size_t i = 0; i < cpu.size(); i++) {
        ASSERT_TRUE(std::isfinite(gpu[i])) << what << " [" << i << "] is " << gpu[i];
        worst = std::max(worst, std::abs(gpu[i] - cpu[i]) / scale);
    }
    EXPECT_LE(worst, tolerance) << what;
    std::printf("%-44s largest difference %.2g of the largest value\n", what.c_str(), worst);
}

bool cuda() {
    const char *device = std::getenv("ANTIALIASED_TEST_GPU");
    return device && std::string(device) == "cuda";
}
Device gpu() { return cuda() ? Device::cuda(0) : Device::opencl(0); }

// Host <-> device copies, counted where Halide's OpenCL runtime makes them: it looks up the OpenCL functions
// through halide_get_library_symbol, whose hook hands it counting wrappers of the four that move data between
// host and device memory (installed before the runtime's first lookup, in SetUpTestSuite).
std::atomic<int> to_device{0}, to_host{0};
using ReadWrite = int32_t (*)(void *, void *, uint32_t, size_t, size_t, void *, uint32_t, const void *, void *);
using ReadWriteRect = int32_t (*)(void *, void *, uint32_t, const size_t *, const size_t *, const size_t *, size_t,
                                  size_t, size_t, size_t, void *, uint32_t, const void *, void *);
ReadWrite real_read, real_write;
ReadWriteRect real_read_rect, real_write_rect;

// `real`, counted in `count`.
template <std::atomic<int> &count, ReadWrite &real>
int32_t counted(void *q, void *m, uint32_t b, size_t o, size_t n, void *p, uint32_t e, const void *w, void *v) {
    count++;
    return real(q, m, b, o, n, p, e, w, v);
}
template <std::atomic<int> &count, ReadWriteRect &real>
int32_t counted_rect(void *q, void *m, uint32_t b, const size_t *o, const size_t *h, const size_t *r, size_t p1,
                     size_t p2, size_t p3, size_t p4, void *p, uint32_t e, const void *w, void *v) {
    count++;
    return real(q, m, b, o, h, r, p1, p2, p3, p4, p, e, w, v);
}

void *counting_symbol(void *library, const char *name) {
    void *symbol = halide_default_get_library_symbol(library, name);
    if (!symbol) return symbol;
    const std::string n = name;
    if (n == "clEnqueueReadBuffer") {
        return real_read = ReadWrite(symbol), reinterpret_cast<void *>(counted<to_host, real_read>);
    }
    if (n == "clEnqueueWriteBuffer") {
        return real_write = ReadWrite(symbol), reinterpret_cast<void *>(counted<to_device, real_write>);
    }
    if (n == "clEnqueueReadBufferRect") {
        return real_read_rect = ReadWriteRect(symbol), reinterpret_cast<void *>(counted_rect<to_host, real_read_rect>);
    }
    if (n == "clEnqueueWriteBufferRect") {
        return real_write_rect = ReadWriteRect(symbol),
               reinterpret_cast<void *>(counted_rect<to_device, real_write_rect>);
    }
    return symbol;
}

class OpenCL : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // pocl compiles each kernel once; its cache goes into the test's own writable folder.
        halide_set_custom_get_library_symbol(counting_symbol);
        const char *tmp = std::getenv("TEST_TMPDIR");
        setenv("POCL_CACHE_DIR", (std::string(tmp ? tmp : "/tmp") + "/pocl_cache").c_str(), 0);
        std::string reason;
        if (cuda()) {
            ASSERT_TRUE(cuda_available(&reason)) << "ANTIALIASED_TEST_GPU=cuda but no CUDA GPU: " << reason;
        } else {
            ASSERT_TRUE(opencl_available(&reason)) << "no OpenCL device (tools/setup.sh installs pocl): " << reason;
        }
    }
};

// One layer: forward (inference), then forward_train and backward, on the CPU and on the GPU, from the same
// parameters; the outputs, the input gradient and every parameter gradient compared.
void check_layer(const std::string &what, const std::function<ModulePtr()> &make, Shape input_shape,
                 float tolerance = 1e-5f) {
    const Tensor input = random_map(input_shape, 1);
    std::vector<float> outputs[2], inferred[2], grad_inputs[2];
    std::vector<std::vector<float>> grads[2];
    for (bool on_gpu : {false, true}) {
        ModulePtr layer = make();
        initialize_weights(*layer, "resnet18", 7);
        const Device device = on_gpu ? gpu() : Device::cpu();
        Tensor y = layer->forward(input, device);
        y.copy_to_host();
        inferred[on_gpu] = y.to_nchw();
        TrainContext context;
        context.device = device;
        context.seeds.seed(3);
        const Tensor out = layer->forward_train(input, context);
        outputs[on_gpu] = out.to_nchw();
        const Tensor grad = layer->backward(random_map(out.shape(), 2), context, true);
        grad_inputs[on_gpu] = grad.to_nchw();
        for (const StateEntry &entry : state_entries(*layer)) {
            if (entry.grad) grads[on_gpu].push_back(entry.grad->values());
        }
    }
    expect_equal(inferred[1], inferred[0], tolerance, what + " forward");
    expect_equal(outputs[1], outputs[0], tolerance, what + " forward_train");
    expect_equal(grad_inputs[1], grad_inputs[0], tolerance, what + " d(input)");
    for (size_t i = 0; i < grads[0].size(); i++) {
        expect_equal(grads[1][i], grads[0][i], tolerance, what + " d(parameter " + std::to_string(i) + ")");
    }
}

const Shape kMap{3, 37, 5, 7};  // N, C, H, W: partial tiles in channels (37 = 32 + 5), columns (7 = 4 + 3) and rows

TEST_F(OpenCL, ConvolutionsMatchTheCpu) {
    check_layer("conv 3x3", [] { return std::make_shared<Conv2d>(37, 35, 3, ConvOptions{1, 1, 1, 1, true, ConvAlgorithm::kDirect}); }, kMap);
    check_layer("conv 3x3 stride 2", [] { return std::make_shared<Conv2d>(37, 19, 3, ConvOptions{2, 1, 1, 1, false}); }, kMap);
    check_layer("conv 1x1", [] { return std::make_shared<Conv2d>(37, 40, 1, ConvOptions{1, 0, 1, 1, false}); }, kMap);
    check_layer("depthwise 3x3", [] { return std::make_shared<Conv2d>(37, 37, 3, ConvOptions{1, 1, 1, 37, false}); }, kMap);
    // 11 images: the GPU's weight gradient sums slices of 2 images, the last one short.
    check_layer("conv 3x3, 11 images", [] { return std::make_shared<Conv2d>(37, 35, 3, ConvOptions{1, 1, 1, 1, true, ConvAlgorithm::kDirect}); },
                Shape{11, 37, 5, 7});
    check_layer("conv 5x5 dilation 2", [] { return std::make_shared<Conv2d>(37, 9, 5, ConvOptions{1, 4, 2, 1, true}); }, kMap);
    // Winograd (16 channels or more each side, maps of 5 x 5 and up), its GPU schedules at 3.7e-4 (the transforms
    // round differently in another order).
    check_layer("conv 3x3 winograd", [] { return std::make_shared<Conv2d>(37, 35, 3, ConvOptions{1, 1, 1, 1, true, ConvAlgorithm::kWinograd}); },
                Shape{3, 37, 9, 7}, 1e-3f);
    check_layer("linear", [] { return std::make_shared<Linear>(37 * 5 * 7, 11, Shape{1, 37, 5, 7}); }, kMap);
}

TEST_F(OpenCL, NormalizationPoolingAndElementwiseMatchTheCpu) {
    check_layer("batch norm + relu", [] { return std::make_shared<BatchNorm2d>(37, Activation::kRelu); }, kMap, 1e-4f);
    check_layer("relu6", [] { return std::make_shared<ReLU>(Activation::kRelu6); }, kMap);
    check_layer("max pool 3/2", [] { return std::make_shared<MaxPool2d>(3, 2, 1); }, kMap);
    check_layer("max pool 2/1", [] { return std::make_shared<MaxPool2d>(2, 1); }, kMap);
    check_layer("avg pool 2/2", [] { return std::make_shared<AvgPool2d>(2, 2); }, kMap);
    check_layer("adaptive avg pool", [] { return AvgPool2d::adaptive(1); }, kMap);
    check_layer("dropout", [] { return std::make_shared<Dropout>(0.3f); }, kMap);
    for (int filter : {2, 3, 5}) {
        for (PadType pad : {PadType::kReflect, PadType::kReplicate, PadType::kZero}) {
            const Shape big{3, 37, 9, 11};  // reflect needs maps larger than the pad
            check_layer("blurpool " + std::to_string(filter) + " " + pad_type_name(pad),
                        [=] { return std::make_shared<BlurPoolLayer>(37, filter, 2, pad); }, big);
        }
    }
    // MaxPool(2, 1) + BlurPool as one stage: inference only.
    const Tensor input = random_map(Shape{3, 37, 9, 11}, 4);
    std::vector<float> out[2];
    for (bool on_gpu : {false, true}) {
        Sequential pool({std::make_shared<MaxPool2d>(2, 1), std::make_shared<BlurPoolLayer>(37, 4, 2)});
        pool.fuse();
        Tensor y = pool.forward(input, on_gpu ? gpu() : Device::cpu());
        y.copy_to_host();
        out[on_gpu] = y.to_nchw();
    }
    expect_equal(out[1], out[0], 1e-5f, "max blurpool");
    // The residual add with its ReLU, its derivative, the loss.
    const Tensor a = random_map(kMap, 5), b = random_map(kMap, 6);
    Tensor sum[2] = {add(a, b, Activation::kRelu, Device::cpu()), add(a, b, Activation::kRelu, gpu())};
    sum[1].copy_to_host();
    expect_equal(sum[1].to_nchw(), sum[0].to_nchw(), 1e-6f, "add + relu");
    Tensor d[2] = {activation_backward(sum[0], a, Activation::kRelu, Device::cpu()),
                   activation_backward(sum[1], a, Activation::kRelu, gpu())};
    d[1].copy_to_host();
    expect_equal(d[1].to_nchw(), d[0].to_nchw(), 1e-6f, "relu backward");
    // DenseNet's concatenation (37 + 5 + 32 channels: pieces that start inside a GPU tile) and its split: exact
    // copies; the split gives back the pieces.
    const std::vector<Tensor> pieces = {a, random_map(Shape{3, 5, 5, 7}, 9), random_map(Shape{3, 32, 5, 7}, 10)};
    Tensor joined[2] = {concat(pieces, Device::cpu()), concat(pieces, gpu())};
    joined[1].copy_to_host();
    expect_equal(joined[1].to_nchw(), joined[0].to_nchw(), 0.0f, "concat");
    EXPECT_EQ(joined[0].at(2, 37 + 5 + 31, 4, 6), pieces[2].at(2, 31, 4, 6));
    const std::vector<Tensor> split = split_channels(concat(pieces, gpu()), {37, 5, 32}, gpu());
    for (size_t i = 0; i < pieces.size(); i++) {
        split[i].copy_to_host();
        expect_equal(split[i].to_nchw(), pieces[i].to_nchw(), 0.0f, "split piece " + std::to_string(i));
    }
    const Tensor logits = random_map(Shape{5, 37, 1, 1}, 8);
    const std::vector<int64_t> labels = {0, 36, 5, 17, 2};
    LossAndGradient loss[2] = {cross_entropy(logits, labels, Device::cpu()), cross_entropy(logits, labels, gpu())};
    EXPECT_NEAR(loss[1].loss, loss[0].loss, 1e-5f);
    loss[1].grad_logits.copy_to_host();
    expect_equal(loss[1].grad_logits.to_nchw(), loss[0].grad_logits.to_nchw(), 1e-5f, "cross-entropy gradient");
}

// The stages the runtime runs on the CPU alone (the SGD update, the weights' layouts), called
// directly, their outputs filled with NaN on the device first: an element the GPU schedule leaves unwritten shows.
using Buffer = Halide::Runtime::Buffer<float>;

Buffer random_buffer(std::vector<int> extents, uint32_t seed) {
    Buffer buffer(extents);
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    buffer.for_each_value([&](float &v) { v = uniform(random); });
    buffer.set_host_dirty();
    return buffer;
}

Buffer nan_on_device(std::vector<int> extents) {
    Buffer buffer(extents);
    buffer.fill(NAN);
    buffer.set_host_dirty();
    EXPECT_EQ(buffer.copy_to_device(gpu().interface()), 0);
    return buffer;
}

std::vector<float> values(Buffer &buffer) {
    buffer.copy_to_host();
    return std::vector<float>(buffer.data(), buffer.data() + buffer.number_of_elements());
}

// The stages of the training step's own state (parameters, momentum, statistics) and of the weights' layouts.
TEST_F(OpenCL, StateAndLayoutStagesMatchTheCpu) {
    const int n = 1000;  // not a multiple of any vector or block
    Buffer param = random_buffer({n}, 1), grad = random_buffer({n}, 2), momentum = random_buffer({n}, 3);
    {
        Buffer cpu(n), on_gpu = nan_on_device({n});
        ASSERT_EQ(scaled_sum_cpu(param, grad, 0.9f, 0.1f, cpu), 0);
        ASSERT_EQ(gpu().pick(scaled_sum_cpu, scaled_sum_cuda, scaled_sum_opencl)(param, grad, 0.9f, 0.1f, on_gpu), 0);
        expect_equal(values(on_gpu), values(cpu), 1e-6f, "scaled_sum");
        Halide::Runtime::Buffer<double> sums(n);
        for (int i = 0; i < n; i++) sums(i) = 1e3 * param(i) + 1e-9 * i;  // digits past float's
        sums.set_host_dirty();
        ASSERT_EQ(batch_norm_train_average_cpu(sums, 1.0 / 3.0, cpu), 0);
        ASSERT_EQ(gpu().pick(batch_norm_train_average_cpu, batch_norm_train_average_cuda,
                             batch_norm_train_average_opencl)(sums, 1.0 / 3.0, on_gpu), 0);
        expect_equal(values(on_gpu), values(cpu), 0.0f, "batch_norm_train_average");
    }
    for (bool first_step : {true, false}) {
        Buffer cpu[2] = {Buffer(n), Buffer(n)}, on_gpu[2] = {nan_on_device({n}), nan_on_device({n})};
        ASSERT_EQ(sgd_step_cpu(param, grad, momentum, 0.1f, 0.9f, 1e-4f, false, first_step, cpu[0], cpu[1]), 0);
        ASSERT_EQ(gpu().pick(sgd_step_cpu, sgd_step_cuda, sgd_step_opencl)(param, grad, momentum, 0.1f, 0.9f, 1e-4f,
                                                                           false, first_step, on_gpu[0], on_gpu[1]),
                  0);
        for (int k = 0; k < 2; k++) {
            expect_equal(values(on_gpu[k]), values(cpu[k]), 1e-6f, "sgd_step output " + std::to_string(k));
        }
    }
    // A 3x3 filter (co, ci, kx, ky) of 37 -> 35 channels, scaled per output channel; and transposed.
    Buffer filter = random_buffer({35, 37, 3, 3}, 4);
    for (bool transposed : {false, true}) {
        const int in = transposed ? 35 : 37, out = transposed ? 37 : 35;
        Buffer scale = random_buffer({out}, 5);
        const std::vector<int> extents = {kWeightBlock, in, 6, 6, weight_blocks(out)};
        Buffer cpu(extents), on_gpu = nan_on_device(extents);
        cpu.fill(0.0f);  // the last block's channels past `out`: the stage writes them as zero
        ASSERT_EQ(conv2d_winograd_weights_cpu(filter, scale, transposed, cpu), 0);
        auto stage = gpu().pick(conv2d_winograd_weights_cpu, conv2d_winograd_weights_cuda,
                                conv2d_winograd_weights_opencl);
        ASSERT_EQ(stage(filter, scale, transposed, on_gpu), 0);
        expect_equal(values(on_gpu), values(cpu), 1e-6f, transposed ? "winograd weights transposed" : "winograd weights");
    }
    // The live taps (x 1..2, y 0..2) of that filter, a strided view as Conv2d passes them, into the forward's
    // scaled blocks of output channels and into the input gradient's transpose.
    Buffer stored = filter.copy(), live = stored.cropped(2, 1, 2);  // host memory, as the runtime's weights
    live.translate(2, -1);
    Buffer scale = random_buffer({35}, 6);
    const std::vector<int> blocked_extents = {kWeightBlock, 37, 2, 3, weight_blocks(35)};
    Buffer blocked(blocked_extents), blocked_gpu = nan_on_device(blocked_extents);
    ASSERT_EQ(conv2d_weights_blocked_cpu(live, scale, blocked), 0);
    ASSERT_EQ(gpu().pick(conv2d_weights_blocked_cpu, conv2d_weights_blocked_cuda,
                         conv2d_weights_blocked_opencl)(live, scale, blocked_gpu), 0);
    expect_equal(values(blocked_gpu), values(blocked), 0.0f, "conv2d weights blocked");
    EXPECT_EQ(blocked(3, 5, 1, 2, 0), filter(3, 5, 2, 2) * scale(3));
    EXPECT_EQ(blocked(kWeightBlock - 1, 0, 0, 0, 1), 0.0f) << "channel 63 of a 35-channel layer";
    const std::vector<int> transposed_extents = {37, 35, 2, 3};
    Buffer transposed(transposed_extents), transposed_gpu = nan_on_device(transposed_extents);
    ASSERT_EQ(conv2d_weights_transposed_cpu(live, transposed), 0);
    ASSERT_EQ(gpu().pick(conv2d_weights_transposed_cpu, conv2d_weights_transposed_cuda,
                         conv2d_weights_transposed_opencl)(live, transposed_gpu), 0);
    expect_equal(values(transposed_gpu), values(transposed), 0.0f, "conv2d weights transposed");
    EXPECT_EQ(transposed(36, 34, 1, 2), filter(34, 36, 2, 2));
}

// Whole networks on the GPU: the logits of the zoo, fused and not, are the CPU's; and inference keeps every map on
// the device: once a first forward has uploaded the weights' layouts, a forward copies the images in and nothing
// else either way, DenseNet's concatenations included; the logits come out when read. (The copies are counted
// in the OpenCL runtime; on CUDA the logits alone are checked.)
TEST_F(OpenCL, NetworksGiveTheCpusLogitsOnTheDevice) {
    for (const char *arch : {"resnet18_lpf3", "densenet121_lpf2", "mobilenet_v2_lpf4"}) {
        Model model = build_model(arch, ModelOptions{3, 10});
        initialize_weights(*model, arch, 2);
        const Tensor first = random_images(2, 64, 9), images = random_images(2, 64, 10);
        for (const std::string path : {"unfused", "fused"}) {
            if (path == "fused") model->fuse();
            const std::string what = arch + (" " + path);
            model->forward(first, gpu());
            const int in_before = to_device, out_before = to_host;
            Tensor logits = model->forward(images, gpu());
            if (!cuda()) {
                EXPECT_EQ(to_device - in_before, 1) << what << ": copies to the device, the images'";
                EXPECT_EQ(to_host - out_before, 0) << what << ": copies to the host";
            }
            logits.copy_to_host();
            if (!cuda()) {
                EXPECT_EQ(to_host - out_before, 1) << what << ": the logits";
            }
            expect_equal(logits.to_nchw(), model->forward(images, Device::cpu()).to_nchw(), 1e-4f, what + " logits");
        }
    }
}

// Three SGD steps give the CPU's weights; and a step keeps the network on the device: once the first has uploaded
// the parameters, a step copies in the batch (the images, the labels and the loss's shift, each image's largest
// logit, which the host takes from the logits) and copies out the logits and the loss, nothing else. Parameters,
// gradients, momentum, weight layouts and batch-norm statistics stay on the device (SGD, the layouts and the
// running averages are stages there).
TEST_F(OpenCL, SgdStepsGiveTheCpusWeights) {
    const std::string arch = "resnet18_lpf2";
    std::vector<std::pair<std::string, Array>> after[2];
    std::vector<float> losses[2];
    for (bool on_gpu : {false, true}) {
        Model model = build_model(arch, ModelOptions{2, 10});
        initialize_weights(*model, arch, 4);
        TrainContext context;
        context.device = on_gpu ? gpu() : Device::cpu();
        Trainer trainer(*model, SgdOptions{0.02f, 0.9f, 1e-4f}, context);
        for (int step = 0; step < 3; step++) {
            const Tensor images = random_images(2, 64, 3);  // a new batch each step, as a loader gives
            const int writes_before = to_device, reads_before = to_host;
            losses[on_gpu].push_back(trainer.step(images, {1, 7}));
            if (on_gpu && !cuda() && step > 0) {
                EXPECT_EQ(to_device - writes_before, 3) << "step " << step << ": images, labels, shift";
                EXPECT_EQ(to_host - reads_before, 2) << "step " << step << ": logits, loss";
            }
        }
        after[on_gpu] = state_dict(*model);
    }
    expect_equal(losses[1], losses[0], 1e-4f, "losses");
    // Three steps grow the rounding differences of the reductions' orders (batch-norm sums, weight gradients) and
    // of OpenCL's contracted multiply-adds (the SGD update): up to 4.3e-3 of a batch norm's largest bias here (lr
    // 0.05 drives 2 images to a loss of 0.002 in 3 steps, and 1.2e-2), where a wrong stage is off by its whole scale.
    for (size_t i = 0; i < after[0].size(); i++) {
        const std::vector<float> cpu = after[0][i].second.to_float(), gpu_values = after[1][i].second.to_float();
        expect_equal(gpu_values, cpu, 1e-2f, after[0][i].first);
    }
}

// The main program trains an epoch of a small subset and validates on the GPU.
TEST_F(OpenCL, MainTrainsAnEpoch) {
    const ScratchDir dir("main_on_gpu");
    const std::string device = cuda() ? " --gpu 0" : " --opencl 0";
    const ToolRun run = run_tool("train/main -a resnet18_lpf2" + device + " --train-subset 32 --val-subset 16 -b 16 " +
                                 "--epochs 1 --lr 0.01 --out-dir " + dir.path());
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("Acc@1"), std::string::npos) << run.output;
    EXPECT_TRUE(std::filesystem::exists(dir.path() + "/checkpoint.pth.tar"));
}

}  // namespace
}  // namespace antialiased
