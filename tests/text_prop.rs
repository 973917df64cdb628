//! Property tests over every text function: normalization, the agency slug,
//! boilerplate lines, shingling, URL keys and the readers, fed arbitrary
//! Unicode mixed with what real scrapes carry (non-breaking and other
//! Unicode spaces, combining marks, right-to-left text, emoji sequences,
//! U+2028, CR, tabs, agency slugs, and lone surrogates escaped in JSON).
//! Each property asserts what the function promises, not only that it
//! returns: no input may panic, and none may lose a record.

use newsdedup::boilerplate::{normalize_lines, source_key, Boilerplate, LINE_MAX_WORDS, MAX_WORDS};
use newsdedup::fingerprint::fingerprint;
use newsdedup::normalize::{normalize, normalize_into, strip_agency_slug};
use newsdedup::reader::listing::is_relative_time;
use newsdedup::reader::{read_input, InputFormat, ReadOutcome};
use newsdedup::record::{Article, Origin};
use newsdedup::shingle::{member, shingle_hash, shingle_set_into, Shingles};
use newsdedup::urlkey::canonical_url;
use proptest::prelude::*;

/// Pieces real scrapes are made of, the awkward ones most of all.
const PIECES: &[&str] = &[
    // plain words and punctuation the normalizer folds
    "Prague",
    "summoned",
    "the",
    "U.S.",
    "China’s",
    "'malicious'",
    "“quoted”",
    "10.9",
    "1,000",
    "cyber-attack",
    "—",
    "–",
    "-",
    ".",
    ":",
    "'",
    "’",
    "(AP)",
    "#Tag",
    "_",
    // spaces: NBSP, the U+2000 block, ZWSP, ideographic space, BOM
    " ",
    "  ",
    "\u{A0}",
    "\u{2000}",
    "\u{2002}",
    "\u{2007}",
    "\u{2009}",
    "\u{200A}",
    "\u{200B}",
    "\u{202F}",
    "\u{205F}",
    "\u{3000}",
    "\u{FEFF}",
    "\u{1680}",
    // line and paragraph separators, CR, LF, tabs, a control character
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{1}",
    "\u{7F}",
    // combining marks, alone and on letters; marks that are letters (Devanagari)
    "\u{301}",
    "\u{308}",
    "\u{327}",
    "e\u{301}",
    "A\u{308}",
    "\u{903}",
    "\u{93F}",
    "क\u{93F}",
    "\u{200C}",
    "\u{200D}",
    "\u{AD}",
    "\u{34F}",
    // case folding with surprises
    "İstanbul",
    "STRASSE",
    "straße",
    "ΣΊΣΥΦΟΣ",
    "\u{212A}elvin",
    "ﬁle",
    "Lipavský",
    "ŘEKL",
    // right-to-left text and bidi controls
    "שלום",
    "א\"ב",
    "ג'",
    "مرحبا",
    "العربية",
    "\u{202E}",
    "\u{202B}",
    "\u{200F}",
    "\u{200E}",
    "\u{2066}",
    "\u{2069}",
    "\u{61C}",
    // CJK and Thai without spaces
    "東京都",
    "カタカナ",
    "ภาษาไทย",
    // emoji: single, skin tones, ZWJ families, flags, keycaps, variation selector
    "😀",
    "👍🏽",
    "👩\u{200D}👩\u{200D}👧",
    "🏳\u{FE0F}\u{200D}🌈",
    "🇨🇿",
    "🇺",
    "1\u{FE0F}\u{20E3}",
    "\u{FE0F}",
    "\u{1F3FB}",
    // agency slugs, after a NBSP or other spaces
    "\u{A0}bur-frj/jza/giv",
    " bur-sst/jj",
    "\u{3000}ach/ea/dw",
    "\u{2028}afp/xx/yy",
    "/",
    "sst/jj",
    // URL-ish pieces
    "https://",
    "www.",
    "example.com",
    "/news/",
    "?utm_source=x&id=3",
    "#frag",
    "%20",
    "%E2%80",
    "xn--",
    "[::1]",
    ":8080",
    "@",
    "\\",
];

/// One piece: a listed one, an arbitrary character, or an arbitrary string.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(PIECES).prop_map(String::from),
        3 => any::<char>().prop_map(String::from),
        1 => any::<String>(),
    ]
}

/// Arbitrary Unicode text, rich in the pieces above.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat())
}

