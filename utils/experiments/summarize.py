#!/usr/bin/env python3
"""summarize.py - markdown tables from onnc-campaign summary JSONs.

    /usr/bin/python3 utils/experiments/summarize.py S1.json S2.json ... \
        [--times=times.tsv] [-o tables.md]

For every summary: a table of top-1 (pooled mean over maps x images, in %)
with its Wilson 95 % interval, one row per mitigation and one column per
rate. If the campaign's runs CSV sits next to the JSON (same base name,
.csv), also the seed 001 Table 3 check: the share of stored weight words
with exactly 1 and with 2+ non-silent faults (the unmitigated word; the
onnc-fault --report totals that onnc-campaign writes per run), averaged
over the maps of each rate, next to the paper's Table 3 and the binomial of
uniformly random bits (p = rate / 2 non-silent per bit). With --times (the
times.tsv of seed001_weights.sh) a table of wall and CPU times.

Standard library only.
"""

import argparse
import csv
import io
import json
import math
import os
import sys

# Seed 001, Table 3: % of weights with 1 and 2+ non-silent faults.
PAPER_TABLE3 = {
    4: ([0.195, 0.389, 0.967, 1.925, 3.791, 6.608],
        [0.000, 0.001, 0.003, 0.013, 0.054, 1.571]),
    8: ([0.390, 0.777, 1.923, 3.782, 7.315, 16.506],
        [0.001, 0.003, 0.016, 0.065, 0.253, 1.491]),
    16: ([0.781, 1.563, 3.785, 7.335, 13.619, 27.033],
         [0.003, 0.011, 0.071, 0.279, 1.065, 6.020]),
}
PAPER_RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05]


def pct_rate(r):
    """0.001 -> '0.1 %'."""
    return "%g %%" % (r * 100)


def config_name(prov):
    model = os.path.splitext(os.path.basename(prov["model"]))[0]
    return "%s, %d-bit weights" % (model, prov["weight_bits"])


def accuracy_table(summary):
    prov = summary["provenance"]
    rates = prov["rates"]
    mits = prov["mitigations"]
    pts = {(p["rate"], p["mitigation"]): p for p in summary["points"]}
    images = prov["limit"] or "all"
    out = io.StringIO()
    out.write("### %s\n\n" % config_name(prov))
    out.write("%s maps per rate, %s test images per run, %d runs; top-1 %%, "
              "pooled mean [Wilson 95 %% interval].\n\n"
              % (prov["maps"], images, summary["runs"]))
    out.write("| mitigation | " + " | ".join(pct_rate(r) for r in rates) + " |\n")
    out.write("|---|" + "---|" * len(rates) + "\n")
    for m in mits:
        cells = []
        for r in rates:
            p = pts.get((r, m))
            if p is None:
                cells.append("-")
            elif r == 0:
                cells.append("%.2f" % (100 * p["top1_mean"]))
            else:
                cells.append("%.2f [%.2f, %.2f]" % (
                    100 * p["top1_mean"], 100 * p["top1_ci_low"],
                    100 * p["top1_ci_high"]))
        out.write("| %s | %s |\n" % (m, " | ".join(cells)))
    out.write("\n")
    return out.getvalue()


def read_runs(csv_path):
    with open(csv_path, newline="") as f:
        lines = [l for l in f if not l.startswith("#")]
    return list(csv.DictReader(lines))


def table3_rows(summary, csv_path):
    """Per rate: mean % of words with 1 and 2+ non-silent faults."""
    prov = summary["provenance"]
    q = prov["weight_bits"]
    words = prov["wmem_bytes"] // ((q + 7) // 8)
    per_rate = {}
    for row in read_runs(csv_path):
        r = float(row["rate"])
        if r == 0 or row["mitigation"] != prov["mitigations"][0]:
            continue  # the counts are the same for every mitigation of a map
        per_rate.setdefault(r, []).append(
            (int(row["words_1_nonsilent"]), int(row["words_2plus_nonsilent"])))
    rows = []
    for r in sorted(per_rate):
        v = per_rate[r]
        one = 100.0 * sum(a for a, _ in v) / (len(v) * words)
        two = 100.0 * sum(b for _, b in v) / (len(v) * words)
        rows.append((r, one, two, len(v), words))
    return rows


