//! The real binary on every shared sample corpus (`../shared/corpora`): a
//! run must end normally (exit 0, never 101 or a signal), say nothing of a
//! panic, keep every input record exactly once, and write the same bytes
//! whatever the number of worker threads. Corpora that are absent are
//! skipped with a message.

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use common::{run_in, Output};
use newsdedup::reader::{check_unique_ids, read_input, InputFormat, ReadOutcome};
use serde_json::Value;

const CORPORA: &[&str] = &["helsinki-2018.jsonl", "web-articles-2018.jsonl", "listing-janlipavsky.txt"];

fn corpora_dir() -> PathBuf {
    common::root().join("..").join("shared").join("corpora")
}

/// The corpus `name`, or `None` (with a message) when it is absent.
fn corpus(name: &str) -> Option<PathBuf> {
    let p = corpora_dir().join(name);
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("SKIPPED: {} is absent; the binary was not run on it", p.display());
        None
    }
}

/// Run the binary in the corpora folder (so that listing ids read
/// `NAME:LINE`) and check that it ended as a normal process does.
fn run_ok(args: &[&str]) -> Output {
    let out = run_in(&corpora_dir(), args, None);
    let stderr = out.stderr_str();
    assert!(!stderr.contains("panicked"), "newsdedup {args:?} panicked:\n{stderr}");
    assert!(out.code != 101, "newsdedup {args:?} exited 101 (a panic):\n{stderr}");
    assert!(out.code != -1, "newsdedup {args:?} was killed by a signal:\n{stderr}");
    out.expect_code(0);
    out
}

/// The record ids of the corpus `name`, as the reader gives them.
fn input_ids(path: &Path, name: &str) -> Vec<String> {
    let mut read = ReadOutcome::default();
    let file = File::open(path).expect("open the corpus");
    read_input(BufReader::new(file), name, InputFormat::Auto, &mut read).expect("read the corpus");
    check_unique_ids(&mut read);
    let ids: Vec<String> = read.articles.into_iter().map(|a| a.id).collect();
    if name.ends_with(".jsonl") {
        // Cross-check with the file itself: one record a non-blank line, its `id`.
        let text = std::fs::read_to_string(path).expect("the corpus is UTF-8");
        let own: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| match &serde_json::from_str::<Value>(l).expect("a JSON line")["id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(ids, own, "{name}: the reader's ids are the file's ids");
    }
    ids
}

/// How often each id occurs in the output, as a canonical or a duplicate.
fn output_ids(out: &Output) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for cluster in out.jsonl() {
        let dups = cluster["duplicates"].as_array().expect("duplicates is an array").iter();
        for id in std::iter::once(&cluster["id"]).chain(dups.map(|d| &d["id"])) {
            let id = id.as_str().unwrap_or_else(|| panic!("an id is a string: {cluster}"));
            *seen.entry(id.to_owned()).or_insert(0) += 1;
        }
    }
    seen
}

#[test]
fn every_record_of_every_corpus_comes_out_exactly_once() {
    for name in CORPORA {
        let Some(path) = corpus(name) else { continue };
        let ids = input_ids(&path, name);
        assert!(!ids.is_empty(), "{name} has records");
        let out = run_ok(&[name]);
        let seen = output_ids(&out);
        for id in &ids {
            assert_eq!(seen.get(id), Some(&1), "{name}: record `{id}` is not in the output exactly once");
        }
        assert_eq!(seen.len(), ids.len(), "{name}: the output names records the input does not have");
        eprintln!("{name}: {} records in {} clusters", ids.len(), out.jsonl().len());
    }
}

#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    for name in CORPORA {
        let Some(_) = corpus(name) else { continue };
        for format in ["jsonl", "text"] {
            let one = run_ok(&["--threads", "1", "--format", format, name]);
            let two = run_ok(&["--threads", "2", "--format", format, name]);
            assert!(!one.stdout.is_empty(), "{name}: no output");
            assert!(one.stdout == two.stdout, "{name}: --format {format} differs between --threads 1 and 2");
        }
    }
}

/// The default fingerprint (XXH3 shingle hashes, one pass) and the pinned
/// `simhash` crate's give the same clusters, byte for byte, on every
/// labelled corpus and and `benches/fingerprints.sh` checks the generated corpora.
#[test]
fn both_fingerprints_give_the_same_clusters() {
    for name in CORPORA {
        let Some(_) = corpus(name) else { continue };
        let xxh3 = run_ok(&[name]);
        let crate_fp = run_ok(&["--fingerprint", "simhash", name]);
        assert!(!xxh3.stdout.is_empty(), "{name}: no output");
        assert!(xxh3.stdout == crate_fp.stdout, "{name}: --fingerprint xxh3 and simhash cluster differently");
    }
}

#[test]
fn eval_on_every_corpus_with_truth() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in CORPORA {
        let Some(path) = corpus(name) else { continue };
        let stem = name.rsplit_once('.').map_or(*name, |(s, _)| s);
        // The listing's truth is bundled with its copy in fixtures/, whose
        // ids name that copy.
        let truth = match corpora_dir().join(format!("{stem}.truth.jsonl")) {
            t if t.is_file() => t,
            _ => {
                let bundled = common::root().join("fixtures").join(format!("{stem}.truth.jsonl"));
                let Ok(text) = std::fs::read_to_string(&bundled) else {
                    eprintln!("SKIPPED: no truth for {name}; eval was not run on it");
                    continue;
                };
                let t = dir.path().join(format!("{stem}.truth.jsonl"));
                std::fs::write(&t, text.replace("\"fixtures/", "\"")).expect("write the truth");
                t
            }
        };
        let truth = truth.to_str().expect("a UTF-8 path");
        let records = input_ids(&path, name).len();
        let mut runs = Vec::new();
        for threads in ["1", "2"] {
            let out = run_ok(&["eval", "--threads", threads, "--format", "json", "--truth", truth, name]);
            let v: Value = serde_json::from_slice(&out.stdout).expect("eval --format json writes JSON");
            assert_eq!(v["records"].as_u64(), Some(records as u64), "{name}: {v}");
            assert_eq!(v["scored"].as_u64(), Some(records as u64), "{name}: every record has a label");
            let ari = v["ari"].as_f64().expect("an ARI");
            assert!((-1.0..=1.0).contains(&ari), "{name}: ARI {ari}");
            runs.push(out.stdout);
        }
        assert!(runs[0] == runs[1], "{name}: eval differs between --threads 1 and 2");
        run_ok(&["eval", "--truth", truth, name]);
    }
}
