"""Runs onnc-run on copies of a loadable with one byte of its firmware
descriptors (network, dependency graph, op list, the used part of each
surface container) changed, and counts exits other than 0 and 1.

Usage: vp_bitflips.py IN TMP [--all] [onnc-run options...]
TMP should end in .nvdla (a damaged file is still run as a loadable). Each
byte is inverted; with --all also set to 0x80 and 0x7f (large and negative
signed values).
"""
import json, os, subprocess, sys, tempfile

src, tmp, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
muts = ["inv"]
if opts[:1] == ["--all"]:  # slower: also 0x80 and 0x7f
    muts, opts = ["inv", 0x80, 0x7F], opts[1:]
data = open(src, "rb").read()

# The descriptor blobs (DLA1 sub_interface 1..4), found through flatc's
# JSON of the file and then by content.
schema = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "..", "targets", "NVDLA", "Loadable", "Loadable.fbs")
jdir = tempfile.mkdtemp()
subprocess.check_call(["flatc", "--json", "--strict-json", "--raw-binary",
                       "-o", jdir, schema, "--", src])
with open(os.path.join(jdir, os.path.basename(src) + ".json")) as h:
    L = json.load(h)
positions = set()
for b in L["blobs"]:
    sub = b.get("sub_interface", 0)
    if sub not in (1, 2, 3, 4) or not b.get("data"):
        continue
    start = data.find(bytes(b["data"]))
    if start < 0:
        sys.exit("blob %s not found" % b["name"])
    size = len(b["data"])
    if sub == 4:  # surfaces: only the used head of each 644-byte container
        for entry in range(0, size, 644):
            positions.update(range(start + entry, start + entry + 160))
    else:
        positions.update(range(start, start + size))

n = crashes = 0
for i in sorted(positions):
    for mut in muts:
        d = bytearray(data)
        d[i] = d[i] ^ 0xFF if mut == "inv" else mut
        if d == data:
            continue
        open(tmp, "wb").write(d)
        rc = subprocess.call(["onnc-run", tmp] + opts,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        n += 1
        if rc not in (0, 1):
            crashes += 1
            print("crash at byte %d (%s): exit %d" % (i, mut, rc))
print("vp-bitflips: %d files, %d crashes" % (n, crashes))
