//! JSON Lines (one object per line, read one line at a time) and JSON arrays
//! of objects.
//!
//! Known fields ([`Fields`] names them; the defaults are these): `id` (string
//! or number; a number keeps its text as written), `source`, `title`, `body`
//! (alias `text` while the body field is `body`; required), `date`, `url`,
//! `category` or `categories` (a string or an array of strings). Every other
//! field is kept in [`Article::extra`] and written back out unchanged. Blank
//! lines are skipped. A record of newsdedup's own output keeps what the
//! earlier run found as [`Article::prior`], so that a second run loses no
//! provenance: a cluster record (a `duplicates` array of objects and a
//! `sources` array of strings), or a record written by `--format filter` (a
//! non-empty provenance array, see [`crate::record::is_provenance`], in the
//! field [`crate::record::provenance_name`] picks).

use std::io::{self, BufRead};
use std::sync::Arc;

use serde_json::{Map, Value};

use rayon::prelude::*;

use super::{Block, BodyAt, Fields, LineReader, Piece, ReadOptions, ReadOutcome};
use crate::error::{Problem, ProblemKind};
use crate::record::{is_provenance, provenance_name, Article, Origin, Prior, Shape};

/// Read JSON Lines from `lines` of input `name` into `out`; returns the
/// number of lines read.
pub fn read<R: BufRead>(
    lines: LineReader<R>,
    name: &Arc<str>,
    opts: &ReadOptions,
    out: &mut ReadOutcome,
) -> io::Result<u64> {
    read_in_batches(lines, name, opts, out, BATCH_BYTES)
}

/// [`read`], reading `batch_bytes` of lines at a time.
fn read_in_batches<R: BufRead>(
    mut lines: LineReader<R>,
    name: &Arc<str>,
    opts: &ReadOptions,
    out: &mut ReadOutcome,
    batch_bytes: usize,
) -> io::Result<u64> {
    // Lines are read in blocks (4 MB), each cut into pieces of whole lines
    // (64 KB) that are split into lines and parsed in parallel, no more
    // than about 8,192 lines at a time; each line's problems (bad UTF-8
    // first, then what parsing found) and its record join `out` in input
    // order, as if read one by one. Only reading the block and adding the
    // records are done on one thread.
    let keep = Keep::of(opts, false);
    // Where each line starts in the input, when its bodies can be read back
    // from there (see [`ReadOutcome::push_found`]).
    let locate = out.reads_back();
    while let Some(block) = lines.next_block(batch_bytes, PIECE_BYTES)? {
        let mut pieces = &block.pieces[..];
        while !pieces.is_empty() {
            let (mut take, mut held) = (0, 0);
            while take < pieces.len() && (take == 0 || held + pieces[take].lines <= BATCH_LINES) {
                held += pieces[take].lines;
                take += 1;
            }
            let parsed: Vec<Vec<ParsedLine>> = pieces[..take]
                .par_iter()
                .map(|piece| parse_piece(&block, piece, name, opts, keep, locate))
                .collect::<io::Result<_>>()?;
            for (read, record) in parsed.into_iter().flatten() {
                out.problems.extend(read);
                if let Some((article, found, body_at)) = record {
                    out.problems.extend(problems_of(&article, found));
                    out.push_found(article, body_at)?;
                }
            }
            pieces = &pieces[take..];
        }
    }
    Ok(lines.count())
}

/// A line of a piece: the problems found reading it, and its record (with
/// its problems and where its body lies) unless it is blank.
type ParsedLine = (Vec<Problem>, Option<(Article, Vec<ProblemKind>, Option<BodyAt>)>);

/// The lines of `piece` of `block`, each parsed.
fn parse_piece(
    block: &Block,
    piece: &Piece,
    name: &Arc<str>,
    opts: &ReadOptions,
    keep: Option<Keep>,
    locate: bool,
) -> io::Result<Vec<ParsedLine>> {
    let mut parsed = Vec::new();
    block.for_each_line(piece, name, |number, at, text, problems| {
        if text.trim().is_empty() {
            parsed.push((problems, None));
            return;
        }
        let origin = Origin { file: name.clone(), line: number };
        parsed.push((problems, Some(parse_line(text, at.filter(|_| locate), origin, &opts.fields, keep))));
    })?;
    Ok(parsed)
}

/// Bytes of JSON Lines read at a time (see [`read`]).
const BATCH_BYTES: usize = 4 << 20;
/// Bytes of JSON Lines split into lines and parsed by one task at most
/// (and a line more).
const PIECE_BYTES: usize = 64 << 10;
/// Lines parsed at a time (more only when one piece holds more): a batch
/// of tiny records holds a parsed record (some hundred bytes) for every
/// few bytes of input.
const BATCH_LINES: u64 = 8192;

/// What of an object's shape [`fill`] keeps ([`ReadOptions::keep_shape`]).
#[derive(Debug, Clone, Copy)]
struct Keep {
    /// The object is an element of a JSON array.
    array: bool,
    /// Its text too (not with [`ReadOptions::shape_kind_only`]).
    text: bool,
}

