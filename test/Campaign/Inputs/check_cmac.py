# Checks an onnc-campaign --memory=cmac CSV + summary (argv: runs.csv
# summary.json [onnc-run-report.json]): the same chip for every mitigation
# of an (operand, bit, stuck) point, seed 000's statements on the numbers,
# and the summary's pooling.
import csv, json, sys

rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
summary = json.load(open(sys.argv[2]))

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

free = [r for r in rows if r["operand"] == "-"]
if len(free) != 1 or free[0]["run"] != "0" or free[0]["map_hash"] != "-":
    fail("expected one fault-free run, run 0, without a map")
clean = int(free[0]["top1_correct"])
if len(sys.argv) > 3:
    rep = json.load(open(sys.argv[3]))
    if rep["top1_correct"] != clean or rep["count"] != int(free[0]["count"]):
        fail("fault-free %d != onnc-run %d" % (clean, rep["top1_correct"]))
by = {}
for r in rows[1:]:
    key = (r["operand"], int(r["bit"]), int(r["stuck"]))
    by.setdefault(key, {})[r["mitigation"]] = r
    if r["faulty_lanes"] != "2":
        fail("run %s: expected 2 faulty lanes (cells 0 and 32)" % r["run"])
    clamp = int(r["clamped_weights"])
    if (clamp > 0) != (r["operand"] == "weight" and r["mitigation"] == "sign-bit-clamp" and int(r["bit"]) < 7):
        fail("run %s: clamped_weights %d" % (r["run"], clamp))
for key, m in by.items():
    hashes = {r["map_hash"] for r in m.values()}
    if len(hashes) != 1:
        fail("different chips at %r" % (key,))
    hit = {k: int(r["top1_correct"]) for k, r in m.items()}
    # Nothing repairs the sign bit.
    if key[1] == 7 and len(set(hit.values())) != 1:
        fail("a mitigation changed a bit-7 fault: %r %r" % (key, hit))
# Activations are >= 0 (ReLU): a data bit-6 stuck-at-1 lane costs accuracy
# and sign-bit substitution recovers most of it.
d6 = by.get(("data", 6, 1))
if d6:
    none, sb = int(d6["none"]["top1_correct"]), int(d6["sign-bit"]["top1_correct"])
    if not none < clean - 10:
        fail("data bit 6 sa1 costs too little: %d vs %d" % (none, clean))
    if not sb - none >= 0.6 * (clean - none):
        fail("sign-bit recovers too little: %d -> %d of %d" % (none, sb, clean))
# Summary: one point per row (one map each), pooled fields equal the row.
pts = summary["points"]
if len(pts) != len(rows) - 1:
    fail("expected %d points, got %d" % (len(rows) - 1, len(pts)))
for p in pts:
    r = by[(p["operand"], p["bit"], p["stuck"])][p["mitigation"]]
    if p["top1_correct"] != int(r["top1_correct"]) or p["runs"] != 1:
        fail("point %r does not pool its row" % p)
    if not p["top1_ci_low"] <= p["top1_mean"] <= p["top1_ci_high"]:
        fail("interval does not contain the mean: %r" % p)
if summary["fault_free"]["top1_correct"] != clean:
    fail("fault_free point")
print("ok")
