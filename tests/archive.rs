//! The archive flow on the real binary: `newsdedup index build|add|remove`
//! and `newsdedup --against INDEX`. The property that matters: the stories
//! `--against` writes are those one run over the archive and today together
//! writes for its clusters holding no archived record, byte for byte, and
//! every record of today is written or reported as archived, once.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{run_in, sample, BIN};
use serde_json::Value;

const GEN: &str = env!("CARGO_BIN_EXE_newsdedup-gen");

/// A generated corpus of `n` records (JSON Lines), as lines.
fn generated(dir: &Path, seed: u64, n: usize) -> Vec<String> {
    let out = dir.join(format!("gen{seed}.jsonl"));
    let truth = dir.join(format!("gen{seed}.truth.jsonl"));
    let status = Command::new(GEN)
        .args(["--seed", &seed.to_string(), "--articles", &n.to_string()])
        .arg("--out")
        .arg(&out)
        .arg("--truth")
        .arg(&truth)
        .arg(sample())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    fs::read_to_string(out).unwrap().lines().map(str::to_owned).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

fn ids_of(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_owned()).collect()
}

/// The ids a cluster line holds: its canonical and its duplicates.
fn members(c: &Value) -> Vec<String> {
    let mut ids = vec![c["id"].as_str().unwrap().to_owned()];
    ids.extend(c["duplicates"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()));
    ids
}

fn jsonl(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Run in `dir`, expecting `code`.
fn ok(dir: &Path, args: &[&str], code: i32) -> common::Output {
    let out = run_in(dir, args, None);
    out.expect_code(code);
    out
}

/// Check `--against` in `dir` (index `news.idx`, today `today`, archive
/// files `archive`) against one run over the archive files and today, for
/// `extra` options: the same lines, and every today record once in the
/// output or the match report.
fn same_as_one_run(dir: &Path, archive: &[&str], today: &str, extra: &[&str]) -> usize {
    let mut args = vec!["--against", "news.idx", "--matches", "seen.jsonl"];
    args.extend(extra);
    args.push(today);
    let got = ok(dir, &args, 0).stdout_str();
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(archive);
    args.push(today);
    let one = ok(dir, &args, 0).stdout_str();
    // The archive's ids, whatever format its files are in.
    let archived: HashSet<String> = ok(dir, archive, 0).jsonl().iter().flat_map(members).collect();
    let expected: String = one
        .lines()
        .filter(|l| members(&serde_json::from_str(l).unwrap()).iter().all(|id| !archived.contains(id)))
        .map(|l| format!("{l}\n"))
        .collect();
    common::assert_text_eq(&format!("--against {extra:?}"), &expected, &got);
    // Accounting: each today id once, written or matched.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in jsonl(&got) {
        for id in members(&c) {
            *seen.entry(id).or_default() += 1;
        }
    }
    let matches = jsonl(&fs::read_to_string(dir.join("seen.jsonl")).unwrap());
    for m in &matches {
        assert!(archived.contains(m["archived"].as_str().unwrap()), "{m}");
        *seen.entry(m["id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let today_ids =
        ids_of(&fs::read_to_string(dir.join(today)).unwrap().lines().map(str::to_owned).collect::<Vec<_>>());
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), today_ids.iter().cloned().collect());
    assert!(seen.values().all(|&n| n == 1), "a record written or matched twice");
    matches.len()
}

#[test]
fn the_daily_flow_gives_the_new_stories_of_one_run_over_archive_and_today() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = generated(d, 7, 800);
    write_lines(&d.join("day0.jsonl"), &lines[..400]);
    write_lines(&d.join("day1.jsonl"), &lines[400..600]);
    write_lines(&d.join("day2.jsonl"), &lines[600..]);
    ok(d, &["index", "build", "-o", "news.idx", "day0.jsonl"], 0);
    for extra in [&[][..], &["--canonical", "first", "-j", "1"]] {
        let matched = same_as_one_run(d, &["day0.jsonl"], "day1.jsonl", extra);
        assert!(matched > 20 && matched < 200, "{matched}");
    }
    // The next day: yesterday joins the archive.
    ok(d, &["index", "add", "news.idx", "day1.jsonl"], 0);
    same_as_one_run(d, &["day0.jsonl", "day1.jsonl"], "day2.jsonl", &[]);
    // Other output formats hold the same clusters.
    let json = ok(d, &["--against", "news.idx", "-q", "--format", "json", "day2.jsonl"], 0);
    assert!(json.stdout.is_empty());
    let json = ok(d, &["--against", "news.idx", "--matches", "m.jsonl", "--format", "json", "day2.jsonl"], 0);
    let lines = ok(d, &["--against", "news.idx", "--matches", "m.jsonl", "day2.jsonl"], 0);
    let array: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(array, jsonl(&lines.stdout_str()));
    let text = ok(d, &["--against", "news.idx", "--matches", "m.jsonl", "--format", "text", "day2.jsonl"], 0);
    assert_eq!(text.stdout_str().matches("\n== ").count() + 1, array.len());
}

