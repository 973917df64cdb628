"""Measure the short-record rule (--min-words) on short records made from real articles.

For every article of a labelled corpus it writes a short record: the title and the
first sentence of the body (a news brief, 15 to 60 words), and a snippet: the first 8
words of that sentence. Briefs and snippets of one story keep the
story's label, so briefs of copies should cluster and briefs of different stories on
the same event (which share names and phrases) should not. It runs `newsdedup eval`
on the briefs alone for several --min-words values and prints ARI, precision, recall
and the number of merged pairs of different stories.

    python3 benches/short_records.py [CORPUS TRUTH]
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
corpus = Path(sys.argv[1]) if len(sys.argv) > 2 else ROOT / "../shared/corpora/web-articles-2018.jsonl"
truth = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "../shared/corpora/web-articles-2018.truth.jsonl"
labels = {json.loads(l)["id"]: json.loads(l)["cluster"] for l in open(truth)}
rows = [json.loads(l) for l in open(corpus)]


def first_sentence(body):
    for para in body.split("\n"):
        para = para.strip()
        if len(para.split()) >= 8:  # skip bylines and datelines
            m = re.match(r"(.+?[.!?])(\s|$)", para)
            return m.group(1) if m else para
    return body.strip()[:200]


tmp = Path(tempfile.mkdtemp())
print(f"corpus and truth in {tmp}", file=sys.stderr)
with open(tmp / "c.jsonl", "w") as c, open(tmp / "t.jsonl", "w") as t:
    for r in rows:
        lead = first_sentence(r["body"])
        for kind, body in (("brief", r["title"] + ". " + lead), ("snippet", " ".join(lead.split()[:8]))):
            rec = {"id": f"{r['id']}-{kind}", "source": r["source"], "title": r["title"], "body": body}
            c.write(json.dumps(rec) + "\n")
            t.write(json.dumps({"id": rec["id"], "cluster": labels[r["id"]]}) + "\n")

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
print("| --min-words | ARI | precision | recall | false merges |")
print("| ---: | ---: | ---: | ---: | ---: |")
for mw in (0, 5, 10, 15, 20, 30, 40, 60):
    out = subprocess.run([str(ROOT / "target/release/newsdedup"), "eval", "--truth", str(tmp / "t.jsonl"), "-f", "json",
                          "--max-errors", "0", "--min-words", str(mw), str(tmp / "c.jsonl")],
                         capture_output=True, text=True, check=True)
    d = json.loads(out.stdout)
    print(f"| {mw} | {d['ari']:.4f} | {d['precision']:.4f} | {d['recall']:.4f} | {d['false_merges']} |")
