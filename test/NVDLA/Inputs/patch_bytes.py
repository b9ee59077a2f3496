#!/usr/bin/env python3
# Part of onnc-fault. Copies a file, overwriting bytes inside the one place
# where a hex pattern occurs (e.g. a field of a descriptor blob inside a
# loadable). Fails unless the pattern occurs exactly once, so a test cannot
# silently patch the wrong bytes.
#
#   patch_bytes.py IN OUT PATTERN_HEX OFFSET NEW_HEX
import sys


def main():
    src, dst, pattern, offset, new = sys.argv[1:6]
    data = bytearray(open(src, "rb").read())
    pat = bytes.fromhex(pattern)
    first = data.find(pat)
    if first < 0 or data.find(pat, first + 1) >= 0:
        sys.exit("patch_bytes.py: pattern %s occurs %s in %s" %
                 (pattern, "never" if first < 0 else "more than once", src))
    at = first + int(offset)
    rep = bytes.fromhex(new)
    data[at:at + len(rep)] = rep
    open(dst, "wb").write(data)


if __name__ == "__main__":
    main()
