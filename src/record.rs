//! Article records: the plain data every stage after the reader works on.

use std::borrow::Cow;
use std::io;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::spool::Spool;

/// Where a record came from: the input's name (`-` for stdin; see
/// [`crate::reader::stable_name`]) and the 1-based line of the record's first
/// line. The name is shared by all records of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: u64,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What an earlier newsdedup run found for a record read back from its
/// output: the record's `duplicates` and `sources`, kept so that a second
/// run loses no provenance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prior {
    /// The earlier `duplicates` objects, as written then.
    pub duplicates: Vec<Value>,
    /// The earlier `sources`.
    pub sources: Vec<String>,
}

/// One article as read from a listing or a JSON Lines dump.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The JSONL `id` (as a string, numbers as written) or `FILE:LINE` of the
    /// entry's first line.
    pub id: String,
    /// The outlet that carried the article.
    pub source: String,
    pub title: String,
    /// Absolute or relative date exactly as given (`3 days ago`, an ISO date, ...).
    pub date: Option<String>,
    pub url: Option<String>,
    pub categories: Vec<String>,
    /// The text, in memory, in the run's spool or left in its input
    /// ([`Body::text`] reads it).
    pub body: Body,
    /// Unknown JSONL fields, passed through to the output in input order.
    pub extra: Map<String, Value>,
    /// Duplicates and sources from an earlier run (a record of newsdedup's
    /// own output); boxed, as most records have none.
    pub prior: Option<Box<Prior>>,
    /// The record as written in its input, kept only when asked
    /// ([`crate::reader::ReadOptions::keep_shape`], for `--format filter`).
    pub shape: Option<Box<Shape>>,
    pub origin: Origin,
}

/// A record as written in its input, so that `--format filter` can write it
/// back untouched with one provenance field added.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A JSON object: its text as read (a JSON Lines line, or an element of
    /// a JSON array, which may span lines).
    Json {
        raw: Box<str>,
        /// Read from a JSON array rather than from JSON Lines.
        array: bool,
        /// Where provenance goes (see [`provenance_name`]).
        provenance: Box<str>,
        /// The object already holds the `provenance` field (an earlier run's).
        present: bool,
    },
    /// A CSV row: its cells as read, under the header of its input.
    Csv { header: Arc<CsvHeader>, cells: Box<[Box<str>]> },
}

/// The header row of one CSV input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvHeader {
    /// The column names as written.
    pub names: Vec<String>,
    /// The provenance column's name (see [`provenance_name`]).
    pub provenance: String,
    /// Its index when the header already has it (an earlier run's output).
    pub present: Option<usize>,
}

/// The name of the field (or CSV column) that carries provenance: the first
/// of `duplicates`, `_duplicates`, `__duplicates`, ... for which `usable`
/// says yes (absent, or holding an earlier run's provenance).
pub fn provenance_name(mut usable: impl FnMut(&str) -> bool) -> String {
    let mut name = String::from("duplicates");
    while !usable(&name) {
        name.insert(0, '_');
    }
    name
}

/// True when `v` is provenance as `--format filter` writes it: an array of
/// objects, each with an `id` (a string or a number) and a numeric
/// `similarity`. With `allow_empty`, `[]` counts too.
pub fn is_provenance(v: &Value, allow_empty: bool) -> bool {
    let Value::Array(items) = v else { return false };
    (allow_empty || !items.is_empty())
        && items.iter().all(|d| {
            matches!(d.get("id"), Some(Value::String(_) | Value::Number(_)))
                && matches!(d.get("similarity"), Some(Value::Number(_)))
        })
}

impl Article {
    /// An empty record at `origin`, with the default `FILE:LINE` id.
    pub fn at(origin: Origin) -> Article {
        Article {
            id: origin.to_string(),
            source: String::new(),
            title: String::new(),
            date: None,
            url: None,
            categories: Vec::new(),
            body: Body::default(),
            extra: Map::new(),
            prior: None,
            shape: None,
            origin,
        }
    }
}

/// An article's body: its text in memory, or where it lies in a [`Spool`]
/// (see [`crate::reader::ReadOptions::spool_above`]) or in its input file,
/// read back when needed.
#[derive(Clone)]
pub enum Body {
    Text(String),
    Spooled {
        spool: Arc<Spool>,
        at: u64,
        len: u64,
    },
    /// Left where the reader found it: `raw` bytes at byte `at` of an input
    /// file, with XXH3 `hash`, whose text is `len` bytes: a JSON string (of
    /// JSON Lines), or the text as it is (of listing text).
    InInput(Box<InInput>),
}

/// Where a body left in its input lies ([`Body::InInput`]).
#[derive(Debug, Clone)]
pub struct InInput {
    pub input: Arc<InputFile>,
    pub at: u64,
    pub raw: u64,
    pub len: u64,
    pub hash: u64,
    /// The bytes are a JSON string, decoded when read back; otherwise they
    /// are the text.
    pub json: bool,
}

/// An input file read as it lies on disk (not compressed, not a pipe), kept
/// open so that bodies can be read back from it ([`Body::InInput`]).
#[derive(Debug)]
pub struct InputFile {
    pub file: std::fs::File,
    /// The input's name, for errors.
    pub name: String,
}

