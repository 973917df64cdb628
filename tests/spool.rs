//! The spool (`ReadOptions::spool_above`): bodies kept in an anonymous
//! temporary file between reading and writing give the same records and
//! the same output, byte for byte, as bodies kept in memory.

mod common;

use std::sync::Arc;

use newsdedup::config::{CanonicalRule, Params};
use newsdedup::error::Error;
use newsdedup::reader::{read_input_with, ReadOptions, ReadOutcome};
use newsdedup::record::{Article, Body, Origin};
use newsdedup::spool::Spool;
use newsdedup::writer::{Output, OutputFormat};

fn read(bytes: &[u8], name: &str, spool_above: Option<u64>) -> ReadOutcome {
    let opts = ReadOptions { spool_above, keep_shape: true, ..Default::default() };
    let mut out = ReadOutcome::default();
    read_input_with(bytes, name, &opts, &mut out).unwrap();
    newsdedup::reader::check_unique_ids(&mut out);
    out
}

/// Every output format of one run over `articles`, one after the other.
fn outputs(articles: &[Article]) -> Vec<u8> {
    let mut all = Vec::new();
    for rule in [CanonicalRule::Longest, CanonicalRule::First] {
        let d = newsdedup::dedup(articles, &Params::default(), rule).unwrap();
        let out = Output { articles, sigs: &d.sigs, clusters: &d.clusters, as_of: None };
        for format in [
            OutputFormat::Jsonl,
            OutputFormat::Json,
            OutputFormat::Text,
            OutputFormat::Filter,
            OutputFormat::Ids,
            OutputFormat::Tsv,
        ] {
            newsdedup::writer::write(format, &out, &mut all).unwrap();
        }
    }
    all
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut e, data).unwrap();
    e.finish().unwrap()
}

/// The inputs: every reader (listing text, JSON Lines, a JSON array, CSV,
/// gzip), each as (bytes, name).
fn inputs() -> Vec<(Vec<u8>, String)> {
    let root = common::root().join("fixtures");
    let listing = std::fs::read(common::sample()).unwrap();
    let mut v = vec![
        (listing.clone(), "listing-janlipavsky.txt".to_owned()),
        (gzip(&listing), "listing.txt.gz".to_owned()),
        (std::fs::read(root.join("wire.csv")).unwrap(), "wire.csv".to_owned()),
        (std::fs::read(root.join("wire.jsonl.gz")).unwrap(), "wire.jsonl.gz".to_owned()),
    ];
    if let Some(web) = common::web_corpus() {
        let text = std::fs::read_to_string(web).unwrap();
        let objects: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        v.push((format!("[\n{}\n]\n", objects.join(",\n")).into_bytes(), "web.json".to_owned()));
        v.push((text.into_bytes(), "web.jsonl".to_owned()));
    }
    v
}

#[test]
fn spooled_bodies_give_the_same_records_and_output_as_bodies_in_memory() {
    for (bytes, name) in inputs() {
        let memory = read(&bytes, &name, None);
        assert!(!memory.spooled(), "{name}");
        assert!(memory.articles.iter().all(|a| a.body.in_memory().is_some()), "{name}");
        let expected = outputs(&memory.articles);
        // Every body spooled, or only those after the first few KB.
        for above in [0, 4096] {
            let spooled = read(&bytes, &name, Some(above));
            let total: u64 = memory.articles.iter().map(|a| a.body.len()).sum();
            assert_eq!(spooled.spooled(), total > above, "{name}");
            assert_eq!(spooled.articles.iter().any(|a| a.body.in_memory().is_none()), total > above, "{name}");
            // Records compare equal (bodies by their text).
            assert_eq!(memory.articles, spooled.articles, "{name}");
            assert_eq!(memory.problems, spooled.problems, "{name}");
            assert!(outputs(&spooled.articles) == expected, "{name}: the output differs with spool_above {above}");
        }
    }
}

