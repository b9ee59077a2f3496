#!/usr/bin/python3
"""Checks that every text-IR file of the test suite that parses also
round-trips exactly: print(parse(print(g))) == print(g).

  roundtrip_inputs.py ONNC_OPT TEST_DIR

Files the tools reject (the err-* inputs of the error tests) are counted and
skipped; a file that parses but does not round-trip fails the check."""
import os
import subprocess
import sys
import tempfile


def opt(tool, path, out):
    r = subprocess.run([tool, path, "--verify-each=false", "-o", out],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stderr


def main():
    tool, root = sys.argv[1], sys.argv[2]
    inputs = sorted(os.path.join(d, f) for d, _, fs in os.walk(root)
                    for f in fs if f.endswith(".ir"))
    ok = rejected = 0
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        t1, t2 = os.path.join(tmp, "1.ir"), os.path.join(tmp, "2.ir")
        for path in inputs:
            parsed, _ = opt(tool, path, t1)
            if not parsed:
                rejected += 1
                continue
            again, err = opt(tool, t1, t2)
            if not again or open(t1).read() != open(t2).read():
                bad.append(f"{path}: {err.strip() or 'printed text differs'}")
            else:
                ok += 1
    for b in bad:
        print("NOT ROUND-TRIPPING:", b)
    print(f"{ok} IR inputs round-trip, {len(bad)} do not, "
          f"{rejected} rejected (error-test inputs)")
    return 1 if bad or ok == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
