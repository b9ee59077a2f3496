#!/usr/bin/python3
"""Writes dataset files for the Data lit tests into OUTDIR.

    make_data.py FMNIST_DIR OUTDIR

From the Fashion-MNIST test split it writes well-formed copies in the other
formats (NPY, a folder of PGMs, text labels) and corrupted ones (truncated,
bad magic, wrong header sizes, Fortran order), so each reader's error paths
run on realistic data. Needs numpy (use /usr/bin/python3).
"""
import gzip
import os
import struct
import sys

import numpy as np


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    images = gzip.open(os.path.join(src, "t10k-images-idx3-ubyte.gz")).read()
    labels = gzip.open(os.path.join(src, "t10k-labels-idx1-ubyte.gz")).read()

    def put(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    n, h, w = struct.unpack(">III", images[4:16])
    pix = np.frombuffer(images[16:], np.uint8).reshape(n, h, w)
    lab = np.frombuffer(labels[8:], np.uint8)

    # Well-formed: the first 100 images as NPY (uint8 and float), labels as
    # int64 NPY and as text, and the first 5 images as a folder of PGMs.
    np.save(os.path.join(out, "images100.npy"), pix[:100])
    np.save(os.path.join(out, "images100_f32.npy"),
            (pix[:100, None].astype(np.float32) / 255))
    np.save(os.path.join(out, "labels100.npy"), lab[:100].astype(np.int64))
    put("labels100.txt", "\n".join(str(int(v)) for v in lab[:100]).encode())
    put("images100.idx", images[:16].replace(struct.pack(">I", n),
                                             struct.pack(">I", 100), 1)
        + images[16:16 + 100 * h * w])
    os.makedirs(os.path.join(out, "pgm"), exist_ok=True)
    for i in range(5):
        put(os.path.join("pgm", "img%02d.pgm" % i),
            b"P5\n# fashion-mnist test image\n%d %d\n255\n" % (w, h)
            + pix[i].tobytes())

    # Corrupted.
    put("truncated.idx", images[:5000])
    put("truncated.idx.gz", gzip.compress(images)[:3000])
    put("bad_magic.idx", b"\x01\x02" + images[2:])
    put("labels_images_mismatch.idx", labels[:8] + labels[8:108])
    np.save(os.path.join(out, "fortran.npy"),
            np.asfortranarray(pix[:4].astype(np.float32)))
    npy = open(os.path.join(out, "images100.npy"), "rb").read()
    put("truncated.npy", npy[:-10])
    put("bad_dims.pgm", b"P5\n28 28\n255\n" + pix[0].tobytes()[:700])
    put("labels_bad.txt", b"1\n2\nseven\n")


if __name__ == "__main__":
    main()
