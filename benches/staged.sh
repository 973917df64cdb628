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
# Python, which must import pyspark; PARTITIONS = SHARDS), FLOWS (default "staged spark":
# which flows run beside the one run, which always runs: every flow's output is compared
# with it). For Spark it samples, every 2 s, the memory of the whole process tree (the
# Python driver, the JVM, the Python workers, the binary) and the disk used on the
# filesystem of its temp directory (SPARK_DEDUP_TMP, default TMPDIR or /tmp), and prints
# their peaks.
source "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
shards=${SHARDS:-5}
flows=" ${FLOWS:-staged spark} "
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
    echo
    echo "| flow | wall | peak memory (largest process) | output |"
    echo "| --- | ---: | ---: | --- |"
    echo "| one run | ${single_wall} s | $(mb $((single_rss * 1024))) | $(mb "$(stat -c %s "$tmp/single")") |"
    if [[ $flows == *" staged "* ]]; then
        keep=$tmp/keep
        rm -rf "$keep" "$tmp/calls"
        /usr/bin/time -o "$tmp/staged.time" -f "%e" env NEWSDEDUP="$tmp/nd" TIMES=1 SHARD_LINES="$lines" KEEP="$keep" \
            bash examples/staged.sh "$corpus" >"$tmp/staged" 2>"$tmp/laps"
        read -r staged_wall <"$tmp/staged.time"
        cmp -s "$tmp/single" "$tmp/staged" || { echo "staged.sh: the stages' output differs from one run's" >&2; exit 1; }
        staged_rss=$(awk '{ sub(":", "", $2); if ($2 + 0 > m + 0) m = $2 + 0 } END { print m }' "$tmp/calls")
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
        for what in "count lines, per shard:count.*" "count lines, summed:counts" "sign lines:sign.*" "group lines:groups.*" \
            "copy lines:copies" "tally lines, per shard:tally.*" "tally lines, summed, buckets over the cap:large" \
            "key entry lines (through the sort, not kept):keys.*" "candidate lines:candidates" \
            "shipped lines:shipped" "pair lines:pairs" \
            "component lines:components" "routed lines:routed" "link lines:links" "member lines:members.*" \
            "pieces:pieces.*"; do
            name=${what%%:*}
            if [ "${what#*:}" = "keys.*" ]; then b=$(cat "$keep/keys.bytes"); else b=$(cd "$keep" && size ${what#*:}); fi
            echo "| $name | $(mb "$b") | $((b / records)) |"
        done
        echo "| output | $(mb "$(stat -c %s "$tmp/single")") | $(($(stat -c %s "$tmp/single") / records)) |"
        echo
        echo "verified pairs: $(wc -l <"$keep/pairs"), records in a pair: $(wc -l <"$keep/components"), components: $(cut -f3 "$keep/components" | sort -u | wc -l)"
        # Spark last, with the stage files gone: its own spill needs the disk.
        rm -rf "$keep"
    fi
    if [ -n "${SPARK:-}" ] && [[ $flows == *" spark "* ]]; then
        spark_tmp=${SPARK_DEDUP_TMP:-${TMPDIR:-/tmp}}
        disk0=$(df -B1 --output=used "$spark_tmp" | tail -1)
        /usr/bin/time -o "$tmp/spark.time" -f "%e %M" env NEWSDEDUP="$abs_nd" PARTITIONS="$shards" \
            "$SPARK" examples/spark_dedup.py "$corpus" >"$tmp/spark" 2>"$tmp/spark.err" &
        spark=$!
        # Every 2 s: the disk used on its filesystem (grown since the start: the machine's other
        # work included), the size of its run directory, and the memory of its process tree
        # (sum, largest process).
        while kill -0 "$spark" 2>/dev/null; do
            used=$(df -B1 --output=used "$spark_tmp" | tail -1)
            run_dir=$({ du -sbc "$spark_tmp"/spark_dedup.* 2>/dev/null || true; } | tail -1 | cut -f1)
            tree=$(ps -eo pid=,ppid=,rss= | awk -v root="$spark" '{ up[$1] = $2; rss[$1] = $3 }
                END { for (p in up) { q = p; while (q != root && q in up && q > 1) q = up[q]
                      if (q == root) { sum += rss[p]; if (rss[p] > big) big = rss[p] } } print sum + 0, big + 0 }')
            echo "$((used - disk0)) ${run_dir:-0} $tree"
            sleep 2
        done >"$tmp/spark.samples"
        wait "$spark" || { tail -20 "$tmp/spark.err" >&2; exit 1; }
        read -r spark_wall spark_rss <"$tmp/spark.time"
        cmp -s "$tmp/single" "$tmp/spark" || { echo "staged.sh: spark_dedup.py's output differs from one run's" >&2; exit 1; }
        read -r disk_peak dir_peak tree_peak big_peak < <(awk '{ for (i = 1; i <= 4; i++) if ($i + 0 > m[i] + 0) m[i] = $i + 0 }
            END { print m[1] + 0, m[2] + 0, m[3] + 0, m[4] + 0 }' "$tmp/spark.samples")
        left=$({ ls -d "$spark_tmp"/spark_dedup.* 2>/dev/null || true; } | wc -l)
        echo
        echo "| flow | wall | peak memory (process tree, sampled every 2 s) | peak disk (run directory; the filesystem grew by) | output |"
        echo "| --- | ---: | ---: | ---: | --- |"
        echo "| examples/spark_dedup.py, $shards partitions | ${spark_wall} s | $(mb $((tree_peak * 1024))); largest process $(mb $((big_peak * 1024))) | $(mb "$dir_peak"); $(mb "$disk_peak") | byte-identical |"
        echo
        echo "run directories left in $spark_tmp: $left"
    fi
done
