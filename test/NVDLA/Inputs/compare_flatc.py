"""Checks that onnc-dump --json's "loadable" equals flatc's JSON for each file.

Usage: compare_flatc.py SCHEMA OUTDIR FILE...   (onnc-dump and flatc on PATH)
Exits 1 naming the first differing key path.
"""
import json, os, subprocess, sys

def diff(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in %s" % (path, k, "flatc" if k in b else "onnc-dump")
            d = diff(a[k], b[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "%s: %d vs %d entries" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b and type(a) == type(b) else "%s: %r vs %r" % (path, a, b)

schema, outdir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(outdir, exist_ok=True)
for f in files:
    subprocess.check_call(["flatc", "--json", "--strict-json", "--defaults-json",
                           "--raw-binary", "-o", outdir, schema, "--", f])
    with open(os.path.join(outdir, os.path.basename(f) + ".json")) as h:
        want = json.load(h)
    got = json.loads(subprocess.check_output(["onnc-dump", "--json", f]))["loadable"]
    d = diff(got, want, os.path.basename(f))
    if d:
        print("MISMATCH", d)
        sys.exit(1)
    print("OK", os.path.basename(f))
