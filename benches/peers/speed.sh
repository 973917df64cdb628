#!/usr/bin/env bash
# Speed against the peers, whole process against whole process, on the generated corpora.
#   bash benches/peers/speed.sh [N...]          default: 100000
# For each N (benches/out/genN.jsonl, made by benches/common.sh `generate`): newsdedup with
# every core and with `-j 1` (output to /dev/null), datasketch MinHashLSH and rensa
# (benches/peers/speed.py: read, shingle, LSH, components, labels written to a file), each
# timed with /usr/bin/time (wall, peak RSS), once each (RUNS=N for the best of N); then
# the ARI of each on the corpus's truth (newsdedup's from `newsdedup eval`, not timed).
# Prints a markdown table with the time ratios against newsdedup.
# PEERS="datasketch rensa" chooses the peers.
source "$(dirname "$0")/../common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
peers=(${PEERS:-datasketch rensa})
runs=${RUNS:-1}
cores=$(nproc)
venv=benches/peers/.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r benches/peers/requirements.txt >&2
py=$venv/bin/python
[ -x /usr/bin/time ] || { echo "speed.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# timed OUT CMD...: best wall time of $runs runs of CMD (stdout to OUT); prints "wall_s rss_kb".
timed() {
    local dest=$1 i t0 t1 wall best="" line=""
    shift
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        /usr/bin/time -o "$tmp/time" -f "%M" "$@" >"$dest" 2>"$tmp/err" || {
            echo "speed.sh: failed: $*" >&2
            cat "$tmp/err" >&2
            return 1
        }
        t1=$(date +%s%N)
        wall=$(((t1 - t0) / 1000000))
        if [ -z "$best" ] || [ "$wall" -lt "$best" ]; then
            best=$wall line="$(awk -v w="$wall" '{ printf "%.2f %d", w / 1000, $1 }' "$tmp/time")"
        fi
    done
    echo "$line"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "newsdedup $(git log --oneline -1 2>/dev/null | cut -c1-60)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ uncommitted changes)');" \
    "$("$py" -c 'import platform; from importlib.metadata import version as v; print("datasketch", v("datasketch") + ", rensa", v("rensa") + ", Python", platform.python_version())')"
echo "machine: $cores cores, $cpu; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: bash benches/peers/speed.sh ${sizes[*]}; best of $runs run(s), wall clock"
echo
for n in "${sizes[@]}"; do
    generate "$n"
    f="$out/gen$n.jsonl" truth="$out/gen$n.truth.jsonl"
    bytes=$(stat -c %s "$f")
    cat "$f" >/dev/null
    rows=()
    read -r nd_wall nd_rss <<<"$(timed /dev/null "$nd" -j "$cores" "$f")"
    read -r nd1_wall nd1_rss <<<"$(timed /dev/null "$nd" -j 1 "$f")"
    echo "gen$n newsdedup: -j $cores $nd_wall s, -j 1 $nd1_wall s" >&2
    nd_score=$("$nd" eval --truth "$truth" -f json "$f" |
        "$py" -c 'import json, sys; d = json.load(sys.stdin); print(json.dumps({k: float(d[k]) for k in ("ari", "precision", "recall", "f1")}))')
    rows+=("newsdedup|defaults, \`-j $cores\`|$nd_wall|$nd_rss|$nd_score")
    rows+=("newsdedup|defaults, \`-j 1\`|$nd1_wall|$nd1_rss|$nd_score")
    for p in "${peers[@]}"; do
        labels="$out/gen$n.$p.labels.tsv"
        read -r wall rss <<<"$(timed /dev/null "$py" benches/peers/speed.py run "$p" "$f" "$labels")"
        echo "gen$n $p: $wall s" >&2
        score=$("$py" benches/peers/speed.py score "$truth" "$labels")
        setting=$([ "$p" = datasketch ] && echo "0.4 (b=32, r=4)" || echo "0.3 (b=32, r=4, checked)")
        name=$([ "$p" = datasketch ] && echo "datasketch MinHashLSH" || echo "rensa RMinHashLSH")
        rows+=("$name|$setting|$wall|$rss|$score")
    done
    echo "### gen$n.jsonl: $n records, $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
    echo
    echo "| tool | setting | wall | MB/s | articles/s | peak RSS | time / newsdedup \`-j $cores\` | time / newsdedup \`-j 1\` | ARI | precision | recall |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for r in "${rows[@]}"; do
        IFS='|' read -r name setting wall rss score <<<"$r"
        "$py" - "$name" "$setting" "$wall" "$rss" "$score" "$n" "$bytes" "$nd_wall" "$nd1_wall" <<'EOF'
import json, sys
name, setting, wall, rss, score, n, size, nd, nd1 = sys.argv[1:]
wall, rss, n, size, nd, nd1, s = float(wall), int(rss), int(n), int(size), float(nd), float(nd1), json.loads(score)
mem = f"{rss / 1048576:.2f} GB" if rss >= 1048576 else f"{rss / 1024:.0f} MB"
print(f"| {name} | {setting} | {wall:.2f} s | {size / 1e6 / wall:.1f} | {n / wall:,.0f} | {mem} | {wall / nd:.2f}x "
      f"| {wall / nd1:.2f}x | {s['ari']:.4f} | {s['precision']:.4f} | {s['recall']:.4f} |")
EOF
    done
    echo
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
