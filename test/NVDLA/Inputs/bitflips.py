"""Runs onnc-dump on copies of IN with one byte inverted at each position
(stride 4, first 4 KiB) and counts exits other than 0 and 1."""
import subprocess, sys

src, tmp = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
n = crashes = 0
for i in range(0, min(len(data), 4096), 4):
    d = bytearray(data)
    d[i] ^= 0xFF
    open(tmp, "wb").write(d)
    rc = subprocess.call(["onnc-dump", tmp], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    n += 1
    if rc not in (0, 1):
        crashes += 1
        print("crash at byte %d: exit %d" % (i, rc))
print("bitflips: %d files, %d crashes" % (n, crashes))
