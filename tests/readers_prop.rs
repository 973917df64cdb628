//! Property tests over the readers: random dumps, written the ways scrapers
//! write them, must read back to exactly the records that were written, and
//! arbitrary bytes must never panic a reader or lose a line.

use newsdedup::reader::{read_input, InputFormat, ReadOutcome};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const OUTLETS: &[&str] = &["The Sun", "Yahoo", "Asahi Shimbun", "Epoch Times", "Reuters", "AP News", "Le Monde"];
const TIMES: &[&str] =
    &["3 days ago", "1 day ago", "an hour ago", "5m ago", "12 hours ago", "yesterday", "2 weeks ago"];
const TAGS: &[&str] = &["Politics", "World", "Business", "Czech Republic", "Technology"];
const WORDS: &[&str] = &[
    "Prague",
    "summoned",
    "the",
    "ambassador",
    "over",
    "a",
    "cyberattack",
    "China's",
    "“malicious”",
    "ministry,",
    "said",
    "on",
    "Wednesday.",
    "NATO",
    "(AP)",
    "—",
    "10.9",
    "million",
    "'growing",
    "pattern'",
    "Lipavský",
];

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 3..14).prop_map(|w| w.join(" "))
}

#[derive(Debug, Clone)]
struct Entry {
    source: String,
    time: String,
    /// Written as `- Tag`, or `-Tag` when `tight`; none at all is allowed
    /// (and reported).
    tags: Vec<String>,
    tight: bool,
    nbsp: bool,
    title: String,
    /// Paragraphs, each one or more lines.
    body: Vec<Vec<String>>,
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        prop::sample::select(OUTLETS),
        prop::sample::select(TIMES),
        prop::collection::vec(prop::sample::select(TAGS), 0..3),
        any::<bool>(),
        line(),
        prop::collection::vec(prop::collection::vec(line(), 1..3), 1..4),
        (prop::bool::weighted(0.2), prop::bool::weighted(0.2)),
    )
        .prop_map(|(source, time, mut tags, outlet_tag, title, body, (tight, nbsp))| {
            if outlet_tag && !tags.is_empty() {
                tags.push(source);
            }
            Entry {
                source: source.into(),
                time: time.into(),
                tags: tags.into_iter().map(String::from).collect(),
                tight,
                nbsp,
                title,
                body,
            }
        })
}

#[derive(Debug, Clone)]
struct Layout {
    bom: bool,
    /// `\n`, `\r\n` or an old Mac `\r`.
    eol: &'static str,
    /// Blank lines after each entry (0, 1 or 2), and whether a new page
    /// header starts there.
    gaps: Vec<(usize, bool)>,
    header_first: bool,
    trailing_spaces: Vec<bool>,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        prop::sample::select(&["\n", "\r\n", "\r"][..]),
        prop::collection::vec((0usize..3, prop::bool::weighted(0.2)), 12),
        any::<bool>(),
        prop::collection::vec(any::<bool>(), 64),
    )
        .prop_map(|(bom, eol, gaps, header_first, trailing_spaces)| Layout {
            bom,
            eol,
            gaps,
            header_first,
            trailing_spaces,
        })
}

/// Render entries as a listing; return the text and each entry's first line.
fn render(entries: &[Entry], l: &Layout) -> (Vec<u8>, Vec<u64>) {
    let mut lines: Vec<String> = Vec::new();
    let mut starts = Vec::new();
    if l.header_first {
        lines.push("Latest news with #JanLipavsky".into());
        lines.push(String::new());
    }
    for (i, e) in entries.iter().enumerate() {
        starts.push(lines.len() as u64 + 1);
        lines.push(e.source.clone());
        lines.push(if e.nbsp { e.time.replacen(' ', "\u{a0}", 1) } else { e.time.clone() });
        lines.extend(e.tags.iter().map(|t| if e.tight { format!("-{t}") } else { format!("- {t}") }));
        lines.push(e.title.clone());
        for (p, para) in e.body.iter().enumerate() {
            if p > 0 {
                lines.push(String::new());
            }
            lines.extend(para.iter().cloned());
        }
        let (gap, header) = l.gaps[i % l.gaps.len()];
        if header && i + 1 < entries.len() {
            // A page joined by `cat`: the header straight after the body.
            lines.push("Latest news with #Prague".into());
        }
        lines.extend(std::iter::repeat_n(String::new(), gap));
    }
    let eol = l.eol;
    let mut text = String::new();
    if l.bom {
        text.push('\u{FEFF}');
    }
    for (k, line) in lines.iter().enumerate() {
        text.push_str(line);
        if l.trailing_spaces[k % l.trailing_spaces.len()] {
            text.push_str("  ");
        }
        text.push_str(eol);
    }
    (text.into_bytes(), starts)
}

