#!/usr/bin/env python3
"""campaign_pytorch.py - the seed-001 LeNet-5 campaign written plainly in
PyTorch, as a yardstick for onnc-campaign's speed (utils/bench/README.md).

    /usr/bin/python3 utils/bench/campaign_pytorch.py [--bits=4] [--maps=20]
        [--rates=0.1%,0.2%,0.5%,1%,2%,5%] [--sa1-share=0.8]
        [--mitigations=none,add-sub,lsb,c1,optimal:c1] [--threads=2]
        [--model=docs/examples/models/lenet5.onnx]
        [--data=/usr/share/datasets/fashion-mnist] [--limit=0]

The same work as onnc-campaign's sweep, done the obvious way:
  - LeNet-5 rebuilt in torch (architecture of utils/models/train_fashion_mnist.py)
    with the ONNX file's weights;
  - weights quantized per output channel, symmetric, to Q bits
    (+-(2^(Q-1)-1)), stored as Q-bit two's complement words;
  - per (rate, map): every weight word's stuck-at masks drawn with numpy
    (each of its Q cells stuck with probability rate, stuck at 1 with
    probability sa1-share), the same chip for every mitigation;
  - per mitigation: each word mitigated and read back through its faults and
    the decoder, by a lookup in a per-(value, sa0, sa1) table precomputed with
    a plain Python implementation of seed 001's Algorithms 1-3 (Add/Sub, LSB,
    C-1) and the exact optimum for the C-1 decoder, following
    docs/DefectMapFormat.md (LSB rounds odd values towards zero first; C-1
    tries both initial flips);
  - float inference of the test images with torch (activations are not
    quantized), counting top-1 hits.
The maps are not those of onnc-campaign (different RNG); the point is equal
work. Prints the fault-free accuracy (sanity, not timed), per-point mean
top-1, and the sweep's wall and CPU time ("pytorch_wall_s=...").
"""

import argparse
import gzip
import os
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F

# --------------------------------------------------------------------------
# The word model and the mitigations (plain Python, one word at a time).


def popcount(x):
    return bin(x).count("1")


class Words:
    """Q-bit words; values in the two's complement view."""

    def __init__(self, q):
        self.q = q
        self.mask = (1 << q) - 1
        self.lo = -(1 << (q - 1))
        self.hi = (1 << (q - 1)) - 1

    def pat(self, v):
        return v & self.mask

    def val(self, p):
        p &= self.mask
        return p - (1 << self.q) if p >> (self.q - 1) else p

    @staticmethod
    def read(s, sa0, sa1):
        return (s & ~sa0) | sa1

    def nonsilent(self, s, sa0, sa1):
        return ((s & sa0) | (~s & sa1)) & self.mask

    def add_sub(self, target, sa0, sa1):
        """Algorithm 1 on the value `target`: a stored pattern whose defects
        are all silent, near `target`."""
        s = self.pat(target)
        ns = self.nonsilent(s, sa0, sa1)
        if ns == 0:
            return s
        k = ns.bit_length() - 1
        defect = sa0 | sa1
        low = (1 << k) - 1

        def option(add):
            hi_part = (target >> k) + (1 if add else -1)  # arithmetic shift
            lim = 1 << (self.q - 1 - k)
            in_range = -lim <= hi_part <= lim - 1
            fill = 0 if add else low
            p = self.pat(hi_part << k)
            p |= (fill & ~defect & low) | (sa1 & low)
            higher_ok = (self.nonsilent(p, sa0, sa1) & ~low) == 0
            below_ok = k == 0 or not (defect >> (k - 1)) & 1
            return p, in_range, higher_ok, below_ok

        if k == 0:
            # No b(k-1): the option that sets bit 0 without carry or borrow.
            first_add = not (s & 1)
        else:
            first_add = bool((s >> (k - 1)) & 1)
        a = option(first_add)
        b = option(not first_add)
        # The preferred option if valid; else the other one unless it fails
        # (1) or (2) too, in which case the preferred one is kept if only (3)
        # rejected it (docs/DefectMapFormat.md, Add/Sub).
        if all(a[1:]):
            return a[0]
        if b[1] and b[2]:
            return b[0]
        if a[1] and a[2]:
            return a[0]
        return b[0]

    # Decoders.
    def dec_none(self, r):
        return self.val(r)

    def dec_lsb(self, r):
        return self.val(~r if r & 1 else r)

    def dec_c1(self, r):
        return self.val(~r if popcount(r & self.mask) & 1 else r)

    def lsb(self, w, sa0, sa1):
        """Algorithm 2 (odd values rounded towards zero first)."""
        if w & 1:
            w = w - 1 if w > 0 else w + 1
        defect = (sa0 | sa1) & self.mask
        flag = 0
        s = self.pat(w)
        if not (defect & 1):
            if defect:
                top = 1 << (defect.bit_length() - 1)
                if self.nonsilent(s, sa0, sa1) & top:
                    s, flag = self.pat(~s), 1
        elif sa1 & 1:
            s, flag = (self.pat(~s) & ~1) | (s & 1), 1  # bits Q-1..1
        # Add/Sub the remaining non-silent defect (a defective b0 already
        # holds its stuck value as the flag); then b0 := flag.
        s = self.add_sub(self.val(s), sa0, sa1)
        return (s & ~1) | flag

    def c1_once(self, w, sa0, sa1, flip):
        s = self.pat(w)
        if flip:
            s = self.pat(~s)
        s = self.add_sub(self.val(s), sa0, sa1)
        if (popcount(s) & 1) != flip:
            free = ~(sa0 | sa1) & self.mask
            if free:
                s ^= free & -free  # the rightmost fault-free bit
        return s

    def c1(self, w, sa0, sa1):
        """Algorithm 3, run with both initial flips; keep the nearer."""
        defect = (sa0 | sa1) & self.mask
        text_flip = 0
        if defect:
            top = 1 << (defect.bit_length() - 1)
            text_flip = int(bool(self.nonsilent(self.pat(w), sa0, sa1) & top))
        best = self.c1_once(w, sa0, sa1, text_flip)
        other = self.c1_once(w, sa0, sa1, 1 - text_flip)
        d = lambda s: abs(self.dec_c1(self.read(s, sa0, sa1)) - w)
        return other if d(other) < d(best) else best

    def optimal_c1(self, w, sa0, sa1):
        """Exhaustive: the stored word whose C-1 decoded read is nearest."""
        best = None
        for s in range(1 << self.q):
            v = self.dec_c1(self.read(s, sa0, sa1))
            key = (abs(v - w), abs(v), v)
            if best is None or key < best[0]:
                best = (key, v)
        return best[1]