#[test]
fn odd_bodies_read_back_as_they_were() {
    let long = "Ein langer Satz über \u{1F30D} und ß, wieder und wieder.\n".repeat(60_000);
    let bodies = [
        "",
        " ",
        "a",
        "caf\u{e9} na\u{ef}ve \u{4e2d}\u{6587} \u{1F600}\u{200D}\u{1F469}",
        "tabs\tand\r\nCRLF\n\nand a lone \u{202E} override",
        "\u{FFFD}\u{FEFF}",
        &long,
    ];
    // Straight into a spool and back.
    let spool = Arc::new(Spool::new().unwrap());
    for b in bodies {
        let mut body = Body::from(b);
        body.spool(&spool).unwrap();
        assert_eq!(body.len(), b.len() as u64);
        assert_eq!(body.in_memory().is_none(), !b.is_empty(), "an empty body stays in memory");
        assert_eq!(body.text().unwrap(), b);
    }
    // Through a reader: JSON Lines with every body.
    let mut input = String::new();
    for (i, b) in bodies.iter().enumerate() {
        input += &serde_json::json!({"id": i.to_string(), "body": b}).to_string();
        input.push('\n');
    }
    let out = read(input.as_bytes(), "odd.jsonl", Some(0));
    assert_eq!(out.articles.len(), bodies.len());
    for (a, b) in out.articles.iter().zip(bodies) {
        assert_eq!(a.body.text().unwrap(), b, "record {}", a.id);
    }
    // Read back from several threads at once, in any order.
    std::thread::scope(|s| {
        for t in 0..4 {
            let arts = &out.articles;
            s.spawn(move || {
                for (a, b) in arts.iter().zip(bodies).rev().skip(t) {
                    assert_eq!(a.body.text().unwrap(), b);
                }
            });
        }
    });
    // The output carries every body as read.
    let d = newsdedup::dedup(&out.articles, &Params::default(), CanonicalRule::First).unwrap();
    let mut w = Vec::new();
    let o = Output { articles: &out.articles, sigs: &d.sigs, clusters: &d.clusters, as_of: None };
    newsdedup::writer::write(OutputFormat::Jsonl, &o, &mut w).unwrap();
    let written: Vec<String> = String::from_utf8(w)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["body"].as_str().unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = bodies.iter().map(|b| b.to_string()).collect();
    let mut got = written.clone();
    expected.sort();
    got.sort();
    // Identical bodies (none here) would be one cluster; every body is written once.
    assert_eq!(got, expected);
}

#[test]
fn a_body_that_cannot_be_read_back_is_a_clean_error() {
    let spool = Arc::new(Spool::new().unwrap());
    spool.append("short").unwrap();
    let mut a = Article::at(Origin { file: "t.jsonl".into(), line: 1 });
    // A place past what was written: as a lost or damaged spool would be.
    a.body = Body::Spooled { spool, at: 2, len: 100 };
    let e = a.body.text().unwrap_err();
    assert!(e.to_string().contains(newsdedup::spool::NAME), "{e}");
    match newsdedup::dedup(std::slice::from_ref(&a), &Params::default(), CanonicalRule::Longest) {
        Err(Error::Io { path, source }) => {
            assert_eq!(path, newsdedup::spool::NAME);
            assert!(source.to_string().contains("never written"), "{source}");
        }
        other => panic!("{other:?}"),
    }
    // The writer fails as cleanly: an I/O error naming the spool.
    let sig = newsdedup::sign::Signature::default();
    let clusters = [newsdedup::apply::Cluster { canonical: 0, members: vec![0] }];
    let o = Output {
        articles: std::slice::from_ref(&a),
        sigs: std::slice::from_ref(&sig),
        clusters: &clusters,
        as_of: None,
    };
    for format in [OutputFormat::Jsonl, OutputFormat::Json, OutputFormat::Text] {
        let e = newsdedup::writer::write(format, &o, &mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains(newsdedup::spool::NAME), "{format:?}: {e}");
    }
    // And so does an article that is not equal to itself when unreadable.
    assert_ne!(a.body, Body::from("short"));
}

