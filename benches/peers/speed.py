"""Whole-process peers for benches/peers/speed.sh: one near-duplicate run, corpus to labels.

    python speed.py run METHOD CORPUS LABELS     METHOD: datasketch | rensa
    python speed.py score TRUTH LABELS           ARI, precision, recall, F1 as JSON

`run` is what speed.sh times: it reads the corpus (JSON Lines, or listing text through
listing.py), shingles each record as peers.py does (lowercase title + body, words `\\w+`,
distinct word 3-grams), builds the MinHash LSH one record at a time (each record queries
the records before it, then joins), takes connected components and writes one line
`ID<TAB>LABEL` per record to LABELS. Settings are each peer's best single setting over
the labelled corpora in benches/peers/README.md:
- datasketch MinHashLSH, threshold 0.4 (b=32, r=4), num_perm=128, seed 1: raw LSH candidates;
- rensa RMinHashLSH, threshold 0.3, b=32, r=4, num_perm=128, seed 1, candidates kept when
  the sketch Jaccard is >= 0.3 (as rensa's own deduplicator does).
Records too short for a shingle link to nothing. `score` uses peers.py's formula, the
one `newsdedup eval` uses.
"""
import json
import re
import sys
from pathlib import Path

NUM_PERM = 128
SEED = 1
WORD = re.compile(r"\w+")


def read_corpus(path):
    with open(path, encoding="utf-8-sig") as f:
        head = f.read(4096).lstrip()
    if head.startswith("{"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from listing import read_listing
        yield from read_listing(path, path)


def shingles(doc, n=3):
    """Distinct word n-grams of title + body, lowercased, words = \\w+ (as peers.py)."""
    words = WORD.findall(f"{doc.get('title') or ''}\n{doc.get('body') or ''}".lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def run(method, corpus, labels):
    ids, parent = [], []

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    if method == "datasketch":
        from datasketch import MinHash, MinHashLSH
        lsh = MinHashLSH(threshold=0.4, num_perm=NUM_PERM)
        assert (lsh.b, lsh.r) == (32, 4), (lsh.b, lsh.r)
        for i, doc in enumerate(read_corpus(corpus)):
            ids.append(str(doc["id"]))
            parent.append(i)
            sh = shingles(doc)
            if not sh:
                continue
            m = MinHash(num_perm=NUM_PERM, seed=SEED)
            m.update_batch([x.encode("utf-8") for x in sh])
            for j in lsh.query(m):
                parent[find(i)] = find(j)
            lsh.insert(i, m)
    elif method == "rensa":
        from rensa import RMinHash, RMinHashLSH
        lsh = RMinHashLSH(threshold=0.3, num_perm=NUM_PERM, num_bands=32)
        sigs = {}
        for i, doc in enumerate(read_corpus(corpus)):
            ids.append(str(doc["id"]))
            parent.append(i)
            sh = shingles(doc)
            if not sh:
                continue
            m = RMinHash(num_perm=NUM_PERM, seed=SEED)
            m.update(list(sh))
            for j in lsh.query(m):
                if m.jaccard(sigs[j]) >= 0.3:
                    parent[find(i)] = find(j)
            lsh.insert(i, m)
            sigs[i] = m
    else:
        sys.exit(f"speed.py: unknown method {method}")
    with open(labels, "w", encoding="utf-8") as out:
        for i, name in enumerate(ids):
            out.write(f"{name}\t{find(i)}\n")


def score(truth, labels):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peers import score as pairwise
    gold = {}
    with open(truth, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                gold[r["id"]] = r["cluster"]
    pred, want = [], []
    with open(labels, encoding="utf-8") as f:
        for line in f:
            name, label = line.rstrip("\n").split("\t")
            if name in gold:
                pred.append(label)
                want.append(gold[name])
    print(json.dumps({"scored": len(pred), **pairwise(pred, want)}))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "run":
        run(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "score":
        score(*sys.argv[2:])
    else:
        sys.exit(__doc__)
