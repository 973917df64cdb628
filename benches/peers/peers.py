"""Compare newsdedup with peer near-duplicate tools on labelled corpora.

Usage: python benches/peers/peers.py [--corpus PATH --truth PATH]... [--detail] [--json]
Paths are relative to the repository root. Without --corpus, three corpora are
scored: the bundled listing sample and the shared web-articles-2018 and
helsinki-2018. A corpus is JSON Lines when its first non-blank character is `{`,
newsdedup's listing text otherwise (read by listing.py).
"""
import argparse
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH
from rensa import RMinHash, RMinHashLSH
from scipy.sparse import csr_matrix, triu
from simhash import Simhash, SimhashIndex

sys.path.insert(0, str(Path(__file__).resolve().parent))
from listing import read_listing  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = [("fixtures/listing-janlipavsky.txt", "fixtures/listing-janlipavsky.truth.jsonl"),
            ("../shared/corpora/web-articles-2018.jsonl", "../shared/corpora/web-articles-2018.truth.jsonl"),
            ("../shared/corpora/helsinki-2018.jsonl", "../shared/corpora/helsinki-2018.truth.jsonl")]
NAMES = {"listing-janlipavsky.txt": "sample"}  # column names; others are the file name without .jsonl
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
NUM_PERM = 128
SEED = 1


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_corpus(path):
    """Records of a corpus, JSON Lines or listing text, as newsdedup's --input auto decides.
    Listing ids are `PATH:LINE` with PATH relative to the repository root, as newsdedup
    names them when run from there."""
    with open(path, encoding="utf-8-sig") as f:
        head = f.read(4096).lstrip()
    if head.startswith("{"):
        return read_jsonl(path)
    return read_listing(path, rel(path))


def rel(path):
    return os.path.relpath(path, ROOT)


def corpus_name(path):
    name = Path(path).name
    return NAMES.get(name, name.removesuffix(".jsonl"))


def shingles(doc, n=3):
    """Sorted distinct word n-grams of title + body, lowercased, words = \\w+."""
    words = re.findall(r"\w+", f"{doc.get('title') or ''}\n{doc.get('body') or ''}".lower())
    return sorted({" ".join(words[i:i + n]) for i in range(len(words) - n + 1)})


def components(n, edges):
    """Cluster label per record: connected components of the (i, j) edges."""
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        parent[find(i)] = find(j)
    return [find(i) for i in range(n)]


def pairs(c):
    return c * (c - 1) // 2


def score(pred, truth):
    """Pairwise precision/recall/F1 and Hubert & Arabie ARI from the contingency table."""
    tp = sum(pairs(c) for c in Counter(zip(pred, truth)).values())
    pp = sum(pairs(c) for c in Counter(pred).values())
    tt = sum(pairs(c) for c in Counter(truth).values())
    expected = pp * tt / pairs(len(pred)) if len(pred) > 1 else 0.0
    top = (pp + tt) / 2
    ari = (tp - expected) / (top - expected) if top != expected else float(pp == tt == tp)
    p = tp / pp if pp else 1.0
    r = tp / tt if tt else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"ari": ari, "precision": p, "recall": r, "f1": f1}


def minhash_bands(threshold, num_perm=NUM_PERM, steps=1000):
    """Band count for rensa, which needs num_perm % bands == 0: the divisor with the
    least equal-weight false positive + false negative area (datasketch's criterion)."""
    def err(b):
        r = num_perm // b
        prob = lambda s: 1 - (1 - s ** r) ** b
        xs = [(k + 0.5) / steps for k in range(steps)]
        return sum(prob(s) if s < threshold else 1 - prob(s) for s in xs)
    return min((b for b in range(1, num_perm + 1) if num_perm % b == 0), key=err)


def lsh_edges(lsh, sigs):
    return [(i, j) for i, m in enumerate(sigs) for j in lsh.query(m) if j != i]


def run_datasketch(shs, t):
    sigs = []
    for s in shs:
        m = MinHash(num_perm=NUM_PERM, seed=SEED)
        m.update_batch([x.encode("utf-8") for x in s])
        sigs.append(m)
    lsh = MinHashLSH(threshold=t, num_perm=NUM_PERM)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    b, r = lsh.b, lsh.r
    return lsh_edges(lsh, sigs), f"{t} (b={b}, r={r})"