#[test]
fn the_command_line_spools_and_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::BIN).env("TMPDIR", dir.path()).arg(common::sample()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!out.stdout.is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "a temporary file was left behind");
    // With no usable temporary directory the bodies stay in memory: same output.
    let missing = dir.path().join("no-such-dir");
    let fallback =
        std::process::Command::new(common::BIN).env("TMPDIR", &missing).arg(common::sample()).output().unwrap();
    assert_eq!(fallback.status.code(), Some(0), "{}", String::from_utf8_lossy(&fallback.stderr));
    assert!(fallback.stdout == out.stdout, "the output depends on where the bodies were");
}

/// `bytes` written to a file named `name` in `dir`, read back with every
/// body to spool: left in the file where it can be.
fn read_file(dir: &std::path::Path, bytes: &[u8], name: &str) -> ReadOutcome {
    read_file_above(dir, bytes, name, Some(0))
}

/// [`read_file`] with bodies spooled (or left in the file) as `spool_above` says.
fn read_file_above(dir: &std::path::Path, bytes: &[u8], name: &str, spool_above: Option<u64>) -> ReadOutcome {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let opts = ReadOptions { spool_above, keep_shape: true, ..Default::default() };
    let mut out = ReadOutcome::default();
    newsdedup::reader::read_file_with(std::fs::File::open(&path).unwrap(), name, &opts, &mut out).unwrap();
    newsdedup::reader::check_unique_ids(&mut out);
    out
}

fn in_input(a: &Article) -> bool {
    matches!(a.body, Body::InInput(_))
}

/// JSON Lines whose bodies are every shape a reader meets: escapes, a BOM,
/// CRLF and lone CR endings, a key given twice, the `text` alias, a body
/// that is not a string, broken UTF-8, a lone surrogate, broken JSON.
fn odd_jsonl() -> Vec<u8> {
    let mut v: Vec<u8> = Vec::new();
    v.extend_from_slice(
        b"\xEF\xBB\xBF{\"id\": \"bom\", \"body\": \"After a BOM, \\\"quoted\\\"\\nand a new line.\"}\n",
    );
    v.extend_from_slice(
        b"{\"id\": \"crlf\", \"title\": \"T\", \"body\": \"caf\\u00e9 \xC3\xA9 \\ud83d\\ude00 tab\\tend\"}\r\n",
    );
    v.extend_from_slice(
        b"{\"id\": \"cr1\", \"body\": \"first of two on one line\"}\r{\"id\": \"cr2\", \"body\": \"second\"}\n",
    );
    v.extend_from_slice(
        b"{\"id\": \"twice\", \"body\": \"the first\", \"source\": \"S\", \"body\": \"the last is kept\"}\n",
    );
    v.extend_from_slice(b"{\"id\": \"alias\", \"body\": null, \"text\": \"read from text\"}\n");
    v.extend_from_slice(b"{\"id\": \"both\", \"text\": \"text first\", \"body\": \"then body\"}\n");
    v.extend_from_slice(b"{\"id\": \"number\", \"body\": 12.50}\n");
    v.extend_from_slice(b"{\"id\": \"object\", \"body\": {\"nested\": [1, 2]}}\n");
    v.extend_from_slice(b"{\"id\": \"utf8\", \"body\": \"broken \xFF byte\"}\n");
    v.extend_from_slice(b"{\"id\": \"surrogate\", \"body\": \"lone \\ud800 half\"}\n");
    v.extend_from_slice(b"{\"id\": \"broken\", \"body\": \"no end\n");
    v.extend_from_slice(b"  \n");
    v.extend_from_slice(
        b"{\"id\": \"private\", \"$serde_json::private::Number\": \"1\", \"body\": \"kept as an object\"}\n",
    );
    v.extend_from_slice(b"{\"id\": \"empty\", \"body\": \"\"}\n");
    v.extend_from_slice(b"{\"id\": \"trailing\", \"body\": \"x\"} junk\n");
    v.extend_from_slice(b"{\"id\": \"control\", \"body\": \"a raw \x01 control byte\"}\n");
    v.extend_from_slice(
        b"{\"id\": \"escapes\", \"body\": \"\\/ \\u0000 \\u00E9 \\uD83D\\uDE00 \\\\\", \"text\": \"other\"}\n",
    );
    v.extend_from_slice(b"{\"id\": \"last\", \"body\": \"no newline at the end\"}");
    v
}

