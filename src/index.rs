//! The archive index: what candidate search and verification need of every
//! archived record, so that today's records are compared with the archive
//! without reading or shingling the archive again.
//!
//! An index holds, for each archived record in archive order, its id, the
//! fields it is signed from (outlet, title, URL, body: a record touched by a
//! change of outlet boilerplate is signed again from them) and its
//! [`SignatureRecord`]: its signature under the archive's boilerplate, its
//! outlet key and its short line hashes. The per-outlet line counts that
//! boilerplate is drawn from ([`LineCounts`]) are counted from those hashes
//! when the index is opened; candidate bucket sizes need no statistic of
//! their own, as the pairs stage runs over the archive and today together.
//!
//! [`Index::against`] runs the pipeline over archive ++ today exactly as one
//! run over both would: today's records are signed (first pass), their
//! short lines counted in, and only the records whose boilerplate lines
//! change are signed again ([`crate::sign::resign`]); then pairs, verify
//! and cluster run over every signature. Clusters holding an archived
//! record are today's records already archived ([`Match`]); the others are
//! today's new stories. [`Index::append`] and [`Index::remove`] keep the
//! stored signatures equal to those one run over the whole archive gives.
//!
//! # File layout (version 2)
//!
//! All integers little-endian; `str` is a `u32` byte length and UTF-8.
//!
//! ```text
//! header   magic "NDDUPIDX" (8 bytes), version u32 = 2,
//!          params: shingle_size u32, min_words u32, max_hamming u32,
//!          boilerplate_min u32, min_line_words u32, flags u32 (bit 0:
//!          canonical URLs used; bit 1: `--fingerprint simhash`),
//!          jaccard f64, containment f64, link f64             (60 bytes)
//! record   fields_len u32, fields: id str, source str, title str,
//!          url (u8 0/1 + str when 1), body str;
//!          sig_len u32, sig: a SignatureRecord (see crate::sign)
//!          ... one per archived record, in archive order ...
//! trailer  records u64, end marker "NDDUPEND" (8 bytes),
//!          checksum u64: xxh3_64 of every byte before it        (24 bytes)
//! ```
//!
//! The magic, the version and the checksum stay where they are in every
//! version. A file is refused, naming it, when its magic is not there (not
//! an index), its end marker is not (truncated), its checksum does not
//! match (damaged) or its version is another; nothing of it is used before
//! the checksum has been checked. Writes go to a temporary file in the same
//! directory, renamed over the index when complete ([`Destination`]), and
//! [`lock`] serializes writers.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};
use xxhash_rust::xxh3::Xxh3;

use crate::apply::Cluster;
use crate::boilerplate::{Boilerplate, LineCounts};
use crate::config::{CanonicalRule, Fingerprint, Params};
use crate::error::{Error, Problem, ProblemKind};
use crate::output::Destination;
use crate::reader::ReadOutcome;
use crate::record::{Article, Origin};
use crate::sign::{self, Bytes, DecodeError, Layout, Signature, SignatureRecord};
use crate::spool::read_at;
use crate::verify::similarity;

/// First bytes of every index file.
pub const MAGIC: [u8; 8] = *b"NDDUPIDX";
/// Marker before the checksum: a file without it was cut short.
pub const END: [u8; 8] = *b"NDDUPEND";
/// Layout version; a new one whenever the layout or the meaning of a stored
/// field (normalization, hashing, shingling) changes. Version 2 stores each
/// shingle as its 32-bit [`crate::shingle::Member`]; version 1, which
/// stored whole 64-bit hashes and is otherwise the same, is still read
/// (see [`Layout`]) and written again as version 2.
pub const VERSION: u32 = 2;
/// The oldest version [`Index::open`] reads.
pub const OLDEST_VERSION: u32 = 1;
const PARAMS_LEN: usize = 6 * 4 + 3 * 8;
/// Bytes before the first record.
pub const HEADER_LEN: usize = 8 + 4 + PARAMS_LEN;
/// Bytes after the last record.
pub const TRAILER_LEN: usize = 8 + 8 + 8;
/// The smallest record: empty fields and a signature without hashes.
const MIN_RECORD_LEN: u64 = 4 + 4 * 4 + 1 + 4 + 62;

/// Where a record's fields are: in the index file, or added in memory.
#[derive(Debug, Clone, Copy)]
enum Place {
    File { at: u64, len: u32 },
    New(u32),
}

/// An archive index, opened or being built.
#[derive(Debug)]
pub struct Index {
    name: String,
    /// The format version of the file read ([`VERSION`] for a new index);
    /// a write is always [`VERSION`].
    version: u32,
    file: Option<File>,
    params: Params,
    ids: Vec<String>,
    records: Vec<SignatureRecord>,
    places: Vec<Place>,
    /// Encoded fields of the records added since the file was read.
    pending: Vec<Vec<u8>>,
    counts: LineCounts,
    boiler: Boilerplate,
}

/// A today record already archived: the archived record it matched, and
/// how closely (Jaccard and containment of their shingle sets).
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Position among today's records.
    pub today: usize,
    /// Position in the archive.
    pub archived: u32,
    pub similarity: f64,
    pub containment: f64,
}

/// A today record whose id is an archived record's and whose fields are
/// the same: the same article scraped again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rescrape {
    pub today: usize,
    pub archived: u32,
}

