#!/usr/bin/env bash
# The archive index's cost per record: on generated corpora of N records
# (seed 1; default 20000 and 50000), the first N-1000 are archived with
# `newsdedup index build` and the last 1000 are today. Prints the index size
# a record, the peak memory of loading it (`index stats`) a record, and the
# time and peak memory of `--against` beside one run over archive + today.
#   bash benches/archive.sh [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/common.sh
cargo build --release -q
bin=target/release/newsdedup
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000 50000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
measure() { # label, command...: "seconds KB"
    /usr/bin/time -f '%e %M' -o "$tmp/time" "${@}" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    cat "$tmp/time"
}
printf '| archived | index size | a record | load: peak RSS | a record | build | --against 1000 | its RSS | one run over both | its RSS | add 1000 |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for n in "${sizes[@]}"; do
    generate "$n"
    f="$out/gen$n.jsonl"
    head -n $((n - 1000)) "$f" > "$tmp/archive.jsonl"
    tail -n 1000 "$f" > "$tmp/today.jsonl"
    read -r build _ < <(measure "$bin" index build -o "$tmp/news.idx" "$tmp/archive.jsonl")
    read -r _ load_kb < <(measure "$bin" index stats "$tmp/news.idx")
    read -r ag ag_kb < <(measure "$bin" --against "$tmp/news.idx" --matches "$tmp/m.jsonl" -o "$tmp/new.jsonl" "$tmp/today.jsonl")
    read -r one one_kb < <(measure "$bin" -o "$tmp/one.jsonl" "$tmp/archive.jsonl" "$tmp/today.jsonl")
    cp "$tmp/news.idx" "$tmp/add.idx"
    read -r add _ < <(measure "$bin" index add "$tmp/add.idx" "$tmp/today.jsonl")
    bytes=$(stat -c %s "$tmp/news.idx")
    a=$((n - 1000))
    printf '| %s | %s MB | %s KB | %s MB | %s KB | %s s | %s s | %s MB | %s s | %s MB | %s s |\n' \
        "$a" "$(echo "scale=1; $bytes/1000000" | bc)" "$(echo "scale=2; $bytes/$a/1000" | bc)" \
        "$((load_kb / 1000))" "$(echo "scale=2; $load_kb*1024/$a/1000" | bc)" "$build" \
        "$ag" "$((ag_kb / 1000))" "$one" "$((one_kb / 1000))" "$add"
done