def run_rensa(shs, t):
    """LSH candidates kept when the sketch Jaccard is >= t, as rensa's own deduplicator
    does: its bands must divide num_perm, so bands alone cannot follow every threshold."""
    sigs = []
    for s in shs:
        m = RMinHash(num_perm=NUM_PERM, seed=SEED)
        m.update(s)
        sigs.append(m)
    b = minhash_bands(t)
    lsh = RMinHashLSH(threshold=t, num_perm=NUM_PERM, num_bands=b)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    edges = [(i, j) for i, j in lsh_edges(lsh, sigs) if sigs[i].jaccard(sigs[j]) >= t]
    return edges, f"{t} (b={b}, r={NUM_PERM // b}, checked)"


def run_simhash(shs, k):
    logging.getLogger("simhash").setLevel(logging.ERROR)  # "Big bucket found" warnings on large corpora
    hashes = [Simhash(s) for s in shs]
    index = SimhashIndex([(str(i), h) for i, h in enumerate(hashes)], k=k)
    return [(i, int(j)) for i, h in enumerate(hashes) for j in index.get_near_dups(h)], f"k={k}"


def run_jaccard(shs, t):
    """Exact Jaccard of every pair, as one sparse product (scipy comes with datasketch)."""
    vocab, rows, cols = {}, [], []
    for i, s in enumerate(shs):
        for x in s:
            rows.append(i)
            cols.append(vocab.setdefault(x, len(vocab)))
    m = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(shs), len(vocab)))
    inter = triu(m @ m.T, k=1).tocoo()
    sizes = np.diff(m.indptr)
    keep = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data) >= t
    return list(zip(inter.row[keep].tolist(), inter.col[keep].tolist())), str(t)


def run_newsdedup(corpus, truth):
    """Scores from `newsdedup eval`, or None (error printed) when it fails."""
    binary = ROOT / "target" / "release" / "newsdedup"
    try:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)  # not timed
        t0 = time.perf_counter()
        # Relative paths from the root: a listing's record ids include the path as given.
        proc = subprocess.run([str(binary), "eval", "--truth", rel(truth), "--format", "json", rel(corpus)],
                              cwd=ROOT, capture_output=True, text=True)
        secs = time.perf_counter() - t0
        out = json.loads(proc.stdout)
        return {k: float(out[k]) for k in ("ari", "precision", "recall", "f1")}, secs
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"newsdedup failed: {e}", file=sys.stderr)
    except (ValueError, KeyError, TypeError):
        print(f"newsdedup failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()[:500]}",
              file=sys.stderr)
    return None, 0.0


def evaluate(corpus, truth):
    docs = read_corpus(corpus)
    labels = {r["id"]: r["cluster"] for r in read_jsonl(truth)}
    unread = set(labels) - {d["id"] for d in docs}
    if unread:
        print(f"{corpus_name(corpus)}: {len(unread)} truth ids not in the corpus, e.g. {sorted(unread)[0]}",
              file=sys.stderr)
    # Like newsdedup eval: cluster every record, score those with a label.
    scored = [i for i, d in enumerate(docs) if d["id"] in labels]
    gold = [labels[docs[i]["id"]] for i in scored]
    t0 = time.perf_counter()
    shs = [shingles(d) for d in docs]
    prep = time.perf_counter() - t0  # shared by every peer; not in their seconds
    runs = [("datasketch MinHashLSH", run_datasketch, THRESHOLDS),
            ("rensa RMinHashLSH", run_rensa, THRESHOLDS),
            ("simhash SimhashIndex", run_simhash, (3, 10)),
            ("exact Jaccard", run_jaccard, THRESHOLDS)]
    rows = []
    for name, fn, params in runs:
        for param in params:
            t0 = time.perf_counter()
            edges, label = fn(shs, param)
            # Records too short for one shingle link to nothing (their sketches would all be equal).
            pred = components(len(shs), [(i, j) for i, j in edges if shs[i] and shs[j]])
            secs = time.perf_counter() - t0
            rows.append({"method": name, "parameter": label, **score([pred[i] for i in scored], gold),
                         "seconds": secs})
    scores, secs = run_newsdedup(corpus, truth)
    if scores:
        rows.append({"method": "newsdedup", "parameter": "defaults", **scores, "seconds": secs})
    versions = {p: version(p) for p in ("datasketch", "rensa", "simhash")}
    return {"corpus": rel(corpus), "name": corpus_name(corpus), "records": len(docs), "scored": len(scored), "seed": SEED,
            "versions": versions, "shingle_seconds": prep, "rows": rows}


