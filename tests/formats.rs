//! Regression tests for the reliability of reading and writing: ids keep
//! their text and do not depend on how a path was typed, formats are found by
//! name and content (JSON arrays included), old Mac line ends, terminal-safe
//! text output, a cluster of many outlets, and runs on newsdedup's own output.

mod common;

use std::fs;
use std::path::Path;

use common::{run, run_in, Output};
use serde_json::{json, Value};

/// Records read, from `--stats`.
fn records_read(out: &Output) -> usize {
    let err = out.stderr_str();
    let line = err.lines().find(|l| l.contains(" records read, ")).unwrap_or_else(|| panic!("no stats in {err}"));
    line["newsdedup: ".len()..].split(' ').next().unwrap().parse().unwrap()
}

/// `n` JSON Lines records with distinct bodies.
fn jsonl_records(n: usize) -> String {
    (0..n)
        .map(|i| {
            json!({"id": format!("r{i}"), "source": "AP", "body": format!("story number {i} about item {}", i * 7919)})
                .to_string()
                + "\n"
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn big_and_float_ids_keep_their_text() {
    let input = concat!(
        r#"{"id":12345678901234567890123,"source":"AP","body":"first body","price":1.50,"count":98765432109876543210987}"#,
        "\n",
        r#"{"id":12345678901234567890124,"source":"AP","body":"second body"}"#,
        "\n",
        r#"{"id":1e2,"source":"AP","body":"third body"}"#,
        "\n",
    );
    let out = run(&["-"], Some(input.as_bytes()));
    out.expect_code(0);
    assert_eq!(out.stderr_str(), "");
    let text = out.stdout_str();
    let ids: Vec<String> = out.jsonl().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["12345678901234567890123", "12345678901234567890124", "1e2"]);
    assert!(text.contains(r#""price":1.50,"count":98765432109876543210987"#), "{text}");
}

#[test]
fn ids_do_not_depend_on_how_the_path_was_typed() {
    let root = common::root();
    let absolute = common::sample().to_string_lossy().into_owned();
    let first = run_in(&root, &["fixtures/listing-janlipavsky.txt"], None);
    first.expect_code(0);
    assert!(first.stdout_str().starts_with(r#"{"id":"fixtures/listing-janlipavsky.txt:4","#));
    for typed in ["./fixtures/listing-janlipavsky.txt", "src/../fixtures/./listing-janlipavsky.txt", &absolute] {
        let out = run_in(&root, &[typed], None);
        common::assert_text_eq(typed, &first.stdout_str(), &out.stdout_str());
    }
    // The truth file (ids `fixtures/listing-janlipavsky.txt:N`) matches however the input is named.
    let elsewhere = tempfile::tempdir().unwrap();
    for typed in ["./fixtures/listing-janlipavsky.txt", &absolute] {
        let out = run_in(&root, &["eval", "--truth", "fixtures/listing-janlipavsky.truth.jsonl", typed], None);
        out.expect_code(0);
        assert!(out.stdout_str().contains("ARI       1.0000"), "{}", out.stdout_str());
    }
    // A file outside the current folder is named by its absolute canonical path.
    let out = run_in(elsewhere.path(), &[&absolute], None);
    let canonical = fs::canonicalize(common::sample()).unwrap();
    assert!(out.stdout_str().starts_with(&format!("{{\"id\":\"{}:4\",", canonical.display())), "{}", out.stdout_str());
}

#[test]
fn jsonl_with_a_damaged_first_line_is_still_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = jsonl_records(68);
    text.remove(0); // `"id":...`: the first line no longer starts with `{`
    write(dir.path(), "dump", &text);
    for args in [&["--stats", "dump"][..], &["--stats", "-"]] {
        let out = run_in(dir.path(), args, Some(text.as_bytes()));
        out.expect_code(2);
        assert_eq!(records_read(&out), 68, "{}", out.stderr_str());
        let input = if args[1] == "-" { "-" } else { "dump" };
        assert!(out.stderr_str().starts_with(&format!("newsdedup: {input}:1: invalid JSON: ")), "{}", out.stderr_str());
    }
}

#[test]
fn json_arrays_are_read_like_json_lines() {
    let Some(web) = common::web_corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let lines = fs::read_to_string(&web).unwrap();
    let records: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 68);
    write(dir.path(), "web.jsonl", &lines);
    write(dir.path(), "web.json", serde_json::to_string_pretty(&records).unwrap());
    write(dir.path(), "compact", serde_json::to_string(&records).unwrap());
    let want = run_in(dir.path(), &["--stats", "web.jsonl"], None);
    want.expect_code(0);
    assert_eq!(records_read(&want), 68);
    for args in [&["--stats", "web.json"][..], &["--stats", "compact"], &["--stats", "--input", "json", "-"]] {
        let out = run_in(dir.path(), args, Some(serde_json::to_string(&records).unwrap().as_bytes()));
        out.expect_code(0);
        assert_eq!(records_read(&out), 68, "{args:?}");
        common::assert_text_eq(args[1], &want.stdout_str(), &out.stdout_str());
    }
}

#[test]
fn json_array_ids_default_to_the_element_number() {
    let input = r#"[{"source":"AP","body":"one body"},
 {"source":"AP","body":"two body"}]"#;
    let out = run(&["-"], Some(input.as_bytes()));
    out.expect_code(0);
    let ids: Vec<String> = out.jsonl().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["-#1", "-#2"]);
}

#[test]
fn a_broken_json_array_is_reported_with_a_hint_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dump.json", "[\n{\"body\": \"one body\"},\n{\"body\": \"two\n");
    let out = run_in(dir.path(), &["dump.json"], None);
    out.expect_code(2);
    let err = out.stderr_str();
    assert!(err.starts_with("newsdedup: dump.json:3: invalid JSON array: "), "{err}");
    assert!(err.contains("try --input jsonl"), "{err}");
    let bodies: Vec<String> = out.jsonl().iter().map(|r| r["body"].as_str().unwrap().to_owned()).collect();
    assert_eq!(bodies, ["one body", "{\"body\": \"two"]);
}

#[test]
fn json_lines_named_txt_are_read_as_listing_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dump.txt", jsonl_records(5));
    let out = run_in(dir.path(), &["dump.txt"], None);
    out.expect_code(2);
    let err = out.stderr_str();
    assert!(
        err.starts_with("newsdedup: dump.txt:1: input looks like JSON Lines but was read as listing text because of its name; try --input jsonl\n"),
        "{err}"
    );
    let out = run_in(dir.path(), &["--stats", "--input", "jsonl", "dump.txt"], None);
    out.expect_code(0);
    assert_eq!(records_read(&out), 5);
}

#[test]
fn old_mac_line_ends_are_line_ends() {
    let dir = tempfile::tempdir().unwrap();
    let sample = fs::read_to_string(common::sample()).unwrap();
    write(dir.path(), "unix.txt", &sample);
    write(dir.path(), "mac.txt", sample.replace('\n', "\r"));
    let want = run_in(dir.path(), &["unix.txt"], None);
    let got = run_in(dir.path(), &["mac.txt"], None);
    want.expect_code(0);
    got.expect_code(0);
    assert_eq!(want.jsonl().len(), 3);
    common::assert_text_eq("mac.txt", &want.stdout_str().replace("unix.txt", "mac.txt"), &got.stdout_str());
    let out = run(&["--stats", "-"], Some(jsonl_records(4).replace('\n', "\r").as_bytes()));
    out.expect_code(0);
    assert_eq!(records_read(&out), 4);
}

#[test]
fn text_output_escapes_terminal_controls() {
    let input = json!({
        "id": "x\u{1b}[2J",
        "source": "Evil\u{202E}txt.exe",
        "title": "Red \u{1b}[31malert\u{1b}[0m\u{2028}second line\u{2029}",
        "body": "First line.\n\tIndented \u{1b}]0;pwned\u{7} line.\rOverwritten \u{2066}isolate\u{2069} \u{85}",
    })
    .to_string();
    let out = run(&["--format", "text", "-"], Some(input.as_bytes()));
    out.expect_code(0);
    let text = out.stdout_str();
    for c in ['\u{1b}', '\u{7}', '\r', '\u{202E}', '\u{2028}', '\u{2029}', '\u{2066}', '\u{2069}', '\u{85}'] {
        assert!(!text.contains(c), "{c:?} reached the terminal: {text:?}");
    }
    assert!(text.starts_with("== Red \\u{1b}[31malert\\u{1b}[0m\\u{2028}second line\\u{2029}\nid: x\\u{1b}[2J\nsources: Evil\\u{202e}txt.exe\n"), "{text}");
    assert!(text.contains("\nFirst line.\n\tIndented \\u{1b}]0;pwned\\u{7} line.\\u{d}Overwritten \\u{2066}isolate\\u{2069} \\u{85}\n"), "{text}");
}

#[test]
fn a_cluster_of_many_outlets_lists_each_once_in_input_order() {
    // 20,000 copies from 20,000 outlets once took 79 s to write.
    let n = 20_000;
    let mut input = String::new();
    for i in 0..n {
        input.push_str(
            &json!({"id": i, "source": format!("Outlet {i}"), "body": "the same wire story body"}).to_string(),
        );
        input.push('\n');
    }
    input.push_str(&json!({"id": n, "source": "OUTLET 17", "body": "the same wire story body"}).to_string());
    input.push('\n');
    let out = run(&["-"], Some(input.as_bytes()));
    out.expect_code(0);
    let records = out.jsonl();
    assert_eq!(records.len(), 1);
    let sources: Vec<&str> = records[0]["sources"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    let want: Vec<String> = (0..n).map(|i| format!("Outlet {i}")).collect();
    assert_eq!(sources, want);
    assert_eq!(records[0]["duplicates"].as_array().unwrap().len(), n);
}

#[test]
fn a_second_pass_on_its_own_output_keeps_every_duplicate_and_source() {
    let root = common::root();
    let dir = tempfile::tempdir().unwrap();
    let first = run_in(&root, &["fixtures/listing-janlipavsky.txt"], None);
    first.expect_code(0);
    let clusters = first.jsonl();
    assert_eq!(clusters.len(), 3);
    assert_eq!(clusters[0]["duplicates"].as_array().unwrap().len(), 2);
    assert_eq!(clusters[0]["sources"], json!(["The Sun", "Yahoo"]));
    write(dir.path(), "pass1.jsonl", &first.stdout);
    let second = run_in(dir.path(), &["--check", "pass1.jsonl"], None);
    // No new duplicates (exit 0 with --check), and nothing lost: the same bytes.
    second.expect_code(0);
    common::assert_text_eq("second pass", &first.stdout_str(), &second.stdout_str());
    // The same through `--format json`, read back as a JSON array.
    let as_json = run_in(&root, &["--format", "json", "fixtures/listing-janlipavsky.txt"], None);
    write(dir.path(), "pass1.json", &as_json.stdout);
    let again = run_in(dir.path(), &["pass1.json"], None);
    again.expect_code(0);
    common::assert_text_eq("second pass from json", &first.stdout_str(), &again.stdout_str());
    // A third pass adds nothing either, and the text format lists them too.
    write(dir.path(), "pass2.jsonl", &second.stdout);
    let third = run_in(dir.path(), &["pass2.jsonl"], None);
    common::assert_text_eq("third pass", &first.stdout_str(), &third.stdout_str());
    let text = run_in(dir.path(), &["--format", "text", "pass1.jsonl"], None);
    assert!(
        text.stdout_str().contains("  duplicate fixtures/listing-janlipavsky.txt:33 (Yahoo) \"Czech FM summons Chinese ambassador over cyberattack\" similarity 0.9981 containment 1\n"),
        "{}",
        text.stdout_str()
    );
}

#[test]
fn a_second_pass_merging_clusters_keeps_both_lists() {
    // Two runs' outputs joined: records of one story from either run merge,
    // and each keeps the duplicates found before.
    let body = "Czech insurers said on Wednesday they had already received more than 4,000 claims after this week's floods in southern Bohemia and expected the total bill to exceed two billion crowns.";
    let a = json!({"id": "a", "source": "AP", "title": "T", "date": null, "categories": [], "body": body,
        "sources": ["AP", "Yahoo"], "duplicates": [{"id": "a2", "source": "Yahoo", "title": "T", "date": null, "similarity": 0.9, "containment": 1.0}]});
    let b = json!({"id": "b", "source": "BBC", "title": "T", "date": null, "categories": [], "body": body,
        "sources": ["BBC", "ap"], "duplicates": [{"id": "b2", "source": "ap", "title": "T", "date": null, "similarity": 0.8, "containment": 0.9}]});
    let out = run(&["-"], Some(format!("{a}\n{b}\n").as_bytes()));
    out.expect_code(0);
    let records = out.jsonl();
    assert_eq!(records.len(), 1);
    let ids: Vec<&str> =
        records[0]["duplicates"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a2", "b", "b2"]);
    assert_eq!(records[0]["sources"], json!(["AP", "Yahoo", "BBC"]));
    assert_eq!(records[0]["duplicates"][0]["similarity"], json!(0.9));
}
