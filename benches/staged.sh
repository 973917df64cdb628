#!/usr/bin/env bash
# The stages at scale: examples/staged.sh beside one run, on the seeded generated corpora.
#   bash benches/staged.sh [N...]          default: 100000
# For each N (benches/out/genN.jsonl, benches/common.sh `generate`): one run
# (`newsdedup genN.jsonl`), then examples/staged.sh over SHARDS shards (default 5) with every
# stage's files kept; the two outputs must be byte-identical (exit 1 otherwise). Prints, as
# markdown: the wall time and peak memory of the one run and of staged.sh, each stage's wall
# time (TIMES=1) and the peak memory of its largest process (every call of the binary is
# wrapped in /usr/bin/time), and the size of each stage's output in bytes per record.
# Environment: SHARDS=N, SPARK=PYTHON (also run examples/spark_dedup.py under that
# Python, which must import pyspark; PARTITIONS = SHARDS).
source "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
shards=${SHARDS:-5}
[ -x /usr/bin/time ] || { echo "staged.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
abs_nd=$PWD/$nd
# Every call of the binary, timed: "WALL RSS_KB: STAGE" lines in $tmp/calls.
cat >"$tmp/nd" <<EOF
#!/bin/sh
exec /usr/bin/time -a -o "$tmp/calls" -f "%e %M: \$1" "$abs_nd" "\$@"
EOF
chmod +x "$tmp/nd"

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "newsdedup $(git log --oneline -1 | cut -c1-60), $profile build; $(nproc) cores, $cpu; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
    generate "$n"
    corpus=$out/gen$n.jsonl
    records=$(wc -l <"$corpus")
    bytes=$(stat -L -c %s "$corpus")
    lines=$(((records + shards - 1) / shards))
    echo
    echo "### $n records ($(mb "$bytes"), $shards shards of $lines records)"
    /usr/bin/time -o "$tmp/single.time" -f "%e %M" "$nd" "$corpus" >"$tmp/single"
    read -r single_wall single_rss <"$tmp/single.time"
    keep=$tmp/keep
    rm -rf "$keep" "$tmp/calls"
    /usr/bin/time -o "$tmp/staged.time" -f "%e" env NEWSDEDUP="$tmp/nd" TIMES=1 SHARD_LINES="$lines" KEEP="$keep" \
        bash examples/staged.sh "$corpus" >"$tmp/staged" 2>"$tmp/laps"
    read -r staged_wall <"$tmp/staged.time"
    cmp -s "$tmp/single" "$tmp/staged" || { echo "staged.sh: the stages' output differs from one run's" >&2; exit 1; }
    staged_rss=$(awk '{ sub(":", "", $2); if ($2 + 0 > m + 0) m = $2 + 0 } END { print m }' "$tmp/calls")
    echo
    echo "| flow | wall | peak memory (largest process) | output |"
    echo "| --- | ---: | ---: | --- |"
    echo "| one run | ${single_wall} s | $(mb $((single_rss * 1024))) | $(mb "$(stat -c %s "$tmp/single")") |"
    echo "| examples/staged.sh | ${staged_wall} s | $(mb $((staged_rss * 1024))) | byte-identical |"
    echo
    echo "| stage | wall | peak memory (largest call) |"
    echo "| --- | ---: | ---: |"
    # staged.sh's laps name the step; the calls name the subcommand.
    awk '{ printf "| %s | %s |", $2, $3; print "" }' "$tmp/laps" | while IFS= read -r row; do
        step=$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
        rss=$(awk -v s="$step" '{ sub(":", "", $2) } $3 == s && $2 + 0 > m + 0 { m = $2 + 0 } END { print m + 0 }' "$tmp/calls")
        if [ "$rss" -gt 0 ]; then echo "$row $(mb $((rss * 1024))) |"; else echo "$row (sort, split) |"; fi
    done
    [ -n "$(awk '$3 == "components"' "$tmp/calls")" ] &&
        echo "| (components, inside route) | | $(mb $(($(awk '{ sub(":", "", $2) } $3 == "components" { print $2 }' "$tmp/calls") * 1024))) |"
    echo
    echo "| output | total | bytes per record |"
    echo "| --- | ---: | ---: |"
    size() { cat "$@" 2>/dev/null | wc -c; }
    for what in "count lines, per shard:count.*" "count lines, summed:counts" "sign lines:sign.*" "pair lines:pairs" \
        "component lines:components" "routed lines:routed" "link lines:links" "member lines:members.*" \
        "pieces:pieces.*"; do
        name=${what%%:*}
        b=$(cd "$keep" && size ${what#*:})
        echo "| $name | $(mb "$b") | $((b / records)) |"
    done
    echo "| output | $(mb "$(stat -c %s "$tmp/single")") | $(($(stat -c %s "$tmp/single") / records)) |"
    echo
    echo "verified pairs: $(wc -l <"$keep/pairs"), records in a pair: $(wc -l <"$keep/components"), components: $(cut -f3 "$keep/components" | sort -u | wc -l)"
    # Spark last, with the stage files gone: its own spill needs the disk.
    rm -rf "$keep"
    if [ -n "${SPARK:-}" ]; then
        /usr/bin/time -o "$tmp/spark.time" -f "%e %M" env NEWSDEDUP="$abs_nd" PARTITIONS="$shards" \
            "$SPARK" examples/spark_dedup.py "$corpus" >"$tmp/spark" 2>"$tmp/spark.err" || {
            tail -20 "$tmp/spark.err" >&2
            exit 1
        }
        read -r spark_wall spark_rss <"$tmp/spark.time"
        cmp -s "$tmp/single" "$tmp/spark" || { echo "staged.sh: spark_dedup.py's output differs from one run's" >&2; exit 1; }
        echo
        echo "| flow | wall | peak memory | output |"
        echo "| --- | ---: | ---: | --- |"
        echo "| examples/spark_dedup.py, $shards partitions | ${spark_wall} s | $(mb $((spark_rss * 1024))) (the Python driver, as /usr/bin/time sees it) | byte-identical |"
    fi
done
