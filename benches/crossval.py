"""Are newsdedup's defaults overfitted? Leave-one-corpus-out over a parameter grid.

    python3 benches/crossval.py [--grid FILE] [--no-gen] [--no-fail] [--jobs N] [--tolerance X]
    python3 benches/crossval.py --grid-table [...]     only the ARI of every grid point on every corpus

Run it through `bash benches/crossval.sh` (builds the binary and writes the
generated corpus first); paths are relative to the repository root.

For each corpus held out: the grid point with the highest mean ARI on the other
corpora is the one tuning would pick (ties: the closest to the defaults, then
the first in GRID). The table gives its ARI on the held-out corpus, the
defaults' ARI there, and the best ARI any grid point reaches there. The check:
the defaults score within TOLERANCE of that best on every held-out corpus.
Exit 1 when a check fails (not with --no-fail), 2 on errors.

The grid is GRID below: a list of flag sets, each the extra arguments of one
`newsdedup eval` run. Another grid: --grid FILE or NEWSDEDUP_GRID=FILE, one flag
set a line (shell words; `#` starts a comment; blank lines skipped). The
defaults are the run with no flags, whatever they are in the binary; their
values, for the distance of ties, are read from `newsdedup --help`.

The generated corpus (newsdedup-gen --seed 1, 10,000 records) is built from the
texts of web-articles-2018 and the sample, so it is not independent of them;
--no-gen leaves it out (it is also the slow one: about 3.5 s an evaluation,
against under 0.5 s for the others).

Each evaluation runs `newsdedup eval -j 1`, --jobs at a time (default 2), and
is cached in benches/out/crossval-cache.json under the binary's SHA-256, the
flags and the corpus file's size and mtime (--no-cache to ignore the cache).
"""
import argparse
import hashlib
import itertools
import json
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def product(**axes):
    """Every combination of the flags' values, as flag sets: product(jaccard=[0.3, 0.4]) ->
    [["--jaccard", "0.3"], ["--jaccard", "0.4"]]. A value of True is a switch."""
    names = list(axes)
    sets = []
    for values in itertools.product(*(axes[n] for n in names)):
        flags = []
        for name, value in zip(names, values):
            flag = "--" + name.replace("_", "-")
            if value is True:
                flags.append(flag)
            elif value is not False and value is not None:
                flags += [flag, str(value)]
        sets.append(flags)
    return sets


# The grid: a list of flag sets. Extend it with more axes (product(..., min_words=[10, 20]))
# or append hand-written flag sets (GRID += [["--no-urls"]]).
GRID = product(
    jaccard=[0.3, 0.35, 0.4, 0.5], containment=[0.6, 0.7, 0.8], link=[0.3, 0.4, 0.5], min_line_words=[0, 8]
)

CORPORA = [  # name, corpus, truth
    ("sample", "fixtures/listing-janlipavsky.txt", "fixtures/listing-janlipavsky.truth.jsonl"),
    ("web-articles-2018", "../shared/corpora/web-articles-2018.jsonl", "../shared/corpora/web-articles-2018.truth.jsonl"),
    ("helsinki-2018", "../shared/corpora/helsinki-2018.jsonl", "../shared/corpora/helsinki-2018.truth.jsonl"),
    ("generated 10k", "benches/out/gen10000.jsonl", "benches/out/gen10000.truth.jsonl"),
]
GENERATED = {"generated 10k"}
TOLERANCE = 0.02
ND = "target/release/newsdedup"
CACHE = "benches/out/crossval-cache.json"
FIGURES = ("ari", "f1", "precision", "recall", "false_merges", "missed_pairs")


def read_grid(path):
    sets = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = shlex.split(line, comments=True)
            if words:
                sets.append(words)
    return sets


def parse_flags(flags):
    """{"--jaccard": "0.3", "--no-urls": True} from a flag set."""
    out, i = {}, 0
    while i < len(flags):
        flag = flags[i]
        if "=" in flag:
            k, v = flag.split("=", 1)
            out[k] = v
        elif i + 1 < len(flags) and not flags[i + 1].startswith("--"):
            out[flag] = flags[i + 1]
            i += 1
        else:
            out[flag] = True
        i += 1
    return out


