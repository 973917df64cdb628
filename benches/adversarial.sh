#!/usr/bin/env bash
# Linear cost on adversarial inputs: each shape at size N and 2N, run by the
# release binary under /usr/bin/time; time and peak RSS must grow by at
# most 2.5x when the input doubles. Each 2N input is also set against a
# realistic corpus of the same size in bytes (the first records of the seeded
# generated 100k corpus, benches/common.sh), whose time it should not exceed
# by more than 2x (issue 8's target). Prints a table; exits 1 when a growth
# ratio is over its limit, and names the shapes over 2x the realistic time.
#
#     bash benches/adversarial.sh              # all shapes
#     bash benches/adversarial.sh roundup      # one shape
#     SCALE=2 bash benches/adversarial.sh      # N twice as large
set -euo pipefail
cd "$(dirname "$0")/.."
limit=2.5
scale=${SCALE:-1}
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(identical boilerplate roundup outlets blank tiny)
# N per shape: the smaller size, chosen so that the script runs in minutes.
declare -A base=([identical]=20000 [boilerplate]=20000 [roundup]=16000 [outlets]=10000 [blank]=25 [tiny]=500000)
cargo build --release --quiet --bin newsdedup
bin=target/release/newsdedup
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The realistic corpus the shapes are set against (made once, then reused).
(source benches/common.sh && generate 100000)
realistic=benches/out/gen100000.jsonl
# realistic_prefix BYTES OUT: the first whole records of the realistic corpus
# holding at least BYTES bytes (or all of it).
realistic_prefix() {
    python3 -c '
import sys
want, out = int(sys.argv[1]), open(sys.argv[3], "wb")
n = 0
for line in open(sys.argv[2], "rb"):
    if n >= want:
        break
    out.write(line)
    n += len(line)
' "$1" "$realistic" "$2"
}

# Prints "SECONDS KB" for one run (best of two for time, max RSS).
measure() {
    local best="" rss=0
    for _ in 1 2; do
        /usr/bin/time -f "%e %M" -o "$work/time" "$bin" -q -j 2 "$1" >/dev/null 2>"$work/err" || {
            code=$?
            # Exit 2 with input problems is fine; anything else is a failure.
            [ "$code" -eq 2 ] || { cat "$work/err" >&2; return 1; }
        }
        read -r t m <"$work/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "$best $rss"
}

fail=0
slow=()
printf '%-12s | %8s | %8s | %9s | %6s | %9s | %9s | %6s | %8s | %9s | %7s\n' shape N "N time" "2N time" ratio \
    "N RSS" "2N RSS" ratio "2N MB" realistic "vs real"
for s in "${shapes[@]}"; do
    n=$((base[$s] * scale))
    python3 benches/adversarial_gen.py "$s" "$n" "$work/a.jsonl"
    python3 benches/adversarial_gen.py "$s" $((2 * n)) "$work/b.jsonl"
    read -r t1 m1 < <(measure "$work/a.jsonl")
    read -r t2 m2 < <(measure "$work/b.jsonl")
    bytes=$(stat -c %s "$work/b.jsonl")
    realistic_prefix "$bytes" "$work/r.jsonl"
    read -r treal _ < <(measure "$work/r.jsonl")
    vr=$(awk "BEGIN{a=$treal<0.05?0.05:$treal; b=$t2<0.05?0.05:$t2; printf \"%.2f\", b/a}")
    if awk "BEGIN{exit !($vr > 2)}"; then slow+=("$s ${vr}x"); fi
    # Times under 0.05 s are noise: floor them there.
    tr=$(awk "BEGIN{a=$t1<0.05?0.05:$t1; b=$t2<0.05?0.05:$t2; printf \"%.2f\", b/a}")
    mr=$(awk "BEGIN{printf \"%.2f\", $m2/$m1}")
    verdict=ok
    if awk "BEGIN{exit !($tr > $limit || $mr > $limit)}"; then verdict=FAIL; fail=1; fi
    printf '%-12s | %8s | %7.2fs | %8.2fs | %6s | %6d MB | %6d MB | %6s | %8.1f | %8.2fs | %7s %s\n' \
        "$s" "$n" "$t1" "$t2" "$tr" $((m1 / 1024)) $((m2 / 1024)) "$mr" "$(awk "BEGIN{print $bytes / 1e6}")" \
        "$treal" "$vr" "$verdict"
    rm -f "$work/a.jsonl" "$work/b.jsonl" "$work/r.jsonl"
done
[ ${#slow[@]} -eq 0 ] || echo "adversarial.sh: over 2x the time of a realistic corpus of the same size: ${slow[*]}" >&2
[ "$fail" -eq 0 ] || { echo "adversarial.sh: a ratio is over $limit" >&2; exit 1; }
