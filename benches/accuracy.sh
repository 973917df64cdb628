#!/usr/bin/env bash
# Reproduce the accuracy figures of the README.
#   bash benches/accuracy.sh          one table: sample, web-articles-2018, helsinki-2018, generated 10k
#   bash benches/accuracy.sh grid     ARI of every grid point of benches/crossval.py on every corpus
#                                     (options after `grid` go to crossval.py, e.g. --no-gen)
# Needs ../shared/corpora (the labelled web corpora); writes generated corpora to benches/out/.
# A corpus that is missing is skipped, with a message.
source "$(dirname "$0")/common.sh"

if [ "${1:-}" = grid ]; then
    shift
    case " $* " in
        *" --no-gen "*) ;;
        *) generate 10000 ;;
    esac
    exec python3 benches/crossval.py --grid-table "$@"
fi

row() { # name corpus truth: one table row with the defaults
    local name=$1 corpus=$2 truth=$3
    if [ ! -f "$corpus" ] || [ ! -f "$truth" ]; then
        echo "skipping $name: missing $corpus or $truth" >&2
        return
    fi
    "$nd" eval --truth "$truth" -f json --max-errors 0 "$corpus" | python3 benches/eval_summary.py --row "$name" "$truth"
}

generate 10000
python3 benches/eval_summary.py --header
row sample fixtures/listing-janlipavsky.txt fixtures/listing-janlipavsky.truth.jsonl
row web-articles-2018 "$web.jsonl" "$web.truth.jsonl"
row helsinki-2018 ../shared/corpora/helsinki-2018.jsonl ../shared/corpora/helsinki-2018.truth.jsonl
row "generated 10k" "$out/gen10000.jsonl" "$out/gen10000.truth.jsonl"
