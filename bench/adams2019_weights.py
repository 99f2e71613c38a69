"""Writes the cost model Adams2019 ships with (built into Halide 14's libautoschedule_adams2019.so, in the .weights
format: 'hwf1', two feature versions, then 6 buffers of uint32 dimensions and float32 data) to a .weights file, the
starting point of bench/retrain_adams2019.sh's retraining (retrain_cost_model needs a file, and Halide installs none).
  python3 bench/adams2019_weights.py OUT.weights [LIBRARY]"""
import struct
import sys

LIBRARY = "/usr/lib/x86_64-linux-gnu/halide14/libautoschedule_adams2019.so"


def weights_at(data, start):
    """The length of a well-formed .weights blob at `start`, or None."""
    at = start + 12
    if data[at:at + 4] != struct.pack("<I", 6):
        return None
    at += 4
    for _ in range(6):
        if at + 4 > len(data):
            return None
        (dims,) = struct.unpack_from("<I", data, at)
        if not 1 <= dims <= 4:
            return None
        extents = struct.unpack_from("<%dI" % dims, data, at + 4)
        if any(e == 0 or e > 1 << 16 for e in extents):
            return None
        count = 1
        for e in extents:
            count *= e
        at += 4 + 4 * dims + 4 * count
        if at > len(data):
            return None
    return at - start


def main():
    out = sys.argv[1]
    data = open(sys.argv[2] if len(sys.argv) > 2 else LIBRARY, "rb").read()
    signature = struct.pack("<I", 0x68776631)
    at = data.find(signature)
    while at >= 0:
        length = weights_at(data, at)
        if length:
            open(out, "wb").write(data[at:at + length])
            print("%s: %d bytes of built-in weights" % (out, length))
            return
        at = data.find(signature, at + 1)
    sys.exit("no built-in weights found in " + LIBRARY)


main()