impl InInput {
    /// The text at `at` (decoded, for a JSON string), checked against the
    /// hash its bytes had when they were read: an input changed since is an
    /// error naming it ([`ReadBackError`]), never a different body.
    pub(crate) fn read(&self) -> io::Result<String> {
        let error =
            |kind, message: String| io::Error::new(kind, ReadBackError { input: self.input.name.clone(), message });
        let changed = || {
            let at = self.at;
            error(
                io::ErrorKind::InvalidData,
                format!("changed while newsdedup ran (a body read back from byte {at} differs)"),
            )
        };
        let raw = usize::try_from(self.raw).map_err(|_| changed())?;
        let mut buf = vec![0; raw];
        crate::spool::read_at(&self.input.file, &mut buf, self.at).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => changed(),
            kind => error(kind, e.to_string()),
        })?;
        if xxhash_rust::xxh3::xxh3_64(&buf) != self.hash {
            return Err(changed());
        }
        if !self.json {
            return String::from_utf8(buf).map_err(|_| changed());
        }
        // The bytes are those serde_json checked as a JSON string when they
        // were read: decoding them needs no more checks than UTF-8.
        let mut text = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        walk_json_string(&buf, |bytes| text.extend_from_slice(bytes)).ok_or_else(changed)?;
        match String::from_utf8(text) {
            Ok(text) if text.len() as u64 == self.len => Ok(text),
            _ => Err(changed()),
        }
    }
}

/// Walk `raw`, a JSON string with its quotes, handing `emit` its text in
/// pieces (runs of bytes as written, and each escape decoded); returns the
/// text's length. `None` for an escape it does not know, or a `\u` escape
/// of half a surrogate pair (which serde_json refuses). Bytes other than
/// escapes are not checked: `raw` is one that serde_json has read.
pub(crate) fn walk_json_string(raw: &[u8], mut emit: impl FnMut(&[u8])) -> Option<usize> {
    let inner = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let hex = |i: usize| -> Option<u32> {
        let digits = inner.get(i..i + 4)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let (mut len, mut i) = (0, 0);
    while let Some(skip) = memchr::memchr(b'\\', &inner[i..]) {
        emit(&inner[i..i + skip]);
        len += skip;
        i += skip;
        let (c, step) = match *inner.get(i + 1)? {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => match hex(i + 2)? {
                high @ 0xD800..=0xDBFF => {
                    if inner.get(i + 6..i + 8)? != b"\\u" {
                        return None;
                    }
                    let low = hex(i + 8).filter(|low| (0xDC00..=0xDFFF).contains(low))?;
                    (char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?, 12)
                }
                0xDC00..=0xDFFF => return None,
                n => (char::from_u32(n)?, 6),
            },
            _ => return None,
        };
        let mut utf8 = [0; 4];
        let bytes = c.encode_utf8(&mut utf8).as_bytes();
        emit(bytes);
        len += bytes.len();
        i += step;
    }
    emit(&inner[i..]);
    Some(len + inner.len() - i)
}

/// An error reading a body back from its input ([`Body::InInput`]), which
/// it names (any other error reading a body back is the spool's).
#[derive(Debug)]
pub struct ReadBackError {
    pub input: String,
    pub message: String,
}

impl std::fmt::Display for ReadBackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.input, self.message)
    }
}

impl std::error::Error for ReadBackError {}

impl Body {
    /// The text: borrowed when in memory, read back from the spool or the
    /// input otherwise (an error there names the spool or the input).
    pub fn text(&self) -> io::Result<Cow<'_, str>> {
        match self {
            Body::Text(s) => Ok(Cow::Borrowed(s)),
            Body::Spooled { spool, at, len } => spool.read(*at, *len).map(Cow::Owned),
            Body::InInput(i) => i.read().map(Cow::Owned),
        }
    }

    /// The text when it is in memory.
    pub fn in_memory(&self) -> Option<&str> {
        match self {
            Body::Text(s) => Some(s),
            Body::Spooled { .. } | Body::InInput(_) => None,
        }
    }

    /// Length of the text in bytes, without reading it back.
    pub fn len(&self) -> u64 {
        match self {
            Body::Text(s) => s.len() as u64,
            Body::Spooled { len, .. } => *len,
            Body::InInput(i) => i.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Move the text into `spool` (an empty text stays in memory, where it
    /// takes no room).
    pub fn spool(&mut self, spool: &Arc<Spool>) -> io::Result<()> {
        if let Body::Text(s) = self {
            if !s.is_empty() {
                let at = spool.append(s)?;
                *self = Body::Spooled { spool: Arc::clone(spool), at, len: s.len() as u64 };
            }
        }
        Ok(())
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::Text(String::new())
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Body::Text(s)
    }
}

impl From<&str> for Body {
    fn from(s: &str) -> Self {
        Body::Text(s.to_owned())
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Text(s) => s.fmt(f),
            Body::Spooled { at, len, .. } => write!(f, "Spooled {{ at: {at}, len: {len} }}"),
            Body::InInput(i) => write!(f, "InInput {{ at: {}, len: {} }}", i.at, i.len),
        }
    }
}

/// Bodies are equal when their texts are; a text that cannot be read back
/// equals nothing.
impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        if let (Body::Text(a), Body::Text(b)) = (self, other) {
            return a == b;
        }
        self.len() == other.len() && matches!((self.text(), other.text()), (Ok(a), Ok(b)) if a == b)
    }
}

impl PartialEq<str> for Body {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() as u64 && matches!(self.text(), Ok(t) if t == other)
    }
}

impl PartialEq<&str> for Body {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<String> for Body {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

/// The text as a JSON string; an error reading it back fails the serializer.
impl serde::Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.text() {
            Ok(t) => serializer.serialize_str(&t),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}
