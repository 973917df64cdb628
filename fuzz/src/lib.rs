//! The fuzz targets of newsdedup, as plain functions over bytes, so that
//! libFuzzer (`fuzz_targets/`, nightly) and the stable harness
//! (`src/bin/stable.rs`) drive the same code.
//!
//! Each target panics when newsdedup panics or breaks a promise the README
//! makes about any input: no record is lost, every line of JSON Lines input
//! becomes a record, ids come out unique, the output is valid JSON Lines.

use std::collections::HashMap;

use newsdedup::config::{CanonicalRule, Params};
use newsdedup::reader::{self, InputFormat, ReadOutcome};
use newsdedup::writer::{self, Output, OutputFormat};

/// A fuzz target: bytes in, a panic when something is wrong.
pub type Target = fn(&[u8]);

/// The targets, by name.
pub const TARGETS: &[(&str, Target)] = &[("listing", listing), ("jsonl", jsonl), ("pipeline", pipeline)];

fn read(data: &[u8], name: &str, format: InputFormat) -> ReadOutcome {
    read_with(data, name, &reader::ReadOptions::new(format))
}

/// Read `data`; only a compressed stream (gzip, zstd) can fail, as a corrupt
/// stream must: then nothing is read.
fn read_with(data: &[u8], name: &str, opts: &reader::ReadOptions) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    if let Err(e) = reader::read_input_with(data, name, opts, &mut out) {
        assert!(reader::compression(data).is_some(), "reading plain input from memory failed: {e}");
        let message = e.to_string();
        assert!(message.starts_with("gzip: ") || message.starts_with("zstd: "), "{message}");
        return ReadOutcome::default();
    }
    out
}

/// Number of lines `read_lines` makes of `data`.
fn line_count(data: &[u8]) -> u64 {
    let mut problems = Vec::new();
    reader::read_lines(data, "fuzz", &mut problems).expect("reading from memory cannot fail").len() as u64
}

/// Records and problems point at lines of the input, records in input order.
fn check_lines(out: &ReadOutcome, lines: u64) {
    let mut last = 0;
    for a in &out.articles {
        assert!(a.origin.line >= 1 && a.origin.line <= lines.max(1), "record at line {} of {lines}", a.origin.line);
        assert!(a.origin.line > last, "records out of input order: line {} after {last}", a.origin.line);
        last = a.origin.line;
    }
    for p in &out.problems {
        assert!(p.line >= 1 && p.line <= lines.max(1), "problem at line {} of {lines}: {p}", p.line);
    }
}

/// The listing reader on arbitrary bytes.
pub fn listing(data: &[u8]) {
    if reader::compression(data).is_some() {
        // Decompressed first: its lines are not `data`'s (the pipeline
        // target covers compressed input).
        return;
    }
    let out = read(data, "fuzz.txt", InputFormat::Listing);
    check_lines(&out, line_count(data));
}

/// The JSON Lines reader on arbitrary bytes: every non-blank line is a record.
pub fn jsonl(data: &[u8]) {
    if reader::compression(data).is_some() {
        return;
    }
    let mut out = read(data, "fuzz.jsonl", InputFormat::Jsonl);
    check_lines(&out, line_count(data));
    let mut problems = Vec::new();
    let lines = reader::read_lines(data, "fuzz", &mut problems).expect("in memory");
    let non_blank = lines.iter().filter(|l| !l.text.trim().is_empty()).count();
    assert_eq!(out.articles.len(), non_blank, "a JSON line was lost");
    reader::check_unique_ids(&mut out);
    let mut seen = HashMap::new();
    for a in &out.articles {
        assert!(seen.insert(a.id.as_str(), ()).is_none(), "id {:?} twice after check_unique_ids", a.id);
    }
}

