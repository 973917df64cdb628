#!/usr/bin/env bash
# Leave-one-corpus-out check of the defaults over a parameter grid (benches/crossval.py).
#   bash benches/crossval.sh                 the table; exit 1 when the defaults fail a check
#   bash benches/crossval.sh --no-fail       the table only
#   bash benches/crossval.sh --no-gen        without the generated 10k corpus (the slow one)
#   bash benches/crossval.sh --grid-table    every grid point's ARI on every corpus
#   NEWSDEDUP_GRID=grid.txt bash benches/crossval.sh    another grid, one flag set a line
# Needs ../shared/corpora; writes the generated corpus and a result cache to benches/out/.
source "$(dirname "$0")/common.sh"
case " $* " in
    *" --no-gen "*) ;;
    *) generate 10000 ;;
esac
exec python3 benches/crossval.py "$@"