def help_defaults():
    """{"--jaccard": "0.4", ...}: the `[default: X]` of each long option in `newsdedup --help`."""
    text = subprocess.run([ND, "--help"], capture_output=True, text=True, check=True).stdout
    out, current = {}, None
    for line in text.splitlines():
        m = re.match(r"\s+(?:-\w, )?(--[\w-]+)", line)
        if m:
            current = m.group(1)
        m = re.search(r"\[default: ([^\]]*)\]", line)
        if m and current:
            out[current] = m.group(1)
    return out


def distance(flags, defaults):
    """How far a flag set is from the defaults: sum of |value - default| over numeric flags,
    1 for each other flag that differs (a switch counts 1)."""
    d = 0.0
    for k, v in parse_flags(flags).items():
        base = defaults.get(k)
        try:
            d += abs(float(v) - float(base))
        except (TypeError, ValueError):
            d += 0.0 if v == base else 1.0
    return d


def switches(grid):
    """Flags used without a value in some flag set (off by default)."""
    return {k for g in grid for k, v in parse_flags(g).items() if v is True}


def default_of(k, defaults, grid):
    return "off" if k in switches(grid) and k not in defaults else defaults.get(k, "?")


def label(flags):
    return " ".join(flags) if flags else "defaults"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stamp(path):
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}"


def evaluate(corpus, truth, flags):
    cmd = [ND, "eval", "--truth", truth, "-f", "json", "--max-errors", "1", "-j", "1", *flags, corpus]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    try:
        d = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(f"crossval: `{shlex.join(cmd)}` failed (exit {proc.returncode}): {proc.stderr.strip()[:500]}")
    if proc.returncode != 0:
        print(f"crossval: `{shlex.join(cmd)}` exit {proc.returncode}: {proc.stderr.strip()[:300]}", file=sys.stderr)
    return {k: d[k] for k in FIGURES}


def run_all(corpora, grid, jobs, use_cache):
    """{(corpus name, label(flags)): figures} for the defaults and every grid point."""
    binary = sha256(ND)
    cache = {}
    if use_cache and os.path.exists(CACHE):
        with open(CACHE, encoding="utf-8") as f:
            cache = json.load(f)
    keys, todo = {}, []
    for name, corpus, truth in corpora:
        for flags in [[]] + grid:
            key = "|".join([binary, corpus, stamp(corpus), truth, stamp(truth), shlex.join(flags)])
            keys[(name, label(flags))] = key
            if key not in cache and key not in {k for k, *_ in todo}:
                todo.append((key, corpus, truth, flags))
    if todo:
        print(f"crossval: {len(todo)} evaluations, {jobs} at a time", file=sys.stderr)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for key, figures in zip((t[0] for t in todo), pool.map(lambda t: evaluate(*t[1:]), todo)):
                cache[key] = figures
        if use_cache:
            # Only this binary's entries: the cache does not grow with every build.
            keep = {k: v for k, v in cache.items() if k.startswith(binary + "|")}
            with open(CACHE + ".tmp", "w", encoding="utf-8") as f:
                json.dump(keep, f)
            os.replace(CACHE + ".tmp", CACHE)
    return {k: cache[key] for k, key in keys.items()}


def fmt(x):
    return f"{x:.4f}"


def grid_table(names, grid, res, defaults):
    """Every grid point's ARI per corpus and the mean; the defaults first; the best of each column in bold."""
    flags = list(dict.fromkeys(k for g in grid for k in parse_flags(g)))
    value = lambda g, k: {True: "on"}.get(parse_flags(g).get(k), parse_flags(g).get(k, default_of(k, defaults, grid)))
    rows = [("defaults", {k: default_of(k, defaults, grid) for k in flags}, [])] + [
        ("", {k: value(g, k) for k in flags}, g) for g in grid]
    best = {n: max(res[(n, label(g))]["ari"] for g in [[]] + grid) for n in names}
    mean = lambda g: sum(res[(n, label(g))]["ari"] for n in names) / len(names)
    top = max(mean(g) for g in [[]] + grid)
    bold = lambda s, b: f"**{s}**" if b else s
    lines = ["| | " + " | ".join(f.removeprefix("--") for f in flags) + " | "
             + " | ".join(f"{n} ARI" for n in names) + " | mean ARI |",
             "| --- |" + " ---: |" * len(flags) + " ---: |" * (len(names) + 1)]
    for name, values, g in rows:
        cells = [bold(fmt(res[(n, label(g))]["ari"]), res[(n, label(g))]["ari"] == best[n]) for n in names]
        lines.append(f"| {name} | " + " | ".join(str(values[k]) for k in flags) + " | " + " | ".join(cells)
                     + f" | {bold(fmt(mean(g)), abs(mean(g) - top) < 1e-12)} |")
    return "\n".join(lines)


