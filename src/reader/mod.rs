//! Readers: turn listing text, JSON Lines, a JSON array or CSV into
//! [`Article`] records, from plain, gzip or zstd input.
//!
//! Every reader is generic over [`BufRead`], never fails on bad content, and
//! reports each problem as a [`Problem`] naming the file and line. A record
//! with a problem is kept with whatever text it has, so nothing is lost.
//! Lines end at `\n`, `\r\n` or a lone `\r` (old Mac files). JSON Lines are
//! read one line at a time; listing text keeps its non-blank lines (a run of
//! blank lines is one row) for the parser's look-ahead; a JSON array and CSV
//! are read whole. Compressed input is found by its magic bytes and
//! decompressed as it is read; a corrupt stream is an I/O error.

pub mod csv;
pub mod jsonl;
pub mod listing;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufRead, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::error::{Problem, ProblemKind};
use crate::record::{Article, Body, InInput, InputFile};
use crate::spool::Spool;

/// Which parser reads an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// By name: `.jsonl`/`.ndjson` JSON Lines, `.json` JSON, `.csv` CSV,
    /// `.txt` listing text (after a `.gz`/`.zst` suffix is dropped); any other
    /// name (and stdin) by its first 64 KiB: a JSON array when it opens with
    /// `[` and an object, JSON Lines when most non-blank lines start with `{`,
    /// listing text otherwise.
    #[default]
    Auto,
    /// Scraped listing text (outlet, relative time, `- ` tags, title, body).
    Listing,
    /// One JSON object per line.
    Jsonl,
    /// A JSON array of objects (default ids `FILE#N`, N counting from 1); an
    /// input that does not open with `[` is read as JSON Lines.
    Json,
    /// CSV with a header row naming the fields (default ids `FILE:LINE`).
    Csv,
}

/// The field names that JSON objects and CSV headers carry each known field
/// under. The defaults are newsdedup's own names; with the default `body`,
/// a `text` field is read as the body too (when there is no `body`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub id: String,
    pub source: String,
    pub title: String,
    pub body: String,
    pub url: String,
    pub date: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            id: "id".into(),
            source: "source".into(),
            title: "title".into(),
            body: "body".into(),
            url: "url".into(),
            date: "date".into(),
        }
    }
}

impl Fields {
    /// The known fields: (role, name).
    pub fn named(&self) -> [(&'static str, &str); 6] {
        [
            ("id", &self.id),
            ("source", &self.source),
            ("title", &self.title),
            ("body", &self.body),
            ("url", &self.url),
            ("date", &self.date),
        ]
    }

    /// Every name given and no name given to two fields.
    pub fn validate(&self) -> Result<(), String> {
        let named = self.named();
        for (i, (role, name)) in named.iter().enumerate() {
            if name.is_empty() {
                return Err(format!("the {role} field needs a name"));
            }
            if let Some((other, _)) = named[..i].iter().find(|(_, n)| n == name) {
                return Err(format!("field `{name}` is named for both {other} and {role}"));
            }
        }
        Ok(())
    }

    /// The known field that `key` names, if any: `id`, `source`, `title`,
    /// `body`, `url`, `date`, or `categories` (for `category` and
    /// `categories`). `text` is the body when the body field is `body`.
    pub fn role(&self, key: &str) -> Option<&'static str> {
        if let Some((role, _)) = self.named().into_iter().find(|(_, name)| *name == key) {
            return Some(role);
        }
        match key {
            "text" if self.body == "body" => Some("body"),
            "category" | "categories" => Some("categories"),
            _ => None,
        }
    }
}

/// How inputs are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub format: InputFormat,
    pub fields: Fields,
    /// Keep each JSON object's text and each CSV row's cells
    /// ([`Article::shape`]) for `--format filter`; off, records hold only
    /// their fields.
    pub keep_shape: bool,
    /// With `keep_shape`, keep only what decides the kind of `--format
    /// filter` output, not the record's text: an element of a JSON array
    /// keeps a shape with an empty `raw`, a CSV row one with no cells, a JSON
    /// line none. For `newsdedup count`, which tallies the shapes
    /// ([`crate::writer::filter::Shapes`]) without holding its shard's text;
    /// such shapes cannot be written.
    pub shape_kind_only: bool,
    /// Keep bodies out of memory: once the bodies read hold more than this
    /// many bytes, each later body goes to a [`Spool`] (an anonymous
    /// temporary file) and is read back when needed. `None` (the default)
    /// keeps every body in memory; `Some(0)` spools every body. When no
    /// temporary file can be made, bodies stay in memory. A file read by
    /// [`read_file_with`] leaves such a body in the file instead
    /// ([`crate::record::Body::InInput`]) where it lies there: a JSON Lines
    /// body that is a string, a listing body that is a stretch of the file
    /// as it is (no CRLF, lone CR or trailing spaces inside it).
    pub spool_above: Option<u64>,
}

impl ReadOptions {
    pub fn new(format: InputFormat) -> Self {
        ReadOptions { format, ..Default::default() }
    }
}

/// Records and problems read from one or more inputs.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub articles: Vec<Article>,
    pub problems: Vec<Problem>,
    /// Names of the inputs ([`stable_name`]), in the order read.
    pub inputs: Vec<String>,
    /// Where bodies go (see [`ReadOptions::spool_above`]).
    spooling: Spooling,
    /// The input being read, when it is a file read as it lies on disk
    /// ([`read_file_with`]): a body that would be spooled and is found in
    /// it (a JSON string, or listing text as it is) is left there
    /// ([`Body::InInput`]).
    in_file: Option<Arc<InputFile>>,
    /// Inputs kept open because bodies were left in them (at most
    /// [`INPUTS_HELD`]).
    inputs_held: usize,
}