def decode_tables(q, policies):
    """table[policy][w + 2^(q-1), sa0, sa1] = the value computed with."""
    W = Words(q)
    n = 1 << q
    tabs = {}
    for p in policies:
        t = np.zeros((n, n, n), dtype=np.int32)
        for w in range(W.lo, W.hi + 1):
            for sa0 in range(n):
                for sa1 in range(n):
                    if sa0 & sa1:
                        continue
                    if p == "none":
                        v = W.dec_none(W.read(W.pat(w), sa0, sa1))
                    elif p == "add-sub":
                        v = W.dec_none(W.read(W.add_sub(w, sa0, sa1), sa0, sa1))
                    elif p == "lsb":
                        v = W.dec_lsb(W.read(W.lsb(w, sa0, sa1), sa0, sa1))
                    elif p == "c1":
                        v = W.dec_c1(W.read(W.c1(w, sa0, sa1), sa0, sa1))
                    elif p == "optimal:c1":
                        v = W.optimal_c1(w, sa0, sa1)
                    else:
                        raise SystemExit("unknown mitigation '%s'" % p)
                    t[w - W.lo, sa0, sa1] = v
        tabs[p] = t
    return tabs


def check_tables(q, tabs, onnc_defect):
    """Compare every table entry with `onnc-defect approx --signed` (the
    compiler's encoders); returns the number of differing entries."""
    import subprocess
    import tempfile
    lo, hi = -(1 << (q - 1)) + 1, (1 << (q - 1)) - 1
    rows = [(w, a, b) for w in range(lo, hi + 1) for a in range(1 << q)
            for b in range(1 << q) if not a & b]
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        words = os.path.join(d, "words.csv")
        with open(words, "w") as f:
            f.writelines("%d,%d,%d\n" % r for r in rows)
        for p, t in tabs.items():
            out = os.path.join(d, "out.csv")
            subprocess.run([onnc_defect, "approx", "--bits=%d" % q, "--signed",
                            "--policy=" + p, "--words=" + words, "-o", out],
                           check=True)
            with open(out) as f:
                got = [int(l.rsplit(",", 1)[1]) for l in f
                       if l.strip() and not l[0].isalpha()]
            diff = sum(1 for (w, a, b), g in zip(rows, got)
                       if t[w + (1 << (q - 1)), a, b] != g)
            diff += abs(len(got) - len(rows))
            print("check: %-10s %d (value, sa0, sa1) inputs, %d differ from "
                  "onnc-defect approx" % (p, len(rows), diff))
            bad += diff
    return bad


# --------------------------------------------------------------------------
# Model and data.

LAYERS = ["conv1", "conv2", "fc1", "fc2", "fc3"]


def load_weights(path):
    m = onnx.load(path)
    return {i.name: numpy_helper.to_array(i).astype(np.float32)
            for i in m.graph.initializer}


