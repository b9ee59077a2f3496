# Checks an onnc-campaign CSV + summary against onnc-run's report of the
# fault-free model (argv: runs.csv summary.json onnc-run-report.json).
import csv, json, sys

rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
summary = json.load(open(sys.argv[2]))
clean = json.load(open(sys.argv[3]))

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

free = [r for r in rows if float(r["rate"]) == 0]
if len(free) != 1:
    fail("expected one fault-free run")
if int(free[0]["top1_correct"]) != clean["top1_correct"] or \
        int(free[0]["count"]) != clean["count"]:
    fail("fault-free %s/%s != onnc-run %s/%s" % (free[0]["top1_correct"],
         free[0]["count"], clean["top1_correct"], clean["count"]))
# Same chip for every mitigation at a (rate, map).
chips = {}
for r in rows:
    key = (r["rate"], r["map"])
    chip = (r["seed"], r["map_hash"], r["faulty_words"], r["words_1_nonsilent"])
    if chips.setdefault(key, chip) != chip:
        fail("different chips at rate %s map %s" % key)
for p in summary["points"]:
    if not p["top1_ci_low"] <= p["top1_mean"] <= p["top1_ci_high"]:
        fail("interval does not contain the mean: %r" % p)
    sel = [r for r in rows if float(r["rate"]) == p["rate"] and
           (p["rate"] == 0 or r["mitigation"] == p["mitigation"])]
    hits = sum(int(r["top1_correct"]) for r in sel)
    n = sum(int(r["count"]) for r in sel)
    if len(sel) != p["runs"] or abs(hits / n - p["top1_mean"]) > 1e-12:
        fail("point does not pool its runs: %r" % p)
pt = {(p["rate"], p["mitigation"]): p["top1_mean"] for p in summary["points"]}
if not pt[(0.05, "none")] < pt[(0, "none")] - 0.1:
    fail("5 % faults did not cost accuracy")
if not pt[(0.05, "c1")] > pt[(0.05, "none")]:
    fail("c1 did not help at 5 %")
print("ok")