#[test]
fn on_the_sample_a_copy_of_an_archived_story_is_reported_and_a_new_story_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(sample(), d.join("sample.txt")).unwrap();
    ok(d, &["index", "build", "-o", "news.idx", "sample.txt"], 0);
    let one = ok(d, &["sample.txt"], 0).jsonl();
    let sun = &one[0];
    let body = sun["body"].as_str().unwrap();
    let new_story = "The city council of Brno voted on Monday to close the old tram depot on Videnska street and to turn the site into a park with a playground, a pond and a small open-air theatre by the end of next year.";
    let today = [
        serde_json::json!({"id": "t1", "source": "Yahoo", "title": "Czech FM summons envoy", "body": body}),
        serde_json::json!({"id": "t2", "source": "Brno Daily", "title": "Depot to become a park", "body": new_story}),
        serde_json::json!({"id": "t3", "source": "CTK", "title": "Brno depot to close", "body": format!("BRNO (CTK) - {new_story}")}),
    ];
    write_lines(&d.join("today.jsonl"), &today.iter().map(Value::to_string).collect::<Vec<_>>());
    assert_eq!(same_as_one_run(d, &["sample.txt"], "today.jsonl", &[]), 1);
    let out = ok(d, &["--against", "news.idx", "today.jsonl"], 0);
    let clusters = out.jsonl();
    assert_eq!(clusters.len(), 1);
    assert_eq!(members(&clusters[0]).len(), 2);
    assert_eq!(out.stderr_str(), "newsdedup: t1: already archived as sample.txt:4 (similarity 1.0, containment 1.0)\n");
    // --check: records already archived count as duplicates found.
    ok(d, &["--against", "news.idx", "--check", "-q", "--matches", "m.jsonl", "today.jsonl"], 1);
}

#[test]
fn truncated_damaged_and_foreign_indexes_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(sample(), d.join("sample.txt")).unwrap();
    ok(d, &["index", "build", "-o", "good.idx", "sample.txt"], 0);
    let good = fs::read(d.join("good.idx")).unwrap();
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 1;
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("cut.idx", good[..good.len() - 100].to_vec(), "truncated index"),
        ("flipped.idx", flipped, "damaged index: checksum mismatch"),
        ("foreign.idx", fs::read(sample()).unwrap(), "not a newsdedup index"),
        ("empty.idx", Vec::new(), "truncated index"),
    ];
    for (name, bytes, says) in cases {
        fs::write(d.join(name), bytes).unwrap();
        let out = ok(d, &["--against", name, "-o", "new.jsonl", "sample.txt"], 2);
        let err = out.stderr_str();
        assert!(err.starts_with(&format!("newsdedup: {name}: {says}")), "{name}: {err}");
        assert!(out.stdout.is_empty() && !d.join("new.jsonl").exists(), "{name}: something was written");
        let before = fs::read(d.join(name)).unwrap();
        ok(d, &["index", "add", name, "sample.txt"], 2);
        assert_eq!(fs::read(d.join(name)).unwrap(), before, "{name}: add changed a refused index");
        ok(d, &["index", "stats", name], 2);
    }
}

