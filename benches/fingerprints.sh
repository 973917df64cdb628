#!/usr/bin/env bash
# The two fingerprints (--fingerprint xxh3, the default, and simhash, the pinned
# crate's) must give the same clusters: compare the outputs on generated corpora
# and the shared ones, and time both.
#   bash benches/fingerprints.sh [N...]        (default 10000 25000)
source "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 25000)
files=()
for n in "${sizes[@]}"; do generate "$n"; files+=("$out/gen$n.jsonl"); done
for f in ../shared/corpora/helsinki-2018.jsonl ../shared/corpora/web-articles-2018.jsonl ../shared/corpora/listing-janlipavsky.txt; do
    [ -f "$f" ] && files+=("$f")
done
status=0
for f in "${files[@]}"; do
    a=$(mktemp) b=$(mktemp)
    ta=$( { /usr/bin/time -f %e "$nd" "$f" > "$a"; } 2>&1 | tail -1)
    tb=$( { /usr/bin/time -f %e "$nd" --fingerprint simhash "$f" > "$b"; } 2>&1 | tail -1)
    if cmp -s "$a" "$b"; then same=same; else same=DIFFERENT; status=1; fi
    printf '%-45s xxh3 %6ss  simhash %6ss  clusters %s\n' "$(basename "$f")" "$ta" "$tb" "$same"
    rm -f "$a" "$b"
done
exit $status
