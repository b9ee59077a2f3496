"""Writes a small ONNX model of residual adds for the CPU fallback test:
an add that is the first op (both operands the graph input), an add
reading the input cube and a conv, two adds in a row, and an add that is
the graph output; with --only-add, one add of the input to itself (no DLA
op at all). Usage: adds_model.py OUT.onnx [--only-add]"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(0)

    def weight(name, shape):
        data = (rng.standard_normal(shape) * 0.3).astype(np.float32)
        return numpy_helper.from_array(data, name)

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 28, 28])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 28, 28])
    conv = dict(pads=[1, 1, 1, 1])
    nodes = [
        helper.make_node("Add", ["x", "x"], ["a0"], name="add_first"),
        helper.make_node("Conv", ["a0", "w1"], ["c1"], name="c1", **conv),
        helper.make_node("Add", ["a0", "c1"], ["a1"], name="add_input"),
        helper.make_node("Conv", ["a1", "w2"], ["c2"], name="c2", **conv),
        helper.make_node("Relu", ["c2"], ["r2"], name="r2"),
        helper.make_node("Add", ["a1", "r2"], ["a2"], name="add_mid"),
        helper.make_node("Add", ["a2", "c1"], ["y"], name="add_last"),
    ]
    if "--only-add" in sys.argv:
        nodes = [helper.make_node("Add", ["x", "x"], ["y"], name="add_only")]
    graph = helper.make_graph(nodes, "adds", [x], [y],
                              [weight("w1", [1, 1, 3, 3]),
                               weight("w2", [1, 1, 3, 3])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