/// Input files kept open at most for bodies left in them: each holds a file
/// descriptor to the end of the run, and a run over thousands of files
/// must not run out of them (the usual limit is 1,024). Later files spool
/// their bodies.
pub const INPUTS_HELD: usize = 128;

/// Where a record's body lies in the input being read, the body itself not
/// decoded (the record's is empty): `raw` bytes at byte `at`, with XXH3
/// `hash`, whose text is `len` bytes. With `json`, the bytes are a JSON
/// string (quotes and escapes); without, they are the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyAt {
    pub at: u64,
    pub raw: u64,
    pub len: u64,
    pub hash: u64,
    pub json: bool,
}

/// The state of [`ReadOptions::spool_above`] over the inputs read.
#[derive(Debug, Default)]
enum Spooling {
    /// Every body in memory.
    #[default]
    Off,
    /// Bodies in memory until they hold more than `above` bytes.
    Below {
        above: u64,
        held: u64,
    },
    On(Arc<Spool>),
    /// No spool could be made: bodies stay in memory.
    Failed,
}

impl ReadOutcome {
    /// Add a record read, its body spooled as [`ReadOptions::spool_above`]
    /// says; an error writing the spool is an I/O error of the input.
    pub fn push(&mut self, article: Article) -> io::Result<()> {
        self.push_found(article, None)
    }

    /// True when bodies found in the input being read can be left there
    /// ([`push_found`](ReadOutcome::push_found)): it is a file read as it
    /// lies, and bodies are not all kept in memory.
    pub(crate) fn reads_back(&self) -> bool {
        self.in_file.is_some() && !matches!(self.spooling, Spooling::Off)
    }

    /// [`push`](ReadOutcome::push) a record whose body, with `found`, lies
    /// in the input being read (not read or decoded yet). A body to spool
    /// is left there instead, and read back from it ([`Body::InInput`]):
    /// writing it again would only copy what the input already holds (so
    /// too when no spool could be made). A body to keep in memory is read
    /// back now.
    pub(crate) fn push_found(&mut self, mut article: Article, found: Option<BodyAt>) -> io::Result<()> {
        let found = found.map(|f| {
            let input = Arc::clone(self.in_file.as_ref().expect("bodies are found only in a file read as it lies"));
            InInput { input, at: f.at, raw: f.raw, len: f.len, hash: f.hash, json: f.json }
        });
        if let Spooling::Below { above, held } = &mut self.spooling {
            *held += found.as_ref().map_or(article.body.len(), |f| f.len);
            if *held > *above {
                self.spooling = match Spool::new() {
                    Ok(s) => Spooling::On(Arc::new(s)),
                    Err(_) => Spooling::Failed,
                };
            }
        }
        match (found, &self.spooling) {
            (Some(f), _) if f.len == 0 => article.body = Body::Text(String::new()),
            (Some(f), Spooling::On(_) | Spooling::Failed) => article.body = Body::InInput(Box::new(f)),
            (Some(f), _) => article.body = Body::Text(f.read()?),
            (None, Spooling::On(spool)) => article.body.spool(spool)?,
            (None, _) => {}
        }
        self.articles.push(article);
        Ok(())
    }

    /// Spool the bodies read from now on as `spool_above` says (see
    /// [`ReadOptions::spool_above`]); a spool already made is kept.
    fn spool_above(&mut self, spool_above: Option<u64>) {
        match (&self.spooling, spool_above) {
            (Spooling::Off, Some(above)) => self.spooling = Spooling::Below { above, held: 0 },
            (Spooling::Below { .. }, None) => self.spooling = Spooling::Off,
            _ => {}
        }
    }

    /// True when some bodies were spooled.
    pub fn spooled(&self) -> bool {
        matches!(self.spooling, Spooling::On(_))
    }
}

/// A line of input: its 1-based number and its text without the line ending.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: u64,
    pub text: String,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Splits a [`BufRead`] into lines ending at `\n`, `\r\n` or a lone `\r`,
/// strips a UTF-8 BOM at the start of a line (inputs joined by `cat` carry one
/// inside) and replaces invalid UTF-8 (reported as a problem on that line).
/// Holds one line (for a CR-only file: one run of CR-separated lines) at a time.
pub struct LineReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// Start of the next line in `buf`; past `end` when `buf` is used up.
    pos: usize,
    /// End of `buf`'s text, without its final line ending.
    end: usize,
    number: u64,
    /// Bytes read before `buf`'s, and with them.
    before_buf: u64,
    read: u64,
    /// The last line read ended in a bare `\n` (not `\r\n`, a lone `\r` or
    /// the end of the input).
    newline: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R) -> Self {
        LineReader { reader, buf: Vec::new(), pos: 1, end: 0, number: 0, before_buf: 0, read: 0, newline: false }
    }

    /// Number of lines read so far.
    pub fn count(&self) -> u64 {
        self.number
    }

    /// Read to the end; returns the number of lines.
    pub fn count_all(mut self) -> io::Result<u64> {
        while self.next_bytes()?.is_some() {}
        Ok(self.number)
    }

    /// The next line: its number, the offset of its first byte in the
    /// input, and its bytes, without the ending or a BOM.
    fn next_bytes(&mut self) -> io::Result<Option<(u64, u64, &[u8])>> {
        if self.pos > self.end {
            self.buf.clear();
            let n = self.reader.read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                return Ok(None);
            }
            self.before_buf = self.read;
            self.read += n as u64;
            let mut end = self.buf.len();
            if self.buf[end - 1] == b'\n' {
                end -= 1;
            }
            if end > 0 && self.buf[end - 1] == b'\r' {
                end -= 1;
            }
            self.pos = 0;
            self.end = end;
        }
        let start = self.pos;
        let stop = memchr::memchr(b'\r', &self.buf[start..self.end]).map_or(self.end, |i| start + i);
        self.pos = stop + 1;
        self.newline = stop == self.end && self.buf.len() == stop + 1 && self.buf[stop] == b'\n';
        self.number += 1;
        let bytes = &self.buf[start..stop];
        let (skip, bytes) = match bytes.strip_prefix(BOM) {
            Some(rest) => (BOM.len(), rest),
            None => (0, bytes),
        };
        Ok(Some((self.number, self.before_buf + (start + skip) as u64, bytes)))
    }

    /// The next line as text; invalid UTF-8 is replaced and reported in
    /// `problems` under `name`.
    pub fn next_str(&mut self, name: &str, problems: &mut Vec<Problem>) -> io::Result<Option<(u64, Cow<'_, str>)>> {
        Ok(self.next_str_at(name, problems)?.map(|(number, _, text)| (number, text)))
    }

    /// [`next_str`](LineReader::next_str), with the offset of the line's
    /// first byte in the input when its text is those bytes (valid UTF-8).
    pub fn next_str_at(&mut self, name: &str, problems: &mut Vec<Problem>) -> io::Result<Option<LineAt<'_>>> {
        let Some((number, at, bytes)) = self.next_bytes()? else {
            return Ok(None);
        };
        let text = utf8(bytes, name, number, problems);
        let at = matches!(text, Cow::Borrowed(_)).then_some(at);
        Ok(Some((number, at, text)))
    }
}

