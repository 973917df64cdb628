//! Input and output shapes on the real binary: CSV input, gzip and zstd
//! input (files and stdin, corrupt streams), field names mapped by options,
//! `--format filter`, `ids` and `tsv`, and runs on newsdedup's own output in
//! every mode that carries provenance.
//!
//! The fixtures `fixtures/wire.jsonl.gz` and `fixtures/wire.csv` hold the
//! same six records (two stories told twice: ECB rates by Bloomberg and
//! Markets Insider, a train derailment by CTK and Prague Morning; one flood
//! story told by Radio Prague twice under ids `1043.5` and `rp-2`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::Path;

use common::{assert_text_eq, root, run_in};
use serde_json::Value;

/// A temp dir holding copies of the wire fixtures.
fn wire_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["wire.jsonl.gz", "wire.csv"] {
        fs::copy(root().join("fixtures").join(name), dir.path().join(name)).unwrap();
    }
    dir
}

/// The lines of `fixtures/wire.jsonl.gz`, decompressed.
fn wire_lines() -> Vec<String> {
    let gz = fs::read(root().join("fixtures/wire.jsonl.gz")).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    text.lines().map(str::to_owned).collect()
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Clusters of a JSON Lines cluster output: canonical id -> duplicate ids.
fn clusters(values: &[Value]) -> BTreeMap<String, BTreeSet<String>> {
    values
        .iter()
        .map(|c| {
            let dups = c["duplicates"].as_array().expect("duplicates array").iter().map(|d| id_text(&d["id"]));
            (id_text(&c["id"]), dups.collect())
        })
        .collect()
}

fn expected_wire_clusters() -> BTreeMap<String, BTreeSet<String>> {
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    BTreeMap::from([
        ("1041".to_string(), set(&["1042"])),
        ("1043.5".to_string(), set(&["rp-2"])),
        ("ctk-1".to_string(), set(&["pm-1"])),
    ])
}

// --- CSV and compressed input ------------------------------------------------------

#[test]
fn csv_and_gzip_inputs_give_the_same_clusters() {
    let dir = wire_dir();
    for input in ["wire.csv", "wire.jsonl.gz"] {
        let out = run_in(dir.path(), &["--canonical", "first", input], None);
        out.expect_code(0);
        assert_eq!(clusters(&out.jsonl()), expected_wire_clusters(), "{input}");
    }
    // Same fields either way: the CSV's `lang` column passes through as the JSON field does.
    let csv = run_in(dir.path(), &["wire.csv"], None).jsonl();
    let gz = run_in(dir.path(), &["wire.jsonl.gz"], None).jsonl();
    for (c, g) in csv.iter().zip(&gz) {
        for key in ["source", "title", "date", "body", "lang", "sources"] {
            assert_eq!(c[key], g[key], "{key}");
        }
    }
}

#[test]
fn compressed_stdin_is_read_like_the_file() {
    let dir = wire_dir();
    let gz = fs::read(dir.path().join("wire.jsonl.gz")).unwrap();
    let zst = zstd::encode_all(wire_lines().join("\n").as_bytes(), 3).unwrap();
    let from_file = run_in(dir.path(), &["wire.jsonl.gz"], None);
    from_file.expect_code(0);
    for (bytes, what) in [(&gz, "gzip"), (&zst, "zstd")] {
        let out = run_in(dir.path(), &[], Some(bytes));
        out.expect_code(0);
        assert_text_eq(what, &from_file.stdout_str(), &out.stdout_str());
    }
    // CSV on stdin needs --input csv, compressed or not.
    let csv = fs::read(dir.path().join("wire.csv")).unwrap();
    let out = run_in(dir.path(), &["--input", "csv", "--canonical", "first"], Some(&csv));
    out.expect_code(0);
    assert_eq!(clusters(&out.jsonl()), expected_wire_clusters());
}

#[test]
fn a_corrupt_compressed_input_is_an_unreadable_input_named() {
    let dir = wire_dir();
    let gz = fs::read(dir.path().join("wire.jsonl.gz")).unwrap();
    fs::write(dir.path().join("cut.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    let mut flipped = gz.clone();
    flipped[40] ^= 0x55;
    fs::write(dir.path().join("flipped.gz"), &flipped).unwrap();
    fs::write(dir.path().join("bad.zst"), b"\x28\xb5\x2f\xfd not zstd at all").unwrap();
    for bad in ["cut.jsonl.gz", "flipped.gz", "bad.zst"] {
        let out = run_in(dir.path(), &[bad, "wire.csv"], None);
        out.expect_code(2);
        let err = out.stderr_str();
        assert!(err.starts_with(&format!("newsdedup: {bad}: ")), "{bad}: {err}");
        assert!(err.contains("gzip: ") || err.contains("zstd: "), "{bad}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        // The other input is still read and written, and nothing of the bad one.
        let ids: BTreeSet<String> =
            clusters(&out.jsonl()).into_iter().flat_map(|(c, d)| d.into_iter().chain([c])).collect();
        assert_eq!(ids.len(), 6, "{bad}: {ids:?}");
        let strict = run_in(dir.path(), &["--strict", bad, "wire.csv"], None);
        strict.expect_code(2);
        assert!(strict.stdout.is_empty());
    }
}

#[test]
fn bad_csv_rows_are_reported_with_file_and_line_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("d.csv"), "id,title,body\na,T,first body\nb,U\nc,V,third,extra\n").unwrap();
    let out = run_in(dir.path(), &["d.csv"], None);
    out.expect_code(2);
    assert_text_eq(
        "stderr",
        "newsdedup: d.csv:3: CSV row has 2 fields but the header has 3 (kept: the missing fields are empty)\n\
         newsdedup: d.csv:4: CSV row has 4 fields but the header has 3 (kept: the extra fields are passed through)\n",
        &out.stderr_str(),
    );
    let ids: Vec<String> = out.jsonl().iter().map(|c| id_text(&c["id"])).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(out.jsonl()[2]["column 4"], "extra");
}

// --- field names --------------------------------------------------------------------

#[test]
fn field_options_map_other_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = wire_lines()
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let body = v.get("body").or(v.get("text")).unwrap();
            serde_json::json!({"uuid": v["id"], "outlet": v["source"], "headline": v["title"], "content": body})
                .to_string()
        })
        .collect();
    fs::write(dir.path().join("other.jsonl"), lines.join("\n") + "\n").unwrap();
    let args =
        ["--id-field", "uuid", "--source-field", "outlet", "--title-field", "headline", "--body-field", "content"];
    let mut all = args.to_vec();
    all.extend(["--canonical", "first", "other.jsonl"]);
    let out = run_in(dir.path(), &all, None);
    out.expect_code(0);
    let values = out.jsonl();
    assert_eq!(clusters(&values), expected_wire_clusters());
    assert_eq!(values[0]["source"], "Bloomberg");
    assert!(values[0]["title"].as_str().unwrap().starts_with("ECB holds rates"));
    // Without the options, the body is missing: reported, exit 2.
    let out = run_in(dir.path(), &["other.jsonl"], None);
    out.expect_code(2);
    assert!(out.stderr_str().contains("other.jsonl:1: missing required field `body`"), "{}", out.stderr_str());
    // One name for two fields is a usage error naming both options.
    let out = run_in(dir.path(), &["--title-field", "content", "--body-field", "content", "other.jsonl"], None);
    out.expect_code(2);
    assert_text_eq(
        "stderr",
        "newsdedup: --title-field and --body-field both name the field `content`\n",
        &out.stderr_str(),
    );
    assert!(out.stdout.is_empty());
}