def lenet5(x, w):
    x = F.max_pool2d(F.relu(F.conv2d(x, w["conv1.weight"], w["conv1.bias"], padding=2)), 2)
    x = F.max_pool2d(F.relu(F.conv2d(x, w["conv2.weight"], w["conv2.bias"])), 2)
    x = torch.flatten(x, 1)
    x = F.relu(F.linear(x, w["fc1.weight"], w["fc1.bias"]))
    x = F.relu(F.linear(x, w["fc2.weight"], w["fc2.bias"]))
    return F.linear(x, w["fc3.weight"], w["fc3.bias"])


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def parse_rate(s):
    return float(s[:-1]) / 100 if s.endswith("%") else float(s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bits", type=int, default=4)
    ap.add_argument("--maps", type=int, default=20)
    ap.add_argument("--rates", default="0.1%,0.2%,0.5%,1%,2%,5%")
    ap.add_argument("--sa1-share", type=float, default=0.8)
    ap.add_argument("--mitigations", default="none,add-sub,lsb,c1,optimal:c1")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--batch", type=int, default=2500)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    ap.add_argument("--model", default=os.path.join(root, "docs/examples/models/lenet5.onnx"))
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--check", metavar="ONNC_DEFECT",
                    help="only compare the tables with this onnc-defect's "
                         "'approx' on every input and exit (1 if any differ)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    q = a.bits
    rates = [parse_rate(r) for r in a.rates.split(",")]
    mits = a.mitigations.split(",")

    t0 = time.time()
    tabs = decode_tables(q, mits)
    t_tables = time.time() - t0
    if a.check:
        sys.exit(1 if check_tables(q, tabs, a.check) else 0)

    images = read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    if a.limit:
        images, labels = images[:a.limit], labels[:a.limit]
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(labels)
    batches = [(x[i:i + a.batch], y[i:i + a.batch]) for i in range(0, len(y), a.batch)]

    # Per-output-channel symmetric quantization of the five weight tensors.
    fw = load_weights(a.model)
    qmax = (1 << (q - 1)) - 1
    wq, scale = {}, {}
    for l in LAYERS:
        w = fw[l + ".weight"]
        m = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
        s = np.where(m > 0, m / qmax, 1.0).astype(np.float32)
        scale[l] = s.reshape((-1,) + (1,) * (w.ndim - 1))
        wq[l] = np.clip(np.rint(w / scale[l]), -qmax, qmax).astype(np.int32)
    sizes = [wq[l].size for l in LAYERS]
    flat = np.concatenate([wq[l].ravel() for l in LAYERS])
    n = flat.size

    def evaluate(values):
        w = {l + ".bias": torch.from_numpy(fw[l + ".bias"]) for l in LAYERS}
        off = 0
        for l, sz in zip(LAYERS, sizes):
            v = values[off:off + sz].reshape(wq[l].shape).astype(np.float32) * scale[l]
            w[l + ".weight"] = torch.from_numpy(v)
            off += sz
        hits = 0
        with torch.inference_mode():
            for xb, yb in batches:
                hits += int((lenet5(xb, w).argmax(1) == yb).sum())
        return hits

    ff = evaluate(flat)
    print("campaign_pytorch: LeNet-5, %d-bit weights, %d words, %d images; "
          "fault-free top-1 %.4f (tables: %.2f s)" % (q, n, len(y), ff / len(y), t_tables))

    bits = 1 << np.arange(q, dtype=np.int32)
    idx = flat + (1 << (q - 1))
    c0, w0 = time.process_time(), time.time()
    runs = 0
    for ri, r in enumerate(rates):
        acc = {m: 0 for m in mits}
        for k in range(a.maps):
            rng = np.random.default_rng([a.seed, ri, k])
            stuck = rng.random((n, q)) < r
            one = rng.random((n, q)) < a.sa1_share
            sa1 = ((stuck & one) * bits).sum(1)
            sa0 = ((stuck & ~one) * bits).sum(1)
            for m in mits:
                acc[m] += evaluate(tabs[m][idx, sa0, sa1])
                runs += 1
        print("  rate %-6s " % ("%g%%" % (100 * r)) + " ".join(
            "%s=%.4f" % (m, acc[m] / (a.maps * len(y))) for m in mits), flush=True)
    wall = time.time() - w0
    cpu = time.process_time() - c0
    print("campaign_pytorch: %d runs x %d images in %.1f s wall, %.1f s CPU "
          "(%.2f runs/s, %.0f images/s, %d threads)"
          % (runs, len(y), wall, cpu, runs / wall, runs * len(y) / wall, a.threads))
    print("pytorch_wall_s=%.2f" % wall)


if __name__ == "__main__":
    main()
