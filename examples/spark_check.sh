#!/usr/bin/env bash
# examples/spark_check.sh [PYTHON]: examples/spark_dedup.py on a generated
# corpus (3,000 records, 6 partitions) plus the bundled listing, in every
# output format, and on the bundled CSV in -f filter (CSV out), compared byte
# for byte with one run. Needs pyspark (PYTHON,
# default python3, must import it) and Java 17; about five minutes (seven
# runs; Spark starts in each), so it runs apart from `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}
cargo build --release --quiet
export PATH=$PWD/target/release:$PATH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
newsdedup-gen --seed 4 --articles 3000 --base-truth fixtures/listing-janlipavsky.truth.jsonl \
    --out "$work/gen.jsonl" --truth "$work/gen.truth.jsonl" fixtures/listing-janlipavsky.txt 2>/dev/null
check() { # FORMAT FILE...
    local format=$1
    shift
    newsdedup --format "$format" "$@" >"$work/single"
    FORMAT=$format PARTITIONS=6 "$py" examples/spark_dedup.py "$@" \
        >"$work/spark" 2>"$work/spark.err" || { tail -20 "$work/spark.err"; exit 1; }
    cmp "$work/single" "$work/spark"
    echo "spark_dedup.py = one run ($format, $(wc -c <"$work/single") bytes: $*)"
}
for format in jsonl json text filter ids tsv; do
    check "$format" "$work/gen.jsonl" fixtures/listing-janlipavsky.txt
done
check filter fixtures/wire.csv
