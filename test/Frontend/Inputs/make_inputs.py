#!/usr/bin/python3
"""Regenerates the small ONNX models the Frontend lit tests import.

Run from anywhere with /usr/bin/python3 (needs the onnx and numpy
packages); the outputs are committed so the tests do not need Python:

    /usr/bin/python3 test/Frontend/Inputs/make_inputs.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F = TensorProto.FLOAT


def save(model, name):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model.SerializeToString())


def model(nodes, inputs, outputs, inits=(), opset=13, value_info=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits),
                          value_info=list(value_info))
    m = helper.make_model(g, producer_name="make_inputs",
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    return m


def vi(name, shape, elt=F):
    return helper.make_tensor_value_info(name, elt, shape)


def conv_relu(opset=13):
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(
        rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(np.arange(4, dtype=np.float32), "b")
    conv = helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1",
                            pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    relu = helper.make_node("Relu", ["c"], ["y"], name="relu1")
    return model([conv, relu], [vi("x", ["N", 3, 8, 8])], [vi("y", None)],
                 [w, b], opset=opset)


def main():
    good = conv_relu()
    save(good, "conv_relu.onnx")
    data = good.SerializeToString()
    with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) * 2 // 3])
    with open(os.path.join(HERE, "random.onnx"), "wb") as f:
        f.write(np.random.default_rng(1).integers(0, 256, 512,
                                                  dtype=np.uint8).tobytes())
    save(conv_relu(6), "opset6.onnx")
    # Add was redefined at opset 7 (numpy broadcasting replaced `broadcast`).
    add = helper.make_node("Add", ["x", "x"], ["y"], name="add6")
    save(model([add], [vi("x", [2, 3])], [vi("y", None)], opset=6),
         "opset6_add.onnx")
    save(conv_relu(18), "opset18.onnx")

    # Legacy opset 9: attribute forms that the IR keeps as operands, and the
    # old 2-D Softmax semantics.
    nodes = [
        helper.make_node("Squeeze", ["x"], ["s"], name="sq", axes=[0]),
        helper.make_node("Clip", ["s"], ["c"], name="clip", min=0.0, max=6.0),
        helper.make_node("Pad", ["c"], ["p"], name="pad",
                         pads=[0, 1, 1, 0, 1, 1], value=0.5),
        helper.make_node("Unsqueeze", ["p"], ["u"], name="unsq", axes=[0]),
        helper.make_node("Softmax", ["u"], ["y"], name="sm", axis=1),
    ]
    save(model(nodes, [vi("x", [1, 2, 3, 4])], [vi("y", None)], opset=9),
         "legacy_opset9.onnx")

    nodes = [
        helper.make_node("Split", ["x"], ["a", "b"], name="split", axis=1,
                         split=[1, 3]),
        helper.make_node("ReduceMean", ["b"], ["y"], name="mean", axes=[1],
                         keepdims=0),
    ]
    save(model(nodes, [vi("x", [2, 4])], [vi("a", None), vi("y", None)],
               opset=11), "legacy_opset11.onnx")

    # Constant nodes in their several attribute forms.
    nodes = [
        helper.make_node("Constant", [], ["k"], value_float=2.0),
        helper.make_node("Constant", [], ["shape"], value_ints=[3, 2]),
        helper.make_node("Constant", [], ["t"],
                         value=numpy_helper.from_array(
                             np.array([0.5], np.float32), "t")),
        helper.make_node("Mul", ["x", "k"], ["m"], name="mul"),
        helper.make_node("Add", ["m", "t"], ["a"], name="add"),
        helper.make_node("Reshape", ["a", "shape"], ["y"], name="reshape"),
    ]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", None)]),
         "constant_nodes.onnx")

    # External data: the weights live in external_data.bin at offset 16.
    wv = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8
    with open(os.path.join(HERE, "external_data.bin"), "wb") as f:
        f.write(b"\0" * 16 + wv.tobytes())
    w = TensorProto()
    w.name, w.data_type = "w", F
    w.dims.extend([2, 3, 4])
    w.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "external_data.bin"), ("offset", "16"),
                 ("length", str(wv.nbytes))):
        e = w.external_data.add()
        e.key, e.value = k, v
    add = helper.make_node("Add", ["x", "w"], ["y"], name="add")
    save(model([add], [vi("x", [2, 3, 4])], [vi("y", None)], [w]),
         "external_data.onnx")
    bad = onnx.ModelProto()
    bad.CopyFrom(model([add], [vi("x", [2, 3, 4])], [vi("y", None)], [w]))
    bad.graph.initializer[0].external_data[1].value = "64"
    save(bad, "external_data_bad_offset.onnx")
    bad.graph.initializer[0].external_data[0].value = "missing.bin"
    bad.graph.initializer[0].external_data[1].value = "0"
    save(bad, "external_data_missing_file.onnx")

    # Errors.
    foo = helper.make_node("Foo", ["x"], ["y"], name="Foo_3")
    save(model([foo], [vi("x", [1])], [vi("y", None)]), "unsupported_op.onnx")
    relu = helper.make_node("Relu", ["x"], ["y"], name="relu", bogus=1)
    save(model([relu], [vi("x", [1])], [vi("y", None)]),
         "unsupported_attr.onnx")
    conv = helper.make_node("Conv", ["x", "w"], ["y"], name="conv")
    save(model([conv], [vi("x", [1, 1, 4, 4])], [vi("y", None)]),
         "missing_initializer.onnx")
    add = helper.make_node("Add", ["x", "ghost"], ["y"])
    save(model([add], [vi("x", [1])], [vi("y", None)]),
         "undefined_input.onnx")
    add = helper.make_node("Add", ["a", "b"], ["y"], name="add0")
    save(model([add], [vi("a", [1, 3]), vi("b", [1, 4])], [vi("y", None)]),
         "inconsistent_add.onnx")
    w = numpy_helper.from_array(np.zeros((4, 2, 3, 3), np.float32), "w")
    conv = helper.make_node("Conv", ["x", "w"], ["y"], name="conv_bad")
    save(model([conv], [vi("x", [1, 3, 8, 8])], [vi("y", None)], [w]),
         "conv_channels.onnx")
    w = numpy_helper.from_array(np.zeros((4,), np.float32), "w")
    w.raw_data = w.raw_data[:12]
    add = helper.make_node("Add", ["x", "w"], ["y"], name="add")
    save(model([add], [vi("x", [4])], [vi("y", None)], [w]),
         "initializer_size_mismatch.onnx")


if __name__ == "__main__":
    main()