impl Keep {
    /// What `opts` keep of an object's shape, `array` telling where it was
    /// read: with [`ReadOptions::shape_kind_only`], nothing of a JSON line's
    /// (the kind of filter output counts only array elements and CSV rows).
    fn of(opts: &ReadOptions, array: bool) -> Option<Keep> {
        let text = !opts.shape_kind_only;
        (opts.keep_shape && (text || array)).then_some(Keep { array, text })
    }
}

/// The record of one parsed JSON value (`raw` its text) and its problems;
/// with `keep`, an object's shape is kept.
fn parse(
    parsed: Result<Value, serde_json::Error>,
    raw: &str,
    origin: Origin,
    id: Option<String>,
    fields: &Fields,
    keep: Option<Keep>,
) -> (Article, Vec<ProblemKind>) {
    let mut problems = Vec::new();
    let mut article = Article::at(origin);
    if let Some(id) = id {
        article.id = id;
    }
    fill(&mut article, parsed, raw, fields, keep, &mut problems);
    (article, problems)
}

/// Add a record and its problems to `out` (its body to the spool, when
/// bodies are spooled).
fn add(article: Article, problems: Vec<ProblemKind>, out: &mut ReadOutcome) -> io::Result<()> {
    out.problems.extend(problems_of(&article, problems));
    out.push(article)
}

/// `article`'s problems, found where it was read.
fn problems_of(article: &Article, problems: Vec<ProblemKind>) -> impl Iterator<Item = Problem> + '_ {
    let line = article.origin.line;
    problems.into_iter().map(move |kind| Problem { file: article.origin.file.to_string(), line, kind })
}

/// The record of one JSON Lines line `text` and its problems, as [`parse`]
/// reads it. With `at`, where `text` starts in an input that bodies can be
/// read back from: when the body is a JSON string as written in the line
/// ([`object_and_body`]), it is not decoded, and where it lies is returned
/// instead ([`BodyAt`]; the record's body is then empty until
/// [`ReadOutcome::push_found`] places it).
fn parse_line(
    text: &str,
    at: Option<u64>,
    origin: Origin,
    fields: &Fields,
    keep: Option<Keep>,
) -> (Article, Vec<ProblemKind>, Option<BodyAt>) {
    if let Some((object, body)) = at.and_then(|_| object_and_body(text, fields)) {
        let mut problems = Vec::new();
        let mut article = Article::at(origin.clone());
        let body_key = fill(&mut article, Ok(Value::Object(object)), text, fields, keep, &mut problems);
        match (body, at) {
            (None, _) => return (article, problems, None),
            (Some(b), Some(at)) if body_key.as_deref() == Some(b.key.as_str()) => {
                let raw = &text.as_bytes()[b.span.clone()];
                let hash = xxhash_rust::xxh3::xxh3_64(raw);
                let found =
                    BodyAt { at: at + b.span.start as u64, raw: raw.len() as u64, len: b.len as u64, hash, json: true };
                return (article, problems, Some(found));
            }
            // Not the body `fill` took (it always is): read as before.
            _ => {}
        }
    }
    let (article, problems) = parse(serde_json::from_str::<Value>(text), text, origin, None, fields, keep);
    (article, problems, None)
}

/// The body [`object_and_body`] left undecoded: its key, where its JSON
/// string lies in the line, and the length of its text.
struct RawBody {
    key: String,
    span: std::ops::Range<usize>,
    len: usize,
}

/// `text` parsed as `serde_json::from_str::<Value>` parses it, except that
/// the body (the first field [`Fields`] reads as the body that is not
/// `null`, as [`fill`] takes it) is an empty string, returned undecoded as
/// a [`RawBody`]. `None` when `text` is not an object, or a field read as
/// the body holds anything but a string or `null`, or a string that
/// [`json_string_len`] does not vouch for: such a line is parsed as before.
fn object_and_body(text: &str, fields: &Fields) -> Option<(Map<String, Value>, Option<RawBody>)> {
    use serde::de::{Deserializer as _, Error as _, MapAccess, Visitor};
    use serde_json::value::RawValue;

    struct Object<'a> {
        text: &'a str,
        fields: &'a Fields,
    }
    impl<'de> Visitor<'de> for Object<'_> {
        type Value = (Map<String, Value>, Option<RawBody>);

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut object = Map::new();
            // Each body field's string, undecoded: for a key given twice,
            // the last, whose value the object keeps.
            let mut raws: Vec<(String, &'de str, usize)> = Vec::new();
            while let Some(key) = access.next_key::<String>()? {
                // serde_json's own `Value` reads these keys as its private
                // tokens (an exact number, a raw value).
                if key.starts_with("$serde_json::private::") {
                    return Err(A::Error::custom("a private key"));
                }
                if self.fields.role(&key) != Some("body") {
                    let value: Value = access.next_value()?;
                    object.insert(key, value);
                    continue;
                }
                let raw: &'de RawValue = access.next_value()?;
                let raw = raw.get();
                raws.retain(|(k, _, _)| *k != key);
                if raw == "null" {
                    object.insert(key, Value::Null);
                    continue;
                }
                // Anything else is parsed as before (where nesting counts
                // from the top of the line).
                let len = json_string_len(raw).ok_or_else(|| A::Error::custom("not a plain string"))?;
                raws.push((key.clone(), raw, len));
                object.insert(key, Value::String(String::new()));
            }
            let body = object
                .iter()
                .find(|(k, v)| self.fields.role(k) == Some("body") && !v.is_null())
                .map(|(k, _)| k.clone());
            let mut found = None;
            for (key, raw, len) in raws {
                if body.as_ref() == Some(&key) {
                    let start = raw.as_ptr() as usize - self.text.as_ptr() as usize;
                    found = Some(RawBody { key, span: start..start + raw.len(), len });
                } else {
                    let value: String = serde_json::from_str(raw).map_err(A::Error::custom)?;
                    object.insert(key, Value::String(value));
                }
            }
            Ok((object, found))
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let found = (&mut de).deserialize_map(Object { text, fields }).ok()?;
    de.end().ok()?;
    Some(found)
}

