# onnc-campaign -march=nvdla-* checks (argv: mode ...):
#   same-results A.csv B.csv      the two campaigns' rows agree on every
#                                 result column (not the provenance line, whose
#                                 executor / march differ)
#   run-equals RUNS.csv RUN REPORT.json
#                                 run RUN's top-1/top-5 hits and count equal
#                                 onnc-run's --report of the same chip
import csv, json, sys

def rows(path):
    return list(csv.DictReader(l for l in open(path) if not l.startswith("#")))

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

mode = sys.argv[1]
if mode == "same-results":
    a, b = rows(sys.argv[2]), rows(sys.argv[3])
    if len(a) != len(b) or not a:
        fail("%d rows vs %d rows" % (len(a), len(b)))
    for ra, rb in zip(a, b):
        if ra != rb:
            fail("run %s differs: %r vs %r" % (ra["run"], ra, rb))
    print("same %d rows" % len(a))
elif mode == "run-equals":
    r = [x for x in rows(sys.argv[2]) if x["run"] == sys.argv[3]]
    rep = json.load(open(sys.argv[4]))
    if len(r) != 1:
        fail("no run %s" % sys.argv[3])
    r = r[0]
    got = (int(r["top1_correct"]), int(r["top5_correct"]), int(r["count"]))
    want = (rep["top1_correct"], rep["top5_correct"], rep["count"])
    if got != want:
        fail("run %s: %r, onnc-run: %r" % (sys.argv[3], got, want))
    print("run %s equals onnc-run: %d/%d" % (sys.argv[3], got[0], got[2]))
else:
    fail("unknown mode " + mode)
