"""The estimate parameters of generators/estimates.h, for compiling a stage planned for one shape: each function
gives the variant's function-name suffix and its generator parameters (the schedule experiments, bench/layers.bzl;
the tuned tables, tuned_map_stages.bzl)."""

def _batch_suffix(batch):
    return "" if batch == 16 else "_b%d" % batch

def conv_estimates(shape, batch):
    """ConvEstimates for the layer `shape` (in, out, kernel, stride, px) with batch `batch`: suffix
    `<in>_<out>_<kernel>_<stride>_<px>[_b<batch> unless 16]`."""
    return "_".join([str(v) for v in shape]) + _batch_suffix(batch), {
        "estimate_in": shape[0],
        "estimate_out": shape[1],
        "estimate_kernel": shape[2],
        "estimate_stride": shape[3],
        "estimate_px": shape[4],
        "estimate_batch": batch,
    }

def map_estimates(channels, px, batch):
    """MapEstimates for a (channels, px, px, batch) map: suffix `<channels>_<px>[_b<batch> unless 16]`."""
    return "%d_%d%s" % (channels, px, _batch_suffix(batch)), {
        "estimate_channels": channels,
        "estimate_px": px,
        "estimate_batch": batch,
    }