impl<R> LineReader<R> {
    /// True when the last line read ended in a bare `\n`: the next line
    /// starts right after its text and that byte.
    pub fn ended_in_newline(&self) -> bool {
        self.newline
    }
}

/// Whole lines of input read at once ([`LineReader::next_block`]), cut
/// into pieces of whole lines that can be read apart, in parallel.
#[derive(Debug)]
pub(crate) struct Block {
    pub bytes: Vec<u8>,
    pub pieces: Vec<Piece>,
}

impl Block {
    /// Hand `line` each line of `piece` as [`LineReader::next_str_at`]
    /// reads it from the input: its number, its offset in the input (when
    /// its text is its bytes), its text, and the problems found reading it
    /// (at its number).
    pub(crate) fn for_each_line(
        &self,
        piece: &Piece,
        name: &str,
        mut line: impl FnMut(u64, Option<u64>, &str, Vec<Problem>),
    ) -> io::Result<()> {
        let mut lines = LineReader::new(&self.bytes[piece.range.clone()]);
        loop {
            let mut problems = Vec::new();
            let Some((number, at, text)) = lines.next_str_at(name, &mut problems)? else {
                return Ok(());
            };
            let number = piece.number + number;
            for p in &mut problems {
                p.line = number;
            }
            line(number, at.map(|at| piece.at + at), &text, problems);
        }
    }
}

/// A stretch of a [`Block`]'s whole lines: `range` of its bytes, which
/// start at byte `at` of the input; its lines are numbered from `number`
/// + 1 on, and there are `lines` of them (as [`count_lines`] counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub range: std::ops::Range<usize>,
    pub at: u64,
    pub number: u64,
    pub lines: u64,
}

impl<R: BufRead> LineReader<R> {
    /// At least `want` bytes of whole lines (fewer at the end of the
    /// input), cut into pieces of about `piece` bytes; `None` at the end.
    /// The lines are those [`next_str_at`](LineReader::next_str_at) would
    /// read, a piece's lines read by a `LineReader` of its own (numbered
    /// and placed from the piece's `number` and `at` on). For a reader
    /// whose lines are all read in blocks: a line read alone before is not
    /// read again.
    pub(crate) fn next_block(&mut self, want: usize, piece: usize) -> io::Result<Option<Block>> {
        use rayon::prelude::*;
        debug_assert!(self.pos > self.end, "no line read alone is left in the buffer");
        let want = want.max(1);
        // Read into the block itself: a `BufReader` hands a read this large
        // to the file without copying it through its buffer.
        let mut bytes = Vec::with_capacity(want.min(1 << 26));
        (&mut self.reader).take(want as u64).read_to_end(&mut bytes)?;
        if bytes.last().is_some_and(|&b| b != b'\n') {
            self.reader.read_until(b'\n', &mut bytes)?;
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        let mut ranges = Vec::new();
        let mut start = 0;
        while start < bytes.len() {
            let cut = (start + piece.max(1)).min(bytes.len());
            let end = memchr::memchr(b'\n', &bytes[cut - 1..]).map_or(bytes.len(), |i| cut + i);
            ranges.push(start..end);
            start = end;
        }
        let counts: Vec<u64> = ranges.par_iter().map(|r| count_lines(&bytes[r.clone()])).collect();
        let mut pieces = Vec::with_capacity(ranges.len());
        for (range, lines) in ranges.into_iter().zip(counts) {
            pieces.push(Piece { at: self.read + range.start as u64, number: self.number, lines, range });
            self.number += lines;
        }
        self.read += bytes.len() as u64;
        Ok(Some(Block { bytes, pieces }))
    }
}

/// The number of lines [`LineReader`] reads from `bytes`, an input or a
/// stretch of one that ends after a `\n`: one for each `\n`-ended
/// segment and for the rest after the last one, and one more for each lone
/// CR in them (a CR before the `\n`, or at the very end, ends nothing more).
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    let tail = u64::from(bytes.last().is_some_and(|&b| b != b'\n'));
    if memchr::memchr(b'\r', bytes).is_none() {
        return memchr::memchr_iter(b'\n', bytes).count() as u64 + tail;
    }
    let mut n = 0;
    for segment in bytes.split_inclusive(|&b| b == b'\n') {
        let text = segment.strip_suffix(b"\n").unwrap_or(segment);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        n += 1 + memchr::memchr_iter(b'\r', text).count() as u64;
    }
    n
}