// --- output modes -------------------------------------------------------------------

#[test]
fn filter_writes_the_input_records_less_their_duplicates() {
    let dir = wire_dir();
    let out = run_in(dir.path(), &["-f", "filter", "--canonical", "first", "wire.jsonl.gz"], None);
    out.expect_code(0);
    let input = wire_lines();
    let written: Vec<String> = out.stdout_str().lines().map(str::to_owned).collect();
    // The kept records, in input order; each line as it was, one field added.
    let kept = [0, 2, 3];
    assert_eq!(written.len(), kept.len());
    for (line, &i) in written.iter().zip(&kept) {
        let original = &input[i];
        let stem = original.strip_suffix('}').unwrap();
        assert!(line.starts_with(&format!("{stem},\"duplicates\":[{{")), "{line}");
    }
    let first: Value = serde_json::from_str(&written[0]).unwrap();
    assert!(first["id"].is_number(), "a numeric id stays a number: {}", first["id"]);
    let ctk: Value = serde_json::from_str(&written[2]).unwrap();
    assert!(ctk.get("text").is_some() && ctk.get("body").is_none(), "`text` stays `text`");
    let dup = &ctk["duplicates"][0];
    assert_eq!((dup["id"].as_str(), dup["source"].as_str()), (Some("pm-1"), Some("Prague Morning")));
    assert!(dup["similarity"].as_f64().unwrap() > 0.5);
    // Every record is written exactly once: kept, or listed under its keeper.
    let mut ids: Vec<String> = Vec::new();
    for line in &written {
        let v: Value = serde_json::from_str(line).unwrap();
        ids.push(id_text(&v["id"]));
        ids.extend(v["duplicates"].as_array().unwrap().iter().map(|d| id_text(&d["id"])));
    }
    ids.sort();
    assert_eq!(ids, ["1041", "1042", "1043.5", "ctk-1", "pm-1", "rp-2"]);
}

#[test]
fn filter_on_csv_writes_csv_with_one_provenance_column() {
    let dir = wire_dir();
    let out = run_in(dir.path(), &["-f", "filter", "--canonical", "first", "wire.csv"], None);
    out.expect_code(0);
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, ["id", "source", "title", "date", "body", "lang", "duplicates"]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, ["1041", "1043.5", "ctk-1"]);
    // The other cells are the input's.
    let mut input = csv::Reader::from_path(dir.path().join("wire.csv")).unwrap();
    let by_id: BTreeMap<String, csv::StringRecord> =
        input.records().map(Result::unwrap).map(|r| (r[0].to_owned(), r)).collect();
    for row in &rows {
        let original = &by_id[&row[0]];
        assert_eq!(row.iter().take(6).collect::<Vec<_>>(), original.iter().collect::<Vec<_>>());
        let prov: Value = serde_json::from_str(&row[6]).unwrap();
        assert_eq!(prov.as_array().unwrap().len(), 1);
    }
}