def markdown(result):
    libs = ", ".join(f"{k} {v}" for k, v in result["versions"].items())
    lines = [f"### {result['corpus']} ({result['records']} records, {result['scored']} labelled)", "",
             f"Word 3-gram shingles of title + body; num_perm={NUM_PERM}, seed={result['seed']}; {libs}.", "",
             "| method | parameter | ARI | precision | recall | F1 | seconds |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in result["rows"]:
        lines.append(f"| {r['method']} | {r['parameter']} | {r['ari']:.3f} | {r['precision']:.3f} "
                     f"| {r['recall']:.3f} | {r['f1']:.3f} | {r['seconds']:.3f} |")
    return "\n".join(lines) + "\n"


def combined(results):
    """One table over every corpus: ARI columns, then F1 columns; then each peer's best
    setting per corpus, and the one setting with the best mean ARI over them all."""
    names = [r["name"] for r in results]
    keys = []  # (method, parameter) in first-seen order
    cell = {}
    for r in results:
        for row in r["rows"]:
            key = (row["method"], row["parameter"])
            if key not in cell:
                keys.append(key)
                cell[key] = {}
            cell[key][r["name"]] = row
    fmt = lambda row, k: f"{row[k]:.3f}" if row else "–"
    lines = ["Records (labelled): " + ", ".join(f"{r['name']} {r['records']} ({r['scored']})" for r in results)
             + f". Word 3-gram shingles of title + body; num_perm={NUM_PERM}, seed={results[0]['seed']}; "
             + ", ".join(f"{k} {v}" for k, v in results[0]["versions"].items()) + ".", "",
             "| method | setting | " + " | ".join(f"{n} ARI" for n in names) + " | "
             + " | ".join(f"{n} F1" for n in names) + " |",
             "| --- | --- |" + " ---: |" * (2 * len(names))]
    for key in keys:
        rows = [cell[key].get(n) for n in names]
        lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(fmt(x, "ari") for x in rows) + " | "
                     + " | ".join(fmt(x, "f1") for x in rows) + " |")
    lines += ["", "Best setting of each method by ARI (first of equals), per corpus and over all of them "
              "(highest mean ARI; one setting for every corpus, as newsdedup's defaults are):", "",
              "| method | " + " | ".join(f"{n}: ARI" for n in names) + " | one setting for all: mean ARI |",
              "| --- |" + " --- |" * (len(names) + 1)]
    for method in dict.fromkeys(k[0] for k in keys):
        mine = [k for k in keys if k[0] == method]
        cells = []
        for n in names:
            have = [k for k in mine if n in cell[k]]
            best = max(have, key=lambda k: cell[k][n]["ari"], default=None)  # max keeps the first of equals
            cells.append(f"{best[1]}: {cell[best][n]['ari']:.3f}" if best else "–")
        full = [k for k in mine if all(n in cell[k] for n in names)]
        mean = lambda k: sum(cell[k][n]["ari"] for n in names) / len(names)
        best = max(full, key=mean, default=None)
        cells.append(f"{best[1]}: {mean(best):.3f}" if best else "–")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main():
    global SEED
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", default=[], help="corpus JSONL (repeatable, pairs with --truth)")
    ap.add_argument("--truth", action="append", default=[], help="truth JSONL for the --corpus in the same position")
    ap.add_argument("--seed", type=int, default=SEED, help="MinHash seed (default %(default)s)")
    ap.add_argument("--json", action="store_true", help="print machine-readable results instead of tables")
    ap.add_argument("--detail", action="store_true",
                    help="with several corpora, also print each one's table (precision, recall, seconds)")
    args = ap.parse_args()
    SEED = args.seed
    if len(args.corpus) != len(args.truth):
        ap.error("give --corpus and --truth in pairs")
    jobs = list(zip(args.corpus, args.truth)) or DEFAULTS
    results = []
    for corpus, truth in jobs:
        corpus, truth = (ROOT / corpus).resolve(), (ROOT / truth).resolve()
        missing = [str(p) for p in (corpus, truth) if not p.is_file()]
        if missing:
            print(f"skipping {corpus.name}: missing {', '.join(missing)}", file=sys.stderr)
            continue
        results.append(evaluate(corpus, truth))
    if args.json:
        print(json.dumps(results, indent=2))
    elif len(results) == 1:
        print(markdown(results[0]), end="")
    elif results:
        print(combined(results), end="")
        if args.detail:
            print("\n" + "\n".join(markdown(r) for r in results), end="")


if __name__ == "__main__":
    main()
