"""Summarize `newsdedup eval --format json` (stdin) on one line.

With a truth file argument, also count false merges that involve a decoy
(truth rows with "decoy": true, as newsdedup-gen writes them).
"""
import json
import sys

d = json.load(sys.stdin)
line = (f"ARI {d['ari']:.4f}  F1 {d['f1']:.4f}  precision {d['precision']:.4f}  recall {d['recall']:.4f}  "
        f"false merges {d['false_merges']}  missed pairs {d['missed_pairs']}")
if len(sys.argv) > 1:
    decoy = {}
    for row in open(sys.argv[1]):
        r = json.loads(row)
        decoy[r["id"]] = r.get("decoy", False)
    n = sum(1 for r in decoy.values() if r)
    merged = sum(1 for e in d["false_merge_list"] if decoy.get(e["a"]["id"]) or decoy.get(e["b"]["id"]))
    line += f"  decoys {n}, merged {merged}"
print(line)