/// A line of [`LineReader::next_str_at`]: its number, where it starts in
/// the input (when its text is its bytes), and its text.
pub type LineAt<'a> = (u64, Option<u64>, Cow<'a, str>);

/// `bytes` as text; invalid UTF-8 is replaced and reported at `name:line`.
fn utf8<'a>(bytes: &'a [u8], name: &str, line: u64, problems: &mut Vec<Problem>) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            problems.push(Problem { file: name.to_owned(), line, kind: ProblemKind::InvalidUtf8 });
            String::from_utf8_lossy(bytes)
        }
    }
}

/// Read every line of `reader` (see [`LineReader`]).
pub fn read_lines<R: BufRead>(reader: R, name: &str, problems: &mut Vec<Problem>) -> io::Result<Vec<Line>> {
    let mut lines = Vec::new();
    let mut reader = LineReader::new(reader);
    while let Some((number, text)) = reader.next_str(name, problems)? {
        lines.push(Line { number, text: text.into_owned() });
    }
    Ok(lines)
}

/// How much of an input [`sniff`] looks at.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The format an input's first bytes look like: a JSON array when its first
/// non-blank character is `[` followed by `{` or `]` (or nothing yet), JSON
/// Lines when more than half of its non-blank lines start with `{` (so a
/// damaged first line does not decide), listing text otherwise.
pub fn sniff(prefix: &[u8]) -> InputFormat {
    let text = String::from_utf8_lossy(prefix);
    let blank = |c: char| c.is_whitespace() || c == '\u{FEFF}';
    let rest = text.trim_start_matches(blank);
    if let Some(after) = rest.strip_prefix('[') {
        if after.trim_start_matches(blank).chars().next().is_none_or(|c| c == '{' || c == ']') {
            return InputFormat::Json;
        }
    }
    let (mut objects, mut lines) = (0usize, 0usize);
    for line in text.split(['\n', '\r']).map(|l| l.trim_matches(blank)).filter(|l| !l.is_empty()) {
        lines += 1;
        objects += usize::from(line.starts_with('{'));
    }
    if objects * 2 > lines {
        InputFormat::Jsonl
    } else {
        InputFormat::Listing
    }
}

/// True when the first non-blank character of `prefix` (after a BOM) is `[`.
fn opens_array(prefix: &[u8]) -> bool {
    let text = prefix.strip_prefix(BOM).unwrap_or(prefix);
    text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// The format an input's name says: `.jsonl`/`.ndjson`, `.json`, `.csv`,
/// `.txt`, after a compression suffix (`.gz`, `.zst`, `.zstd`) is dropped.
pub fn by_name(name: &str) -> Option<InputFormat> {
    let name = Path::new(strip_compression(name));
    let ext = name.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
        "json" => Some(InputFormat::Json),
        "csv" => Some(InputFormat::Csv),
        "txt" => Some(InputFormat::Listing),
        _ => None,
    }
}

/// `name` without a compression suffix (`.gz`, `.zst`, `.zstd`, any case).
pub fn strip_compression(name: &str) -> &str {
    for suffix in [".gz", ".zst", ".zstd"] {
        if name.len() > suffix.len() && name.is_char_boundary(name.len() - suffix.len()) {
            let (stem, tail) = name.split_at(name.len() - suffix.len());
            if tail.eq_ignore_ascii_case(suffix) {
                return stem;
            }
        }
    }
    name
}

/// A compression format, found by an input's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
}

/// The compression `head` (an input's first 4 bytes or fewer) opens with:
/// gzip `1f 8b`, zstd `28 b5 2f fd`.
pub fn compression(head: &[u8]) -> Option<Compression> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some(Compression::Gzip)
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some(Compression::Zstd)
    } else {
        None
    }
}

/// A decoder whose errors say which decoder failed (`gzip: corrupt deflate
/// stream`), so that the message naming the input is clear.
struct Decoding<R> {
    inner: R,
    what: &'static str,
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                e
            } else {
                io::Error::new(e.kind(), format!("{}: {e}", self.what))
            }
        })
    }
}

/// `path` with `.` dropped and `name/..` collapsed, without touching the
/// file system (`..` at the start of a relative path stays).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// The name an input's ids and problems carry, the same however the path was
/// typed: `-` for stdin; relative to the current directory when the file lies
/// under it (after `.` and `name/..` are resolved, or else after symlinks
/// are); otherwise its absolute canonical path.
pub fn stable_name(name: &str) -> String {
    if name == "-" {
        return name.to_owned();
    }
    let path = Path::new(name);
    let Ok(cwd) = std::env::current_dir() else {
        return lexical(path).to_string_lossy().into_owned();
    };
    let under = |p: &Path, dir: &Path| {
        p.strip_prefix(dir).ok().filter(|r| !r.as_os_str().is_empty()).map(|r| r.to_string_lossy().into_owned())
    };
    let absolute = lexical(&cwd.join(path));
    if let Some(rel) = under(&absolute, &cwd) {
        return rel;
    }
    if let Ok(real) = std::fs::canonicalize(path) {
        if let Some(rel) = std::fs::canonicalize(&cwd).ok().and_then(|c| under(&real, &c)) {
            return rel;
        }
        return real.to_string_lossy().into_owned();
    }
    absolute.to_string_lossy().into_owned()
}

/// Read one input named `name` (`-` for stdin) in `format`, appending its
/// records and problems to `out`. Records and problems carry the input's
/// [`stable_name`].
pub fn read_input<R: BufRead>(reader: R, name: &str, format: InputFormat, out: &mut ReadOutcome) -> io::Result<()> {
    read_input_with(reader, name, &ReadOptions::new(format), out)
}

