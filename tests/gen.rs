//! Regression test of `newsdedup-gen`: a seed and the same inputs give the
//! same corpus and truth, byte for byte, from one version to the next. The
//! bundled sample is the input, so the test runs without the shared corpora.
//!
//! When a change to the generator is meant to change its output, update the
//! pinned hashes below and say so in the CHANGELOG: corpora written by older
//! versions no longer match.

use std::path::PathBuf;
use std::process::Command;

use xxhash_rust::xxh3::xxh3_64;

const GEN: &str = env!("CARGO_BIN_EXE_newsdedup-gen");

/// Run the generator from the repository root (listing ids are `FILE:LINE`
/// as given on the command line); the corpus, the truth and stderr.
fn generate(seed: &str, articles: &str) -> (Vec<u8>, Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    let (out, truth) = (dir.path().join("gen.jsonl"), dir.path().join("gen.truth.jsonl"));
    let run = Command::new(GEN)
        .args(["--seed", seed, "--articles", articles, "--base-truth", "fixtures/listing-janlipavsky.truth.jsonl"])
        .arg("--out")
        .arg(&out)
        .arg("--truth")
        .arg(&truth)
        .arg("fixtures/listing-janlipavsky.txt")
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(0), "stderr:\n{stderr}");
    (std::fs::read(out).unwrap(), std::fs::read(truth).unwrap(), stderr)
}

#[test]
fn generator_output_is_pinned_for_a_seed() {
    let (out, truth, stderr) = generate("3", "200");
    // The summary, without its timing.
    let summary = stderr.trim_end().rsplit_once(", ").map_or(stderr.as_str(), |(s, _)| s);
    assert_eq!(
        summary,
        "newsdedup-gen: 200 records: 47 stories (3 real, 44 synthetic), 133 variants, 20 decoys; seed 3"
    );
    assert_eq!((out.len(), truth.len()), (657_017, 13_950), "corpus and truth sizes");
    assert_eq!(
        [format!("{:016x}", xxh3_64(&out)), format!("{:016x}", xxh3_64(&truth))],
        ["b5ae9d8416d81839", "cc3335c553f2052e"],
        "xxh3 of corpus and truth"
    );
}

/// `--base-truth` is read by the library's truth reader: every problem is
/// reported with file and line, and any problem refuses the file (exit 2).
#[test]
fn base_truth_problems_are_listed_and_refuse_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("listing-janlipavsky.txt");
    std::fs::copy(sample, dir.path().join("in.txt")).unwrap();
    let truth = "{\"id\":\"in.txt:4\",\"cluster\":\"a\"}\nnot json\n{\"id\":\"in.txt:4\",\"cluster\":\"b\"}\n";
    std::fs::write(dir.path().join("truth.jsonl"), truth).unwrap();
    let run = Command::new(GEN)
        .args(["--seed", "1", "--articles", "20", "--base-truth", "truth.jsonl"])
        .args(["--out", "c.jsonl", "--truth", "t.jsonl", "in.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "stderr:\n{stderr}");
    for want in ["truth.jsonl:2: invalid JSON", "truth.jsonl:3: duplicate id `in.txt:4`", "2 problem(s)"] {
        assert!(stderr.contains(want), "`{want}` in stderr:\n{stderr}");
    }
    assert!(!dir.path().join("c.jsonl").exists(), "nothing written");
}