#[test]
fn other_similarity_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(sample(), d.join("sample.txt")).unwrap();
    ok(d, &["index", "build", "--min-words", "10", "-o", "news.idx", "sample.txt"], 0);
    let out = ok(d, &["--against", "news.idx", "sample.txt"], 2);
    assert_eq!(
        out.stderr_str(),
        "newsdedup: news.idx was built with other similarity parameters: --min-words 10 (this run: 20); run with the index's parameters or build the index again\n"
    );
    ok(d, &["--against", "news.idx", "--min-words", "10", "-q", "sample.txt"], 0);
    let stats = ok(d, &["index", "stats", "news.idx"], 0).stdout_str();
    assert!(stats.contains("records:          5\n") && stats.contains("--min-words 10 "), "{stats}");
}

#[test]
fn concurrent_adds_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = generated(d, 11, 1200);
    write_lines(&d.join("base.jsonl"), &lines[..200]);
    write_lines(&d.join("a.jsonl"), &lines[200..700]);
    write_lines(&d.join("b.jsonl"), &lines[700..]);
    ok(d, &["index", "build", "-o", "news.idx", "base.jsonl"], 0);
    let spawn = |f: &str| {
        Command::new(BIN)
            .args(["index", "add", "news.idx", f])
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("a.jsonl"), spawn("b.jsonl"));
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let stats = ok(d, &["index", "stats", "news.idx"], 0).stdout_str();
    assert!(stats.contains("records:          1200\n"), "{stats}");
    // Every record is now archived: an exact re-scrape of each.
    write_lines(&d.join("all.jsonl"), &lines);
    ok(d, &["--against", "news.idx", "--matches", "m.jsonl", "all.jsonl"], 0);
    let m = jsonl(&fs::read_to_string(d.join("m.jsonl")).unwrap());
    assert_eq!(m.len(), 1200);
    assert!(m.iter().all(|m| m["id"] == m["archived"] && m["similarity"] == 1.0), "{:?}", &m[..3]);
}

#[test]
fn an_add_killed_midway_leaves_a_usable_index() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = generated(d, 5, 3000);
    write_lines(&d.join("base.jsonl"), &lines[..100]);
    write_lines(&d.join("more.jsonl"), &lines[100..]);
    ok(d, &["index", "build", "-o", "news.idx", "base.jsonl"], 0);
    for delay_ms in [20, 80, 200] {
        let mut child = Command::new(BIN)
            .args(["index", "add", "news.idx", "more.jsonl"])
            .current_dir(d)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let stats = ok(d, &["index", "stats", "news.idx"], 0).stdout_str();
        assert!(stats.contains("records:          100\n") || stats.contains("records:          3000\n"), "{stats}");
        if stats.contains("records:          3000\n") {
            break;
        }
    }
}

#[test]
fn remove_drops_records_and_reports_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(sample(), d.join("sample.txt")).unwrap();
    ok(d, &["index", "build", "-o", "news.idx", "sample.txt"], 0);
    let out = ok(d, &["index", "remove", "news.idx", "sample.txt:20", "nope"], 2);
    assert_eq!(out.stderr_str(), "newsdedup: news.idx: no record with id `nope`\n");
    let stats = ok(d, &["index", "stats", "news.idx"], 0).stdout_str();
    assert!(stats.contains("records:          4\n"), "{stats}");
    // The removed record is no longer archived: read again, it is new; the
    // others are matched to themselves.
    let out = ok(d, &["--against", "news.idx", "--matches", "m.jsonl", "sample.txt"], 0);
    let written: Vec<String> = out.jsonl().iter().flat_map(members).collect();
    assert_eq!(written, ["sample.txt:20"]);
    assert_eq!(jsonl(&fs::read_to_string(d.join("m.jsonl")).unwrap()).len(), 4);
}