/// The length in bytes of the text of `raw`, a JSON string with its quotes
/// (as serde_json has checked it), without decoding it. `None` for an
/// escape it does not know, or a `\u` escape of half a surrogate pair
/// (serde_json refuses those; the line is then read as before).
fn json_string_len(raw: &str) -> Option<usize> {
    crate::record::walk_json_string(raw.as_bytes(), |_| {})
}

/// JSON whitespace.
fn skip_ws(s: &str, mut pos: usize) -> usize {
    let b = s.as_bytes();
    while pos < b.len() && matches!(b[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// Line numbers of byte offsets, asked in increasing order; a line ends at
/// `\n`, `\r\n` or a lone `\r`, as in [`LineReader`].
pub(super) struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// A counter over `text`, at line 1.
    pub(super) fn new(text: &'a [u8]) -> Self {
        LineCounter { text, pos: 0, line: 1 }
    }

    pub(super) fn line_at(&mut self, offset: usize) -> u64 {
        while self.pos < offset.min(self.text.len()) {
            let b = self.text[self.pos];
            if b == b'\n' || (b == b'\r' && self.text.get(self.pos + 1) != Some(&b'\n')) {
                self.line += 1;
            }
            self.pos += 1;
        }
        self.line
    }
}

/// Read a JSON array of objects (or several, as `cat` joins them) from
/// `reader`, input `name`, into `out`; returns the number of lines read. An
/// element's record starts at the element's line and its default id is
/// `FILE#N`, N counting the elements from 1. Where the array stops parsing,
/// the rest of the input is kept as one record and reported. An input that
/// does not open with `[` is read as JSON Lines.
pub fn read_array<R: BufRead>(
    mut reader: R,
    name: &Arc<str>,
    opts: &ReadOptions,
    out: &mut ReadOutcome,
) -> io::Result<u64> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let bom = if bytes.starts_with(super::BOM) { super::BOM.len() } else { 0 };
    let opens = bytes[bom..].iter().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if opens != Some(&b'[') {
        return read(LineReader::new(&bytes[..]), name, opts, out);
    }
    let lines = LineReader::new(&bytes[..]).count_all()?;
    let text = match std::str::from_utf8(&bytes[bom..]) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            let line = LineCounter { text: &bytes, pos: 0, line: 1 }.line_at(bom + e.valid_up_to());
            out.problems.push(Problem { file: name.to_string(), line, kind: ProblemKind::InvalidUtf8 });
            String::from_utf8_lossy(&bytes[bom..])
        }
    };
    // Offsets in the lossy text match the bytes only up to the first invalid
    // sequence; past it line numbers are counted in the text itself.
    let text: &str = &text;
    let mut counter = LineCounter { text: text.as_bytes(), pos: 0, line: 1 };
    let mut n = 0u64;
    let mut pos = skip_ws(text, 0);
    // Why reading stopped before the end, if it did.
    let mut stop: Option<String> = None;
    'arrays: while pos < text.len() {
        if !text[pos..].starts_with('[') {
            stop = Some("text after the array".into());
            break;
        }
        pos = skip_ws(text, pos + 1);
        let mut first = true;
        loop {
            if pos == text.len() {
                stop = Some("the array is not closed".into());
                break 'arrays;
            }
            if text[pos..].starts_with(']') {
                pos = skip_ws(text, pos + 1);
                continue 'arrays;
            }
            if !first {
                if !text[pos..].starts_with(',') {
                    stop = Some("expected `,` or `]`".into());
                    break 'arrays;
                }
                pos = skip_ws(text, pos + 1);
                if pos == text.len() || text[pos..].starts_with(']') {
                    continue;
                }
            }
            let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(value)) => {
                    let end = pos + stream.byte_offset();
                    n += 1;
                    let origin = Origin { file: name.clone(), line: counter.line_at(pos) };
                    let keep = Keep::of(opts, true);
                    let id = Some(format!("{name}#{n}"));
                    let (article, found) = parse(Ok(value), &text[pos..end], origin, id, &opts.fields, keep);
                    add(article, found, out)?;
                    pos = skip_ws(text, end);
                    first = false;
                }
                Some(Err(e)) => {
                    // serde_json counts lines from `pos`; say where in the input.
                    let msg = e.to_string();
                    let msg = msg.rfind(" at line ").map_or(&msg[..], |i| &msg[..i]);
                    stop = Some(format!("{msg} at line {}", counter.line_at(pos) + e.line() as u64 - 1));
                    break 'arrays;
                }
                None => {
                    stop = Some("the array is not closed".into());
                    break 'arrays;
                }
            }
        }
    }
    if let Some(error) = stop {
        // Keep the rest as one record, with the reason reading stopped.
        let line = counter.line_at(pos);
        let rest = text[pos..].trim_end();
        let rest_kept = !rest.is_empty();
        if rest_kept {
            n += 1;
            let mut article = Article::at(Origin { file: name.clone(), line });
            article.id = format!("{name}#{n}");
            article.body = rest.into();
            out.push(article)?;
        }
        let kind = ProblemKind::InvalidJsonArray { error, rest_kept };
        out.problems.push(Problem { file: name.to_string(), line, kind });
    }
    Ok(lines)
}