#[test]
fn filter_on_listing_text_writes_cluster_records() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(common::sample(), dir.path().join("sample.txt")).unwrap();
    let filter = run_in(dir.path(), &["-f", "filter", "sample.txt"], None);
    let jsonl = run_in(dir.path(), &["sample.txt"], None);
    filter.expect_code(0);
    assert_text_eq("filter on listing text", &jsonl.stdout_str(), &filter.stdout_str());
}

#[test]
fn ids_and_tsv() {
    let dir = wire_dir();
    let ids = run_in(dir.path(), &["-f", "ids", "--canonical", "first", "wire.csv"], None);
    ids.expect_code(0);
    assert_eq!(ids.stdout_str(), "1041\n1043.5\nctk-1\n");
    let tsv = run_in(dir.path(), &["-f", "tsv", "--canonical", "first", "wire.csv"], None);
    tsv.expect_code(0);
    let text = tsv.stdout_str();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows[0], ["id", "canonical", "similarity"]);
    let pairs: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[0], r[1])).collect();
    assert_eq!(
        pairs,
        [
            ("1041", "1041"),
            ("1042", "1041"),
            ("1043.5", "1043.5"),
            ("ctk-1", "ctk-1"),
            ("pm-1", "ctk-1"),
            ("rp-2", "1043.5")
        ]
    );
    for r in &rows[1..] {
        let s: f64 = r[2].parse().unwrap();
        assert!(if r[0] == r[1] { s == 1.0 } else { s > 0.5 && s <= 1.0 }, "{r:?}");
    }
    // An id holding a tab, a newline or a backslash cannot break a line or a column.
    let input = "{\"id\":\"a\\tb\\nc\\\\d\",\"body\":\"x\"}\n";
    let out = run_in(dir.path(), &["-f", "tsv"], Some(input.as_bytes()));
    out.expect_code(0);
    assert_eq!(out.stdout_str(), "id\tcanonical\tsimilarity\na\\tb\\nc\\\\d\ta\\tb\\nc\\\\d\t1\n");
    let out = run_in(dir.path(), &["-f", "ids"], Some(input.as_bytes()));
    assert_eq!(out.stdout_str(), "a\\tb\\nc\\\\d\n");
}

// --- idempotent re-runs -------------------------------------------------------------

/// Run `args` then the same on the first run's output (saved as `name`):
/// the second run finds no new duplicates (`--check` exits 0) and writes
/// the same bytes.
fn rerun(dir: &Path, args: &[&str], input: &str, name: &str) -> String {
    let mut first_args = args.to_vec();
    first_args.push(input);
    let first = run_in(dir, &first_args, None);
    first.expect_code(0);
    fs::write(dir.join(name), &first.stdout).unwrap();
    let mut again = args.to_vec();
    again.extend(["--check", name]);
    let second = run_in(dir, &again, None);
    second.expect_code(0);
    assert_text_eq(&format!("{args:?} on its own output"), &first.stdout_str(), &second.stdout_str());
    first.stdout_str()
}

#[test]
fn rerunning_on_its_own_output_finds_nothing_new_and_loses_nothing() {
    let dir = wire_dir();
    for input in ["wire.jsonl.gz", "wire.csv"] {
        rerun(dir.path(), &["-f", "jsonl"], input, "pass.jsonl");
        rerun(dir.path(), &["-f", "json"], input, "pass.json");
    }
    let filtered = rerun(dir.path(), &["-f", "filter"], "wire.jsonl.gz", "pass-filter.jsonl");
    rerun(dir.path(), &["-f", "filter"], "wire.csv", "pass-filter.csv");
    // Filter output read in another mode keeps its provenance as cluster records.
    let clustered = run_in(dir.path(), &["--check", "pass-filter.jsonl"], None);
    clustered.expect_code(0);
    let direct = run_in(dir.path(), &["wire.jsonl.gz"], None);
    assert_eq!(clusters(&clustered.jsonl()), clusters(&direct.jsonl()));
    let csv_clustered = run_in(dir.path(), &["--check", "pass-filter.csv"], None);
    csv_clustered.expect_code(0);
    assert_eq!(clusters(&csv_clustered.jsonl()), clusters(&direct.jsonl()));
    assert_eq!(filtered.lines().count(), 3);
}

#[test]
fn a_records_own_duplicates_field_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> =
        wire_lines().iter().map(|l| format!("{},\"duplicates\":\"own\"}}", l.strip_suffix('}').unwrap())).collect();
    fs::write(dir.path().join("own.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = rerun(dir.path(), &["-f", "filter", "--canonical", "first"], "own.jsonl", "pass.jsonl");
    let first: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["duplicates"], "own");
    assert_eq!(first["_duplicates"][0]["id"], "1042");
}