fn read(bytes: &[u8], format: InputFormat) -> ReadOutcome {
    read_named(bytes, "dump.txt", format)
}

fn read_named(bytes: &[u8], name: &str, format: InputFormat) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    read_input(bytes, name, format, &mut out).expect("reading from memory cannot fail");
    out
}

proptest! {
    // 256 cases a run; PROPTEST_CASES=N for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn listings_read_back_to_what_was_written(entries in prop::collection::vec(entry(), 1..8), l in layout()) {
        let (bytes, starts) = render(&entries, &l);
        let out = read(&bytes, InputFormat::Auto);
        // Exactly the entries written without tag lines are reported, at their first line.
        let tagless: Vec<String> =
            entries.iter().zip(&starts).filter(|(e, _)| e.tags.is_empty()).map(|(_, s)| format!("dump.txt:{s}: entry has no `- ` tag line (read as outlet, time, title, body)")).collect();
        let problems: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        prop_assert_eq!(problems, tagless, "{}", String::from_utf8_lossy(&bytes));
        prop_assert_eq!(out.articles.len(), entries.len(), "{}", String::from_utf8_lossy(&bytes));
        for ((a, e), start) in out.articles.iter().zip(&entries).zip(&starts) {
            prop_assert_eq!(&a.id, &format!("dump.txt:{start}"));
            prop_assert_eq!(&a.source, &e.source);
            prop_assert_eq!(a.date.as_deref(), Some(e.time.as_str()), "the date's spaces are plain spaces");
            let mut want_tags: Vec<&str> = Vec::new();
            for t in e.tags.iter().filter(|t| **t != e.source) {
                if !want_tags.contains(&t.as_str()) {
                    want_tags.push(t);
                }
            }
            prop_assert_eq!(&a.categories, &want_tags);
            prop_assert_eq!(&a.title, &e.title);
            let body: Vec<String> = e.body.iter().map(|p| p.join("\n")).collect();
            prop_assert_eq!(&a.body, &body.join("\n\n"));
        }
    }

    #[test]
    fn jsonl_reads_back_every_field(
        rows in prop::collection::vec(
            (any::<String>(), any::<String>(), any::<String>(), any::<String>(), prop::option::of(any::<String>()),
             prop::collection::vec(any::<String>(), 0..3), any::<i64>(), any::<bool>()),
            1..6),
        blank_lines in prop::collection::vec(0usize..3, 6),
        eol in prop::sample::select(&["\n", "\r\n", "\r"][..]),
        name in prop::sample::select(&["dump.jsonl", "dump.json", "dump.ndjson", "dump", "-"][..]),
    ) {
        let mut text = String::new();
        for (i, (id, source, title, body, date, cats, score, text_alias)) in rows.iter().enumerate() {
            let mut m = Map::new();
            m.insert("id".into(), format!("{i}-{id}").into());
            m.insert("source".into(), source.clone().into());
            m.insert("title".into(), title.clone().into());
            m.insert((if *text_alias { "text" } else { "body" }).into(), body.clone().into());
            if let Some(d) = date {
                m.insert("date".into(), d.clone().into());
            }
            m.insert("categories".into(), json!(cats));
            m.insert("score".into(), json!(score));
            m.insert("nested".into(), json!({"k": [1, title]}));
            text.push_str(&Value::Object(m).to_string());
            text.push_str(eol);
            text.push_str(&eol.repeat(blank_lines[i % blank_lines.len()]));
        }
        // Found by name, or (no extension, stdin) by content.
        let out = read_named(text.as_bytes(), name, InputFormat::Auto);
        prop_assert!(out.problems.is_empty(), "{:?}", out.problems);
        prop_assert_eq!(out.articles.len(), rows.len());
        for (i, (a, (id, source, title, body, date, cats, score, _))) in out.articles.iter().zip(&rows).enumerate() {
            prop_assert_eq!(&a.id, &format!("{i}-{id}"));
            prop_assert_eq!(&a.source, source);
            prop_assert_eq!(&a.title, title);
            prop_assert_eq!(&a.body, body);
            prop_assert_eq!(a.date.clone(), date.clone().filter(|d| !d.is_empty()));
            let want: Vec<&String> = cats.iter().filter(|c| !c.is_empty()).collect();
            prop_assert_eq!(a.categories.iter().collect::<Vec<_>>(), want);
            prop_assert_eq!(&a.extra["score"], &json!(score));
            prop_assert_eq!(&a.extra["nested"], &json!({"k": [1, title]}));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_jsonl_keeps_every_line(lines in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..20)) {
        let bytes: Vec<u8> = lines.iter().flat_map(|l| l.iter().copied().filter(|&b| b != b'\n').chain([b'\n'])).collect();
        // Lines end at `\n`, `\r\n` or a lone `\r`; a BOM starting a line is dropped.
        let non_blank = bytes
            .split(|&b| b == b'\n')
            .flat_map(|l| l.strip_suffix(b"\r").unwrap_or(l).split(|&b| b == b'\r'))
            .map(|l| l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l))
            .filter(|l| !String::from_utf8_lossy(l).trim().is_empty())
            .count();
        let out = read(&bytes, InputFormat::Jsonl);
        prop_assert_eq!(out.articles.len(), non_blank);
        // `[` first: the JSON array reader, with all its ways to stop.
        let array: Vec<u8> = b"[".iter().copied().chain(bytes.iter().copied()).collect();
        for (bytes, format) in [(&bytes, InputFormat::Listing), (&bytes, InputFormat::Auto), (&bytes, InputFormat::Json), (&array, InputFormat::Json)] {
            let out = read(bytes, format);
            // Something is always said about an input: its records, or that it has none.
            prop_assert!(!out.articles.is_empty() || !out.problems.is_empty());
            for p in &out.problems {
                prop_assert!(p.to_string().starts_with("dump.txt:"), "{}", p);
            }
        }
    }

    #[test]
    fn json_arrays_read_like_json_lines(
        rows in prop::collection::vec((prop::option::of(any::<String>()), any::<String>(), any::<String>(), any::<i64>(), any::<f64>()), 0..6),
        pretty in any::<bool>(),
        eol in prop::sample::select(&["\n", "\r\n", "\r"][..]),
    ) {
        let values: Vec<Value> = rows
            .iter()
            .map(|(id, source, body, n, x)| {
                let mut m = Map::new();
                if let Some(id) = id {
                    m.insert("id".into(), id.clone().into());
                }
                m.insert("source".into(), source.clone().into());
                m.insert("body".into(), body.clone().into());
                m.insert("n".into(), json!(n));
                m.insert("x".into(), json!(x));
                Value::Object(m)
            })
            .collect();
        let lines: String = values.iter().map(|v| v.to_string() + "\n").collect();
        let array = if pretty { serde_json::to_string_pretty(&values).unwrap() } else { serde_json::to_string(&values).unwrap() };
        let from_lines = read_named(lines.as_bytes(), "dump.jsonl", InputFormat::Auto);
        let from_array = read_named(array.replace('\n', eol).as_bytes(), "dump.json", InputFormat::Auto);
        prop_assert_eq!(from_array.articles.len(), rows.len());
        if rows.is_empty() {
            prop_assert_eq!(from_array.problems.len(), 1, "an empty array is an empty input");
        } else {
            prop_assert!(from_array.problems.is_empty(), "{:?}", from_array.problems);
        }
        for (n, (a, l)) in from_array.articles.iter().zip(&from_lines.articles).enumerate() {
            let want_id = if rows[n].0.is_some() { l.id.clone() } else { format!("dump.json#{}", n + 1) };
            prop_assert_eq!(&a.id, &want_id);
            prop_assert_eq!((&a.source, &a.body, &a.extra), (&l.source, &l.body, &l.extra));
        }
    }
}
