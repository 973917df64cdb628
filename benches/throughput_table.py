"""Markdown tables from benches/out/throughput.tsv (written by benches/throughput.sh).

    python3 benches/throughput_table.py [TSV]
"""
import csv
import sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else "benches/out/throughput.tsv"
with open(path, newline="") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
if not rows:
    sys.exit("throughput_table.py: no rows")
for r in rows:
    for k in ("records", "bytes", "words", "threads", "rss_kb"):
        r[k] = int(r[k])
    for k in ("wc_s", "wall_s", "cpu_s"):
        r[k] = float(r[k])
threads = sorted({r["threads"] for r in rows})
top = threads[-1]
by = defaultdict(dict)  # (records, format) -> threads -> row
for r in rows:
    by[(r["records"], r["format"])][r["threads"]] = r


def size(b):
    return f"{b / 1e9:.2f} GB" if b >= 1e9 else f"{b / 1e6:.1f} MB"


def mem(kb):
    return f"{kb / 1048576:.2f} GB" if kb >= 1048576 else f"{kb / 1024:.0f} MB"


def secs(s):
    return f"{s:.2f} s" if s < 100 else f"{s:.0f} s"


head = (["records", "format", "size", "words", "`wc -w`"] + [f"`-j {t}` (CPU)" for t in threads]
        + ([f"`-j {top}` vs `-j 1`"] if 1 in threads and top != 1 else [])
        + [f"MB/s (`-j {top}`)", f"articles/s (`-j {top}`)", "x `wc -w` time", "peak RSS", "RSS / size"])
print("| " + " | ".join(head) + " |")
print("| --- | --- |" + " ---: |" * (len(head) - 2))
for (n, fmt), ts in by.items():
    t = ts[top]
    cells = [f"{n:,}", fmt, size(t["bytes"]), f"{t['words'] / 1e6:.1f} M", secs(t["wc_s"])]
    cells += [f"{secs(ts[x]['wall_s'])} ({secs(ts[x]['cpu_s'])})" if x in ts else "-" for x in threads]
    if 1 in threads and top != 1:
        cells.append(f"{ts[1]['wall_s'] / t['wall_s']:.2f}x" if 1 in ts else "-")
    cells += [f"{t['bytes'] / 1e6 / t['wall_s']:.1f}", f"{n / t['wall_s']:,.0f}",
              f"{t['wall_s'] / t['wc_s']:.1f}x" if t["wc_s"] > 0 else "-",
              mem(t["rss_kb"]), f"{t['rss_kb'] * 1024 / t['bytes']:.2f}x"]
    print("| " + " | ".join(cells) + " |")

sizes = sorted({n for n, _ in by})
if len(sizes) > 1:
    print()
    print("Growth, time(larger) / time(smaller):")
    print()
    print("| records | format | " + " | ".join(f"`-j {t}`" for t in threads) + " |")
    print("| --- | --- |" + " ---: |" * len(threads))
    for a, b in zip(sizes, sizes[1:]):
        for fmt in ("jsonl", "listing"):
            if (a, fmt) in by and (b, fmt) in by:
                cells = []
                for t in threads:
                    x, y = by[(a, fmt)].get(t), by[(b, fmt)].get(t)
                    cells.append(f"{y['wall_s'] / x['wall_s']:.2f}" if x and y else "-")
                print(f"| {b:,} / {a:,} ({b / a:g}x) | {fmt} | " + " | ".join(cells) + " |")

print()
print(f"Stages (`--stats`, `-j {top}`):")
print()
print("| records | format | stages |")
print("| --- | --- | --- |")
for (n, fmt), ts in by.items():
    print(f"| {n:,} | {fmt} | {ts[top]['stages']} |")