#[test]
fn a_rescrape_is_not_a_problem_and_other_text_under_an_archived_id_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = generated(d, 3, 300);
    write_lines(&d.join("archive.jsonl"), &lines[..200]);
    ok(d, &["index", "build", "-o", "news.idx", "archive.jsonl"], 0);
    // The same article scraped again: matched to itself, no problem.
    write_lines(&d.join("again.jsonl"), &lines[10..11]);
    let out = ok(d, &["--against", "news.idx", "again.jsonl"], 0);
    let id = &ids_of(&lines[10..11])[0];
    assert_eq!(
        out.stderr_str(),
        format!("newsdedup: {id}: already archived as {id} (similarity 1.0, containment 1.0)\n")
    );
    assert!(out.stdout.is_empty());
    // `index add` skips it.
    ok(d, &["index", "add", "news.idx", "again.jsonl"], 0);
    let stats = ok(d, &["index", "stats", "news.idx"], 0).stdout_str();
    assert!(stats.contains("records:          200\n"), "{stats}");
    // The same id with another text: a duplicate id, as between inputs; the
    // record is renamed and compared as usual.
    let mut other: Value = serde_json::from_str(&lines[250]).unwrap();
    other["id"] = id.clone().into();
    write_lines(&d.join("clash.jsonl"), &[other.to_string()]);
    let out = ok(d, &["--against", "news.idx", "--matches", "m.jsonl", "clash.jsonl"], 2);
    assert_eq!(
        out.stderr_str(),
        format!("newsdedup: clash.jsonl:1: duplicate id `{id}`, first seen at news.idx (archived)\n")
    );
    let renamed = format!("{id}@clash.jsonl:1");
    let written: Vec<String> = out.jsonl().iter().flat_map(members).collect();
    let matched: Vec<String> = jsonl(&fs::read_to_string(d.join("m.jsonl")).unwrap())
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!([written, matched].concat(), [renamed]);
}

/// An index of format version 1, which held each shingle's whole 64-bit
/// hash (`tests/data/archive-v1.idx`: built by newsdedup 10b4535 from the
/// sample, as `sample.txt`, and `fixtures/wire.jsonl.gz`), is read as the
/// version 2 index of the same records: `--against` writes the same output
/// and matches, and its next `add` writes it again as version 2, byte for
/// byte what a version 2 index given the same records holds. A version
/// this newsdedup does not know is refused, naming it.
#[test]
fn a_version_1_index_is_read_and_written_again_as_version_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(sample(), d.join("sample.txt")).unwrap();
    fs::copy(root.join("fixtures/wire.jsonl.gz"), d.join("wire.jsonl.gz")).unwrap();
    fs::copy(root.join("tests/data/archive-v1.idx"), d.join("v1.idx")).unwrap();
    ok(d, &["index", "build", "-o", "v2.idx", "sample.txt", "wire.jsonl.gz"], 0);
    let version = |name: &str| u32::from_le_bytes(fs::read(d.join(name)).unwrap()[8..12].try_into().unwrap());
    assert_eq!((version("v1.idx"), version("v2.idx")), (1, 2));
    let stats = ok(d, &["index", "stats", "v1.idx"], 0).stdout_str();
    assert!(stats.contains("format version:   1 (written as version 2 by the next add or remove)"), "{stats}");
    assert!(stats.contains("records:          11\n"), "{stats}");

    // Today: generated rewrites of the sample's stories, and the sample again.
    write_lines(&d.join("today.jsonl"), &generated(d, 5, 60));
    let mut seen = Vec::new();
    for idx in ["v1.idx", "v2.idx"] {
        let matches = format!("{idx}.seen");
        let out = ok(d, &["--against", idx, "--matches", &matches, "today.jsonl", "sample.txt"], 0);
        seen.push((out.stdout_str(), fs::read_to_string(d.join(&matches)).unwrap()));
    }
    assert!(!seen[0].1.is_empty(), "nothing of today matched the archive");
    assert_eq!(seen[0], seen[1], "version 1 and version 2 indexes of the same records differ");

    ok(d, &["index", "add", "v1.idx", "today.jsonl"], 0);
    ok(d, &["index", "add", "v2.idx", "today.jsonl"], 0);
    assert_eq!(version("v1.idx"), 2);
    assert!(fs::read(d.join("v1.idx")).unwrap() == fs::read(d.join("v2.idx")).unwrap(), "the upgraded index differs");

    // A version 3 file with a valid checksum: refused for its version.
    let mut v3 = fs::read(d.join("v2.idx")).unwrap();
    v3[8..12].copy_from_slice(&3u32.to_le_bytes());
    let end = v3.len() - 8;
    let sum = xxhash_rust::xxh3::xxh3_64(&v3[..end]);
    v3[end..].copy_from_slice(&sum.to_le_bytes());
    fs::write(d.join("v3.idx"), v3).unwrap();
    let err = ok(d, &["index", "stats", "v3.idx"], 2).stderr_str();
    assert!(err.contains("v3.idx: index format version 3; this newsdedup reads versions 1 to 2"), "{err}");
}