def crossval(names, grid, res, defaults, tolerance):
    """The leave-one-out table and whether every check passed."""
    ari = lambda n, g: res[(n, label(g))]["ari"]
    lines = ["| held out | tuned on | picked by tuning (mean ARI there) | picked ARI | defaults ARI "
             "| grid best ARI (setting) | best − defaults | defaults within " + f"{tolerance} |",
             "| --- | --- | --- | ---: | ---: | --- | ---: | --- |"]
    ok = True
    for held in names:
        train = [n for n in names if n != held]
        mean = lambda g: sum(ari(n, g) for n in train) / len(train)
        # Highest mean; ties to the closest to the defaults, then the first in GRID.
        picked = min(grid, key=lambda g: (-round(mean(g), 10), distance(g, defaults)))
        best = min(grid, key=lambda g: (-ari(held, g), distance(g, defaults)))
        gap = ari(held, best) - ari(held, [])
        passed = gap <= tolerance + 1e-9
        ok &= passed
        lines.append(f"| {held} | {', '.join(train)} | {label(picked)} ({fmt(mean(picked))}) "
                     f"| {fmt(ari(held, picked))} | {fmt(ari(held, []))} | {fmt(ari(held, best))} ({label(best)}) "
                     f"| {gap:+.4f} | {'yes' if passed else '**no**'} |")
    return "\n".join(lines), ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grid", default=os.environ.get("NEWSDEDUP_GRID"),
                    help="file of flag sets, one a line (default: GRID in this script; env NEWSDEDUP_GRID)")
    ap.add_argument("--no-gen", action="store_true", help="leave out the generated corpus")
    ap.add_argument("--no-fail", action="store_true", help="print the table; exit 0 even when a check fails")
    ap.add_argument("--grid-table", action="store_true", help="print every grid point's ARI on every corpus, no check")
    ap.add_argument("--jobs", type=int, default=2, help="evaluations at a time (default %(default)s)")
    ap.add_argument("--tolerance", type=float, default=TOLERANCE, help="allowed ARI gap (default %(default)s)")
    ap.add_argument("--no-cache", action="store_true", help=f"neither read nor write {CACHE}")
    args = ap.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    grid = read_grid(args.grid) if args.grid else GRID
    if not grid:
        ap.error("the grid is empty")
    corpora = []
    for name, corpus, truth in CORPORA:
        if args.no_gen and name in GENERATED:
            continue
        missing = [p for p in (corpus, truth) if not os.path.isfile(p)]
        if missing:
            print(f"crossval: skipping {name}: missing {', '.join(missing)}", file=sys.stderr)
            continue
        corpora.append((name, corpus, truth))
    if len(corpora) < 2:
        raise SystemExit("crossval: need at least two corpora")
    names = [c[0] for c in corpora]
    defaults = help_defaults()
    res = run_all(corpora, grid, args.jobs, not args.no_cache)
    shown = dict.fromkeys(k for g in grid for k in parse_flags(g))
    print("Defaults (from `newsdedup --help`): " + " ".join(f"{k} {default_of(k, defaults, grid)}" for k in shown)
          + f". Grid: {len(grid)} flag sets. Corpora: {', '.join(names)}.\n")
    if args.grid_table:
        print(grid_table(names, grid, res, defaults))
        return 0
    table, ok = crossval(names, grid, res, defaults, args.tolerance)
    print(table)
    print(f"\n{'PASS' if ok else 'FAIL'}: the defaults are {'' if ok else 'not '}within {args.tolerance} ARI "
          "of the grid's best on every held-out corpus.")
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