/// Listing text whose bodies are every shape a reader meets: a BOM, blank
/// runs, CRLF and lone CR endings, trailing spaces at the end of a body and
/// inside it, a whitespace-only line, broken UTF-8, a BOM inside (files
/// joined by `cat`), stray text, an entry with no body, no final newline.
fn odd_listing() -> Vec<u8> {
    let mut v: Vec<u8> = Vec::new();
    for part in [
        &b"\xEF\xBB\xBFLatest news with #X\n\nSome stray words\nbefore the first entry.\n\n\n"[..],
        b"The Sun\n3 days ago\n- Politics\nPlain title\nA body of two lines,\nthe second one here.\n\n\nAfter two blank lines.\n\n",
        b"Yahoo\r\n1 day ago\r\n- World\r\nCRLF title\r\nA body in CRLF lines\r\nends here.\r\n",
        b"BBC\n2 days ago\n- News\nTitle  \nOnly its last line\nhas trailing spaces   \n   \n",
        b"CNN\n5m ago\n- A\nT\nA line with trailing spaces \nbefore another.\n",
        b"NPR\n5m ago\n- A\nT\nA blank line with spaces\n  \nin the body.\n",
        b"AP\n1 hour ago\n- B\nT\nBroken \xFF byte\nin the body.\n",
        b"AFP\n1 hour ago\n- C\nT\nOne body line.\n\xEF\xBB\xBFA BOM inside it.\n",
        b"Reuters\n1 hour ago\n- D\nT\nOld Mac\rline endings.\n",
        b"Nobody\n1 hour ago\n- E\nOnly a title\n",
        b"Last\n1 hour ago\n- E\nT\nEnds the file with spaces and no newline   ",
    ] {
        v.extend_from_slice(part);
    }
    v
}

/// JSON Lines longer than the reader's pieces (64 KB), so that lines are
/// read and placed by several of them: CRLF and lone CR endings, a BOM
/// inside, broken UTF-8, blank lines and bodies with escapes here and there.
fn many_jsonl() -> Vec<u8> {
    let mut v: Vec<u8> = Vec::new();
    for i in 0..3000 {
        let body = format!("Story {i} of many, \\\"quoted\\\" and caf\u{e9} {}", "word ".repeat(i % 23));
        let line = format!("{{\"id\": \"m{i}\", \"source\": \"S{}\", \"body\": \"{body}\"}}", i % 5);
        match i % 401 {
            7 => v.extend_from_slice(b"\xEF\xBB\xBF"),
            11 => v.extend_from_slice(b"\n  \n"),
            13 => v.extend_from_slice(b"{\"id\": \"bad\xFF\", \"body\": \"x\"}\n"),
            _ => {}
        }
        v.extend_from_slice(line.as_bytes());
        v.extend_from_slice(match i % 7 {
            3 => b"\r\n",
            5 => b"\r",
            _ => b"\n",
        });
    }
    v
}

