#!/usr/bin/python3
"""Top-1 agreement of two executors on the same images, for the test suite.

  top1_agreement.py A B [--min 0.995] [--labels LABELS.idx.gz]

A and B are .npy files holding either logits [N, classes] (top-1 is the
argmax of each row) or predicted labels [N] (integers). Prints one line,
"top-1 agreement: 9987/10000 = 99.87% (min 99.50%)", plus each side's
accuracy when --labels (an IDX label file, gzip or not) is given, and exits
1 when the agreement is below --min."""
import argparse
import gzip
import sys

import numpy as np


def load_top1(path):
    a = np.load(path)
    if a.ndim >= 2:
        a = a.reshape(a.shape[0], -1).argmax(axis=1)
    return a.astype(np.int64).ravel()


def load_idx_labels(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if int.from_bytes(data[:4], "big") != 0x801:
        raise SystemExit(f"{path}: not an idx1 ubyte label file")
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, dtype=np.uint8, count=n, offset=8).astype(
        np.int64)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--min", type=float, default=0.995,
                    help="smallest passing agreement (fraction)")
    ap.add_argument("--labels", help="IDX labels: also print accuracies")
    args = ap.parse_args()
    a, b = load_top1(args.a), load_top1(args.b)
    if a.shape != b.shape:
        print(f"shape mismatch: {a.shape[0]} vs {b.shape[0]} predictions")
        return 1
    n = a.size
    same = int((a == b).sum())
    frac = same / n if n else 0.0
    print(f"top-1 agreement: {same}/{n} = {100 * frac:.2f}% "
          f"(min {100 * args.min:.2f}%)")
    if args.labels:
        labels = load_idx_labels(args.labels)[:n]
        if labels.size != n:
            print(f"only {labels.size} labels for {n} predictions")
            return 1
        print(f"accuracy: {100 * float((a == labels).mean()):.2f}% vs "
              f"{100 * float((b == labels).mean()):.2f}%")
    if n == 0 or frac < args.min:
        bad = np.nonzero(a != b)[0]
        if bad.size:
            print(f"first disagreement at image {bad[0]}: {a[bad[0]]} vs "
                  f"{b[bad[0]]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
