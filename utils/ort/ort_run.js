#!/usr/bin/env node
// Runs an ONNX model in onnxruntime-node on images from an IDX file and
// writes the outputs as a float32 .npy: the reference our interpreter's
// logits are compared against (test suite) and timed against (utils/bench).
//
//   node ort_run.js --model M.onnx --images t10k-images-idx3-ubyte.gz
//        [--limit N] [--batch B] [--output OUT.npy] [--scale 1/255]
//        [--threads T] [--bench SECONDS]
//        [--opt-level disabled|basic|extended|all]   (ORT graph optimizations,
//        default all; QDQ models run fused integer kernels unless disabled)
//   node ort_run.js --model M.onnx --input X.npy --output OUT.npy
//        one run on a .npy tensor (the model's first input): float32 of any
//        shape, or uint8 images scaled by --scale ([N,H,W] -> [N,1,H,W]);
//        the first output is written with its own shape.
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

function parseArgs(argv) {
  const a = {limit: 0, batch: 64, scale: 1 / 255, threads: 0, bench: 0};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`missing value for --${k}`);
    a[k] = ['limit', 'batch', 'threads', 'bench'].includes(k) ? Number(v)
         : k === 'scale' ? Number(eval(v)) : v;
  }
  if (!a.model || !(a.images || a.input))
    throw new Error('--model and --images (or --input) are required');
  return a;
}

function readIdxImages(file) {
  let buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf);
  if (buf.readUInt32BE(0) !== 0x00000803) throw new Error(`${file}: not an idx3 ubyte file`);
  const n = buf.readUInt32BE(4), h = buf.readUInt32BE(8), w = buf.readUInt32BE(12);
  return {n, h, w, pixels: buf.subarray(16, 16 + n * h * w)};
}

function writeNpyF32(file, data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0; pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file + '.tmp', Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
  fs.renameSync(file + '.tmp', file);
}

function readNpyInput(file, scale) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const f32 = /'descr': '<f4'/.test(header), u8 = /'descr': '\|u1'/.test(header);
  if (!(f32 || u8) || /'fortran_order': True/.test(header))
    throw new Error(`${file}: need a C-order float32 or uint8 array`);
  let shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',')
      .map(x => x.trim()).filter(x => x.length).map(Number);
  const body = buf.subarray(start + hlen);
  if (f32)
    return {data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), shape};
  // uint8 images (idx_to_npy.py) as onnc-run reads them: x * scale, and
  // [N, H, W] gets its channel axis.
  const data = Float32Array.from(body, v => v * scale);
  if (shape.length === 3) shape = [shape[0], 1, shape[1], shape[2]];
  return {data, shape};
}

async function runNpy(a, session) {
  const x = readNpyInput(a.input, a.scale);
  const res = await session.run({[session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape)});
  const o = res[session.outputNames[0]];
  const out = o.data instanceof Float32Array ? o.data : Float32Array.from(o.data, Number);
  if (a.output) writeNpyF32(a.output, out, o.dims);
  else console.log(`output ${session.outputNames[0]}: [${o.dims.join(', ')}]`);
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const opts = {};
  if (a.threads > 0) opts.intraOpNumThreads = a.threads;
  if (a['opt-level']) opts.graphOptimizationLevel = a['opt-level'];
  const session = await ort.InferenceSession.create(a.model, opts);
  if (a.input) return runNpy(a, session);
  const img = readIdxImages(a.images);
  const n = a.limit > 0 ? Math.min(a.limit, img.n) : img.n;
  const per = img.h * img.w;
  const inputName = session.inputNames[0];
  const batchOf = (start, count) => {
    const f = new Float32Array(count * per);
    for (let i = 0; i < count * per; ++i) f[i] = img.pixels[start * per + i] * a.scale;
    return new ort.Tensor('float32', f, [count, 1, img.h, img.w]);
  };

  if (a.bench > 0) {
    // Throughput over repeated batches for about `bench` seconds.
    const t = batchOf(0, a.batch);
    await session.run({[inputName]: t});
    let images = 0;
    const t0 = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - t0) / 1e9 < a.bench) {
      await session.run({[inputName]: t});
      images += a.batch;
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(JSON.stringify({model: a.model, batch: a.batch, images_per_second: images / secs}));
    return;
  }

  let out = null, classes = 0;
  for (let s = 0; s < n; s += a.batch) {
    const c = Math.min(a.batch, n - s);
    const res = await session.run({[inputName]: batchOf(s, c)});
    const o = res[session.outputNames[0]];
    classes = o.dims[o.dims.length - 1];
    if (!out) out = new Float32Array(n * classes);
    out.set(o.data, s * classes);
  }
  if (a.output) writeNpyF32(a.output, out, [n, classes]);
  else console.log(`ran ${n} images, ${classes} outputs each`);
}

main().catch(e => { console.error(`ort_run: error: ${e.message}`); process.exit(1); });