#[test]
fn bodies_left_in_a_file_give_the_same_records_and_output_as_bodies_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = inputs();
    assert!(many_jsonl().len() > 4 * 64 * 1024);
    all.push((many_jsonl(), "many.jsonl".to_owned()));
    all.push((odd_jsonl(), "odd.jsonl".to_owned()));
    all.push((gzip(&odd_jsonl()), "odd.jsonl.gz".to_owned()));
    all.push((odd_listing(), "odd.txt".to_owned()));
    all.push((gzip(&odd_listing()), "odd.txt.gz".to_owned()));
    for (bytes, name) in all {
        let memory = read(&bytes, &name, None);
        let file = read_file(dir.path(), &bytes, &name);
        assert_eq!(memory.articles, file.articles, "{name}");
        assert_eq!(memory.problems, file.problems, "{name}");
        assert!(outputs(&file.articles) == outputs(&memory.articles), "{name}: the output differs");
        // Only JSON Lines and listing text read as they lie leave bodies in
        // the file; every other body is spooled, as it was.
        let left = file.articles.iter().filter(|a| in_input(a)).count();
        let as_it_lies = name.ends_with(".jsonl") || name.ends_with(".txt");
        assert_eq!(left > 0, as_it_lies, "{name}: {left} bodies left in the input");
        assert!(file.articles.iter().all(|a| a.body.is_empty() || a.body.in_memory().is_none()), "{name}");
    }
    // Under a threshold the first bodies stay in memory and the rest in the
    // file; with no spool at all, every body is in memory.
    if let Some(web) = common::web_corpus() {
        let bytes = std::fs::read(web).unwrap();
        let memory = read(&bytes, "web.jsonl", None);
        for (above, in_memory) in [(None, memory.articles.len()), (Some(20_000), 0)] {
            let file = read_file_above(dir.path(), &bytes, "web.jsonl", above);
            assert_eq!(memory.articles, file.articles);
            let held = file.articles.iter().filter(|a| a.body.in_memory().is_some()).count();
            if above.is_none() {
                assert_eq!(held, in_memory);
                continue;
            }
            let first = file.articles.iter().position(in_input).expect("bodies left in the file");
            assert!(first > 0 && file.articles[..first].iter().all(|a| a.body.in_memory().is_some()));
            assert!(file.articles[first..].iter().all(|a| in_input(a) || a.body.is_empty()));
        }
    }
    // Which of the odd records stay in the file: those whose body is a
    // string and whose line is read as it lies.
    let file = read_file(dir.path(), &odd_jsonl(), "odd.jsonl");
    let left: Vec<&str> = file.articles.iter().filter(|a| in_input(a)).map(|a| a.id.as_str()).collect();
    assert_eq!(left, ["bom", "crlf", "cr1", "cr2", "twice", "alias", "both", "escapes", "last"]);
    let body = |id: &str| file.articles.iter().find(|a| a.id == id).unwrap().body.text().unwrap().into_owned();
    assert_eq!(body("bom"), "After a BOM, \"quoted\"\nand a new line.");
    assert_eq!(body("crlf"), "caf\u{e9} \u{e9} \u{1F600} tab\tend");
    assert_eq!(body("twice"), "the last is kept");
    assert_eq!(body("both"), "text first");
    assert_eq!(body("escapes"), "/ \u{0} \u{e9} \u{1F600} \\");
    // The body field not taken is passed through, decoded.
    let both = file.articles.iter().find(|a| a.id == "both").unwrap();
    assert_eq!(both.extra["body"], "then body");
    // Which listing bodies stay in the file: those that are a stretch of it
    // as they are (trailing spaces at the very end are only cut off).
    let file = read_file(dir.path(), &odd_listing(), "odd.txt");
    let left: Vec<&str> = file.articles.iter().filter(|a| in_input(a)).map(|a| a.source.as_str()).collect();
    assert_eq!(left, ["", "The Sun", "BBC", "Last"]);
    let body =
        |source: &str| file.articles.iter().find(|a| a.source == source).unwrap().body.text().unwrap().into_owned();
    // Not followed by an entry, the header is stray text too.
    assert_eq!(body(""), "Latest news with #X\n\nSome stray words\nbefore the first entry.");
    assert_eq!(body("The Sun"), "A body of two lines,\nthe second one here.\n\n\nAfter two blank lines.");
    assert_eq!(body("BBC"), "Only its last line\nhas trailing spaces");
    assert_eq!(body("Last"), "Ends the file with spaces and no newline");
    assert_eq!(body("Yahoo"), "A body in CRLF lines\nends here.");
    assert_eq!(body("NPR"), "A blank line with spaces\n\nin the body.");
    assert_eq!(body("Reuters"), "Old Mac\nline endings.");
    let kinds: Vec<String> = file.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        kinds,
        [
            "odd.txt:1: text outside any entry (kept as a record of its own)",
            "odd.txt:47: invalid UTF-8 (kept with U+FFFD replacement characters)",
            "odd.txt:61: entry has no body",
        ]
    );
}

