"""Summarize `newsdedup eval --format json` (stdin) on one line.

    python3 benches/eval_summary.py [TRUTH]              one line of figures
    python3 benches/eval_summary.py --row NAME [TRUTH]   one markdown table row (HEADER below)

With a truth file argument, also count false merges that involve a decoy
(truth rows with "decoy": true, as newsdedup-gen writes them).
"""
import json
import sys

HEADER = ("| corpus | records | ARI | F1 | precision | recall | false merges | missed pairs | decoys merged |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

args = sys.argv[1:]
if args[:1] == ["--header"]:
    print(HEADER)
    sys.exit(0)
row = None
if args[:1] == ["--row"]:
    row, args = args[1], args[2:]
d = json.load(sys.stdin)
decoys = merged = None
if args:
    decoy = {}
    for line in open(args[0]):
        r = json.loads(line)
        decoy[r["id"]] = r.get("decoy", False)
    decoys = sum(1 for r in decoy.values() if r)
    merged = sum(1 for e in d["false_merge_list"] if decoy.get(e["a"]["id"]) or decoy.get(e["b"]["id"]))
if row is not None:
    dec = f"{merged} of {decoys}" if decoys else "–"
    print(f"| {row} | {d['records']} | {d['ari']:.4f} | {d['f1']:.4f} | {d['precision']:.4f} | {d['recall']:.4f} "
          f"| {d['false_merges']} | {d['missed_pairs']} | {dec} |")
    sys.exit(0)
line = (f"ARI {d['ari']:.4f}  F1 {d['f1']:.4f}  precision {d['precision']:.4f}  recall {d['recall']:.4f}  "
        f"false merges {d['false_merges']}  missed pairs {d['missed_pairs']}")
if decoys is not None:
    line += f"  decoys {decoys}, merged {merged}"
print(line)