/// What [`Index::against`] found.
#[derive(Debug)]
pub struct Against {
    /// Each today record's signature (default for a re-scrape, which took
    /// no part in the run).
    pub sigs: Vec<Signature>,
    /// Clusters made only of today's records (positions among today's
    /// records), with their canonical chosen as one run over archive and
    /// today chooses it.
    pub clusters: Vec<Cluster>,
    /// Today's records already archived, in today's order.
    pub matches: Vec<Match>,
    /// The archive's ids, which [`Match::archived`] indexes.
    pub archived_ids: Vec<String>,
    /// Archived records signed again because their boilerplate lines changed.
    pub resigned: usize,
    /// Records in the run (archived and today's, re-scrapes left out).
    pub records: usize,
    pub candidates: usize,
    pub edges: usize,
    pub boilerplate: usize,
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Against {
    /// Today's records that duplicate another today record of a new story.
    pub fn duplicates(&self) -> usize {
        self.clusters.iter().map(|c| c.members.len() - 1).sum()
    }
}

/// An exclusive lock on the index at `path`, held until dropped: a sidecar
/// file `PATH.lock`, created when missing and never removed (removing it
/// would let two writers lock two different files).
#[derive(Debug)]
pub struct Lock(#[allow(dead_code)] File);

/// Wait for, then take, the lock of the index at `path`.
pub fn lock(path: &Path) -> Result<Lock, Error> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let err = |e| Error::io(lock_path.to_string_lossy(), e);
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(err)?;
    file.lock().map_err(err)?;
    Ok(Lock(file))
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn encode_params(p: &Params, out: &mut Vec<u8>) {
    for v in [p.shingle_size, p.min_words, p.max_hamming as usize, p.boilerplate_min, p.min_line_words] {
        put_u32(out, v as u32);
    }
    put_u32(out, p.use_urls as u32 | ((p.fingerprint == Fingerprint::Simhash) as u32) << 1);
    for v in [p.jaccard, p.containment, p.link] {
        out.extend_from_slice(&v.to_bits().to_le_bytes());
    }
}

fn decode_params(b: &mut Bytes<'_>) -> Result<Params, DecodeError> {
    let shingle_size = b.u32()? as usize;
    let min_words = b.u32()? as usize;
    let max_hamming = b.u32()?;
    let boilerplate_min = b.u32()? as usize;
    let min_line_words = b.u32()? as usize;
    let flags = b.u32()?;
    if flags > 3 {
        return Err(DecodeError("unknown parameter flags"));
    }
    let use_urls = flags & 1 == 1;
    let fingerprint = if flags & 2 == 2 { Fingerprint::Simhash } else { Fingerprint::Xxh3 };
    let mut f = || b.u64().map(f64::from_bits);
    let (jaccard, containment, link) = (f()?, f()?, f()?);
    let p = Params {
        shingle_size,
        jaccard,
        containment,
        link,
        min_words,
        max_hamming,
        boilerplate_min,
        min_line_words,
        use_urls,
        fingerprint,
    };
    p.validate().map_err(|_| DecodeError("parameters out of range"))?;
    Ok(p)
}

/// Append the fields block of `a` (id, source, title, url, body); an error
/// reading a spooled body back is returned.
fn encode_fields(a: &Article, out: &mut Vec<u8>) -> io::Result<()> {
    put_str(out, &a.id);
    put_str(out, &a.source);
    put_str(out, &a.title);
    out.push(a.url.is_some() as u8);
    if let Some(url) = &a.url {
        put_str(out, url);
    }
    put_str(out, &a.body.text()?);
    Ok(())
}

/// The archived record held in a fields block, as an [`Article`] at `origin`.
fn decode_fields(bytes: &[u8], origin: Origin) -> Result<Article, DecodeError> {
    let mut b = Bytes { rest: bytes };
    let mut a = Article::at(origin);
    a.id = b.str()?.to_owned();
    a.source = b.str()?.to_owned();
    a.title = b.str()?.to_owned();
    a.url = if b.flag()? { Some(b.str()?.to_owned()) } else { None };
    a.body = b.str()?.into();
    if !b.rest.is_empty() {
        return Err(DecodeError("fields block too long"));
    }
    Ok(a)
}

/// The id at the start of a fields block.
fn decode_id(bytes: &[u8]) -> Result<String, DecodeError> {
    Ok(Bytes { rest: bytes }.str()?.to_owned())
}

/// Two records hold the same text: every field they are signed from. An
/// error reading a spooled body back is returned.
fn same_text(a: &Article, b: &Article) -> io::Result<bool> {
    Ok((&a.source, &a.title, &a.url) == (&b.source, &b.title, &b.url)
        && a.body.len() == b.body.len()
        && a.body.text()? == b.body.text()?)
}

/// A reader that hashes every byte it reads and counts them.
struct Hashing<R> {
    inner: R,
    hash: Xxh3,
    pos: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read> Hashing<R> {
    fn u32(&mut self) -> io::Result<u32> {
        let mut b = [0; 4];
        self.read_exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Read `n` bytes into `buf`, refusing a length past `limit`.
    fn block(&mut self, n: u32, limit: u64, buf: &mut Vec<u8>) -> Result<(), String> {
        if self.pos + n as u64 > limit {
            return Err(format!("a length at byte {} runs past the end", self.pos - 4));
        }
        buf.resize(n as usize, 0);
        self.read_exact(buf).map_err(|e| e.to_string())
    }
}

/// A writer that hashes every byte it writes.
struct HashingWriter<'w> {
    inner: &'w mut dyn Write,
    hash: Xxh3,
}

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Index {
    /// An empty index of records signed with `params`, to be written to `name`.
    pub fn new(name: &str, params: &Params) -> Index {
        Index {
            name: name.to_owned(),
            version: VERSION,
            file: None,
            params: params.clone(),
            ids: Vec::new(),
            records: Vec::new(),
            places: Vec::new(),
            pending: Vec::new(),
            counts: LineCounts::default(),
            boiler: Boilerplate::default(),
        }
    }

    /// Open and check the index at `path`: every byte is read and hashed
    /// (bodies are skipped over, then read back only for records that must
    /// be signed again), and the file is refused, naming it, when it is not
    /// an index, is cut short, damaged, or of another version.
    pub fn open(path: &Path) -> Result<Index, Error> {
        let name = path.to_string_lossy().into_owned();
        let bad = |msg: String| Error::io(&name, io::Error::new(io::ErrorKind::InvalidData, msg));
        let mut file = File::open(path).map_err(|e| Error::io(&name, e))?;
        let meta = file.metadata().map_err(|e| Error::io(&name, e))?;
        if meta.is_dir() {
            return Err(Error::io(&name, io::Error::other("is a directory")));
        }
        let len = meta.len();
        let mut head = Vec::with_capacity(12);
        (&mut file).take(12).read_to_end(&mut head).map_err(|e| Error::io(&name, e))?;
        let magic_len = head.len().min(8);
        if head[..magic_len] != MAGIC[..magic_len] {
            return Err(bad("not a newsdedup index (no NDDUPIDX magic number at its start)".into()));
        }
        if len < (HEADER_LEN + TRAILER_LEN) as u64 {
            return Err(bad(format!(
                "truncated index: {len} bytes, shorter than an empty index ({} bytes)",
                HEADER_LEN + TRAILER_LEN
            )));
        }
        let mut trailer = [0u8; TRAILER_LEN];
        file.seek(SeekFrom::Start(len - TRAILER_LEN as u64))
            .and_then(|_| file.read_exact(&mut trailer))
            .map_err(|e| Error::io(&name, e))?;
        if trailer[8..16] != END {
            return Err(bad(
                "truncated index: its end marker is missing (the file was cut short or written by something else)"
                    .into(),
            ));
        }
        let count = u64::from_le_bytes(trailer[..8].try_into().expect("8 bytes"));
        let checksum = u64::from_le_bytes(trailer[16..].try_into().expect("8 bytes"));
        file.seek(SeekFrom::Start(0)).map_err(|e| Error::io(&name, e))?;
        let body_end = len - TRAILER_LEN as u64;
        let mut r =
            Hashing { inner: BufReader::with_capacity(1 << 16, (&file).take(len - 8)), hash: Xxh3::new(), pos: 0 };
        let parsed = Index::parse(&mut r, &name, count, body_end);
        // Whatever the parse found, the checksum speaks first: a damaged
        // file is called damaged, not of another version or malformed.
        io::copy(&mut r, &mut io::sink()).map_err(|e| Error::io(&name, e))?;
        if r.hash.digest() != checksum {
            return Err(bad("damaged index: checksum mismatch (the file was altered after it was written)".into()));
        }
        let mut index = parsed.map_err(bad)?;
        if index.params.boilerplate_min > 0 {
            for rec in &index.records {
                index.counts.add(rec.outlet, &rec.short_lines);
            }
        }
        index.boiler = index.counts.boilerplate(index.params.boilerplate_min);
        index.file = Some(file);
        Ok(index)
    }

    /// The header and records, read through the hashing reader up to the
    /// trailer (`body_end`).
    fn parse<R: Read>(r: &mut Hashing<R>, name: &str, count: u64, body_end: u64) -> Result<Index, String> {
        let mut head = [0u8; HEADER_LEN];
        r.read_exact(&mut head).map_err(|e| e.to_string())?;
        let version = u32::from_le_bytes(head[8..12].try_into().expect("4 bytes"));
        let layout = match version {
            1 => Layout::V1,
            VERSION => Layout::V2,
            _ => {
                return Err(format!(
                    "index format version {version}; this newsdedup reads versions {OLDEST_VERSION} to {VERSION} (build the index again with `newsdedup index build`)"
                ))
            }
        };
        let params =
            decode_params(&mut Bytes { rest: &head[12..] }).map_err(|e| format!("damaged index: header: {e}"))?;
        if count > (body_end - HEADER_LEN as u64) / MIN_RECORD_LEN {
            return Err(format!("damaged index: {count} records cannot fit in it"));
        }
        let mut index = Index::new(name, &params);
        index.version = version;
        let n = count as usize;
        // The count is not checked yet: reserve for a bounded number.
        let room = n.min(1 << 20);
        index.ids.reserve(room);
        index.records.reserve(room);
        index.places.reserve(room);
        let mut buf = Vec::new();
        for i in 0..n {
            let damaged = |e: &dyn std::fmt::Display| format!("damaged index: record {}: {e}", i + 1);
            let fields_len = r.u32().map_err(|e| damaged(&e))?;
            let at = r.pos;
            r.block(fields_len, body_end, &mut buf).map_err(|e| damaged(&e))?;
            index.ids.push(decode_id(&buf).map_err(|e| damaged(&e))?);
            index.places.push(Place::File { at, len: fields_len });
            let sig_len = r.u32().map_err(|e| damaged(&e))?;
            r.block(sig_len, body_end, &mut buf).map_err(|e| damaged(&e))?;
            let mut b = Bytes { rest: &buf };
            let rec = SignatureRecord::decode_layout(&mut b, layout).map_err(|e| damaged(&e))?;
            if !b.rest.is_empty() {
                return Err(damaged(&"signature too long"));
            }
            index.records.push(rec);
        }
        if r.pos != body_end {
            return Err(format!("damaged index: {} bytes after the last record", body_end - r.pos));
        }
        Ok(index)
    }

    /// The format version of the file opened ([`VERSION`] for a new index).
    /// An index of an older version is written as [`VERSION`].
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The name the index was opened or is to be written as.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parameters the archived records were signed with.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Archived records.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Archived ids, in archive order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Signature records, in archive order.
    pub fn records(&self) -> &[SignatureRecord] {
        &self.records
    }

    /// The archive's outlet boilerplate.
    pub fn boilerplate(&self) -> &Boilerplate {
        &self.boiler
    }

    /// Distinct (outlet, short line) pairs counted.
    pub fn line_counts(&self) -> usize {
        self.counts.len()
    }

    /// Refuse a run whose similarity parameters are not the index's, naming
    /// each that differs.
    pub fn check_params(&self, run: &Params) -> Result<(), Error> {
        let (i, r) = (&self.params, run);
        let mut diff = Vec::new();
        let mut cmp = |opt: &str, a: String, b: String| {
            if a != b {
                diff.push(format!("{opt} {a} (this run: {b})"));
            }
        };
        cmp("--shingle-size", i.shingle_size.to_string(), r.shingle_size.to_string());
        cmp("--jaccard", i.jaccard.to_string(), r.jaccard.to_string());
        cmp("--containment", i.containment.to_string(), r.containment.to_string());
        cmp("--link", i.link.to_string(), r.link.to_string());
        cmp("--min-words", i.min_words.to_string(), r.min_words.to_string());
        cmp("--max-hamming", i.max_hamming.to_string(), r.max_hamming.to_string());
        cmp("--boilerplate-min", i.boilerplate_min.to_string(), r.boilerplate_min.to_string());
        cmp("--min-line-words", i.min_line_words.to_string(), r.min_line_words.to_string());
        let urls = |u: bool| if u { "on" } else { "off (--no-urls)" }.to_owned();
        cmp("urls", urls(i.use_urls), urls(r.use_urls));
        let fp = |f: Fingerprint| if f == Fingerprint::Simhash { "simhash" } else { "xxh3" }.to_owned();
        cmp("--fingerprint", fp(i.fingerprint), fp(r.fingerprint));
        if diff.is_empty() {
            return Ok(());
        }
        Err(Error::Usage(format!(
            "{} was built with other similarity parameters: {}; run with the index's parameters or build the index again",
            self.name,
            diff.join(", ")
        )))
    }

    /// The fields block of record `i`.
    fn fields_bytes(&self, i: usize) -> io::Result<Cow<'_, [u8]>> {
        match self.places[i] {
            Place::New(k) => Ok(Cow::Borrowed(&self.pending[k as usize])),
            Place::File { at, len } => {
                let file = self.file.as_ref().expect("records in a file come with it");
                let mut buf = vec![0; len as usize];
                read_at(file, &mut buf, at)?;
                Ok(Cow::Owned(buf))
            }
        }
    }

    /// Archived record `i` as an article (id, source, title, url, body).
    pub fn article(&self, i: usize) -> io::Result<Article> {
        let origin = Origin { file: self.name.as_str().into(), line: i as u64 + 1 };
        let bytes = self.fields_bytes(i)?;
        decode_fields(&bytes, origin).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
    }

    /// Check today's ids against the archive's. A record whose id is an
    /// archived record's and whose text (outlet, title, URL, body) is the
    /// same is that article scraped again: it is returned, not a problem.
    /// One with other text is reported as a duplicate id, as between
    /// inputs, and renamed `ID@FILE:LINE`.
    pub fn check_ids(&self, read: &mut ReadOutcome) -> Result<Vec<Rescrape>, Error> {
        let today: HashMap<&str, usize> = read.articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
        let mut clashes: Vec<(usize, u32)> =
            self.ids.iter().enumerate().filter_map(|(j, id)| today.get(id.as_str()).map(|&i| (i, j as u32))).collect();
        drop(today);
        clashes.sort_unstable();
        let mut rescrapes = Vec::new();
        let mut taken: Option<HashSet<String>> = None;
        for (i, j) in clashes {
            let archived = self.article(j as usize).map_err(|e| Error::io(&self.name, e))?;
            if same_text(&archived, &read.articles[i]).map_err(Error::body)? {
                rescrapes.push(Rescrape { today: i, archived: j });
                continue;
            }
            let taken = taken.get_or_insert_with(|| {
                self.ids.iter().cloned().chain(read.articles.iter().map(|a| a.id.clone())).collect()
            });
            let a = &mut read.articles[i];
            read.problems.push(Problem {
                file: a.origin.file.to_string(),
                line: a.origin.line,
                kind: ProblemKind::DuplicateId { id: a.id.clone(), first: format!("{} (archived)", self.name) },
            });
            let here = a.origin.to_string();
            let mut renamed = format!("{}@{here}", a.id);
            let mut n = 2;
            while taken.contains(&renamed) {
                renamed = format!("{}@{here}#{n}", a.id);
                n += 1;
            }
            taken.insert(renamed.clone());
            a.id = renamed;
        }
        crate::reader::sort_problems(read);
        Ok(rescrapes)
    }

    /// Add `articles` (ids checked with [`check_ids`](Index::check_ids),
    /// re-scrapes left out) at the end of the archive: sign them, count
    /// their short lines in, and sign again the archived records whose
    /// boilerplate lines changed. Returns how many archived records were
    /// signed again.
    pub fn append(&mut self, articles: &[Article]) -> Result<usize, Error> {
        let p = self.params.clone();
        let read_back = Error::body;
        let (mut new, lines) = sign::first_pass_marked(articles, &p).map_err(read_back)?;
        if p.boilerplate_min > 0 {
            for r in &new {
                self.counts.add(r.outlet, &r.short_lines);
            }
        }
        let resigned = self.rebase(self.counts.boilerplate(p.boilerplate_min))?;
        let today = |i: usize| Ok::<_, io::Error>(Cow::Borrowed(&articles[i]));
        sign::resign_first_pass(&mut new, &lines, &self.boiler, &p, today).map_err(read_back)?;
        for (a, r) in articles.iter().zip(new) {
            let mut fields = Vec::new();
            encode_fields(a, &mut fields).map_err(read_back)?;
            self.places.push(Place::New(self.pending.len() as u32));
            self.pending.push(fields);
            self.ids.push(a.id.clone());
            self.records.push(r);
        }
        Ok(resigned)
    }

    /// Drop the archived records with these ids (takedowns), then sign again
    /// the records whose boilerplate lines changed. Returns the ids not in
    /// the archive and how many records were signed again.
    pub fn remove(&mut self, ids: &[String]) -> Result<(Vec<String>, usize), Error> {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let found: HashSet<&str> = self.ids.iter().map(String::as_str).filter(|id| wanted.contains(id)).collect();
        let mut missing: Vec<String> = Vec::new();
        for id in ids {
            if !found.contains(id.as_str()) && !missing.contains(id) {
                missing.push(id.clone());
            }
        }
        let keep: Vec<bool> = self.ids.iter().map(|id| !found.contains(id.as_str())).collect();
        drop(found);
        if self.params.boilerplate_min > 0 {
            for (r, _) in self.records.iter().zip(&keep).filter(|(_, &k)| !k) {
                self.counts.remove(r.outlet, &r.short_lines);
            }
        }
        let mut k = keep.iter();
        self.ids.retain(|_| *k.next().expect("one flag a record"));
        let mut k = keep.iter();
        self.records.retain(|_| *k.next().expect("one flag a record"));
        let mut k = keep.iter();
        self.places.retain(|_| *k.next().expect("one flag a record"));
        let resigned = self.rebase(self.counts.boilerplate(self.params.boilerplate_min))?;
        Ok((missing, resigned))
    }

    /// Make `boiler` the archive's boilerplate, signing again the records
    /// whose boilerplate lines it changes. Returns how many were.
    fn rebase(&mut self, boiler: Boilerplate) -> Result<usize, Error> {
        let changed = self.boiler.difference(&boiler);
        let mut records = std::mem::take(&mut self.records);
        let this = &*self;
        let fetch = |i: usize| this.article(i).map(Cow::Owned);
        let result = sign::resign(&mut records, &changed, &boiler, &self.params, fetch);
        self.records = records;
        self.boiler = boiler;
        result.map_err(|e| Error::io(&self.name, e))
    }

    /// Write the index to `path` atomically: a temporary file beside it,
    /// renamed over it once complete and synced.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let dest = Destination::open(Some(path))?;
        dest.write(|w| {
            let mut w = HashingWriter { inner: w, hash: Xxh3::new() };
            let mut buf = Vec::with_capacity(HEADER_LEN);
            buf.extend_from_slice(&MAGIC);
            put_u32(&mut buf, VERSION);
            encode_params(&self.params, &mut buf);
            w.write_all(&buf)?;
            for (i, r) in self.records.iter().enumerate() {
                let fields = self.fields_bytes(i)?;
                w.write_all(&(fields.len() as u32).to_le_bytes())?;
                w.write_all(&fields)?;
                buf.clear();
                r.encode(&mut buf);
                w.write_all(&(buf.len() as u32).to_le_bytes())?;
                w.write_all(&buf)?;
            }
            w.write_all(&(self.records.len() as u64).to_le_bytes())?;
            w.write_all(&END)?;
            let checksum = w.hash.digest();
            w.inner.write_all(&checksum.to_le_bytes())
        })
    }

    /// Compare `today` (ids checked with [`check_ids`](Index::check_ids),
    /// which found `rescrapes`) with the archive: one run over archive ++
    /// today, the re-scrapes left out, with the index's parameters (see
    /// [`check_params`](Index::check_params)).
    pub fn against(mut self, today: &[Article], rescrapes: &[Rescrape], rule: CanonicalRule) -> Result<Against, Error> {
        let clock = std::time::Instant::now();
        let p = self.params.clone();
        let rescraped: HashMap<usize, u32> = rescrapes.iter().map(|r| (r.today, r.archived)).collect();
        let fresh: Vec<usize> = (0..today.len()).filter(|i| !rescraped.contains_key(i)).collect();
        let fresh_articles: Vec<&Article> = fresh.iter().map(|&i| &today[i]).collect();
        let (mut new, lines): (Vec<SignatureRecord>, Vec<_>) = fresh_articles
            .par_iter()
            .map_init(|| (String::new(), String::new()), |(n, s), a| sign::first_pass_one_marked(a, &p, n, s))
            .collect::<io::Result<Vec<_>>>()
            .map_err(Error::body)?
            .into_iter()
            .unzip();
        if p.boilerplate_min > 0 {
            for r in &new {
                self.counts.add(r.outlet, &r.short_lines);
            }
        }
        let resigned = self.rebase(self.counts.boilerplate(p.boilerplate_min))?;
        let fetch = |i: usize| Ok::<_, io::Error>(Cow::Borrowed(fresh_articles[i]));
        sign::resign_first_pass(&mut new, &lines, &self.boiler, &p, fetch).map_err(Error::body)?;
        let archived = self.records.len();
        let mut sigs: Vec<Signature> = Vec::with_capacity(archived + new.len());
        sigs.extend(std::mem::take(&mut self.records).into_iter().map(|r| r.sig));
        sigs.extend(new.into_iter().map(|r| r.sig));
        let boiler = std::mem::take(&mut self.boiler);
        let d = crate::dedup_signed(boiler, sigs, &p, rule, vec![("sign", clock.elapsed())], &mut |_| {});
        let (records, candidates, edges, boilerplate) =
            (d.sigs.len(), d.candidates.len(), d.edges.len(), d.boilerplate.len());
        let a = archived as u32;
        let (old, new): (Vec<&Cluster>, Vec<&Cluster>) = d.clusters.iter().partition(|c| c.members[0] < a);
        let mut matches: Vec<Match> = old
            .par_iter()
            .flat_map_iter(|c| {
                let split = c.members.partition_point(|&m| m < a);
                let (arch, mine) = c.members.split_at(split);
                let (sigs, fresh) = (&d.sigs, &fresh);
                mine.iter().map(move |&t| {
                    let mut best = (arch[0], similarity(&sigs[t as usize], &sigs[arch[0] as usize]));
                    for &x in &arch[1..] {
                        let s = similarity(&sigs[t as usize], &sigs[x as usize]);
                        if (s.jaccard, s.containment) > (best.1.jaccard, best.1.containment) {
                            best = (x, s);
                        }
                    }
                    Match {
                        today: fresh[(t - a) as usize],
                        archived: best.0,
                        similarity: best.1.jaccard,
                        containment: best.1.containment,
                    }
                })
            })
            .collect();
        matches.extend(rescrapes.iter().map(|r| Match {
            today: r.today,
            archived: r.archived,
            similarity: 1.0,
            containment: 1.0,
        }));
        matches.sort_unstable_by_key(|m| m.today);
        let to_today = |m: u32| fresh[(m - a) as usize] as u32;
        let clusters: Vec<Cluster> = new
            .into_iter()
            .map(|c| Cluster {
                canonical: to_today(c.canonical),
                members: c.members.iter().map(|&m| to_today(m)).collect(),
            })
            .collect();
        let mut today_sigs = vec![Signature::default(); today.len()];
        let mut all = d.sigs;
        for (k, s) in all.drain(archived..).enumerate() {
            today_sigs[fresh[k]] = s;
        }
        Ok(Against {
            sigs: today_sigs,
            clusters,
            matches,
            archived_ids: std::mem::take(&mut self.ids),
            resigned,
            records,
            candidates,
            edges,
            boilerplate,
            timings: d.timings,
        })
    }
}

impl Match {
    /// The JSON object of a match report line: today's id, the archived id,
    /// the figures (4 decimals) and, for a record read from newsdedup's own
    /// output, the duplicates an earlier run found for it.
    pub fn record(&self, today: &[Article], index_ids: &[String]) -> Map<String, Value> {
        let a = &today[self.today];
        let mut m = Map::new();
        m.insert("id".into(), a.id.clone().into());
        m.insert("archived".into(), index_ids[self.archived as usize].clone().into());
        m.insert("similarity".into(), crate::writer::round4(self.similarity).into());
        m.insert("containment".into(), crate::writer::round4(self.containment).into());
        if let Some(prior) = &a.prior {
            m.insert("duplicates".into(), prior.duplicates.clone().into());
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A small deterministic word generator (splitmix64).
    fn words(seed: u64, n: usize) -> String {
        const VOCAB: &[&str] = &[
            "minister", "river", "council", "vote", "storm", "market", "court", "police", "school", "budget", "strike",
            "harbour", "bridge", "election", "festival", "hospital", "museum", "railway", "village", "summit",
            "treaty", "factory", "airport", "senate", "protest", "harvest", "forest", "coast", "station", "tower",
            "garden", "library", "stadium", "border", "island", "valley", "canal",
        ];
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = x;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                VOCAB[((z ^ (z >> 31)) % VOCAB.len() as u64) as usize]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Records `from..to` of a collection of stories carried by three
    /// outlets, each with a footer of its outlet (boilerplate once it
    /// recurs), some copies cut short or with a line added.
    fn corpus(file: &str, from: usize, to: usize) -> Vec<Article> {
        (from..to)
            .map(|i| {
                let story = (i * 7 % 23) as u64;
                let outlet = ["Daily", "Courier", "Wire"][i % 3];
                let mut a = Article::at(Origin { file: file.into(), line: i as u64 + 1 });
                a.id = format!("r{i}");
                a.source = outlet.into();
                a.title = format!("Story {story}");
                let paras: Vec<String> = (0..4).map(|k| words(story * 100 + k, 14)).collect();
                let keep = if i % 5 == 0 { 2 } else { 4 };
                let mut body = paras[..keep].join("\n");
                if i % 4 == 1 {
                    body.push_str(&format!("\n{}", words(10_000 + i as u64, 12)));
                }
                body.push_str(&format!("\nRead more from the {outlet} newsletter every day"));
                if i % 6 == 0 {
                    body.push_str(&format!("\nSubscribe to {outlet} for {} offers", i % 2));
                }
                a.body = body.into();
                a
            })
            .collect()
    }

    fn build(dir: &Path, arts: &[Article], p: &Params) -> PathBuf {
        let path = dir.join("news.idx");
        let mut idx = Index::new(&path.to_string_lossy(), p);
        idx.append(arts).unwrap();
        idx.save(&path).unwrap();
        path
    }

    /// Kept clusters as (canonical id, member ids).
    fn named(clusters: &[Cluster], arts: &[Article]) -> BTreeSet<(String, Vec<String>)> {
        clusters
            .iter()
            .map(|c| {
                let ids = c.members.iter().map(|&m| arts[m as usize].id.clone()).collect();
                (arts[c.canonical as usize].id.clone(), ids)
            })
            .collect()
    }

    #[test]
    fn signature_records_round_trip() {
        let arts = corpus("a", 0, 30);
        for r in sign::first_pass(&arts, &Params::default()).unwrap() {
            let mut buf = Vec::new();
            r.encode(&mut buf);
            assert_eq!(buf.len(), r.encoded_len());
            let mut b = Bytes { rest: &buf };
            assert_eq!(SignatureRecord::decode(&mut b).unwrap(), r);
            assert!(b.rest.is_empty());
            for cut in [0, 10, buf.len() - 1] {
                assert!(SignatureRecord::decode(&mut Bytes { rest: &buf[..cut] }).is_err(), "{cut}");
            }
        }
    }

    #[test]
    fn stored_signatures_equal_one_run_over_the_archive_after_build_add_and_remove() {
        let dir = tempfile::tempdir().unwrap();
        let p = Params::default();
        let mut first = corpus("a", 0, 40);
        let shared = "\nA short line on two Courier pages only";
        first[1].body = format!("{}{}", first[1].body.in_memory().unwrap(), shared).into();
        first[4].body = format!("{}{}", first[4].body.in_memory().unwrap(), shared).into();
        let path = build(dir.path(), &first, &p);
        let idx = Index::open(&path).unwrap();
        assert_eq!(idx.ids(), first.iter().map(|a| a.id.clone()).collect::<Vec<_>>());
        let sigs = |idx: &Index| idx.records().iter().map(|r| r.sig.clone()).collect::<Vec<_>>();
        assert_eq!(sigs(&idx), sign::detect_and_sign(&first, &p).unwrap().1);
        assert!(!idx.boilerplate().is_empty());
        for i in [0, 7, 39] {
            let a = idx.article(i).unwrap();
            assert_eq!((&a.id, &a.body, &a.url), (&first[i].id, &first[i].body, &first[i].url));
        }

        // More records: a line recurring in 2 archived records and 1 new one
        // becomes boilerplate, and the archived records holding it are
        // signed again.
        let mut more = corpus("b", 40, 80);
        more[0].body = format!("{}{}", more[0].body.in_memory().unwrap(), shared).into();
        let mut idx = idx;
        let resigned = idx.append(&more).unwrap();
        assert_eq!(resigned, 2);
        idx.save(&path).unwrap();
        let idx = Index::open(&path).unwrap();
        let all: Vec<Article> = first.iter().chain(&more).cloned().collect();
        assert_eq!(sigs(&idx), sign::detect_and_sign(&all, &p).unwrap().1);

        // Takedowns: the counts go down, and lines below the threshold stop
        // being boilerplate.
        let mut idx = idx;
        let gone: Vec<String> = ["r0", "r1", "r6", "r12", "r42", "nope", "r0"].map(String::from).to_vec();
        let (missing, resigned) = idx.remove(&gone).unwrap();
        assert_eq!(missing, ["nope"]);
        assert_eq!(resigned, 2, "the shared line is in 2 records left: no longer boilerplate");
        idx.save(&path).unwrap();
        let idx = Index::open(&path).unwrap();
        let left: Vec<Article> = all.into_iter().filter(|a| !gone.contains(&a.id)).collect();
        assert_eq!(idx.len(), left.len());
        assert_eq!(sigs(&idx), sign::detect_and_sign(&left, &p).unwrap().1);
    }

    #[test]
    fn against_gives_the_new_stories_of_one_run_over_archive_and_today() {
        let dir = tempfile::tempdir().unwrap();
        for p in [Params::default(), Params { boilerplate_min: 2, ..Params::default() }] {
            for rule in [CanonicalRule::Longest, CanonicalRule::First] {
                let archive = corpus("a", 0, 50);
                let mut today = corpus("t", 50, 90);
                // Today's own new stories, one with a copy.
                for (k, seed) in [(0, 777), (1, 777), (2, 778)] {
                    today[k].body = format!("{}\n{}", words(seed, 30), words(seed + 1, 30)).into();
                }
                let path = build(dir.path(), &archive, &p);
                let idx = Index::open(&path).unwrap();
                let got = idx.against(&today, &[], rule).unwrap();

                let all: Vec<Article> = archive.iter().chain(&today).cloned().collect();
                let one = crate::dedup(&all, &p, rule).unwrap();
                let n = archive.len() as u32;
                let expected: Vec<Cluster> = one
                    .clusters
                    .iter()
                    .filter(|c| c.members[0] >= n)
                    .map(|c| Cluster { canonical: c.canonical - n, members: c.members.iter().map(|m| m - n).collect() })
                    .collect();
                assert_eq!(named(&got.clusters, &today), named(&expected, &today), "{p:?} {rule:?}");
                assert!(expected.iter().any(|c| c.members.len() > 1), "today holds a new story with a copy");
                assert!(!got.matches.is_empty(), "today repeats archived stories");
                // Every today record is written or matched, once.
                let mut seen: Vec<usize> = got.matches.iter().map(|m| m.today).collect();
                seen.extend(got.clusters.iter().flat_map(|c| c.members.iter().map(|&m| m as usize)));
                seen.sort_unstable();
                assert_eq!(seen, (0..today.len()).collect::<Vec<_>>());
                // A match names an archived member of the record's cluster.
                for m in &got.matches {
                    let c = one.clusters.iter().find(|c| c.members.contains(&(m.today as u32 + n))).unwrap();
                    assert!(c.members.contains(&m.archived), "{m:?}");
                    assert!(m.similarity > 0.0 && m.containment >= m.similarity);
                }
            }
        }
    }

    #[test]
    fn a_rescrape_is_matched_to_itself_and_other_text_under_an_archived_id_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let p = Params::default();
        let archive = corpus("a", 0, 20);
        let path = build(dir.path(), &archive, &p);
        let idx = Index::open(&path).unwrap();
        let mut read = ReadOutcome::default();
        read.inputs.push("t".into());
        let mut again = archive[3].clone();
        again.origin = Origin { file: "t".into(), line: 1 };
        let mut changed = archive[4].clone();
        changed.origin = Origin { file: "t".into(), line: 2 };
        changed.body = format!(
            "{}{}",
            changed.body.in_memory().unwrap(),
            "\nA correction was added to this story later on that day."
        )
        .into();
        read.articles = vec![again, changed];
        let rescrapes = idx.check_ids(&mut read).unwrap();
        assert_eq!(rescrapes, [Rescrape { today: 0, archived: 3 }]);
        assert_eq!(read.problems.len(), 1);
        let news = path.to_string_lossy();
        assert_eq!(read.problems[0].to_string(), format!("t:2: duplicate id `r4`, first seen at {news} (archived)"));
        assert_eq!(read.articles[1].id, "r4@t:2");
        let got = idx.against(&read.articles, &rescrapes, CanonicalRule::Longest).unwrap();
        assert_eq!(got.matches.len(), 2, "{:?}", got.matches);
        assert_eq!(got.matches[0], Match { today: 0, archived: 3, similarity: 1.0, containment: 1.0 });
        assert_eq!((got.matches[1].today, got.matches[1].archived), (1, 4));
        assert!(got.clusters.is_empty());
    }

    #[test]
    fn damaged_truncated_foreign_and_other_versions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = build(dir.path(), &corpus("a", 0, 10), &Params::default());
        let good = std::fs::read(&path).unwrap();
        let refused = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            Index::open(&path).unwrap_err().to_string()
        };
        let name = path.to_string_lossy().into_owned();
        for cut in [0, 5, 40, good.len() / 2, good.len() - 1] {
            let e = refused(&good[..cut]);
            assert!(e.starts_with(&name) && e.contains("truncated"), "{cut}: {e}");
        }
        for at in [20, HEADER_LEN + 3, good.len() / 2, good.len() - 30, good.len() - 2] {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            let e = refused(&bad);
            assert!(e.starts_with(&name) && e.contains("damaged"), "{at}: {e}");
        }
        let mut other = good.clone();
        other[8] = 3;
        assert!(refused(&other).contains("damaged"), "a changed version byte fails the checksum");
        assert!(refused(b"{\"id\":1,\"body\":\"x\"}\n").contains("not a newsdedup index"));
        std::fs::write(&path, &good).unwrap();
        let idx = Index::open(&path).unwrap();
        assert_eq!(idx.len(), 10);
        let e = idx.check_params(&Params { jaccard: 0.5, ..Params::default() }).unwrap_err().to_string();
        assert!(e.contains("--jaccard 0.35 (this run: 0.5)"), "{e}");
    }

    #[test]
    fn line_counts_go_up_and_down() {
        let mut c = LineCounts::default();
        c.add(1, &[10, 11]);
        c.add(1, &[10]);
        c.add(2, &[10]);
        assert_eq!(c.boilerplate(2).len(), 1);
        assert!(c.boilerplate(2).contains(1, 10));
        c.remove(1, &[10]);
        assert!(c.boilerplate(2).is_empty());
        assert_eq!(c.len(), 3);
        c.remove(1, &[10, 11]);
        assert_eq!(c.len(), 1);
    }
}
