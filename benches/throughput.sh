#!/usr/bin/env bash
# End-to-end throughput and growth, newsdedup beside `wc -w` over the same file in the same run.
#   bash benches/throughput.sh [N...]          default: 10000 100000 1000000
# For each N: the seeded generated corpus (benches/common.sh `generate`, JSON Lines) and its
# listing-text copy (benches/to_listing.py); for each format, `wc -w FILE` and
# `newsdedup -j T --stats FILE > /dev/null` (output written, to /dev/null) for T = 1 and every
# core. Each timing is the best wall time of RUNS runs (default 3; 1 from 1M records up);
# peak RSS (/usr/bin/time -f %M) and CPU time are of that run. Prints a markdown table
# and the growth ratios; the raw rows go to benches/out/throughput.tsv.
# Environment: RUNS=N, THREADS="1 2" (default: 1 and nproc), CHECK_MAX=N (default 100000):
# up to N records, `newsdedup eval` must score the listing copy as the JSONL (slow: one more
# run of each), WAIT_LOAD=X: before each timing, wait (at most 2 minutes) until the 1-minute
# load average is below X.
source "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
cores=$(nproc)
threads=(${THREADS:-1 $cores})
check_max=${CHECK_MAX:-100000}
[ -x /usr/bin/time ] || { echo "throughput.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
tsv=$out/throughput.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wait_load() {
    [ -n "${WAIT_LOAD:-}" ] || return 0
    local i
    for i in $(seq 24); do
        awk -v max="$WAIT_LOAD" '{ exit !($1 < max) }' /proc/loadavg && return 0
        sleep 5
    done
}

# best RUNS CMD...: runs CMD (stdout to /dev/null) RUNS times; prints "wall_s cpu_s rss_kb" of
# the fastest run; the fastest run's stderr is left in $tmp/err. Fails when CMD does.
best() {
    local runs=$1 i t0 t1 wall line best_wall="" best_line=""
    shift
    for ((i = 0; i < runs; i++)); do
        wait_load
        t0=$(date +%s%N)
        /usr/bin/time -o "$tmp/time" -f "%U %S %M" "$@" >/dev/null 2>"$tmp/err.run" || {
            echo "throughput.sh: failed: $*" >&2
            cat "$tmp/err.run" >&2
            return 1
        }
        t1=$(date +%s%N)
        wall=$(((t1 - t0) / 1000000))
        line=$(awk -v w="$wall" '{ printf "%.3f %.2f %d", w / 1000, $1 + $2, $3 }' "$tmp/time")
        if [ -z "$best_wall" ] || [ "$wall" -lt "$best_wall" ]; then
            best_wall=$wall best_line=$line
            cp "$tmp/err.run" "$tmp/err"
        fi
    done
    echo "$best_line"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "newsdedup $(git log --oneline -1 2>/dev/null | cut -c1-60)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ uncommitted changes)'), $profile build"
echo "machine: $cores cores, $cpu, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: bash benches/throughput.sh ${sizes[*]}; RUNS=${RUNS:-3 (1 from 1M)}; locale of wc: ${LC_ALL:-${LC_CTYPE:-${LANG:-POSIX}}}"
echo "newsdedup writes its JSON Lines output to /dev/null (not -q); times are the best of the runs, wall clock"
echo
printf 'records\tformat\tbytes\twords\twc_s\tthreads\twall_s\tcpu_s\trss_kb\tstages\n' >"$tsv"

for n in "${sizes[@]}"; do
    generate "$n"
    json="$out/gen$n.jsonl" txt="$out/gen$n.txt"
    if [ ! -s "$txt" ] || [ "$txt" -ot "$json" ]; then
        python3 benches/to_listing.py "$json" "$out/gen$n.truth.jsonl" "$txt" "$out/gen$n.listing.truth.jsonl"
    fi
    if [ "$n" -le "$check_max" ]; then
        a=$("$nd" eval --truth "$out/gen$n.truth.jsonl" -f json "$json" | python3 benches/eval_summary.py)
        b=$("$nd" eval --truth "$out/gen$n.listing.truth.jsonl" -f json "$txt" | python3 benches/eval_summary.py)
        if [ "$a" != "$b" ]; then
            printf 'throughput.sh: the listing copy scores differently:\n  jsonl:   %s\n  listing: %s\n' "$a" "$b" >&2
            exit 1
        fi
        echo "gen$n: JSONL and listing score the same: $a" >&2
    fi
    runs=${RUNS:-$([ "$n" -ge 1000000 ] && echo 1 || echo 3)}
    for f in "$json" "$txt"; do
        format=$([ "$f" = "$json" ] && echo jsonl || echo listing)
        cat "$f" >/dev/null # into the page cache
        bytes=$(stat -c %s "$f")
        words=$(wc -w <"$f")
        res=$(best "$runs" wc -w "$f")
        wc_s=${res%% *}
        for t in "${threads[@]}"; do
            res=$(best "$runs" "$nd" -j "$t" --stats "$f")
            read -r wall cpu rss <<<"$res"
            stages=$(sed -n 's/^newsdedup: stages: //p' "$tmp/err")
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$format" "$bytes" "$words" "$wc_s" "$t" \
                "$wall" "$cpu" "$rss" "$stages" >>"$tsv"
            echo "gen$n $format -j $t: $wall s, $rss KB; $stages" >&2
        done
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 benches/throughput_table.py "$tsv"
