"""Builds lrn_cnn.onnx: conv -> relu -> LRN -> conv -> relu -> LRN -> maxpool
-> conv, 16 channels, 12x12 input, seeded weights, strongly normalising
LRNs (so the LUT matters), plus random inputs images.npy.

Usage: make_lrn_cnn.py OUT_DIR [N_IMAGES]
       make_lrn_cnn.py --check INT8.npy FLOAT.npy   (int8 vs float sanity:
       rms error below 2 % of the largest float output)
"""
import sys
import numpy as np

if sys.argv[1] == "--check":
    a, b = np.load(sys.argv[2]), np.load(sys.argv[3])
    rel = float(np.sqrt(((a - b) ** 2).mean()) / np.abs(b).max())
    print("int8 vs float: rms error %.4f of max |output|: %s"
          % (rel, "ok" if rel < 0.02 else "TOO LARGE"))
    sys.exit(0 if rel < 0.02 else 1)

import onnx
from onnx import helper, numpy_helper, TensorProto

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
rng = np.random.default_rng(7)


def w(name, shape, scale):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) * scale).astype(np.float32), name)


inits = [w("w1", (16, 1, 3, 3), 0.5), w("b1", (16,), 0.1),
         w("w2", (16, 16, 3, 3), 0.15), w("b2", (16,), 0.1),
         w("w3", (8, 16, 1, 1), 0.3)]
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("LRN", ["r1"], ["n1"], size=5, alpha=0.5, beta=0.75,
                     bias=1.0),
    helper.make_node("Conv", ["n1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c2"], ["r2"]),
    helper.make_node("LRN", ["r2"], ["n2"], size=3, alpha=1e-4, beta=0.75,
                     bias=2.0),
    helper.make_node("MaxPool", ["n2"], ["p2"], kernel_shape=[2, 2],
                     strides=[2, 2]),
    helper.make_node("Conv", ["p2", "w3"], ["y"]),
]
g = helper.make_graph(
    nodes, "lrn_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 12, 12])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 6, 6])],
    inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, out + "/lrn_cnn.onnx")
np.save(out + "/images.npy",
        rng.uniform(-1, 1, (n, 1, 12, 12)).astype(np.float32))