/// Text of one line: `text()` without line breaks of any kind.
fn line() -> impl Strategy<Value = String> {
    text().prop_map(|t| t.replace(['\n', '\r'], " "))
}

/// A URL-like string: a scheme or not, a host, a path, a query, a fragment,
/// each with arbitrary Unicode mixed in.
fn url() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["", "http://", "https://", "HTTPS://", "ftp://", "//", "mailto:"][..]),
        prop::sample::select(&["", "www.", "WWW."][..]),
        prop::collection::vec(prop_oneof![3 => "[a-z0-9-]{1,8}", 1 => piece()], 1..4).prop_map(|l| l.join(".")),
        prop::sample::select(&["", ":80", ":443", ":8080", ":0", ":99999"][..]),
        prop::collection::vec(prop_oneof![3 => "[a-zA-Z0-9._~-]{0,8}", 1 => piece()], 0..4),
        prop::option::of(prop::collection::vec(("[a-z_]{1,6}", prop_oneof!["[a-z0-9]{0,4}", piece()]), 0..4)),
        prop::option::of(piece()),
    )
        .prop_map(|(scheme, www, host, port, path, query, fragment)| {
            let mut u = format!("{scheme}{www}{host}{port}");
            for seg in path {
                u.push('/');
                u.push_str(&seg);
            }
            if let Some(q) = query {
                u.push('?');
                let pairs: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
                u.push_str(&pairs.join("&"));
            }
            if let Some(f) = fragment {
                u.push('#');
                u.push_str(&f);
            }
            u
        })
}

/// Characters the normalizer never leaves in its output.
fn never_in_normal_form(c: char) -> bool {
    c.is_whitespace() && c != ' '
        || c.is_control()
        || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '.' | ':' | '\'' | '\u{2018}' | '\u{2019}')
}

/// `line` without the BOM the reader strips from the start of a line.
fn unbom(line: &str) -> &str {
    line.strip_prefix('\u{FEFF}').unwrap_or(line)
}

/// A listing line that is not an entry's time or tag line nor a page
/// header: one of those gets an `x` in front.
fn plain_line() -> impl Strategy<Value = String> {
    line().prop_map(|l| {
        let t = unbom(&l).trim();
        let special = is_relative_time(t) || t.starts_with(['#', '-']) || t.to_lowercase().starts_with("latest news");
        if special {
            format!("x{l}")
        } else {
            l
        }
    })
}

/// The listing body `lines` make (the reader's rule: a BOM and trailing
/// spaces dropped, blank lines at either end dropped), with the index of
/// its first line; `None` when all are blank.
fn body_of(lines: &[String]) -> Option<(usize, String)> {
    let kept: Vec<&str> = lines.iter().map(|l| unbom(l).trim_end()).collect();
    let first = kept.iter().position(|l| !l.is_empty())?;
    let last = kept.iter().rposition(|l| !l.is_empty())?;
    Some((first, kept[first..=last].join("\n")))
}

fn article(source: &str, body: &str, line: u64) -> Article {
    let mut a = Article::at(Origin { file: "t".into(), line });
    a.source = source.into();
    a.body = body.into();
    a
}

fn read(bytes: &[u8], format: InputFormat) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    read_input(bytes, "dump", format, &mut out).expect("reading from memory cannot fail");
    out
}

/// `s` as a JSON string literal with the escape `esc` (such as a lone
/// surrogate `\ud800`) spliced in at character `at`, and what a reader that
/// keeps lone surrogates as U+FFFD reads from it.
fn json_with_escape(s: &str, at: usize, esc: &str) -> (String, String) {
    let at = s.char_indices().nth(at).map_or(s.len(), |(i, _)| i);
    let (head, tail) = s.split_at(at);
    let lit = |x: &str| serde_json::to_string(x).expect("strings serialize");
    let (h, t) = (lit(head), lit(tail));
    let json = format!("{}{esc}{}", &h[..h.len() - 1], &t[1..]);
    let decoded = match esc {
        r"\ud83d\ude00" => "😀",
        r"\ud800\u0041" => "\u{FFFD}A",
        r"\udc00\ud800" => "\u{FFFD}\u{FFFD}",
        r"\\ud800" => r"\ud800",
        _ => "\u{FFFD}",
    };
    (json, format!("{head}{decoded}{tail}"))
}