#[test]
fn an_input_changed_under_a_run_is_an_error_naming_it_never_another_body() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"id\": \"a\", \"body\": \"The original body of the record.\"}\n";
    let out = read_file(dir.path(), text.as_bytes(), "in.jsonl");
    assert!(in_input(&out.articles[0]));
    let path = dir.path().join("in.jsonl");
    let rewrite = |new: &str| {
        use std::io::{Seek, Write};
        // In place: the run's handle sees the change.
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        f.write_all(new.as_bytes()).unwrap();
        f.set_len(new.len() as u64).unwrap();
    };
    for changed in [
        // Same length, other words: the hash tells.
        "{\"id\": \"a\", \"body\": \"The replaced body of the record.\"}\n",
        // No longer a string there.
        "{\"id\": \"a\", \"text\": [\"The original body of the\", 1]}\n",
        // Cut short.
        "{\"id\": \"a\"}",
    ] {
        rewrite(changed);
        let e = out.articles[0].body.text().unwrap_err();
        assert!(e.to_string().starts_with("in.jsonl: changed while"), "{e}");
        match newsdedup::dedup(&out.articles, &Params::default(), CanonicalRule::Longest) {
            Err(Error::Io { path, source }) => {
                assert_eq!(path, "in.jsonl");
                assert!(source.to_string().starts_with("changed while newsdedup ran"), "{source}");
            }
            other => panic!("{other:?}"),
        }
    }
    // Put back, it reads as before.
    rewrite(text);
    assert_eq!(out.articles[0].body.text().unwrap(), "The original body of the record.");
    // So too for listing text, whose bodies lie in the file as they are.
    let text = "AP\n1 hour ago\n- World\nTitle\nThe original body\nof the record.\n";
    let out = read_file(dir.path(), text.as_bytes(), "in.txt");
    assert!(in_input(&out.articles[0]));
    let path = dir.path().join("in.txt");
    for changed in [text.replace("original", "replaced"), text.replace("body\n", "body "), text[..30].to_owned()] {
        // Truncated and written again, the file is the one the run holds.
        std::fs::write(&path, &changed).unwrap();
        let e = out.articles[0].body.text().unwrap_err();
        assert!(e.to_string().starts_with("in.txt: changed while"), "{changed:?}: {e}");
    }
    std::fs::write(&path, text).unwrap();
    assert_eq!(out.articles[0].body.text().unwrap(), "The original body\nof the record.");
}

#[test]
fn no_more_than_so_many_inputs_are_held_open_for_their_bodies() {
    use newsdedup::reader::INPUTS_HELD;
    let dir = tempfile::tempdir().unwrap();
    let opts = ReadOptions { spool_above: Some(0), ..Default::default() };
    let mut out = ReadOutcome::default();
    // An input whose bodies are all spooled (compressed) holds nothing open.
    let listing = gzip(&std::fs::read(common::sample()).unwrap());
    std::fs::write(dir.path().join("sample.txt.gz"), &listing).unwrap();
    let file = std::fs::File::open(dir.path().join("sample.txt.gz")).unwrap();
    newsdedup::reader::read_file_with(file, "sample.txt.gz", &opts, &mut out).unwrap();
    let listed = out.articles.len();
    for i in 0..INPUTS_HELD + 3 {
        let name = format!("day{i}.jsonl");
        let text = format!("{{\"id\": \"{i}\", \"body\": \"The story of day {i}.\"}}\n");
        std::fs::write(dir.path().join(&name), text).unwrap();
        let file = std::fs::File::open(dir.path().join(&name)).unwrap();
        newsdedup::reader::read_file_with(file, &name, &opts, &mut out).unwrap();
    }
    let days = &out.articles[listed..];
    let left: Vec<bool> = days.iter().map(in_input).collect();
    assert!(left[..INPUTS_HELD].iter().all(|&l| l), "the first {INPUTS_HELD} inputs are held");
    assert!(left[INPUTS_HELD..].iter().all(|&l| !l), "later inputs spool their bodies");
    for (i, a) in days.iter().enumerate() {
        assert_eq!(a.body.text().unwrap(), format!("The story of day {i}."));
    }
}
