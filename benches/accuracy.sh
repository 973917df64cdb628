#!/usr/bin/env bash
# Reproduce the accuracy figures of the README.
#   bash benches/accuracy.sh          sample, web-articles-2018, generated 10k corpus
#   bash benches/accuracy.sh grid     the grid the defaults were chosen from
# Needs ../shared/corpora (the labelled web corpus); writes generated corpora to benches/out/.
source "$(dirname "$0")/common.sh"

summary() { # corpus truth [options...]: one line of figures
    local corpus=$1 truth=$2
    shift 2
    "$nd" eval --truth "$truth" -f json --max-errors 0 "$@" "$corpus" | python3 benches/eval_summary.py "$truth"
}

if [ "${1:-}" = grid ]; then
    echo "web-articles-2018: ARI over --jaccard x --containment x --link"
    for c in 0.55 0.6 0.65 0.7 0.8; do
        for l in 0.3 0.4 0.5; do
            for j in 0.3 0.4 0.5; do
                echo "containment $c link $l jaccard $j: $(summary "$web.jsonl" "$web.truth.jsonl" --containment $c --link $l --jaccard $j)"
            done
        done
    done
    exit 0
fi

echo "sample:            $(summary fixtures/listing-janlipavsky.txt fixtures/listing-janlipavsky.truth.jsonl)"
echo "web-articles-2018: $(summary "$web.jsonl" "$web.truth.jsonl")"
generate 10000
echo "generated 10k:     $(summary "$out/gen10000.jsonl" "$out/gen10000.truth.jsonl")"