/// Read one input named `name` (`-` for stdin) as `opts` say, appending its
/// records and problems to `out`. Gzip and zstd input is found by its magic
/// bytes (whatever its name) and decompressed; a corrupt or truncated stream
/// is an I/O error. Records and problems carry the input's [`stable_name`].
pub fn read_input_with<R: BufRead>(
    mut reader: R,
    name: &str,
    opts: &ReadOptions,
    out: &mut ReadOutcome,
) -> io::Result<()> {
    let mut head = Vec::with_capacity(4);
    (&mut reader).take(4).read_to_end(&mut head)?;
    let what = compression(&head);
    if what.is_some() {
        // Offsets in the decompressed text are not the file's.
        out.in_file = None;
    }
    let reader = io::Cursor::new(head).chain(reader);
    match what {
        Some(Compression::Gzip) => {
            let decoder = Decoding { inner: flate2::bufread::MultiGzDecoder::new(reader), what: "gzip" };
            read_decoded(io::BufReader::with_capacity(1 << 16, decoder), name, opts, out)
        }
        Some(Compression::Zstd) => {
            let decoder = zstd::stream::read::Decoder::with_buffer(reader)?;
            let decoder = Decoding { inner: decoder, what: "zstd" };
            read_decoded(io::BufReader::with_capacity(1 << 16, decoder), name, opts, out)
        }
        None => read_decoded(reader, name, opts, out),
    }
}

/// [`read_input_with`] of an opened `file`, named `name`. When it is a
/// regular file (not a pipe or a device), bodies that would be spooled are
/// read back from it instead ([`Body::InInput`]), unless it is compressed
/// or [`INPUTS_HELD`] inputs are already held open for their bodies.
pub fn read_file_with(file: std::fs::File, name: &str, opts: &ReadOptions, out: &mut ReadOutcome) -> io::Result<()> {
    let back = match file.metadata() {
        Ok(m) if m.is_file() => file.try_clone().ok(),
        _ => None,
    };
    let back = back.filter(|_| out.inputs_held < INPUTS_HELD);
    out.in_file = back.map(|file| Arc::new(InputFile { file, name: name.to_owned() }));
    let read = read_input_with(io::BufReader::with_capacity(1 << 16, file), name, opts, out);
    // Held when a record holds it (its descriptor is closed otherwise).
    if out.in_file.take().is_some_and(|f| Arc::strong_count(&f) > 1) {
        out.inputs_held += 1;
    }
    read
}

/// [`read_input_with`] once the input is decompressed.
fn read_decoded<R: BufRead>(mut reader: R, name: &str, opts: &ReadOptions, out: &mut ReadOutcome) -> io::Result<()> {
    let format = opts.format;
    let name = stable_name(name);
    out.inputs.push(name.clone());
    out.spool_above(opts.spool_above);
    let mut prefix = Vec::new();
    (&mut reader).take(SNIFF_BYTES as u64).read_to_end(&mut prefix)?;
    let sniffed = sniff(&prefix);
    let resolved = match format {
        InputFormat::Auto => by_name(&name).unwrap_or(sniffed),
        f => f,
    };
    // A JSON input that does not open with `[` holds JSON Lines.
    let resolved = match resolved {
        InputFormat::Json if !opens_array(&prefix) => InputFormat::Jsonl,
        f => f,
    };
    // The name decided, but the content looks like JSON of another kind: say so.
    let hint = match (resolved, sniffed) {
        (InputFormat::Listing, InputFormat::Jsonl) => Some(("JSON Lines", "listing text", "jsonl")),
        (InputFormat::Listing, InputFormat::Json) => Some(("a JSON array", "listing text", "json")),
        (InputFormat::Jsonl, InputFormat::Json) => Some(("a JSON array", "JSON Lines", "json")),
        (InputFormat::Csv, InputFormat::Jsonl) => Some(("JSON Lines", "CSV", "jsonl")),
        (InputFormat::Csv, InputFormat::Json) => Some(("a JSON array", "CSV", "json")),
        _ => None,
    };
    if let (InputFormat::Auto, Some((looks_like, read_as, option))) = (format, hint) {
        let kind = ProblemKind::FormatByName { looks_like, read_as, option };
        out.problems.push(Problem { file: name.clone(), line: 1, kind });
    }
    let reader = io::Cursor::new(prefix).chain(reader);
    let file: Arc<str> = Arc::from(name.as_str());
    let before = out.articles.len();
    let lines = match resolved {
        InputFormat::Jsonl => jsonl::read(LineReader::new(reader), &file, opts, out)?,
        InputFormat::Json => jsonl::read_array(reader, &file, opts, out)?,
        InputFormat::Csv => csv::read(reader, &file, opts, out)?,
        _ => listing::read(LineReader::new(reader), &file, out)?,
    };
    if out.articles.len() == before {
        out.problems.push(Problem { file: name, line: lines.max(1), kind: ProblemKind::EmptyInput });
    }
    Ok(())
}

