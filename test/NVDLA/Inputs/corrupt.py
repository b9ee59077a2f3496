"""Writes corrupt copies of a loadable for the error tests.

Usage: corrupt.py KIND IN OUT   (flatc on PATH; the schema is found from
this script's place in the source tree)
  truncate, garbage: raw byte damage
  other kinds edit flatc's JSON of the file and rebuild it with flatc -b.
"""
import json, os, subprocess, sys, tempfile

kind, src, dst = sys.argv[1:4]
schema = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "..", "targets", "NVDLA", "Loadable", "Loadable.fbs")
data = bytearray(open(src, "rb").read())
if kind == "truncate":
    open(dst, "wb").write(data[: len(data) // 2])
    sys.exit(0)
if kind == "garbage":
    open(dst, "wb").write(bytes((i * 37 + 11) & 0xFF for i in range(64)))
    sys.exit(0)

tmp = tempfile.mkdtemp()
subprocess.check_call(["flatc", "--json", "--strict-json", "--raw-binary",
                       "-o", tmp, schema, "--", src])
name = os.path.basename(src)
with open(os.path.join(tmp, name + ".json")) as h:
    L = json.load(h)

def blob(prefix):
    return next(b for b in L["blobs"] if b["name"].startswith(prefix))

if kind == "addr-offset":          # address 5 past the end of memory 5
    L["address_list"][5]["offset"] = 4096
elif kind == "missing-blob":       # memory 4's contents name no blob
    L["memory_list"][4]["contents"] = ["no_such_blob"]
elif kind == "task-address":       # task 0 names address 77
    L["task_list"][0]["address_list"].append(77)
elif kind == "tensor-mem":         # tensor desc in memory 99
    L["tensor_desc_list"][0]["mem_id"] = 99
elif kind == "submit-task":        # submit of task 9
    L["submit_list"][0]["task_id"] = [9]
elif kind == "num-ops":            # network desc num_operations = 5
    d = blob("m0_NetworkDesc")["data"]
    d[30], d[31] = 5, 0
elif kind == "op-type":            # dependency entry op_type = 9
    blob("m3_DEPGraph")["data"][3] = 9
elif kind == "cube-size":          # legacy PDP src_data.size = 4096
    blob("m2_SurfList")["data"][4:8] = [0, 16, 0, 0]
elif kind == "cube-address":       # legacy PDP src_data.address = 9
    blob("m2_SurfList")["data"][2:4] = [9, 0]
elif kind == "desc-version":       # descriptor blobs at 0.9
    for b in L["blobs"]:
        b["version"]["minor"] = 9
else:
    sys.exit("unknown kind " + kind)
js = os.path.join(tmp, name + ".json")
with open(js, "w") as h:
    json.dump(L, h)
subprocess.check_call(["flatc", "-b", "-o", tmp, schema, js])
os.replace(os.path.join(tmp, name + ".nvdla"), dst)
