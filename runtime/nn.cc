#include "runtime/nn.h"

namespace antialiased {

std::shared_ptr<Sequential> max_blur_pool(int channels, int kernel_size, int stride, int filter_size, PadType pad_type) {
    return std::make_shared<Sequential>(std::vector<ModulePtr>{
        std::make_shared<MaxPool2d>(kernel_size, 1), blur_pool(channels, stride, filter_size, pad_type)});
}

std::shared_ptr<Sequential> conv_blur_pool(int in_channels, int out_channels, int kernel_size, ConvOptions options,
                                           int filter_size, PadType pad_type) {
    const int stride = options.stride;
    options.stride = 1;
    return std::make_shared<Sequential>(std::vector<ModulePtr>{
        std::make_shared<Conv2d>(in_channels, out_channels, kernel_size, options), std::make_shared<ReLU>(),
        blur_pool(out_channels, stride, filter_size, pad_type)});
}

std::shared_ptr<BlurPoolLayer> blur_pool(int channels, int stride, int filter_size, PadType pad_type) {
    return std::make_shared<BlurPoolLayer>(channels, filter_size, stride, pad_type);
}

}  // namespace antialiased
