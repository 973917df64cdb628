#!/usr/bin/env bash
# Throughput and growth: newsdedup on generated corpora of 10k, 25k, 50k and 100k
# records, beside `wc -w` over the same bytes, timed by hyperfine when present.
#   bash benches/throughput.sh [N...]
source "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 25000 50000 100000)
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null 2>&1 || true
for n in "${sizes[@]}"; do
    generate "$n"
    f="$out/gen$n.jsonl"
    echo "== $n records, $(du -h "$f" | cut -f1), $(wc -w < "$f") words"
    if command -v hyperfine >/dev/null; then
        hyperfine --warmup 1 --runs 3 --style basic "wc -w $f" "$nd -q $f"
    else
        time wc -w "$f"
        time "$nd" -q "$f"
    fi
    if [ -x /usr/bin/time ]; then /usr/bin/time -f "max RSS %M KB" "$nd" -q --stats "$f"; else "$nd" -q --stats "$f"; fi 2>&1 | sed 's/^/   /'
done