/// Make record ids unique across all inputs. A clash is reported naming both
/// places, and the later record's id becomes `ID@FILE:LINE` so that it can
/// still be addressed.
pub fn check_unique_ids(out: &mut ReadOutcome) {
    // The usual input, each id once and no earlier run's duplicates to
    // list, is left as it is after one look at each id, borrowed: naming
    // each record's place and copying each id into a map took a
    // million-record run 0.64-0.67 s on one thread, this 0.08 s.
    if out.articles.iter().all(|a| a.prior.is_none()) && ids_are_unique(&out.articles) {
        sort_problems(out);
        return;
    }
    let mut seen: HashMap<String, String> = HashMap::with_capacity(out.articles.len());
    for a in &mut out.articles {
        let here = a.origin.to_string();
        if let Some(first) = seen.get(&a.id) {
            out.problems.push(Problem {
                file: a.origin.file.to_string(),
                line: a.origin.line,
                kind: ProblemKind::DuplicateId { id: a.id.clone(), first: first.clone() },
            });
            let mut renamed = format!("{}@{}", a.id, here);
            let mut n = 2;
            while seen.contains_key(&renamed) {
                renamed = format!("{}@{}#{n}", a.id, here);
                n += 1;
            }
            a.id = renamed;
        }
        seen.insert(a.id.clone(), here);
    }
    // Duplicates an earlier run found (newsdedup's own output read back) are
    // articles too: one whose id is a record's, or is listed before by
    // another record, is that article read again and is listed once.
    let mut listed: std::collections::HashSet<String> = std::collections::HashSet::new();
    for a in &mut out.articles {
        if let Some(prior) = a.prior.as_mut() {
            prior.duplicates.retain(|d| match d.get("id") {
                Some(serde_json::Value::String(id)) => !seen.contains_key(id) && listed.insert(id.clone()),
                Some(serde_json::Value::Number(n)) => {
                    let id = n.to_string();
                    !seen.contains_key(&id) && listed.insert(id)
                }
                _ => true,
            });
        }
    }
    sort_problems(out);
}

/// True when no two of `articles` have the same id. foldhash, seeded at
/// random per process as std's SipHash is: 0.17-0.18 s -> 0.08 s at a
/// million ids.
fn ids_are_unique(articles: &[Article]) -> bool {
    let mut seen: std::collections::HashSet<&str, foldhash::fast::RandomState> =
        std::collections::HashSet::with_capacity_and_hasher(articles.len(), Default::default());
    articles.iter().all(|a| seen.insert(&a.id))
}