const SLUG_SPACES: &[char] = &[' ', '\u{A0}', '\u{2002}', '\u{3000}', '\u{2028}', '\n', '\t', '\u{202F}'];
const SLUGS: &[&str] = &["bur-frj/jza/giv", "sst/jj-ae", "ach/ea/dw", "bur-sst/jj"];
const ESCAPES: &[&str] =
    &[r"\ud800", r"\udfff", r"\ud83d", r"\ude00", r"\ud83d\ude00", r"\ud800\u0041", r"\udc00\ud800", r"\\ud800"];

proptest! {
    // 256 cases a run; PROPTEST_CASES=N for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    // --- normalization ---------------------------------------------------------

    #[test]
    fn normalize_is_idempotent_and_single_spaced(t in text()) {
        let mut out = String::new();
        let words = normalize_into(&t, &mut out);
        prop_assert_eq!(&out, &normalize(&t));
        prop_assert_eq!(normalize(&out), out.clone(), "normalize(normalize(x)) != normalize(x)");
        prop_assert!(!out.starts_with(' ') && !out.ends_with(' ') && !out.contains("  "), "{:?}", out);
        prop_assert_eq!(words, out.split(' ').filter(|w| !w.is_empty()).count(), "{:?}", out);
        prop_assert_eq!(words == 0, out.is_empty());
        prop_assert!(!out.chars().any(|c| c.is_ascii_uppercase()), "{:?}", out);
        prop_assert!(out.chars().all(|c| c.to_lowercase().eq([c])), "not case-folded: {:?}", out);
        prop_assert!(!out.chars().any(never_in_normal_form), "{:?}", out);
        // Every word has a letter or digit in it.
        prop_assert!(out.split(' ').filter(|w| !w.is_empty()).all(|w| w.chars().any(char::is_alphanumeric)), "{:?}", out);
    }

    #[test]
    fn normalize_into_appends_after_what_is_there(prefix in line(), t in text()) {
        let mut out = normalize(&prefix);
        let before = out.clone();
        let words = normalize_into(&t, &mut out);
        let alone = normalize(&t);
        prop_assert!(out.starts_with(&before));
        let expected = match (before.is_empty(), alone.is_empty()) {
            (_, true) => before.clone(),
            (true, false) => alone.clone(),
            (false, false) => format!("{before} {alone}"),
        };
        prop_assert_eq!(out, expected);
        prop_assert_eq!(words, alone.split(' ').filter(|w| !w.is_empty()).count());
    }

    #[test]
    fn normalize_by_lines_equals_normalize_whole(lines in prop::collection::vec(line(), 0..6), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let whole = normalize(&text);
        let parts: Vec<String> = lines.iter().map(|l| normalize(l)).filter(|n| !n.is_empty()).collect();
        prop_assert_eq!(whole, parts.join(" "));
    }

    #[test]
    fn copies_that_differ_in_case_spaces_and_quotes_normalize_alike(words in prop::collection::vec("[a-zA-Z]{1,8}", 1..10), seps in prop::collection::vec(prop::sample::select(&[" ", "\u{A0}", "\u{3000}", "\u{2002}", "\t", "\u{2028}", " — ", "\r\n", "  "][..]), 10)) {
        let plain = words.join(" ");
        let mut messy = String::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                messy.push_str(seps[i % seps.len()]);
            }
            messy.push_str(&w.to_uppercase());
        }
        prop_assert_eq!(normalize(&messy), plain.to_lowercase());
    }

    // --- agency slug -------------------------------------------------------------

    #[test]
    fn strip_agency_slug_returns_a_prefix_and_only_drops_a_slug(t in text()) {
        let s = strip_agency_slug(&t);
        // A prefix of the very same buffer, cut at a character boundary.
        prop_assert_eq!(s.as_ptr(), t.as_ptr());
        prop_assert!(t.is_char_boundary(s.len()) && t.starts_with(s));
        if s.len() != t.len() {
            let dropped = t[s.len()..].trim();
            prop_assert!(!dropped.is_empty());
            prop_assert!(dropped.bytes().all(|b| b.is_ascii_lowercase() || b == b'/' || b == b'-'), "{:?}", dropped);
            prop_assert!(!s.ends_with(char::is_whitespace), "{:?}", s);
            // Stripping again stays a prefix (a text may end in two slugs).
            let again = strip_agency_slug(s);
            prop_assert!(s.starts_with(again) && again.as_ptr() == t.as_ptr());
        } else {
            prop_assert_eq!(strip_agency_slug(s), s);
        }
    }

    #[test]
    fn a_slug_after_any_space_is_stripped(t in text(), sep in prop::sample::select(SLUG_SPACES), slug in prop::sample::select(SLUGS), trail in prop::sample::select(&["", " ", "\n", "\u{A0}\n", "\r\n"][..])) {
        let body = format!("{t}{sep}{slug}{trail}");
        prop_assert_eq!(strip_agency_slug(&body), t.trim_end());
    }

    // --- boilerplate lines -----------------------------------------------------

    #[test]
    fn normalize_lines_agrees_with_normalize(body in text(), min_line in 0usize..4) {
        let (mut out, mut scratch, mut short) = (String::new(), String::new(), Vec::new());
        let words = normalize_lines(&body, min_line, &mut out, &mut scratch, &mut short);
        // Line by line: lines of fewer than `min_line` words left out, unless
        // no other line has words.
        let lines: Vec<String> =
            strip_agency_slug(&body).lines().map(normalize).filter(|l| !l.is_empty()).collect();
        let long: Vec<&String> = lines.iter().filter(|l| l.split(' ').count() >= min_line).collect();
        let want = if long.is_empty() { lines.join(" ") } else { long.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(" ") };
        prop_assert_eq!(&out, &want);
        if min_line == 0 {
            prop_assert_eq!(&out, &normalize(strip_agency_slug(&body)));
        }
        prop_assert_eq!(words, out.split(' ').filter(|w| !w.is_empty()).count());
        prop_assert!(short.windows(2).all(|w| w[0] < w[1]), "sorted, without repeats");
        prop_assert!(short.len() <= lines.iter().filter(|l| l.split(' ').count() <= LINE_MAX_WORDS).count());
    }

    #[test]
    fn boilerplate_removal_keeps_counts_honest(
        lines in prop::collection::vec(line(), 1..5),
        stories in prop::collection::vec(text(), 3..6),
        sources in prop::collection::vec(prop::sample::select(&["site", " SITE ", "other", "", "\u{A0}site"][..]), 6),
        min in prop::sample::select(&[0usize, 2, 3][..]),
        min_line in prop::sample::select(&[0usize, 1, 3][..]),
    ) {
        // Records of a few outlets, each a story of its own plus shared lines.
        let arts: Vec<Article> = stories
            .iter()
            .enumerate()
            .map(|(i, s)| article(sources[i % sources.len()], &format!("{s}\n{}", lines.join("\n")), i as u64 + 1))
            .collect();
        let b = Boilerplate::detect(&arts, min).unwrap();
        prop_assert!(min != 0 || b.is_empty());
        let (mut out, mut scratch, mut alone) = (String::new(), String::new(), String::new());
        for a in &arts {
            let kept = b.normalized_body(a, min_line, &mut out, &mut scratch).unwrap();
            prop_assert_eq!(kept.words, out.split(' ').filter(|w| !w.is_empty()).count(), "{:?}", out);
            prop_assert!(!out.starts_with(' ') && !out.ends_with(' ') && !out.contains("  "), "{:?}", out);
            let without_boilerplate = normalize_lines(a.body.in_memory().unwrap(), min_line, &mut alone, &mut scratch, &mut Vec::new());
            if kept.stub {
                prop_assert!(kept.words > 0 && kept.words <= MAX_WORDS);
                prop_assert_eq!(&out, &alone);
            }
            // What is kept is the body, less some of its lines.
            let total = normalize(strip_agency_slug(a.body.in_memory().unwrap())).split(' ').filter(|w| !w.is_empty()).count();
            prop_assert!(kept.words <= total);
            if b.is_empty() {
                prop_assert_eq!(&out, &alone);
                prop_assert_eq!(kept.words, without_boilerplate);
            }
        }
    }

    #[test]
    fn outlet_keys_ignore_ascii_case_and_surrounding_spaces(source in line(), pad in prop::sample::select(SLUG_SPACES)) {
        let padded = format!("{pad}{}{pad} ", source.to_ascii_uppercase());
        prop_assert_eq!(source_key(&padded), source_key(&source));
    }

    // --- shingles and fingerprints -----------------------------------------------

    #[test]
    fn shingles_of_normalized_text_are_windows_of_k_words(t in text(), k in 1usize..6) {
        let norm = normalize(&t);
        let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
        let got: Vec<&str> = Shingles::new(&norm, k).collect();
        let want: Vec<String> = if words.is_empty() {
            Vec::new()
        } else if words.len() <= k {
            vec![words.join(" ")]
        } else {
            words.windows(k).map(|w| w.join(" ")).collect()
        };
        prop_assert_eq!(&got, &want);
        let mut set = Vec::new();
        shingle_set_into(&norm, k, &mut set);
        let mut hashes: Vec<u32> = want.iter().map(|s| member(shingle_hash(s))).collect();
        hashes.sort_unstable();
        hashes.dedup();
        prop_assert_eq!(set, hashes);
        if norm.is_empty() {
            prop_assert_eq!(fingerprint(&norm, k), 0);
        }
        prop_assert_eq!(fingerprint(&normalize(&norm), k), fingerprint(&norm, k));
    }

    #[test]
    fn shingles_of_any_text_are_slices_of_it(t in text(), k in 0usize..6) {
        // Not normalized: double, leading and trailing spaces, anything.
        let range = t.as_ptr() as usize..=t.as_ptr() as usize + t.len();
        let mut n = 0;
        for s in Shingles::new(&t, k) {
            prop_assert!(range.contains(&(s.as_ptr() as usize)) && range.contains(&(s.as_ptr() as usize + s.len())));
            n += 1;
            prop_assert!(n <= t.len() + 1, "shingling does not end");
        }
        let _ = fingerprint(&t, k);
    }

    // --- URL keys ----------------------------------------------------------------

    #[test]
    fn canonical_urls_are_idempotent(u in prop_oneof![url(), text()]) {
        if let Some(c) = canonical_url(&u) {
            prop_assert!(!c.is_empty() && !c.contains('#'), "{:?} -> {:?}", u, c);
            prop_assert_eq!(canonical_url(&c), Some(c.clone()), "{:?}", u);
            // The scheme and a `www.` never matter.
            let host = c.split(['/', '?', ':']).next().unwrap_or_default();
            if !host.ends_with(|h: char| h.is_ascii_digit()) {
                // (`www.` before an IP address makes no host at all.)
                prop_assert_eq!(canonical_url(&format!("https://www.{c}")), Some(c.clone()));
            }
            prop_assert_eq!(canonical_url(&format!("http://{c}#x")), Some(c.clone()));
        }
    }

    // --- readers -----------------------------------------------------------------

    #[test]
    fn relative_times_allow_any_unicode_space(
        time in prop::sample::select(&["3 days ago", "about 5 hours ago", "a few seconds ago", "less than a minute ago", "1 hr. ago", "just now"][..]),
        spaces in prop::collection::vec(prop::sample::select(SLUG_SPACES.iter().copied().filter(|c| *c != '\n').collect::<Vec<char>>()), 1..4),
        t in line(),
    ) {
        let spaced: String = time.split(' ').collect::<Vec<_>>().join(&spaces.iter().collect::<String>());
        prop_assert!(is_relative_time(&spaced), "{:?}", spaced);
        prop_assert!(is_relative_time(&spaced.to_uppercase()), "{:?}", spaced);
        // Anything after `ago` is not a time; any text at all may be asked.
        if !t.trim().is_empty() {
            prop_assert!(!is_relative_time(&format!("{spaced} {}", t.trim())), "{:?}", t);
        }
        let _ = is_relative_time(&t);
    }

    #[test]
    fn listing_keeps_every_line_of_stray_text(lines in prop::collection::vec(plain_line(), 1..8), crlf in any::<bool>()) {
        // Without entry headers every non-blank line is stray text, kept in order.
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let out = read(text.as_bytes(), InputFormat::Listing);
        match body_of(&lines) {
            None => {
                prop_assert!(out.articles.is_empty());
                prop_assert_eq!(out.problems.len(), 1, "an empty input is reported");
            }
            Some((first, body)) => {
                prop_assert_eq!(out.articles.len(), 1, "{:?}", out.articles);
                prop_assert_eq!(&out.articles[0].body, &body);
                prop_assert_eq!(out.articles[0].origin.line, first as u64 + 1);
                prop_assert_eq!(out.problems.len(), 1, "text outside an entry is reported");
            }
        }
    }

    #[test]
    fn listing_entries_keep_unicode_titles_and_bodies(
        outlet in prop::sample::select(&["The Sun", "Yahoo", "Le Monde", "Ynet ידיעות", "朝日新聞", "BBC\u{A0}News"][..]),
        time in prop::sample::select(&["3 days ago", "2\u{A0}days ago", "5m ago", "yesterday", "an\u{2009}hour ago", "1\u{3000}day ago"][..]),
        title in plain_line().prop_map(|l| if unbom(&l).trim().is_empty() { format!("T{l}") } else { l }),
        body in prop::collection::vec(plain_line(), 0..5),
    ) {
        let text = format!("{outlet}\n{time}\n- Politics\n{title}\n{}\n", body.join("\n"));
        let out = read(text.as_bytes(), InputFormat::Listing);
        prop_assert_eq!(out.articles.len(), 1, "{:?}", out.articles);
        let a = &out.articles[0];
        prop_assert_eq!(&a.source, outlet.trim());
        let date = time.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(a.date.as_deref(), Some(date.as_str()));
        prop_assert_eq!(&a.categories, &["Politics"]);
        prop_assert_eq!(&a.title, unbom(&title).trim());
        prop_assert_eq!(a.body.clone(), body_of(&body).map(|(_, b)| b).unwrap_or_default());
        // Only an entry without body is reported.
        prop_assert_eq!(out.problems.len(), usize::from(a.body.is_empty()), "{:?}", out.problems);
    }

    #[test]
    fn jsonl_reads_any_unicode_exactly(rows in prop::collection::vec((text(), text(), text()), 1..5)) {
        let mut input = String::new();
        for (i, (id, title, body)) in rows.iter().enumerate() {
            let v = serde_json::json!({"id": format!("{i}{id}"), "title": title, "body": body});
            input.push_str(&v.to_string());
            input.push('\n');
        }
        let out = read(input.as_bytes(), InputFormat::Auto);
        prop_assert!(out.problems.is_empty(), "{:?}", out.problems);
        prop_assert_eq!(out.articles.len(), rows.len());
        for (i, (a, (id, title, body))) in out.articles.iter().zip(&rows).enumerate() {
            prop_assert_eq!(&a.id, &format!("{i}{id}"));
            prop_assert_eq!(&a.title, title);
            prop_assert_eq!(&a.body, body);
        }
    }

    #[test]
    fn jsonl_lone_surrogates_become_u_fffd_never_a_lost_record(
        rows in prop::collection::vec((text(), text(), text(), 0usize..3, 0usize..30, prop::sample::select(ESCAPES)), 1..5),
    ) {
        let mut input = String::new();
        let mut want = Vec::new();
        for (i, (id, title, body, field, at, esc)) in rows.iter().enumerate() {
            let id = format!("{i}-{id}");
            let mut fields = [id.clone(), title.clone(), body.clone()];
            let (json, decoded) = json_with_escape(&fields[*field], *at, esc);
            fields[*field] = decoded;
            let lit = |x: &str| serde_json::to_string(x).expect("strings serialize");
            let mut parts = [lit(&id), lit(title), lit(body)];
            parts[*field] = json;
            input.push_str(&format!("{{\"id\":{},\"title\":{},\"body\":{}}}\n", parts[0], parts[1], parts[2]));
            want.push((fields, !matches!(*esc, r"\ud83d\ude00" | r"\\ud800")));
        }
        let out = read(input.as_bytes(), InputFormat::Auto);
        prop_assert_eq!(out.articles.len(), rows.len(), "a record was lost");
        for (n, (a, (fields, reported))) in out.articles.iter().zip(&want).enumerate() {
            prop_assert_eq!([&a.id, &a.title, a.body.in_memory().unwrap()], [&fields[0], &fields[1], &fields[2]]);
            let line = n as u64 + 1;
            prop_assert_eq!(out.problems.iter().any(|p| p.line == line), *reported, "{:?}", out.problems);
        }
    }

    #[test]
    fn jsonl_never_panics_or_loses_a_line_on_any_text(lines in prop::collection::vec(prop_oneof![line(), line().prop_map(|l| format!("{{\"body\":\"{l}\"}}")), line().prop_map(|l| format!("{{\"id\":\"\\ud800{l}\",\"body\":\"\\udbff\"}}"))], 1..6)) {
        let input = lines.join("\n");
        let out = read(input.as_bytes(), InputFormat::Jsonl);
        let non_blank = lines.iter().filter(|l| !l.strip_prefix('\u{FEFF}').unwrap_or(l).trim().is_empty()).count();
        prop_assert_eq!(out.articles.len(), non_blank);
        for p in &out.problems {
            prop_assert!(p.line >= 1 && p.line <= lines.len() as u64, "{}", p);
        }
    }
}