def worst_table(items):
    """Per config and mitigation: the worst chip's top-1 at each rate (the
    spread between chips that the pooled interval does not show)."""
    out = io.StringIO()
    out.write("### Worst of the maps: lowest top-1 (%) over the chips of each point\n\n")
    for summary, csv_path in items:
        prov = summary["provenance"]
        rates = [r for r in prov["rates"] if r != 0]
        runs = read_runs(csv_path)
        out.write("%s:\n\n" % config_name(prov))
        out.write("| mitigation | " + " | ".join(pct_rate(r) for r in rates) + " |\n")
        out.write("|---|" + "---|" * len(rates) + "\n")
        for m in prov["mitigations"]:
            cells = []
            for r in rates:
                v = [float(x["top1"]) for x in runs
                     if x["mitigation"] == m and abs(float(x["rate"]) - r) < 1e-15]
                cells.append("%.2f" % (100 * min(v)) if v else "-")
            out.write("| %s | %s |\n" % (m, " | ".join(cells)))
        out.write("\n")
    return out.getvalue()


def binomial(q, rate):
    p = rate / 2
    p0 = (1 - p) ** q
    p1 = q * p * (1 - p) ** (q - 1)
    return 100 * p1, 100 * (1 - p0 - p1)


def table3(items):
    out = io.StringIO()
    out.write("### Seed 001 Table 3 check: words with 1 / 2+ non-silent faults (%)\n\n")
    out.write("Measured on the stored (unmitigated) weight words of each "
              "model, mean over the maps of each rate; 'paper' is seed 001's "
              "Table 3 (averaged over its models), 'uniform' the binomial for "
              "uniformly random bits (p = rate/2).\n\n")
    out.write("| config | words | rate | 1: ours | 1: paper | 1: uniform "
              "| 2+: ours | 2+: paper | 2+: uniform |\n")
    out.write("|---|---|---|---|---|---|---|---|---|\n")
    for summary, csv_path in items:
        prov = summary["provenance"]
        q = prov["weight_bits"]
        for r, one, two, n, words in table3_rows(summary, csv_path):
            paper1 = paper2 = "-"
            if q in PAPER_TABLE3:
                for i, pr in enumerate(PAPER_RATES):
                    if abs(pr - r) < 1e-12:
                        paper1 = "%.3f" % PAPER_TABLE3[q][0][i]
                        paper2 = "%.3f" % PAPER_TABLE3[q][1][i]
            b1, b2 = binomial(q, r)
            out.write("| %s | %d | %s | %.3f | %s | %.3f | %.3f | %s | %.3f |\n"
                      % (config_name(prov), words, pct_rate(r), one, paper1,
                         b1, two, paper2, b2))
    out.write("\n")
    return out.getvalue()


def times_table(path):
    out = io.StringIO()
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out.write("### Wall time per configuration\n\n")
    out.write("| config | runs | images/run | -j | wall (s) | CPU (s) | runs/s | images/s |\n")
    out.write("|---|---|---|---|---|---|---|---|\n")
    for r in rows:
        wall = float(r["wall_s"])
        runs = int(r["runs"])
        imgs = int(r["images_per_run"])
        out.write("| %s | %d | %d | %s | %.1f | %.1f | %.2f | %.0f |\n" % (
            r["config"], runs, imgs, r["jobs"], wall, float(r["cpu_s"]),
            runs / wall, runs * imgs / wall))
    out.write("\n")
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("summaries", nargs="+", help="onnc-campaign --summary JSONs")
    ap.add_argument("--times", help="times.tsv written by seed001_weights.sh")
    ap.add_argument("-o", dest="output", help="output markdown (default stdout)")
    args = ap.parse_args()

    items = []
    for path in args.summaries:
        with open(path) as f:
            items.append((json.load(f), os.path.splitext(path)[0] + ".csv"))
    # Model by model, narrowest weights first, whatever the shell's glob order.
    items.sort(key=lambda it: (os.path.basename(it[0]["provenance"]["model"]),
                               it[0]["provenance"]["weight_bits"]))

    parts = ["<!-- generated by utils/experiments/summarize.py -->\n\n"]
    parts += [accuracy_table(s) for s, _ in items]
    with_csv = [(s, c) for s, c in items if os.path.exists(c)]
    if with_csv:
        parts.append(table3(with_csv))
        parts.append(worst_table(with_csv))
    if args.times and os.path.exists(args.times):
        parts.append(times_table(args.times))
    text = "".join(parts)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
