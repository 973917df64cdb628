"""Convert a generated JSON Lines corpus (and its truth) to newsdedup's listing text.

    python3 benches/to_listing.py CORPUS.jsonl TRUTH.jsonl OUT.txt OUT_TRUTH.jsonl [--name NAME]

Each record becomes one listing entry, separated by a blank line:

    SOURCE
    N days ago          relative time (the listing has no absolute dates)
    - SOURCE            one tag line, equal to the outlet, so newsdedup drops it (no categories)
    TITLE               `-` when the record has no title: it normalizes to nothing, as "" does
    BODY                lines as they are

newsdedup's listing reader reads the entry back with the same source, title (bar the `-`
placeholder) and body; only `date` changes (and `id`, which is `NAME:LINE` for listing
text). The truth is rewritten to those ids, so `newsdedup eval --truth OUT_TRUTH.jsonl
OUT.txt` scores the listing copy; benches/throughput.sh checks it scores as the JSONL does.
NAME defaults to OUT.txt relative to the current directory, as newsdedup names a file
given by that path from there. Records that cannot be written so that they read back the
same (a body line that would start an entry or be a page header, a multi-line title or
outlet, an outlet that is not outlet-like) are counted on stderr, and the exit code is 1.
"""
import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "peers"))
from listing import _is_header, _is_outlet, is_relative_time  # noqa: E402


def hazards(source, title, lines):
    """Why this entry would not read back as written: an empty list when it does."""
    bad = []
    if "\n" in source or "\r" in source or not _is_outlet(source) or source != source.strip():
        bad.append("outlet")
    if "\n" in title or "\r" in title or title != title.strip() or title.startswith("-"):
        bad.append("title")
    elif title and _is_outlet(title) and len(lines) > 1 and is_relative_time(lines[0]) and lines[1].strip():
        bad.append("title starts an entry")
    for k, line in enumerate(lines):
        if "\r" in line or line != line.rstrip() or (not line.strip() and line):
            bad.append("line ends or spaces")
            break
        # An entry start: an outlet-like line, a relative-time line, a non-blank line.
        if k + 2 < len(lines) and _is_outlet(line) and is_relative_time(lines[k + 1]) and lines[k + 2].strip():
            bad.append("body line starts an entry")
            break
        if line.strip().startswith("#") or line.lower().startswith("latest news"):
            if _is_header(lines + ["", source, "1 day ago", "- x"], k):
                bad.append("body line is a page header")
                break
    if lines and (not lines[0].strip() or not lines[-1].strip()):
        bad.append("body edge blank")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("truth")
    ap.add_argument("out")
    ap.add_argument("out_truth")
    ap.add_argument("--name", help="file name in the listing ids (default: OUT relative to the current directory)")
    args = ap.parse_args()
    name = args.name or os.path.relpath(args.out)
    labels = {}
    with open(args.truth, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                labels[r["id"]] = r["cluster"]
    problems = {}
    records = 0
    tmp, tmp_truth = args.out + ".part", args.out_truth + ".part"
    with open(args.corpus, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as out, \
            open(tmp_truth, "w", encoding="utf-8") as truth:
        lineno = 1
        for raw in src:
            if not raw.strip():
                continue
            r = json.loads(raw)
            source, title, body = r.get("source") or "", r.get("title") or "", r.get("body") or ""
            lines = body.split("\n")
            for why in hazards(source, title, lines):
                problems[why] = problems.get(why, 0) + 1
            days = 1 + records % 30
            entry = [source, f"{days} day{'s' if days > 1 else ''} ago", f"- {source}", title or "-"] + lines
            out.write("\n".join(entry) + "\n\n")
            if r["id"] in labels:
                truth.write(json.dumps({"id": f"{name}:{lineno}", "cluster": labels[r["id"]]}) + "\n")
            lineno += len(entry) + 1
            records += 1
    os.replace(tmp, args.out)
    os.replace(tmp_truth, args.out_truth)
    print(f"to_listing: {records} records to {args.out}"
          + (f"; would not read back the same: {problems}" if problems else ""), file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
