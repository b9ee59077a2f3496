# onnc-run reports with MAC lane faults vs onnc-campaign's runs of the same
# chip (argv: clean.json d6.json sb.json sbfree.json campaign.csv).
import csv, json, sys

clean, d6, sb, sbfree = (json.load(open(p))["top1_correct"] for p in sys.argv[1:5])
rows = list(csv.DictReader(l for l in open(sys.argv[5]) if not l.startswith("#")))
camp = {(r["operand"], r["mitigation"]): int(r["top1_correct"]) for r in rows}

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

if not d6 < clean - 10:
    fail("the data bit-6 fault costs too little: %d vs %d" % (d6, clean))
if not sb - d6 >= 0.6 * (clean - d6):
    fail("sign-bit recovers too little: %d -> %d of %d" % (d6, sb, clean))
# The substitution overrides the faulty bit whatever it reads, so the chip
# with the fault computes exactly what a fault-free chip with the same
# substitution computes.
if sbfree != sb:
    fail("substitution with and without the fault: %d vs %d" % (sb, sbfree))
want = {("-", "none"): clean, ("data", "none"): d6, ("data", "sign-bit"): sb}
for k, v in want.items():
    if camp.get(k) != v:
        fail("campaign %r = %r, onnc-run %d" % (k, camp.get(k), v))
print("ok")
