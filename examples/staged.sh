#!/usr/bin/env bash
# examples/staged.sh FILE...: newsdedup as stages, with GNU sort as the
# shuffle, out of core on one machine. Writes exactly what `newsdedup FILE...`
# writes (JSON Lines records need explicit ids; listing files stay whole).
#
# Environment: NEWSDEDUP (the binary, default: newsdedup on PATH), FORMAT
# (jsonl, json, text), CANONICAL (longest, first), SHARD_LINES (lines of a
# JSON Lines shard, default 100000), SORT_MEMORY (sort -S, default 25%),
# KEEP (a directory to keep the stage files in, for measuring them).
set -euo pipefail
nd=${NEWSDEDUP:-newsdedup}
format=${FORMAT:-jsonl}
canonical=${CANONICAL:-longest}
lines=${SHARD_LINES:-100000}
export LC_ALL=C
if [ -n "${KEEP:-}" ]; then
    work=$KEEP
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
sort_() { sort -S "${SORT_MEMORY:-25%}" -T "$work" "$@"; }
# TIMES=1: each step's wall time on stderr.
t0=$(date +%s.%N)
lap() {
    [ -z "${TIMES:-}" ] && return
    local t
    t=$(date +%s.%N)
    printf 'staged.sh: %-8s %6.2fs\n' "$1" "$(echo "$t - $t0" | bc)" >&2
    t0=$t
}

# Shards, in single-run input order: JSON Lines files cut every SHARD_LINES
# lines, other files whole.
shards=()
i=0
for f in "$@"; do
    i=$((i + 1))
    case "$f" in
    *.jsonl | *.ndjson)
        prefix="$work/in$(printf %05d "$i")."
        split -l "$lines" -d -a 6 --additional-suffix=.jsonl "$f" "$prefix"
        for s in "$prefix"*.jsonl; do [ -e "$s" ] && shards+=("$s"); done
        ;;
    *) shards+=("$f") ;;
    esac
done

lap split
# 1. count: per-outlet short line counts of each shard, summed by key.
for k in "${!shards[@]}"; do
    "$nd" count "${shards[$k]}" >"$work/count.$k"
done
sort_ "$work"/count.* | awk -F'\t' -v OFS='\t' '
    $1 != key { if (NR > 1) print key, kind, n; key = $1; kind = $2; n = 0 }
    { n += $3 } END { if (NR > 0) print key, kind, n }' >"$work/counts"

lap count
# 2. sign: each shard numbered from the records before it.
base=0
bases=()
for k in "${!shards[@]}"; do
    bases[k]=$base
    "$nd" sign --counts "$work/counts" --ordinal-base "$base" "${shards[$k]}" >"$work/sign.$k"
    base=$((base + $(awk -F'\t' '$1 == "#records" { print $3 }' "$work/count.$k")))
done

lap sign
# 3. pairs and 4. cluster: global.
signs=()
for k in "${!shards[@]}"; do signs+=(--signs "$work/sign.$k"); done
"$nd" pairs "$work"/sign.* >"$work/pairs"
lap pairs
"$nd" cluster --canonical "$canonical" "${signs[@]}" "$work/pairs" >"$work/links"

lap cluster
# 5. apply per shard: singletons' pieces, and members keyed by canonical.
for k in "${!shards[@]}"; do
    "$nd" apply --format "$format" --clusters "$work/links" --ordinal-base "${bases[k]}" "${shards[$k]}" |
        awk -F'\t' -v m="$work/members.$k" -v p="$work/pieces.$k" '$2 == "m1" { print > m; next } { print > p }'
done

lap apply
# 6. gather each cluster's members; 7. merge all pieces in ordinal order.
touch "$work/members.none" "$work/pieces.none"
sort_ "$work"/members.* | "$nd" gather --format "$format" --counts "$work/counts" >"$work/pieces.gathered"
lap gather
sort_ "$work"/pieces.* | "$nd" merge --format "$format"
lap merge
