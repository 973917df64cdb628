# Sourced by the bench scripts: build, paths, and the seeded generated corpora.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# BENCH_PROFILE=dev (CI's smoke run) uses the debug build that `cargo test` made: the
# scripts then run as they do on release, but their times mean nothing.
profile=${BENCH_PROFILE:-release}
cargo build --profile "$profile" --quiet
bin=${CARGO_TARGET_DIR:-target}/$([ "$profile" = dev ] && echo debug || echo "$profile")
nd=$bin/newsdedup
gen=$bin/newsdedup-gen
web=../shared/corpora/web-articles-2018
out=benches/out
mkdir -p "$out"

generate() { # N: benches/out/genN.jsonl (+ .truth.jsonl), seed 1, from the real corpora
    local n=$1
    [ -f "$out/gen$n.jsonl" ] || "$gen" --seed 1 --articles "$n" \
        --base-truth "$web.truth.jsonl" --base-truth fixtures/listing-janlipavsky.truth.jsonl \
        --out "$out/gen$n.jsonl" --truth "$out/gen$n.truth.jsonl" \
        "$web.jsonl" fixtures/listing-janlipavsky.txt
}
