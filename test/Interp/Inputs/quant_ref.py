#!/usr/bin/env python3
"""Independent numpy reference of the quant.* ops (include/onncf/IR/QuantOps.h).

Runs a small text-IR graph (inline dense constants only) made of quant.*
ops and the value-preserving onnx.* ops (MaxPool, Flatten, Reshape,
Identity), written from the spec's formulas in numpy int64, and compares
the result with an onnc-run output .npy exactly (bit for bit).

    quant_ref.py GRAPH.ir INPUT.npy ONNC_OUTPUT.npy
"""
import re
import sys

import numpy as np


def saturate(x, bits):
    return np.clip(x, -(1 << (bits - 1)), (1 << (bits - 1)) - 1)


def round_shift(x, s):
    """x / 2^s rounded half away from zero (symmetric for negatives)."""
    x = np.asarray(x, dtype=np.int64)
    if s == 0:
        return x
    mag = np.abs(x)
    q = (mag >> s) + ((mag >> (s - 1)) & 1)
    return np.where(x < 0, -q, q)


def epilogue(v, mul, shift, relu, cmin, cmax, out_bits):
    """sdpMul (33-bit input x int16) -> sdpTruncate -> relu -> clamp -> out."""
    p = saturate(v, 33) * mul
    t = saturate(round_shift(p, shift), 32)
    if relu:
        t = np.maximum(t, 0)
    if cmin is not None:
        t = np.maximum(t, cmin)
    if cmax is not None:
        t = np.minimum(t, cmax)
    return saturate(t, out_bits)


def round_half_away(q):
    r = np.trunc(q)
    return r + np.where(np.abs(q - r) >= 0.5, np.sign(q), 0)


# --- a small parser for the subset of the text IR used here -------------

def parse_value(text):
    text = text.strip()
    if text.startswith('['):
        return [parse_value(t) for t in text[1:-1].split(',') if t.strip()]
    if text.startswith('"'):
        return text[1:-1]
    if re.fullmatch(r'-?\d+', text):
        return int(text)
    return np.float32(float(text))


def parse_attrs(text):
    attrs = {}
    for m in re.finditer(r'(\w+)\s*=\s*(\[[^\]]*\]|"[^"]*"|[^,}]+)', text):
        attrs[m.group(1)] = parse_value(m.group(2))
    return attrs


DTYPES = {'i8': np.int8, 'i16': np.int16, 'i32': np.int32, 'i64': np.int64,
          'f32': np.float32}


def parse_graph(path):
    consts, ops, ret = {}, [], None
    for line in open(path):
        line = line.split('//')[0].strip()
        m = re.match(r'const %(\S+) : (\w+)\[([\d,]*)\](?:\{[^}]*\})?\s*'
                     r'= dense<\[(.*)\]>', line)
        if m:
            shape = [int(d) for d in m.group(3).split(',') if d]
            vals = [float(v) for v in m.group(4).split(',') if v.strip()]
            consts[m.group(1)] = np.array(vals).astype(
                DTYPES[m.group(2)]).reshape(shape)
            continue
        m = re.match(r'%(\S+) = ([\w.]+)\(([^)]*)\)\s*(\{.*?\})?\s*:\s*(\w+)',
                     line)
        if m:
            operands = [o.strip().lstrip('%') for o in m.group(3).split(',')]
            ops.append((m.group(1), m.group(2), operands,
                        parse_attrs(m.group(4) or ''), m.group(5)))
            continue
        m = re.match(r'return %(\S+)', line)
        if m:
            ret = m.group(1)
    return consts, ops, ret


# --- the ops --------------------------------------------------------------

def epi_attrs(a):
    return dict(shift=a['shift'], relu=a.get('relu', 0),
                cmin=a.get('clamp_min'), cmax=a.get('clamp_max'),
                out_bits=a.get('out_bits', 8))


def conv(x, w, b, a):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    g = a.get('group', 1)
    sh, sw = a.get('strides', [1, 1])
    dh, dw = a.get('dilations', [1, 1])
    pt, pl, pb, pr = a.get('pads', [0, 0, 0, 0])
    xp = np.zeros((n, c, h + pt + pb, wd + pl + pr), dtype=np.int64)
    xp[:, :, pt:pt + h, pl:pl + wd] = x
    oh = (h + pt + pb - ((kh - 1) * dh + 1)) // sh + 1
    ow = (wd + pl + pr - ((kw - 1) * dw + 1)) // sw + 1
    acc = np.zeros((n, m, oh, ow), dtype=np.int64)
    mg = m // g
    for o in range(m):
        gi = o // mg
        for ci in range(cg):
            for i in range(kh):
                for j in range(kw):
                    patch = xp[:, gi * cg + ci,
                               i * dh:i * dh + (oh - 1) * sh + 1:sh,
                               j * dw:j * dw + (ow - 1) * sw + 1:sw]
                    acc[:, o] += patch * np.int64(w[o, ci, i, j])
    return output_stage(acc, b, a, axis=1)