/// A string field's value; anything else is reported and kept as JSON text.
fn string_field(field: &str, value: Value, problems: &mut Vec<ProblemKind>) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => {
            problems.push(ProblemKind::WrongType { field: field.to_owned(), expected: "a string" });
            other.to_string()
        }
    }
}

/// The value of the four hex digits at `at`, if there are four.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits.iter().try_fold(0, |v, &b| Some(v * 16 + char::from(b).to_digit(16)?))
}

/// `text` with every `\uXXXX` escape of a lone UTF-16 surrogate (one not
/// part of a high-low pair) replaced by `\ufffd`, or `None` when it has none.
fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let (mut out, mut copied, mut i) = (String::new(), 0, 0);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let unit = if bytes.get(i + 1) == Some(&b'u') { hex4(bytes, i + 2) } else { None };
        match unit {
            Some(0xD800..=0xDBFF)
                if bytes.get(i + 6..i + 8) == Some(&b"\\u"[..])
                    && hex4(bytes, i + 8).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                // `i` is at an ASCII backslash: a character boundary.
                out.push_str(&text[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            // Any other escape, `\\` included: skip the backslash and the
            // character it escapes.
            _ => i += 2,
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Fill `article` from one parsed JSON value (`text` its source, kept as the
/// body when it is not an object), its known fields named by `fields`. With
/// `keep`, an object's shape is kept (its text too when `keep.text`).
/// Returns the key of the body when a string of the object is the body.
fn fill(
    article: &mut Article,
    parsed: Result<Value, serde_json::Error>,
    text: &str,
    fields: &Fields,
    keep: Option<Keep>,
    problems: &mut Vec<ProblemKind>,
) -> Option<String> {
    // The text kept as the record's shape: a lone surrogate repaired, so
    // that `--format filter` writes valid JSON.
    let mut repaired = None;
    let object: Map<String, Value> = match parsed {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            problems.push(ProblemKind::NotAnObject);
            article.body = text.into();
            return None;
        }
        // serde_json refuses half a surrogate pair; read it as U+FFFD instead
        // of losing every field of the record.
        Err(e) => {
            match replace_lone_surrogates(text).and_then(|t| Some((serde_json::from_str::<Value>(&t).ok()?, t))) {
                Some((Value::Object(m), t)) => {
                    problems.push(ProblemKind::LoneSurrogate);
                    repaired = Some(t);
                    m
                }
                _ => {
                    problems.push(ProblemKind::InvalidJson(e.to_string()));
                    article.body = text.into();
                    return None;
                }
            }
        }
    };
    if let Some(Keep { array, text: keep_text }) = keep {
        let provenance = provenance_name(|n| object.get(n).is_none_or(|v| is_provenance(v, true)));
        let present = object.contains_key(&provenance);
        let provenance = provenance.into();
        let raw = match repaired {
            _ if !keep_text => Box::default(),
            Some(t) => t.into_boxed_str(),
            None => text.into(),
        };
        article.shape = Some(Box::new(Shape::Json { raw, array, provenance, present }));
    }
    let mut body = None;
    let mut body_key = None;
    for (key, value) in object {
        match fields.role(&key) {
            Some("id") => match value {
                Value::String(s) => article.id = s,
                Value::Number(n) => article.id = number_text(text, &key).unwrap_or_else(|| n.to_string()),
                other => {
                    problems.push(ProblemKind::WrongType { field: key.clone(), expected: "a string or a number" });
                    article.extra.insert(key, other);
                }
            },
            Some("source") => article.source = string_field(&key, value, problems),
            Some("title") => article.title = string_field(&key, value, problems),
            Some("date") => article.date = Some(string_field(&key, value, problems)).filter(|s| !s.is_empty()),
            Some("url") => article.url = Some(string_field(&key, value, problems)).filter(|s| !s.is_empty()),
            // `null` counts as absent, so `{"body": null, "text": "..."}` reads the text.
            Some("body") if body.is_none() && !value.is_null() => {
                if value.is_string() {
                    body_key = Some(key.clone());
                }
                body = Some(string_field(&key, value, problems));
            }
            Some("body") if value.is_null() => {}
            Some("categories") => match value {
                Value::Array(items) => {
                    for item in items {
                        let c = string_field(&key, item, problems);
                        if !c.is_empty() {
                            article.categories.push(c);
                        }
                    }
                }
                other => {
                    let c = string_field(&key, other, problems);
                    if !c.is_empty() {
                        article.categories.push(c);
                    }
                }
            },
            _ => {
                article.extra.insert(key, value);
            }
        }
    }
    match body {
        Some(b) => article.body = b.into(),
        None if fields.body == "body" => problems.push(ProblemKind::MissingField("body")),
        None => problems.push(ProblemKind::MissingNamedField(fields.body.clone())),
    }
    article.prior = prior(&mut article.extra);
    body_key
}

/// The exact text of the numeric field `key` of object `text` (`1e2` stays
/// `1e2`; the parsed number would read `1e+2`).
fn number_text(text: &str, key: &str) -> Option<String> {
    if key == "id" {
        #[derive(serde::Deserialize)]
        struct Id<'a> {
            #[serde(borrow)]
            id: &'a serde_json::value::RawValue,
        }
        return serde_json::from_str::<Id>(text).ok().map(|r| r.id.get().to_owned());
    }
    let fields: std::collections::HashMap<String, &serde_json::value::RawValue> = serde_json::from_str(text).ok()?;
    fields.get(key).map(|v| v.get().to_owned())
}

/// What an earlier run found for a record of newsdedup's own output, taken
/// out of the pass-through fields: a cluster record's `duplicates` (an array
/// of objects) and `sources` (an array of strings), or else a `--format
/// filter` record's non-empty provenance array (whose duplicates' outlets are
/// its sources). `None`, fields left alone, for any other record.
pub(crate) fn prior(extra: &mut Map<String, Value>) -> Option<Box<Prior>> {
    let objects = matches!(extra.get("duplicates"), Some(Value::Array(d)) if d.iter().all(Value::is_object));
    let strings = matches!(extra.get("sources"), Some(Value::Array(s)) if s.iter().all(Value::is_string));
    if !objects || !strings {
        let name = provenance_name(|n| extra.get(n).is_none_or(|v| is_provenance(v, true)));
        if !extra.get(&name).is_some_and(|v| is_provenance(v, false)) {
            return None;
        }
        let Some(Value::Array(duplicates)) = extra.shift_remove(&name) else { unreachable!("checked above") };
        return Some(Box::new(filtered_prior(duplicates)));
    }
    let Some(Value::Array(duplicates)) = extra.shift_remove("duplicates") else { unreachable!("checked above") };
    let Some(Value::Array(sources)) = extra.shift_remove("sources") else { unreachable!("checked above") };
    let sources = sources.into_iter().filter_map(|s| if let Value::String(s) = s { Some(s) } else { None }).collect();
    Some(Box::new(Prior { duplicates, sources }))
}

/// The prior of a `--format filter` record: its provenance array, and as
/// sources the outlets named in it.
pub(crate) fn filtered_prior(duplicates: Vec<Value>) -> Prior {
    let sources =
        duplicates.iter().filter_map(|d| d.get("source").and_then(Value::as_str)).map(str::to_owned).collect();
    Prior { duplicates, sources }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{read_input, InputFormat};

    /// `json_string_len` vouches only for strings serde_json decodes, and
    /// gives their text's length; the same walk decodes them as serde_json
    /// does (as a body read back from its input is decoded).
    fn check_len(raw: &str) {
        let decoded = serde_json::from_str::<String>(raw);
        if let Some(len) = json_string_len(raw) {
            let text = decoded.unwrap_or_else(|e| panic!("{raw}: vouched for, but serde_json says {e}"));
            assert_eq!(len, text.len(), "{raw}");
            let mut walked = Vec::new();
            crate::record::walk_json_string(raw.as_bytes(), |b| walked.extend_from_slice(b));
            assert_eq!(String::from_utf8(walked).unwrap(), text, "{raw}");
        }
    }

    #[test]
    fn json_string_len_is_the_decoded_length() {
        for (raw, len) in [
            (r#""""#, Some(0)),
            (r#""plain""#, Some(5)),
            (r#""a\nb\"c\\d\/e\bf\fg\rh\ti""#, Some(17)),
            (r#""caf\u00e9 caf\u00E9 café""#, Some(17)),
            (r#""\u0000\u007f\u0080\u07ff\u0800\uffff""#, Some(1 + 1 + 2 + 2 + 3 + 3)),
            (r#""\ud83d\ude00 \uD83D\uDE00""#, Some(9)),
            (r#""lone \ud800 half""#, None),
            (r#""lone \udc00 half""#, None),
            (r#""\ud800\u0041""#, None),
            (r#""\ud800""#, None),
            (r#""\u12""#, None),
            (r#""\u12g4""#, None),
            (r#""\x41""#, None),
            ("plain", None),
        ] {
            assert_eq!(json_string_len(raw), len, "{raw}");
            check_len(raw);
        }
    }

    proptest::proptest! {
        #[test]
        fn json_string_len_agrees_with_serde_json(text in "\\PC*", pieces in proptest::collection::vec(0usize..12, 0..8)) {
            // Any text as serde_json writes it.
            let raw = serde_json::to_string(&text).unwrap();
            proptest::prop_assert_eq!(json_string_len(&raw), Some(text.len()));
            // And escapes of every kind, well formed or not, put together.
            let bits = [r"\n", r"\u00e9", r"\ud83d\ude00", r"\ud83d", r"\ude00", r"\uD7FF", r"\/", r"\q", r"\u", "é", "x", r"\\"];
            let mixed = format!("\"{}\"", pieces.iter().map(|&i| bits[i]).collect::<String>());
            check_len(&mixed);
        }
    }

    fn read(text: &str) -> ReadOutcome {
        let mut out = ReadOutcome::default();
        read_input(text.as_bytes(), "in.jsonl", InputFormat::Jsonl, &mut out).unwrap();
        out
    }

    fn read_json(text: &str) -> ReadOutcome {
        let mut out = ReadOutcome::default();
        read_input(text.as_bytes(), "in.json", InputFormat::Auto, &mut out).unwrap();
        out
    }

    #[test]
    fn every_batch_size_reads_the_same_records_and_problems() {
        let mut text = Vec::new();
        for i in 0..200 {
            match i % 7 {
                0 => text.extend_from_slice(b"{\"id\": \"broken\", \"body\": \n"),
                1 => text.extend_from_slice(b"\n"),
                2 => {
                    text.extend_from_slice(format!("{{\"id\": {i}, \"body\": \"bad ").as_bytes());
                    text.extend_from_slice(b"\xff byte\"}\n");
                }
                3 => text.extend_from_slice(format!("{{\"id\": {i}}}\n").as_bytes()),
                _ => {
                    text.extend_from_slice(format!("{{\"id\": \"r{i}\", \"body\": \"word {i} \u{e9}\"}}\n").as_bytes())
                }
            }
        }
        let name: Arc<str> = Arc::from("mixed.jsonl");
        let read_with = |batch: usize| {
            let mut out = ReadOutcome::default();
            let opts = ReadOptions::new(crate::reader::InputFormat::Jsonl);
            let lines = read_in_batches(LineReader::new(&text[..]), &name, &opts, &mut out, batch).expect("read");
            let records: Vec<String> =
                out.articles.iter().map(|a| format!("{} {} {:?}", a.id, a.origin, a.body)).collect();
            let problems: Vec<String> =
                out.problems.iter().map(|p| format!("{}:{} {:?}", p.file, p.line, p.kind)).collect();
            (lines, records, problems)
        };
        let one_batch = read_with(usize::MAX);
        assert!(one_batch.2.len() >= 80, "the input has problems of several kinds: {:?}", one_batch.2);
        for batch in [1, 10, 100, 1000] {
            assert_eq!(read_with(batch), one_batch, "batch of {batch} bytes");
        }
    }

    #[test]
    fn numbers_keep_their_text() {
        let out = read(concat!(
            "{\"id\":12345678901234567890123,\"body\":\"a\",\"n\":1.50,\"big\":98765432109876543210987}\n",
            "{\"id\":12345678901234567890124,\"body\":\"b\",\"e\":1E2}\n",
            "{\"id\":1e2,\"body\":\"c\"}\n{\"id\":-0.0,\"body\":\"d\"}\n",
        ));
        let ids: Vec<&str> = out.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["12345678901234567890123", "12345678901234567890124", "1e2", "-0.0"]);
        assert_eq!(
            serde_json::to_string(&out.articles[0].extra).unwrap(),
            r#"{"n":1.50,"big":98765432109876543210987}"#
        );
        // Other numbers keep their digits; an exponent is written `e+N`.
        assert_eq!(serde_json::to_string(&out.articles[1].extra).unwrap(), r#"{"e":1e+2}"#);
    }

    #[test]
    fn json_arrays_are_read_element_by_element() {
        let out = read_json("\u{feff}[\n  {\"id\": \"a\", \"body\": \"x\"},\n  {\"body\": \"y\"}, {\"body\": \"z\"},\n  5\n]\n[{\"body\":\"w\"}]\n");
        let got: Vec<(&str, u64, &str)> =
            out.articles.iter().map(|a| (a.id.as_str(), a.origin.line, a.body.in_memory().unwrap())).collect();
        assert_eq!(
            got,
            [("a", 2, "x"), ("in.json#2", 3, "y"), ("in.json#3", 3, "z"), ("in.json#4", 4, "5"), ("in.json#5", 6, "w")]
        );
        let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs, ["in.json:4: JSON value is not an object (line kept as body)"]);
    }

    #[test]
    fn a_broken_json_array_keeps_the_rest_as_a_record() {
        let out = read_json("[{\"body\": \"x\"},\n{\"body\": \"y\"\n{\"body\": \"z\"}]");
        assert_eq!(out.articles.len(), 2);
        assert_eq!(out.articles[1].body, "{\"body\": \"y\"\n{\"body\": \"z\"}]");
        let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].starts_with("in.json:2: invalid JSON array: expected `,` or `}` at line 3"), "{}", msgs[0]);
        assert!(msgs[0].ends_with("try --input jsonl)"), "{}", msgs[0]);
    }

    #[test]
    fn json_named_array_of_other_values_keeps_each_element() {
        let out = read_json("[1, \"two\", {\"body\": \"x\"}]");
        let bodies: Vec<&str> = out.articles.iter().map(|a| a.body.in_memory().unwrap()).collect();
        assert_eq!(bodies, ["1", "\"two\"", "x"]);
        assert_eq!(out.problems.len(), 2);
    }

    #[test]
    fn jsonl_named_file_holding_an_array_says_so() {
        let mut out = ReadOutcome::default();
        read_input(&b"[\n{\"body\": \"x\"}\n]\n"[..], "in.jsonl", InputFormat::Auto, &mut out).unwrap();
        assert_eq!(
            out.problems[0].to_string(),
            "in.jsonl:1: input looks like a JSON array but was read as JSON Lines because of its name; try --input json"
        );
        assert_eq!(out.articles.len(), 3);
    }

    #[test]
    fn every_way_an_array_can_stop_is_reported() {
        let cases = [
            ("[{\"body\":\"x\"},", "in.json:1: invalid JSON array: the array is not closed (for one JSON object per line, try --input jsonl)", 1),
            ("[{\"body\":\"x\"}\n{\"body\":\"y\"}]", "in.json:2: invalid JSON array: expected `,` or `]` (the rest of the input is kept as one record's body; for one JSON object per line, try --input jsonl)", 2),
            ("[{\"body\":\"x\"}]\nlisting text", "in.json:2: invalid JSON array: text after the array (the rest of the input is kept as one record's body; for one JSON object per line, try --input jsonl)", 2),
            ("[{\"body\":\"x\"},\n\n{\"body\":\n\"y", "in.json:3: invalid JSON array: EOF while parsing a string at line 4 (the rest of the input is kept as one record's body; for one JSON object per line, try --input jsonl)", 2),
            ("[{\"body\":\"x\"},]", "", 1),
        ];
        for (input, problem, records) in cases {
            let out = read_json(input);
            let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
            assert_eq!(msgs.join(""), problem, "{input}");
            assert_eq!(out.articles.len(), records, "{input}");
        }
    }

    #[test]
    fn json_named_file_with_lines_is_read_as_json_lines() {
        let out = read_json("{\"body\":\"x\"}\n{\"body\":\"y\"}\n");
        let ids: Vec<&str> = out.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["in.json:1", "in.json:2"]);
    }

    #[test]
    fn own_output_keeps_its_duplicates_and_sources() {
        let out = read(concat!(
            r#"{"id":"a","body":"x","lang":"en","sources":["AP","Yahoo"],"duplicates":[{"id":"b","source":"Yahoo"}],"n":1}"#,
            "\n",
            r#"{"id":"c","body":"y","sources":"AP","duplicates":[]}"#,
            "\n",
        ));
        let prior = out.articles[0].prior.as_deref().expect("prior");
        assert_eq!(prior.sources, ["AP", "Yahoo"]);
        assert_eq!(prior.duplicates, [serde_json::json!({"id":"b","source":"Yahoo"})]);
        assert_eq!(serde_json::to_string(&out.articles[0].extra).unwrap(), r#"{"lang":"en","n":1}"#);
        // Not newsdedup's shape: passed through as before.
        assert!(out.articles[1].prior.is_none());
        assert_eq!(serde_json::to_string(&out.articles[1].extra).unwrap(), r#"{"sources":"AP","duplicates":[]}"#);
    }

    #[test]
    fn known_and_unknown_fields() {
        let out = read(
            r#"{"id":7,"source":"AP","title":"T","text":"B","date":"2024-01-01","url":"https://x/y","category":["a","b"],"lang":"en","score":1.5}"#,
        );
        assert!(out.problems.is_empty());
        let a = &out.articles[0];
        assert_eq!(
            (a.id.as_str(), a.source.as_str(), a.title.as_str(), a.body.in_memory().unwrap()),
            ("7", "AP", "T", "B")
        );
        assert_eq!(a.date.as_deref(), Some("2024-01-01"));
        assert_eq!(a.url.as_deref(), Some("https://x/y"));
        assert_eq!(a.categories, ["a", "b"]);
        assert_eq!(serde_json::to_string(&a.extra).unwrap(), r#"{"lang":"en","score":1.5}"#);
    }

    #[test]
    fn null_body_falls_back_to_text() {
        let out = read(r#"{"id":"a","body":null,"text":"real text here"}"#);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(out.articles[0].body, "real text here");
        assert!(out.articles[0].extra.is_empty());
    }

    #[test]
    fn missing_id_uses_file_and_line() {
        let out = read("\n{\"body\":\"x\"}\n");
        assert_eq!(out.articles[0].id, "in.jsonl:2");
    }

    #[test]
    fn lone_surrogate_escapes_keep_the_record_and_its_fields() {
        // A scraper that cut an emoji in two: serde_json refused the whole
        // line, and the record lost its id, title and body.
        let out = read(concat!(
            r#"{"id":"a\ud83d","title":"\udc00\ud800x","body":"ok \ud83d\ude00 \\ud800 end\ud800"}"#,
            "\n",
            r#"{"id":"b","body":"\ud800"#,
            "\n"
        ));
        assert_eq!(out.articles.len(), 2);
        let a = &out.articles[0];
        assert_eq!((a.id.as_str(), a.title.as_str()), ("a\u{FFFD}", "\u{FFFD}\u{FFFD}x"));
        assert_eq!(a.body, "ok \u{1F600} \\ud800 end\u{FFFD}");
        let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs[0], "in.jsonl:1: lone UTF-16 surrogate escaped in a JSON string (kept as U+FFFD)");
        // Still broken JSON once repaired: kept whole as before.
        assert!(msgs[1].starts_with("in.jsonl:2: invalid JSON: "), "{}", msgs[1]);
        assert_eq!(out.articles[1].body, r#"{"id":"b","body":"\ud800"#);
    }

    #[test]
    fn bad_lines_are_reported_and_kept() {
        let out = read("[1,2]\n{nope\n{\"id\":\"a\",\"body\":null}\n{\"id\":\"b\",\"body\":3}\n");
        assert_eq!(out.articles.len(), 4);
        assert_eq!(out.articles[0].body, "[1,2]");
        assert_eq!(out.articles[1].body, "{nope");
        let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs[0], "in.jsonl:1: JSON value is not an object (line kept as body)");
        assert!(msgs[1].starts_with("in.jsonl:2: invalid JSON: "), "{}", msgs[1]);
        assert_eq!(msgs[2], "in.jsonl:3: missing required field `body`");
        assert_eq!(msgs[3], "in.jsonl:4: field `body` should be a string (kept as JSON text)");
        assert_eq!(out.articles[3].body, "3");
    }

    #[test]
    fn filter_output_keeps_its_provenance() {
        let out = read(concat!(
            r#"{"id":1,"body":"x","duplicates":[{"id":"b","source":"BBC","similarity":0.9},{"id":2,"source":"AP","similarity":1.0}],"sources":"wire"}"#,
            "\n",
            r#"{"id":3,"body":"y","duplicates":5,"_duplicates":[{"id":"c","similarity":1}]}"#,
            "\n",
            r#"{"id":4,"body":"z","duplicates":[]}"#,
            "\n",
            r#"{"id":5,"body":"w","duplicates":[{"id":"d"}]}"#,
            "\n",
        ));
        let prior = out.articles[0].prior.as_deref().expect("prior");
        assert_eq!(prior.duplicates.len(), 2);
        assert_eq!(prior.sources, ["BBC", "AP"]);
        assert_eq!(serde_json::to_string(&out.articles[0].extra).unwrap(), r#"{"sources":"wire"}"#);
        let prior = out.articles[1].prior.as_deref().expect("prior under _duplicates");
        assert_eq!(prior.duplicates[0]["id"], "c");
        assert_eq!(serde_json::to_string(&out.articles[1].extra).unwrap(), r#"{"duplicates":5}"#);
        // Neither an empty list nor objects without a similarity are provenance.
        assert!(out.articles[2].prior.is_none() && out.articles[3].prior.is_none());
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }

    #[test]
    fn a_kept_shape_has_its_lone_surrogates_repaired() {
        let mut out = ReadOutcome::default();
        let opts = ReadOptions { keep_shape: true, ..Default::default() };
        let line = r#"{"id":"a\ud800", "body":"x \ud83d\ude00"}"#;
        crate::reader::read_input_with(line.as_bytes(), "s.jsonl", &opts, &mut out).unwrap();
        let Some(Shape::Json { raw, .. }) = out.articles[0].shape.as_deref() else { panic!("no shape") };
        assert_eq!(&**raw, r#"{"id":"a\ufffd", "body":"x \ud83d\ude00"}"#);
        assert!(serde_json::from_str::<Value>(raw).is_ok());
    }
}
