#!/usr/bin/python3
"""Compares two .npy files for the test suite and prints a one-line verdict.

  compare_npy.py GOT WANT --atol 1e-4 [--same-argmax]   # float outputs
  compare_npy.py GOT WANT --exact                       # labels, int data
  compare_npy.py GOT WANT --bitwise                     # same dtype, same bits

Exits 1 (and says where) when they differ."""
import argparse
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("got")
    ap.add_argument("want")
    ap.add_argument("--atol", type=float, default=0.0)
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--same-argmax", action="store_true")
    ap.add_argument("--bitwise", action="store_true",
                    help="identical dtype, shape and bytes (floats too)")
    a = ap.parse_args()
    got, want = np.load(a.got), np.load(a.want)
    if a.bitwise:
        if got.dtype != want.dtype or got.shape != want.shape:
            print(f"dtype/shape mismatch: {got.dtype}{got.shape} vs "
                  f"{want.dtype}{want.shape}")
            return 1
        gb = np.ascontiguousarray(got).view(np.uint8).reshape(got.size, -1)
        wb = np.ascontiguousarray(want).view(np.uint8).reshape(want.size, -1)
        bad = np.nonzero((gb != wb).any(axis=1))[0]
        if bad.size:
            print(f"{bad.size} of {got.size} differ bitwise; first at "
                  f"{bad[0]}: {got.ravel()[bad[0]]!r} vs {want.ravel()[bad[0]]!r}")
            return 1
        print(f"bitwise match: {got.size} values")
        return 0
    if a.exact:
        got, want = got.astype(np.int64).ravel(), want.astype(np.int64).ravel()
    if got.shape != want.shape:
        print(f"shape mismatch: {got.shape} vs {want.shape}")
        return 1
    if a.exact:
        bad = np.nonzero(got != want)[0]
        if bad.size:
            print(f"{bad.size} of {got.size} differ; first at {bad[0]}: "
                  f"{got[bad[0]]} vs {want[bad[0]]}")
            return 1
        print(f"exact match: {got.size} values")
        return 0
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    worst = float(diff.max()) if diff.size else 0.0
    if worst > a.atol:
        i = np.unravel_index(np.argmax(diff), diff.shape)
        print(f"max abs diff {worst:.3g} > {a.atol:g} at {tuple(int(x) for x in i)}")
        return 1
    if a.same_argmax:
        ga, wa = got.argmax(axis=-1), want.argmax(axis=-1)
        n = int((ga != wa).sum())
        if n:
            print(f"top-1 differs on {n} rows")
            return 1
    print(f"match: max abs diff {worst:.3g} <= {a.atol:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
