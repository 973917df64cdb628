#!/usr/bin/env bash
# Run each fuzz target for SECONDS, one after another (one process each, so
# that the machine stays usable), seeded from fixtures/:
#
#     bash fuzz/run.sh 60                  # every target for 60 s
#     bash fuzz/run.sh 300 pipeline        # one target
#     FUZZ_ENGINE=stable bash fuzz/run.sh 10   # force the stable harness (CI)
#
# With a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`) the
# targets run under libFuzzer (`cargo +nightly fuzz run`, AddressSanitizer,
# coverage-guided); otherwise the stable harness (src/bin/stable.rs) drives
# the same target functions with mutated inputs. A crash is saved under
# fuzz/artifacts/TARGET/ and the script exits 1 after the other targets ran.
# Once fixed, copy it to fuzz/regressions/TARGET/: `cargo test --release
# --no-default-features` in fuzz/ replays every file there (stable).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(listing jsonl pipeline)

# Seed corpora: every fixture input, by format.
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    for f in ../fixtures/*.txt ../fixtures/*.jsonl ../fixtures/cases/*/*; do
        case "$(basename "$f")" in
            args | exit_code | stdout | stderr) continue ;;
        esac
        case "$t:$f" in
            listing:*.jsonl | jsonl:*.txt) continue ;;
        esac
        rel=${f#../fixtures/}
        cp "$f" "corpus/$t/seed-${rel//\//-}"
    done
done

engine=${FUZZ_ENGINE:-}
if [ -z "$engine" ]; then
    if cargo +nightly --version >/dev/null 2>&1 && cargo fuzz --version >/dev/null 2>&1; then
        engine=libfuzzer
    else
        engine=stable
        echo "fuzz/run.sh: no nightly toolchain with cargo-fuzz; using the stable harness" >&2
    fi
fi

mkdir -p logs
failed=()
if [ "$engine" = libfuzzer ]; then
    cargo +nightly fuzz build
    for t in "${targets[@]}"; do
        echo "== $t: libFuzzer, $secs s"
        if cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 \
            -rss_limit_mb=4096 -print_final_stats=1 >"logs/$t.log" 2>&1; then
            grep -E '^Done|stat::number_of_executed_units|stat::peak_rss_mb' "logs/$t.log" || true
        else
            echo "$t: CRASH (see fuzz/logs/$t.log and fuzz/artifacts/$t/)"
            grep -E 'panicked|ERROR|SUMMARY|Test unit written' "logs/$t.log" | head -5 || true
            failed+=("$t")
        fi
    done
else
    cargo build --release --no-default-features --bin stable
    for t in "${targets[@]}"; do
        echo "== $t: stable harness, $secs s"
        if ! target/release/stable "$t" "$secs" "corpus/$t" 2>"logs/$t.log"; then
            tail -5 "logs/$t.log"
            failed+=("$t")
        fi
    done
fi

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz/run.sh: crashes in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz/run.sh: no crash ($engine, $secs s per target)"
