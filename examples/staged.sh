#!/usr/bin/env bash
# examples/staged.sh FILE...: newsdedup as stages, with GNU sort as the
# shuffle, out of core on one machine. Writes exactly what `newsdedup FILE...`
# writes (JSON Lines records need explicit ids; listing, CSV and JSON array
# files stay whole).
#
# Environment: NEWSDEDUP (the binary, default: newsdedup on PATH), FORMAT
# (jsonl, json, text, filter, ids, tsv), CANONICAL (longest, first), SHARD_LINES (lines of a
# JSON Lines shard, default 100000), SORT_MEMORY (sort -S, default 25%),
# SORT_COMPRESS (a program for sort's temporary files, e.g. zstd),
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
sort_() { sort -S "${SORT_MEMORY:-25%}" -T "$work" ${SORT_COMPRESS:+--compress-program="$SORT_COMPRESS"} "$@"; }
# Lines KEY KIND COUNT sorted by key -> one line per key with the counts
# summed, only where the sum is over $1.
sum_by_key() {
    awk -F'\t' -v OFS='\t' -v over="$1" '
        $1 != key { if (NR > 1 && n > over) print key, kind, n; key = $1; kind = $2; n = 0 }
        { n += $3 } END { if (NR > 0 && n > over) print key, kind, n }'
}
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
# 1. count: per-outlet short line counts and input shapes of each shard,
# summed by key.
for k in "${!shards[@]}"; do
    "$nd" count "${shards[$k]}" >"$work/count.$k"
done
sort_ "$work"/count.* | sum_by_key -1 >"$work/counts"

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
# 3. pairs, keyed: the exact copies of each body (group lines sorted by
# body), each shard's tally of the buckets its records join, summed by key
# (only buckets over the cap of 32 are kept: the caps read their sizes), a
# key entry line per bucket a record joins, each bucket's candidates (key
# entry lines sorted by key) less those verify refuses at a glance, each
# candidate's first signature shipped to its partner (candidate, copy and
# sign lines merged by ordinal), and the pairs verified where the two
# signatures meet (shipped and sign lines merged by ordinal).
for k in "${!shards[@]}"; do
    "$nd" groups "$work/sign.$k" >"$work/groups.$k"
done
sort_ "$work"/groups.* | "$nd" copies | sort_ >"$work/copies"
lap copies
for k in "${!shards[@]}"; do
    "$nd" tally --copies "$work/copies" "$work/sign.$k" >"$work/tally.$k"
done
sort_ "$work"/tally.* | sum_by_key 32 >"$work/large"
lap tally
# The key entry lines are the largest shuffle (about 16 KB a record: the
# sketch on each line); they go straight into the sort, and with KEEP only
# their size is kept.
for k in "${!shards[@]}"; do
    "$nd" keys --copies "$work/copies" --tallies "$work/large" "$work/sign.$k"
done | if [ -n "${KEEP:-}" ]; then tee >(wc -c >"$work/keys.bytes"); else cat; fi |
    sort_ | "$nd" buckets | sort_ >"$work/candidates"
lap buckets
sort_ -m "$work"/sign.* "$work/candidates" "$work/copies" | "$nd" join | sort_ >"$work/shipped"
lap join
sort_ -m "$work"/sign.* "$work/shipped" | "$nd" verify | sort_ >"$work/pairs"
lap verify
# 4. components of the pairs' graph: global, over the pairs only. 5. route:
# sign and pair lines keyed by component (sign lines and pairs are already
# sorted by ordinal, so `sort -m` merges them with the component lines). 6.
# cluster: one batch of whole components at a time.
"$nd" components "$work/pairs" >"$work/components"
sort_ -m "$work/components" "$work"/sign.* "$work/pairs" | "$nd" route >"$work/routed"
lap route
sort_ "$work/routed" | "$nd" cluster --canonical "$canonical" >"$work/links"

lap cluster
# 7. apply per shard: singletons' pieces, and members keyed by canonical
# (-f filter reads the summed counts: the output's shape depends on every
# record's).
for k in "${!shards[@]}"; do
    "$nd" apply --format "$format" --counts "$work/counts" --clusters "$work/links" --ordinal-base "${bases[k]}" \
        "${shards[$k]}" |
        awk -F'\t' -v m="$work/members.$k" -v p="$work/pieces.$k" '$2 == "m2" { print > m; next } { print > p }'
done

lap apply
# 8. gather each cluster's members; 9. merge all pieces in ordinal order.
touch "$work/members.none" "$work/pieces.none"
sort_ "$work"/members.* | "$nd" gather --format "$format" --counts "$work/counts" >"$work/pieces.gathered"
lap gather
sort_ "$work"/pieces.* | "$nd" merge --format "$format" --counts "$work/counts"
lap merge
