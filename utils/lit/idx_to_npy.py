#!/usr/bin/python3
"""Writes the first N images of an IDX(.gz) file as a uint8 .npy [N,H,W].

Used by lit tests to feed the same images to onnc-run --input and to other
runtimes. Run with Debian's python3 (numpy)."""
import argparse
import gzip

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("idx")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    opener = gzip.open if a.idx.endswith(".gz") else open
    with opener(a.idx, "rb") as f:
        raw = f.read()
    magic, n, h, w = np.frombuffer(raw[:16], dtype=">u4")
    if magic != 0x803:
        raise SystemExit(f"{a.idx}: not an idx3 ubyte file")
    n = min(n, a.limit) if a.limit else n
    images = np.frombuffer(raw[16:16 + n * h * w], dtype=np.uint8)
    np.save(a.output, images.reshape(n, h, w))


if __name__ == "__main__":
    main()
