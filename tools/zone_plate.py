#!/usr/bin/python3
"""Writes a zone plate test image (rings whose spatial frequency grows from the centre to Nyquist at the
corners) as an 8-bit grayscale PNG: the classic picture of aliasing when subsampled without a low-pass filter.

usage: zone_plate.py OUT.png [SIZE]"""
import struct
import sys
import zlib

import numpy as np


def write_png(path, gray):
    height, width = gray.shape
    rows = b''.join(b'\0' + gray[y].tobytes() for y in range(height))  # filter type 0 per row

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)) +
                chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b''))


def main():
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    y, x = np.mgrid[0:size, 0:size] - size / 2
    plate = 127.5 + 127.5 * np.cos(np.pi * (x * x + y * y) / size)
    write_png(sys.argv[1], np.round(plate).astype(np.uint8))


if __name__ == '__main__':
    main()
