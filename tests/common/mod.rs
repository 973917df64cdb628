//! Shared helpers for the integration tests: run the real `newsdedup` binary
//! and compare its output with an expectation, showing both side by side.
//!
//! Each test crate uses only some of these helpers.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Path of the binary under test, built by Cargo for the integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_newsdedup");

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled real sample, `fixtures/listing-janlipavsky.txt`.
pub fn sample() -> PathBuf {
    root().join("fixtures").join("listing-janlipavsky.txt")
}

/// The shared corpus of real web articles, when present.
pub fn web_corpus() -> Option<PathBuf> {
    let p = root().join("..").join("shared").join("corpora").join("web-articles-2018.jsonl");
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("SKIPPED: {} is absent; the tests on the web corpus did not run", p.display());
        None
    }
}

/// What one run of the binary produced.
#[derive(Debug, Clone)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit code; -1 when the process was killed by a signal.
    pub code: i32,
}

impl Output {
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Panic with the whole run shown unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            code,
            "exit code {} (expected {code})\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code,
            truncate(&self.stdout_str(), 4000),
            truncate(&self.stderr_str(), 4000)
        );
        self
    }

    /// The stdout as JSON Lines, one value per line.
    pub fn jsonl(&self) -> Vec<serde_json::Value> {
        self.stdout_str()
            .lines()
            .enumerate()
            .map(|(i, l)| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("stdout line {} is not JSON ({e}): {l}", i + 1))
            })
            .collect()
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes in all)", &s[..end], s.len())
}

/// Run the binary with `args` in `dir`, feeding `stdin` (or nothing: an
/// empty stdin, never the test harness's own).
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.unwrap_or_default().to_vec();
    // Write from another thread so that a large stdin cannot deadlock
    // against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        // The binary may exit without reading everything; that is its business.
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for newsdedup");
    writer.join().expect("stdin writer thread");
    Output { stdout: out.stdout, stderr: out.stderr, code: out.status.code().unwrap_or(-1) }
}

/// Run the binary with `args` in a fresh temporary directory.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    run_in(dir.path(), args, stdin)
}

/// `s` with line endings, tabs, a BOM and other invisible characters
/// spelled out, so that a difference in them shows.
fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{feff}' => out.push_str("\\u{feff}"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A side-by-side view of `expected` and `actual`, line by line, with the
/// differing lines marked `!`, or `None` when they are equal.
pub fn side_by_side(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    const W: usize = 60;
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let show = |s: Option<&&str>| -> String {
        match s {
            None => "<no line>".to_owned(),
            Some(s) => {
                let v = visible(s);
                if v.chars().count() > W {
                    format!("{}…", v.chars().take(W - 1).collect::<String>())
                } else {
                    v.to_owned()
                }
            }
        }
    };
    let mut out = format!("    {:<W$} | {}\n", "EXPECTED", "ACTUAL");
    let mut shown = 0;
    let mut first_diff = None;
    for i in 0..e.len().max(a.len()) {
        let same = e.get(i) == a.get(i);
        if !same && first_diff.is_none() {
            first_diff = Some(i);
        }
        out.push_str(&format!(
            "{} {:>2} {:<W$} | {}\n",
            if same { ' ' } else { '!' },
            i + 1,
            show(e.get(i)),
            show(a.get(i))
        ));
        shown += 1;
        if shown >= 200 {
            out.push_str("... (more lines)\n");
            break;
        }
    }
    if let Some(i) = first_diff {
        // The columns are cut: show where in the first differing lines they part.
        let (e, a) = (e.get(i).copied().unwrap_or(""), a.get(i).copied().unwrap_or(""));
        let at = e.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
        let around = |s: &str| -> String { s.chars().skip(at.saturating_sub(40)).take(100).collect() };
        out.push_str(&format!(
            "first difference at line {}, character {}:\n  expected: {}\n  actual:   {}\n",
            i + 1,
            at + 1,
            visible(&around(e)),
            visible(&around(a))
        ));
    }
    Some(out)
}

/// Assert `expected == actual`, printing them side by side when they differ.
#[track_caller]
pub fn assert_text_eq(what: &str, expected: &str, actual: &str) {
    if let Some(diff) = side_by_side(expected, actual) {
        panic!("{what} differs:\n{diff}");
    }
}
