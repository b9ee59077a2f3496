"""Writes hostile variants of CONV_D_L0_0_small / SDP_X1_L0_0_small for the
virtual platform's error tests: the file stays a valid loadable (the reader
accepts it), only a firmware descriptor is changed.

Usage: vp_patch.py KIND IN OUT   (flatc on PATH; edits flatc's JSON of the
file and rebuilds it with flatc -b, like corrupt.py)
"""
import json, os, subprocess, sys, tempfile

kind, src, dst = sys.argv[1:4]
schema = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "..", "targets", "NVDLA", "Loadable", "Loadable.fbs")
tmp = tempfile.mkdtemp()
subprocess.check_call(["flatc", "--json", "--strict-json", "--raw-binary",
                       "-o", tmp, schema, "--", src])
name = os.path.basename(src)
with open(os.path.join(tmp, name + ".json")) as h:
    L = json.load(h)


def blob(prefix):
    return next(b for b in L["blobs"] if b["name"].startswith(prefix))["data"]


# Offsets (legacy 0.10 layout): dependency entry i at 36 * i (count at +4,
# consumers[t] at +8 + 4t); CONV op: conv_mode +0, conv_stride_x +61;
# legacy data cubes are 28 bytes (line_stride at +16), the CONV surface is
# weight, wmb, wgs, src, dst; the SDP surface src, x1, x2, y, dst.
if kind == "deadlock":             # CONV waits for a second event
    blob("m3_DEPGraph")[4] = 2
elif kind == "chain-cycle":        # CONV's next CONV op is itself
    blob("m3_DEPGraph")[8 + 4 * 1:8 + 4 * 1 + 2] = [0, 0]
elif kind == "chain-type":         # SDP's op head names the CONV op
    blob("m0_NetworkDesc")[16 + 2 * 2:16 + 2 * 2 + 2] = [0, 0]
elif kind == "winograd":           # CONV conv_mode 1
    blob("m1_OpList")[0] = 1
elif kind == "stride-zero":        # CONV conv_stride_x 0
    blob("m1_OpList")[61] = 0
elif kind == "dst-width":          # CONV dst_data.width 9 (gives 8)
    blob("m2_SurfList")[4 * 28 + 8] = 9
elif kind == "line-stride":        # SDP src_data.line_stride 128: past the end
    blob("m2_SurfList")[16:20] = [128, 0, 0, 0]
elif kind == "no-engine":          # nothing: run it on a config without BDMA
    pass
else:
    sys.exit("unknown kind " + kind)
js = os.path.join(tmp, name + ".json")
with open(js, "w") as h:
    json.dump(L, h)
subprocess.check_call(["flatc", "-b", "-o", tmp, schema, js])
os.replace(os.path.join(tmp, name + ".nvdla"), dst)
