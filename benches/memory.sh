#!/usr/bin/env bash
# Peak memory against input size, and the fixed cost of a record.
#   bash benches/memory.sh [N...]          default: 100000 (the generated corpora; 1000000 too if asked)
# Peak RSS (/usr/bin/time -f %M) of `newsdedup FILE > /dev/null` (output written) on:
# - the generated corpus of each N, JSON Lines and listing text (as benches/throughput.sh makes them);
# - TINY records (default 1,000,000) of two words each, all different (`{"body":"w1 w2"}`), and
#   as many exact copies of `{"body":"a"}` (indexed once): RSS / records is the fixed cost of a
#   record, where text and shingles cost next to nothing;
# - 50 MB of blank lines (listing text): what reading alone keeps.
# Bodies wait in an anonymous temporary file in TMPDIR (src/spool.rs) between reading and
# writing: its pages are the kernel's page cache, which peak RSS does not count.
source "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
tiny=${TINY:-1000000}
[ -x /usr/bin/time ] || { echo "memory.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# peak FILE: "wall_s rss_kb" of one run
# (exit 2, input problems reported, is fine: an empty input is one).
peak() {
    local rc=0
    /usr/bin/time -f "%e %M" -o "$out/memory.time" "$nd" "$1" >/dev/null 2>"$out/memory.err" || rc=$?
    if [ "$rc" -gt 2 ]; then
        cat "$out/memory.err" >&2
        return 1
    fi
    tail -n 1 "$out/memory.time" # after "Command exited with non-zero status 2"
}
row() { # name file records
    local size rss
    size=$(stat -L -c %s "$2") # -L: a corpus may be a link to another tree's copy
    read -r _ rss <<<"$(peak "$2")"
    awk -v name="$1" -v size="$size" -v rss="$rss" -v n="$3" 'BEGIN {
        m = rss * 1024
        printf "| %s | %s | %s | %.2fx | %s |\n", name,
            (size >= 1e9 ? sprintf("%.2f GB", size / 1e9) : sprintf("%.1f MB", size / 1e6)),
            (m >= 2^30 ? sprintf("%.2f GB", m / 2^30) : sprintf("%.0f MB", m / 2^20)), m / size,
            (n ? sprintf("%.0f bytes", m / n) : "-") }'
}

echo "newsdedup $(git log --oneline -1 2>/dev/null | cut -c1-60), $profile build; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "command: bash benches/memory.sh ${sizes[*]} (TINY=$tiny)"
echo
echo "| input | size | peak RSS | RSS / size | RSS / record |"
echo "| --- | ---: | ---: | ---: | ---: |"
for n in "${sizes[@]}"; do
    generate "$n"
    json="$out/gen$n.jsonl" txt="$out/gen$n.txt"
    if [ ! -s "$txt" ] || [ "$txt" -ot "$json" ]; then
        python3 benches/to_listing.py "$json" "$out/gen$n.truth.jsonl" "$txt" "$out/gen$n.listing.truth.jsonl"
    fi
    row "generated $n, JSON Lines" "$json" "$n"
    row "generated $n, listing text" "$txt" "$n"
done
awk -v n="$tiny" 'BEGIN { for (i = 0; i < n; i++) printf "{\"body\":\"w%d x%d\"}\n", i, i }' >"$out/tiny.jsonl"
row "$tiny distinct two-word records" "$out/tiny.jsonl" "$tiny"
awk -v n="$tiny" 'BEGIN { for (i = 0; i < n; i++) print "{\"body\":\"a\"}" }' >"$out/copies.jsonl"
row "$tiny copies of \`{\"body\":\"a\"}\`" "$out/copies.jsonl" "$tiny"
head -c 50000000 /dev/zero | tr '\0' '\n' >"$out/blank.txt"
row "50 MB of blank lines" "$out/blank.txt" 0
rm -f "$out/tiny.jsonl" "$out/copies.jsonl" "$out/blank.txt" "$out/memory.time" "$out/memory.err"
