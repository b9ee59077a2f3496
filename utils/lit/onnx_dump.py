#!/usr/bin/python3
"""Checks an ONNX model with onnx.checker and prints it one line per item,
for FileCheck in the test suite:

  opset 13
  input x FLOAT [1, 2, 4, 4]
  init w INT8 [3, 2, 1, 1]
  init w.scale FLOAT [3] = [0.0039, ...]        (small initializers: values)
  node QuantizeLinear (x, qdq.scale, qdq.zero_point.i8) -> (x.q) {}
  node DequantizeLinear (w, w.scale, ...) -> (w.dq) {axis=0}
  output r FLOAT [1, 3, 4, 4]

  onnx_dump.py MODEL.onnx [--no-check]

Exits 1 (after printing the checker's message) if the model does not
check. Models at an opset newer than the installed onnx package knows are
reported as "checker: skipped (opset N > M)" instead."""
import argparse
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def dims(t):
    return "[" + ", ".join(str(d.dim_value) if d.HasField("dim_value") else "?"
                           for d in t.shape.dim) + "]"


def type_name(elem):
    return onnx.TensorProto.DataType.Name(elem)


def fmt_attr(a):
    v = helper.get_attribute_value(a)
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, float):
        v = f"{v:.9g}"
    if isinstance(v, onnx.TensorProto):
        v = "tensor"
    return f"{a.name}={v}"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--no-check", action="store_true")
    a = ap.parse_args()
    m = onnx.load(a.model)
    opset = max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    known = onnx.defs.onnx_opset_version()
    if a.no_check:
        pass
    elif opset > known:
        print(f"checker: skipped (opset {opset} > {known})")
    else:
        try:
            onnx.checker.check_model(m, full_check=True)
        except Exception as e:  # the checker raises several types
            print(f"checker: FAILED: {e}")
            return 1
        print("checker: ok")
    print(f"opset {opset}")
    g = m.graph
    inits = {t.name for t in g.initializer}
    for i in g.input:
        if i.name not in inits:
            t = i.type.tensor_type
            print(f"input {i.name} {type_name(t.elem_type)} {dims(t)}")
    for t in g.initializer:
        line = f"init {t.name} {type_name(t.data_type)} {list(t.dims)}"
        arr = numpy_helper.to_array(t)
        if arr.size <= 8:
            vals = ", ".join(f"{v:.9g}" if arr.dtype.kind == "f" else str(v)
                             for v in arr.ravel().tolist())
            line += f" = [{vals}]"
        print(line)
    for n in g.node:
        attrs = ", ".join(fmt_attr(x) for x in n.attribute)
        print(f"node {n.op_type} ({', '.join(n.input)}) -> "
              f"({', '.join(n.output)}) {{{attrs}}}")
    for o in g.output:
        t = o.type.tensor_type
        print(f"output {o.name} {type_name(t.elem_type)} {dims(t)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