/// The whole pipeline on arbitrary bytes: read (format detected), dedup,
/// write JSON Lines and text into memory. The last byte picks the
/// parameters, so that other rules than the defaults are exercised too.
pub fn pipeline(data: &[u8]) {
    let mut read = read(data, "fuzz", InputFormat::Auto);
    reader::check_unique_ids(&mut read);
    let mut p = Params::default();
    let mut rule = CanonicalRule::Longest;
    match data.last().copied().unwrap_or(0) % 4 {
        1 => p.min_words = 0,
        2 => {
            p.shingle_size = 1;
            p.boilerplate_min = 2;
        }
        3 => {
            rule = CanonicalRule::First;
            p.use_urls = false;
            p.boilerplate_min = 0;
        }
        _ => {}
    }
    // The reader kept the bodies in memory (no spool): dedup reads no file.
    let result = newsdedup::dedup(&read.articles, &p, rule).expect("bodies in memory cannot fail to read");
    let out = Output { articles: &read.articles, sigs: &result.sigs, clusters: &result.clusters, as_of: None };
    let mut jsonl = Vec::new();
    writer::write(OutputFormat::Jsonl, &out, &mut jsonl).expect("writing to memory cannot fail");
    let mut text = Vec::new();
    writer::write(OutputFormat::Text, &out, &mut text).expect("writing to memory cannot fail");

    // Conservation: each id read, as a record or as a duplicate an earlier
    // run found (a record of newsdedup's own output read back), is written
    // exactly once, as a canonical or a duplicate; nothing else is written.
    // An id listed both as a record and as an earlier duplicate (input that
    // mixes a dump with its own output) is one article, written once.
    let mut expected: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for a in &read.articles {
        expected.insert(serde_json::Value::from(a.id.as_str()).to_string());
        for d in a.prior.iter().flat_map(|p| &p.duplicates) {
            expected.insert(d["id"].to_string());
        }
    }
    let text = String::from_utf8(jsonl).expect("output is UTF-8");
    let values: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("each output line is JSON")).collect();
    assert_eq!(values.len(), result.clusters.len());
    let mut got: HashMap<String, i64> = HashMap::new();
    for v in &values {
        let dups = v["duplicates"].as_array().expect("duplicates array");
        for id in std::iter::once(&v["id"]).chain(dups.iter().map(|d| &d["id"])) {
            *got.entry(id.to_string()).or_default() += 1;
        }
    }
    assert!(got.values().all(|&n| n == 1), "an id written more than once: {got:?}");
    let got: std::collections::BTreeSet<String> = got.into_keys().collect();
    assert_eq!(got, expected, "output ids differ from the input's");

    // `--format filter` over the same records, shapes kept: valid JSON (a
    // JSON array, or one value a line), one record a cluster.
    let opts = reader::ReadOptions { keep_shape: true, ..Default::default() };
    let mut shaped = read_with(data, "fuzz", &opts);
    reader::check_unique_ids(&mut shaped);
    assert_eq!(shaped.articles.len(), read.articles.len(), "keeping shapes changed the records");
    let out = Output { articles: &shaped.articles, sigs: &result.sigs, clusters: &result.clusters, as_of: None };
    let mut filtered = Vec::new();
    writer::write(OutputFormat::Filter, &out, &mut filtered).expect("writing to memory cannot fail");
    let filtered = String::from_utf8(filtered).expect("filter output is UTF-8");
    let records = if filtered.starts_with('[') {
        let v: serde_json::Value = serde_json::from_str(&filtered).expect("filter output is a JSON array");
        v.as_array().expect("an array").len()
    } else {
        filtered
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("each filter line is JSON"))
            .count()
    };
    assert_eq!(records, result.clusters.len(), "filter wrote another number of records than clusters");
}

#[cfg(test)]
mod tests {
    /// Every input under `regressions/TARGET/` (crashes fuzzing found, kept
    /// once fixed) runs through its target.
    #[test]
    fn regressions() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
        for &(name, target) in super::TARGETS {
            for f in std::fs::read_dir(dir.join(name)).into_iter().flatten() {
                target(&std::fs::read(f.unwrap().path()).unwrap());
            }
        }
    }
}