def output_stage(acc, b, a, axis):
    ct = a.get('clip_truncate', 0)
    v = saturate(round_shift(saturate(acc, 48), ct), 32)
    shape = [1] * acc.ndim
    shape[axis] = -1
    if b is not None:
        v = v + b.astype(np.int64).reshape(shape)
    mul = np.array(a['mul'], dtype=np.int64)
    if mul.size > 1:
        mul = mul.reshape(shape)
    return epilogue(v, mul, **epi_attrs(a))


def avgpool(x, a, bits):
    n, c, h, w = x.shape
    kh, kw = a['kernel_shape']
    sh, sw = a.get('strides', [1, 1])
    pt, pl, pb, pr = a.get('pads', [0, 0, 0, 0])
    xp = np.zeros((n, c, h + pt + pb, w + pl + pr), dtype=np.int64)
    xp[:, :, pt:pt + h, pl:pl + w] = x
    oh, ow = (h + pt + pb - kh) // sh + 1, (w + pl + pr - kw) // sw + 1
    s = np.zeros((n, c, oh, ow), dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            s += xp[:, :, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw]
    rw, rh = (65536 + kw // 2) // kw, (65536 + kh // 2) // kh
    return saturate(round_shift(round_shift(s * rw, 16) * rh, 16), bits)


def maxpool(x, a):
    n, c, h, w = x.shape
    kh, kw = a['kernel_shape']
    sh, sw = a.get('strides', [1, 1])
    pt, pl, pb, pr = a.get('pads', [0, 0, 0, 0])
    low = np.iinfo(np.int64).min
    xp = np.full((n, c, h + pt + pb, w + pl + pr), low, dtype=np.int64)
    xp[:, :, pt:pt + h, pl:pl + w] = x
    oh, ow = (h + pt + pb - kh) // sh + 1, (w + pl + pr - kw) // sw + 1
    r = np.full((n, c, oh, ow), low, dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            r = np.maximum(r, xp[:, :, i:i + (oh - 1) * sh + 1:sh,
                                 j:j + (ow - 1) * sw + 1:sw])
    return r


def run(path, x):
    consts, ops, ret = parse_graph(path)
    env = dict(consts)
    env['x'] = x
    for name, kind, operands, a, rtype in ops:
        args = [env.get(o) if o != 'none' else None for o in operands]
        bits = 16 if rtype == 'i16' else 8
        if kind == 'quant.quantize':
            q = args[0].astype(np.float64) / np.float64(a['scale'])
            q = np.nan_to_num(q, nan=0.0, posinf=1e300, neginf=-1e300)
            r = saturate(round_half_away(q), a.get('bits', 8))
        elif kind == 'quant.dequantize':
            r = args[0].astype(np.float32) * np.float32(a['scale'])
        elif kind == 'quant.conv':
            r = conv(args[0], args[1], args[2] if len(args) > 2 else None, a)
        elif kind == 'quant.fc':
            acc = args[0].astype(np.int64) @ args[1].astype(np.int64).T
            r = output_stage(acc, args[2] if len(args) > 2 else None, a, 1)
        elif kind == 'quant.avgpool':
            r = avgpool(args[0], a, bits)
        elif kind == 'quant.requantize':
            r = epilogue(args[0].astype(np.int64), a['mul'][0],
                         **epi_attrs(a))
        elif kind == 'quant.add':
            bb = saturate(round_shift(saturate(args[1].astype(np.int64), 33) *
                                      a['mul_b'], a['shift_b']), 32)
            r = epilogue(args[0].astype(np.int64) + bb, a['mul'][0],
                         **epi_attrs(a))
        elif kind == 'onnx.MaxPool':
            r = maxpool(args[0], a)
        elif kind == 'onnx.Flatten':
            r = args[0].reshape(args[0].shape[0], -1)
        elif kind == 'onnx.Identity':
            r = args[0]
        else:
            sys.exit('quant_ref.py: unsupported op ' + kind)
        if rtype in DTYPES and rtype != 'f32':
            r = np.asarray(r).astype(DTYPES[rtype])
        env[name] = r
    return env[ret]


def main():
    path, xin, got = sys.argv[1:4]
    want = run(path, np.load(xin))
    got = np.load(got)
    if want.dtype != got.dtype or want.shape != got.shape:
        sys.exit('mismatch: want %s %s, got %s %s' % (
            want.dtype, want.shape, got.dtype, got.shape))
    bad = np.flatnonzero(want.view(np.uint8 if want.itemsize == 1 else
                                   'u%d' % want.itemsize) !=
                         got.view(np.uint8 if got.itemsize == 1 else
                                  'u%d' % got.itemsize))
    if bad.size:
        sys.exit('mismatch at %d elements, first %d: want %s got %s' % (
            bad.size, bad[0], want.ravel()[bad[0]], got.ravel()[bad[0]]))
    vals = want.ravel()
    print('quant_ref: %d elements identical, %d distinct values' %
          (vals.size, np.unique(vals).size))


if __name__ == '__main__':
    main()
