"""Writes a small CNN exercising the quantize pass through the ONNX
importer and the default pipeline: a grouped strided Conv with
auto_pad=SAME_UPPER, BatchNormalization (folded by `default`), Relu, MaxPool,
Flatten, a Gemm with transB=0 and alpha, and a final Softmax."""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

rng = np.random.default_rng(7)
def init(name, shape, scale=0.5):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) * scale).astype(np.float32), name)

inits = [
    init("w1", (4, 1, 3, 3)), init("b1", (4,), 0.1),
    numpy_helper.from_array(np.array([1.0, 0.5, 2.0, 1.5], np.float32), "g"),
    numpy_helper.from_array(np.array([0.1, -0.1, 0.2, 0.0], np.float32), "be"),
    numpy_helper.from_array(np.array([0.0, 0.1, -0.1, 0.2], np.float32), "mu"),
    numpy_helper.from_array(np.array([1.0, 2.0, 0.5, 1.0], np.float32), "va"),
    init("wf", (16, 3)), init("bf", (3,), 0.1),
]
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["conv"], name="conv",
                     auto_pad="SAME_UPPER", strides=[2, 2], group=2),
    helper.make_node("BatchNormalization", ["conv", "g", "be", "mu", "va"],
                     ["bn"], name="bn"),
    helper.make_node("Relu", ["bn"], ["relu"], name="relu"),
    helper.make_node("MaxPool", ["relu"], ["pool"], name="pool",
                     kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Flatten", ["pool"], ["flat"], name="flat"),
    helper.make_node("Gemm", ["flat", "wf", "bf"], ["logits"], name="fc",
                     alpha=0.5),
    helper.make_node("Softmax", ["logits"], ["prob"], name="softmax", axis=1),
]
graph = helper.make_graph(
    nodes, "small_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 8, 8])],
    [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [1, 3])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