/// Keep problems in input order: inputs in the order read, then line.
/// The same name read twice (`- -`) ranks at its first reading.
pub fn sort_problems(out: &mut ReadOutcome) {
    let mut rank: HashMap<&str, usize> = HashMap::new();
    for (i, name) in out.inputs.iter().enumerate() {
        rank.entry(name.as_str()).or_insert(i);
    }
    out.problems.sort_by_key(|p| (rank.get(p.file.as_str()).copied().unwrap_or(usize::MAX), p.line));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_lines_strips_bom_crlf_and_reports_bad_utf8() {
        let input = b"\xEF\xBB\xBFfirst\r\nsecond \xFF\nthird\n\xEF\xBB\xBFcat-joined".to_vec();
        let mut problems = Vec::new();
        let lines = read_lines(&input[..], "x.txt", &mut problems).unwrap();
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["first", "second \u{FFFD}", "third", "cat-joined"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].to_string(), "x.txt:2: invalid UTF-8 (kept with U+FFFD replacement characters)");
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let mut problems = Vec::new();
        let lines = read_lines(&b"a\rb\r\rc\r\nd\ne\r"[..], "x.txt", &mut problems).unwrap();
        let got: Vec<(u64, &str)> = lines.iter().map(|l| (l.number, l.text.as_str())).collect();
        assert_eq!(got, [(1, "a"), (2, "b"), (3, ""), (4, "c"), (5, "d"), (6, "e")]);
        assert!(problems.is_empty());
    }

    /// A line as read: its number, offset, text and problems.
    type LineRead = (u64, Option<u64>, String, Vec<Problem>);

    #[test]
    fn blocks_read_the_lines_that_lines_read_one_by_one_do() {
        use rayon::prelude::*;
        let mut next = crate::test_rng::below(7);
        let parts: [&[u8]; 7] = [b"a", b"bc", b"\n", b"\r", b"\r\n", b"\xEF\xBB\xBF", b"\xFF"];
        for round in 0..400 {
            let len = next(40) as usize;
            let input: Vec<u8> = (0..len).flat_map(|_| parts[next(parts.len() as u64) as usize].to_vec()).collect();
            let mut one = Vec::new();
            let mut reader = LineReader::new(&input[..]);
            loop {
                let mut problems = Vec::new();
                let Some((number, at, text)) = reader.next_str_at("x", &mut problems).unwrap() else { break };
                one.push((number, at, text.into_owned(), problems));
            }
            assert_eq!(count_lines(&input), one.len() as u64, "{input:?}");
            for (want, piece) in [(1, 1), (3, 2), (8, 3), (64, 5), (1000, 1000)] {
                let mut reader = LineReader::new(&input[..]);
                let mut blocks = Vec::new();
                while let Some(block) = reader.next_block(want, piece).unwrap() {
                    blocks.push(block);
                }
                // Only the last block may be short.
                assert!(blocks.iter().rev().skip(1).all(|b| b.bytes.len() >= want));
                assert_eq!(reader.count(), one.len() as u64);
                let mut got = Vec::new();
                for block in &blocks {
                    let lines: Vec<Vec<LineRead>> = block
                        .pieces
                        .par_iter()
                        .map(|p| {
                            let mut v = Vec::new();
                            block
                                .for_each_line(p, "x", |n, at, text, problems| {
                                    v.push((n, at, text.to_owned(), problems))
                                })
                                .unwrap();
                            assert_eq!(v.len() as u64, p.lines);
                            v
                        })
                        .collect();
                    got.extend(lines.into_iter().flatten());
                }
                assert_eq!(got, one, "round {round} want {want} piece {piece}: {input:?}");
            }
        }
    }

    #[test]
    fn lines_know_where_they_start_and_how_they_end() {
        let input = b"a\rb\r\rc\r\nd\n\xEF\xBB\xBFe\n\xFF\nf\r";
        let mut reader = LineReader::new(&input[..]);
        let mut problems = Vec::new();
        let mut got = Vec::new();
        while let Some((number, at, text)) = reader.next_str_at("x.txt", &mut problems).unwrap() {
            got.push((number, at, text.into_owned(), reader.ended_in_newline()));
        }
        let want = [
            (1, Some(0), "a", false),
            (2, Some(2), "b", false),
            (3, Some(4), "", false),
            (4, Some(5), "c", false),
            (5, Some(8), "d", true),
            // After the BOM.
            (6, Some(13), "e", true),
            // Not its bytes: no offset.
            (7, None, "\u{FFFD}", true),
            (8, Some(17), "f", false),
        ];
        let want: Vec<_> = want.iter().map(|&(n, at, t, nl)| (n, at, t.to_owned(), nl)).collect();
        assert_eq!(got, want);
        let mut reader = LineReader::new(&b"last"[..]);
        reader.next_str_at("x.txt", &mut problems).unwrap();
        assert!(!reader.ended_in_newline());
    }

    #[test]
    fn sniff_looks_beyond_the_first_character() {
        assert_eq!(sniff(b"\n  {\"id\":1}\n"), InputFormat::Jsonl);
        assert_eq!(sniff(b"The Sun\n3 days ago\n"), InputFormat::Listing);
        // A damaged first line does not decide.
        assert_eq!(sniff(b"\"id\":1,\"body\":\"x\"}\n{\"body\":\"y\"}\n{\"body\":\"z\"}\n"), InputFormat::Jsonl);
        // One JSON line before a listing does not make it JSON Lines.
        assert_eq!(sniff(b"{\"@type\":\"ItemList\"}\nThe Sun\n3 days ago\n- A\nTitle\nBody.\n"), InputFormat::Listing);
        assert_eq!(sniff(b"\xEF\xBB\xBF[\n  {\"body\": \"x\"}"), InputFormat::Json);
        assert_eq!(sniff(b"[]"), InputFormat::Json);
        assert_eq!(sniff(b"[Sponsored] The Sun\n"), InputFormat::Listing);
        assert_eq!(sniff(b"\r{\"a\":1}\r{\"a\":2}\r"), InputFormat::Jsonl);
    }

    #[test]
    fn names_decide_before_content() {
        assert_eq!(by_name("a/b.JSONL"), Some(InputFormat::Jsonl));
        assert_eq!(by_name("b.ndjson"), Some(InputFormat::Jsonl));
        assert_eq!(by_name("b.json"), Some(InputFormat::Json));
        assert_eq!(by_name("b.txt"), Some(InputFormat::Listing));
        assert_eq!(by_name("-"), None);
        assert_eq!(by_name("dump"), None);
    }

    #[test]
    fn lexical_paths() {
        let l = |p: &str| lexical(Path::new(p)).to_string_lossy().into_owned();
        assert_eq!(l("./fixtures/x.txt"), "fixtures/x.txt");
        assert_eq!(l("fixtures/./a/../x.txt"), "fixtures/x.txt");
        assert_eq!(l("../x.txt"), "../x.txt");
        assert_eq!(l("/../x.txt"), "/x.txt");
        assert_eq!(l("a/../../x.txt"), "../x.txt");
    }

    #[test]
    fn stable_names_do_not_depend_on_how_the_path_was_typed() {
        let cwd = std::env::current_dir().unwrap();
        let absolute = cwd.join("fixtures/listing-janlipavsky.txt").to_string_lossy().into_owned();
        for typed in [
            "fixtures/listing-janlipavsky.txt",
            "./fixtures/listing-janlipavsky.txt",
            "src/../fixtures/listing-janlipavsky.txt",
            &absolute,
        ] {
            assert_eq!(stable_name(typed), "fixtures/listing-janlipavsky.txt", "{typed}");
        }
        assert_eq!(stable_name("-"), "-");
        let outside = std::fs::canonicalize(cwd.join("..")).unwrap();
        let expected = outside.join("no-such-file.txt").to_string_lossy().into_owned();
        assert_eq!(stable_name("../no-such-file.txt"), expected);
    }

    #[test]
    fn duplicate_ids_are_reported_with_both_places() {
        let mut out = ReadOutcome::default();
        let input = "{\"id\":\"a\",\"body\":\"x\"}\n{\"id\":\"a\",\"body\":\"y\"}\n";
        read_input(input.as_bytes(), "d.jsonl", InputFormat::Auto, &mut out).unwrap();
        check_unique_ids(&mut out);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].to_string(), "d.jsonl:2: duplicate id `a`, first seen at d.jsonl:1");
        assert_eq!(out.articles[1].id, "a@d.jsonl:2");
    }

    #[test]
    fn renamed_duplicate_ids_stay_unique() {
        let mut out = ReadOutcome::default();
        let input =
            "{\"id\":\"a@d.jsonl:3\",\"body\":\"x\"}\n{\"id\":\"a\",\"body\":\"y\"}\n{\"id\":\"a\",\"body\":\"z\"}\n";
        read_input(input.as_bytes(), "d.jsonl", InputFormat::Auto, &mut out).unwrap();
        check_unique_ids(&mut out);
        let ids: Vec<&str> = out.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a@d.jsonl:3", "a", "a@d.jsonl:3#2"]);
    }

    #[test]
    fn an_earlier_duplicate_read_again_is_listed_once() {
        let input = concat!(
            r#"{"id":"a","body":"x","sources":["S"],"duplicates":[{"id":"b"},{"id":"c"}]}"#,
            "\n",
            r#"{"id":"c","body":"y"}"#,
            "\n",
            r#"{"id":"d","body":"z","sources":["S"],"duplicates":[{"id":"b"},{"id":"e"}]}"#,
            "\n"
        );
        let mut out = ReadOutcome::default();
        read_input(input.as_bytes(), "t.jsonl", InputFormat::Jsonl, &mut out).unwrap();
        check_unique_ids(&mut out);
        let prior = |i: usize| -> Vec<String> {
            out.articles[i].prior.iter().flat_map(|p| &p.duplicates).map(|d| d["id"].to_string()).collect()
        };
        assert_eq!(prior(0), [r#""b""#]);
        assert_eq!(prior(2), [r#""e""#]);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut e, data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn compressed_input_is_found_by_its_magic_bytes() {
        let jsonl = b"{\"id\":\"a\",\"body\":\"x\"}\n{\"id\":\"b\",\"body\":\"y\"}\n";
        let zstd = zstd::encode_all(&jsonl[..], 3).unwrap();
        // Two gzip members joined by `cat` are one input.
        let mut two = gzip(&jsonl[..22]);
        two.extend(gzip(&jsonl[22..]));
        for (bytes, name) in [
            (gzip(jsonl), "d.jsonl.gz"),
            (gzip(jsonl), "-"),
            (gzip(jsonl), "misnamed.zst"),
            (zstd.clone(), "d.jsonl.ZST"),
            (zstd, "-"),
            (two, "d.gz"),
        ] {
            let mut out = ReadOutcome::default();
            read_input(&bytes[..], name, InputFormat::Auto, &mut out).unwrap();
            let ids: Vec<&str> = out.articles.iter().map(|a| a.id.as_str()).collect();
            assert_eq!(ids, ["a", "b"], "{name}");
            assert!(out.problems.is_empty(), "{name}: {:?}", out.problems);
            assert_eq!(out.inputs, [name]);
        }
        // The name without its compression suffix decides the format.
        let mut out = ReadOutcome::default();
        read_input(&gzip(b"id,body\nc,z\n")[..], "d.csv.gz", InputFormat::Auto, &mut out).unwrap();
        assert_eq!(out.articles[0].id, "c");
        assert_eq!(by_name("d.csv.gz"), Some(InputFormat::Csv));
        assert_eq!(by_name("d.jsonl.zstd"), Some(InputFormat::Jsonl));
        assert_eq!(by_name("d.gz"), None);
    }

    #[test]
    fn a_corrupt_or_truncated_stream_is_an_io_error() {
        let whole = gzip(&b"{\"body\":\"x\"}\n".repeat(100));
        let mut corrupt = whole.clone();
        corrupt[12] ^= 0xff;
        let zstd = zstd::encode_all(&b"{\"body\":\"x\"}\n".repeat(100)[..], 3).unwrap();
        for (bytes, message) in [
            (&whole[..whole.len() / 2], "gzip: "),
            (&corrupt[..], "gzip: "),
            (&zstd[..zstd.len() - 3], "zstd: "),
            (&b"\x28\xb5\x2f\xfd garbage"[..], "zstd: "),
        ] {
            let mut out = ReadOutcome::default();
            let e = read_input(bytes, "d.jsonl.gz", InputFormat::Auto, &mut out).unwrap_err();
            assert!(e.to_string().starts_with(message), "{e}");
        }
    }

    #[test]
    fn json_field_names_can_be_mapped() {
        let fields = Fields { id: "uuid".into(), body: "content".into(), source: "outlet".into(), ..Fields::default() };
        let opts = ReadOptions { format: InputFormat::Jsonl, fields, ..Default::default() };
        let mut out = ReadOutcome::default();
        let input = "{\"uuid\":5,\"outlet\":\"AP\",\"content\":\"c\",\"text\":\"t\",\"id\":\"i\"}\n{\"uuid\":\"u\",\"body\":\"b\"}\n";
        read_input_with(input.as_bytes(), "m.jsonl", &opts, &mut out).unwrap();
        let a = &out.articles[0];
        assert_eq!((a.id.as_str(), a.source.as_str(), a.body.in_memory().unwrap()), ("5", "AP", "c"));
        assert_eq!(serde_json::to_string(&a.extra).unwrap(), r#"{"text":"t","id":"i"}"#);
        let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs, ["m.jsonl:2: missing required field `content`"]);
        // The default names, and a name given to two fields.
        assert_eq!(Fields::default().role("text"), Some("body"));
        assert_eq!(Fields { body: "b".into(), ..Fields::default() }.role("text"), None);
        let clash = Fields { title: "body".into(), ..Fields::default() };
        assert_eq!(clash.validate().unwrap_err(), "field `body` is named for both title and body");
    }

    #[test]
    fn shapes_are_kept_only_when_asked() {
        let input = "{\"id\": 1, \"body\": \"x\"}\n{\"body\":\"y\",\"duplicates\":7}\nnot json\n";
        let mut out = ReadOutcome::default();
        read_input(input.as_bytes(), "s.jsonl", InputFormat::Auto, &mut out).unwrap();
        assert!(out.articles.iter().all(|a| a.shape.is_none()));
        let opts = ReadOptions { keep_shape: true, ..Default::default() };
        let mut out = ReadOutcome::default();
        read_input_with(input.as_bytes(), "s.jsonl", &opts, &mut out).unwrap();
        let json = |i: usize| match out.articles[i].shape.as_deref() {
            Some(crate::record::Shape::Json { raw, array, provenance, present }) => {
                (raw.to_string(), *array, provenance.to_string(), *present)
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(json(0), ("{\"id\": 1, \"body\": \"x\"}".into(), false, "duplicates".into(), false));
        // The record's own `duplicates` is not provenance: it goes elsewhere.
        assert_eq!(json(1).2, "_duplicates");
        assert!(out.articles[2].shape.is_none());
    }
}
