// x = a * x + b * y for parameters (parameter.h), as a stage on the device they are used on: a batch's gradient
// added to the sum of those before it, a batch norm's running statistic moved toward the batch's.
#pragma once

#include "runtime/device.h"
#include "runtime/parameter.h"

namespace antialiased {

void scaled_sum(Parameter &x, float a, const Parameter &y, float b, const Device &device);

}  // namespace antialiased
