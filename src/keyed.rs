//! The `pairs` stage keyed, for a shuffle: no process holds every
//! signature or the whole candidate index while the candidates are
//! proposed. Each step reads sign lines of one shard or lines grouped by
//! one key, and the candidates it proposes are the single run's
//! ([`crate::pairs`]), because it applies the same functions to the same
//! entries and breaks ties by the same per-record [`order_key`].
//!
//! ```text
//! t1 group      GROUP (hex32 body + stub 0/1 + hex16 title)  t1  ORDER (hex16)  ORDINAL
//! x1 copy       ORDINAL_A  x1  ORDINAL_B (A < B)  FIRST (a or b: which of the two stands for the other)
//! b1 tally      TABLEKEY  b1  COUNT (records joining the bucket)
//! k1 key entry  TABLEKEY  k1  ORDINAL  ORDER  MINHASH  FINGERPRINT (hex16; - outside the simhash table)
//!                             TEXT (hex32)  URL (hex16 or -)  STUB (0/1)  WORDS  SHINGLES  SKETCH (base64)
//! p1 candidate  ORDINAL_A  p1  ORDINAL_B (A < B)
//! y1 shipped    ORDINAL_B  y1  ORDINAL_A (A < B)  SIGNATURE (A's, as in its sign line)
//! ```
//!
//! A TABLEKEY is the table's letter and the key in hex, fixed width per
//! table: `a` and 8 digits (an anchor, a 32-bit shingle hash), `f` and 16
//! (a simhash block), `u` and 16 (a canonical URL), so that a byte-wise
//! sort groups each bucket.
//!
//! 1. [`write_groups`] (per shard of sign lines): a `t1` line per record
//!    with a body, keyed by what makes exact copies ([`copy_group`]).
//! 2. [`copies`] (lines grouped by group): an `x1` line for each copy,
//!    naming the copy that stands for it (the least order key, then
//!    ordinal), keyed by the smaller ordinal of the two.
//! 3. [`Tally`] (per shard, with all `x1` lines): how many of the shard's
//!    records join each bucket (`b1`), summed by key over the shards: the
//!    bucket caps need each bucket's size over the whole corpus.
//! 4. [`write_keys`] (per shard, with the `x1` lines and the summed
//!    tallies of large buckets): a `k1` line for each bucket a record
//!    joins (every small bucket, its rarest large ones), with what the
//!    bucket orders its members by and what verify reads before it counts
//!    shared shingles ([`Glance`]: keys, sizes, the half-byte-a-shingle
//!    sketch).
//! 5. [`buckets`] (lines grouped by table key): each bucket's candidate
//!    pairs that verify would not refuse at a glance (`p1`): about 2 in 100
//!    of the candidates.
//! 6. [`join`] (sign, candidate and copy lines grouped by ordinal): the
//!    first record's sign line shipped to each of its partners (`y1`),
//!    once per pair.
//! 7. [`verify`] (sign and shipped lines grouped by ordinal): each pair
//!    verified as one run verifies it, with its figures (`e1`).
//!
//! No step holds more than one shard, one bucket or one record's pairs,
//! and the only data that travels per pair is one signature per pair that
//! passes the glance.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use crate::config::Params;
use crate::error::Error;
use crate::pairs::{
    copy_group, joined_keys, keyed_bucket_pairs, minhash_for, minhashes, order_key, record_keys, BucketEntry, Table,
    BUCKET_ALL_PAIRS,
};
use crate::sign::Signature;
use crate::stages::{
    base64_of, bytes_of_base64, ordinal, parse, parse_ordinal, sign_fields, signature_field, write_pair, LineInput,
    SIGN,
};
use crate::verify::{refused_at_a_glance, sketch, sketch_len, Glance};

/// Kind and version of each line format.
pub const GROUP: &str = "t1";
pub const COPY: &str = "x1";
pub const TALLY: &str = "b1";
pub const KEY: &str = "k1";
pub const CANDIDATE: &str = "p1";
pub const SHIPPED: &str = "y1";

fn io(e: std::io::Error) -> Error {
    Error::io("stdout", e)
}

/// A table key as the line formats write it.
pub fn table_key(t: Table, k: u64) -> String {
    match t {
        Table::Simhash => format!("f{k:016x}"),
        Table::Anchor => format!("a{k:08x}"),
        Table::Url => format!("u{k:016x}"),
    }
}

/// A table key, ordered as its text sorts (table letter, then key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct TableKey(Table, u64);

impl std::fmt::Display for TableKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&table_key(self.0, self.1))
    }
}

/// A table key read back; `None` when it is not one.
fn parse_table_key(s: &str) -> Option<(Table, u64)> {
    let (t, width) = match s.as_bytes().first()? {
        b'f' => (Table::Simhash, 16),
        b'a' => (Table::Anchor, 8),
        b'u' => (Table::Url, 16),
        _ => return None,
    };
    let hex = &s[1..];
    (hex.len() == width && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
        .then(|| u64::from_str_radix(hex, 16).ok())
        .flatten()
        .map(|k| (t, k))
}

fn parse_hex<R>(input: &LineInput<R>, s: &str, what: &str) -> Result<u64, Error> {
    if s.len() != 16 {
        return Err(input.error(format!("'{s}' is not a {what} (16 hex digits)")));
    }
    u64::from_str_radix(s, 16).map_err(|_| input.error(format!("'{s}' is not a {what} (16 hex digits)")))
}

/// Every sign line of `input` (any order): its ordinal and signature.
fn each_sign<R: BufRead>(
    input: &mut LineInput<R>,
    mut f: impl FnMut(u64, &Signature) -> Result<(), Error>,
) -> Result<(), Error> {
    while let Some((_, fields)) = input.next(SIGN, 2)? {
        let (o, _, r) = sign_fields(input, &fields)?;
        f(o, &r.sig)?;
    }
    Ok(())
}

/// Lines grouped by key (a byte-wise sort, as `LC_ALL=C sort` leaves
/// them) of the `kinds` given (kind and number of fields after it, as
/// [`LineInput::next_of`]): `parse` reads each line's key and content as it
/// comes (so that an error names its line), from the line's place in
/// `kinds` and fields; `each` gets every group's key and parsed lines. A
/// key smaller than the one before is refused: the lines were not grouped.
fn each_group<R: BufRead, K: PartialOrd + std::fmt::Display, T>(
    input: &mut LineInput<R>,
    kinds: &[(&str, usize)],
    mut parse: impl FnMut(&LineInput<R>, usize, &[String]) -> Result<(K, T), Error>,
    mut each: impl FnMut(&K, &mut Vec<T>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut key: Option<K> = None;
    let mut held: Vec<T> = Vec::new();
    while let Some((which, _, f)) = input.next_of(kinds)? {
        let (k, t) = parse(input, which, &f)?;
        match &key {
            Some(last) if *last == k => {}
            Some(last) if k < *last => {
                return Err(input.error(format!(
                    "key {} after {last}: the lines are not sorted by key (sort them with `LC_ALL=C sort`)",
                    f[0]
                )));
            }
            Some(last) => {
                each(last, &mut held)?;
                held.clear();
                key = Some(k);
            }
            None => key = Some(k),
        }
        held.push(t);
    }
    if let Some(last) = &key {
        each(last, &mut held)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- copies

/// Step 1: a group line per record with a body: what makes its exact
/// copies ([`copy_group`]), its [`order_key`] and its ordinal.
pub fn write_groups<R: BufRead>(input: &mut LineInput<R>, w: &mut dyn Write) -> Result<(), Error> {
    each_sign(input, |o, s| {
        if let Some((body, stub, title)) = copy_group(s) {
            writeln!(w, "{body:032x}{}{title:016x}\t{GROUP}\t{:016x}\t{}", stub as u8, order_key(s), ordinal(o))
                .map_err(io)?;
        }
        Ok(())
    })
}

/// Step 2, over group lines grouped by key: for each copy of a body, a
/// copy line naming the copy that stands for it, the one with the least
/// (order key, ordinal) (see [`crate::pairs`]'s first copies), keyed by
/// the smaller ordinal of the two.
pub fn copies<R: BufRead>(input: &mut LineInput<R>, w: &mut dyn Write) -> Result<(), Error> {
    let name = input.name().to_owned();
    let group = |input: &LineInput<R>, _: usize, f: &[String]| {
        let body = &f[0];
        if body.len() != 49 || !body.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(input.error(format!("'{body}' is not a group key (49 hex digits)")));
        }
        Ok((body.clone(), (parse_hex(input, &f[1], "order key")?, parse_ordinal(input, &f[2])?)))
    };
    each_group(input, &[(GROUP, 2)], group, |_, members: &mut Vec<(u64, u64)>| {
        members.sort_unstable();
        if let Some(d) = members.windows(2).find(|d| d[0].1 == d[1].1) {
            return Err(Error::Usage(format!("{name}: ordinal {} grouped twice", d[0].1)));
        }
        let first = members[0].1;
        for &(_, o) in &members[1..] {
            let (a, b, side) = if first < o { (first, o, "a") } else { (o, first, "b") };
            writeln!(w, "{}\t{COPY}\t{}\t{side}", ordinal(a), ordinal(b)).map_err(io)?;
        }
        Ok(())
    })
}

/// A copy line's pair `(a, b)` and which of them is the copy.
fn copy_fields<R>(input: &LineInput<R>, f: &[String]) -> Result<(u64, u64, u64), Error> {
    let (a, b) = (parse_ordinal(input, &f[0])?, parse_ordinal(input, &f[1])?);
    if a >= b {
        return Err(input.error(format!("copy {a} {b}: the first ordinal must be the smaller")));
    }
    let copy = match f[2].as_str() {
        "a" => b,
        "b" => a,
        other => return Err(input.error(format!("'{other}' is neither a nor b"))),
    };
    Ok((a, b, copy))
}

/// The records that do not stand for themselves (`x1` lines): the exact
/// copies of a body other than its first.
#[derive(Debug, Default)]
pub struct Copies {
    /// Sorted.
    copies: Vec<u64>,
}

impl Copies {
    /// Read copy lines (any order); call [`Copies::done`] after the last input.
    pub fn read<R: BufRead>(&mut self, input: &mut LineInput<R>) -> Result<(), Error> {
        while let Some((_, f)) = input.next(COPY, 2)? {
            self.copies.push(copy_fields(input, &f)?.2);
        }
        Ok(())
    }

    /// Sorted, and checked that no record is a copy twice.
    pub fn done(mut self) -> Result<Copies, Error> {
        self.copies.sort_unstable();
        if let Some(d) = self.copies.windows(2).find(|d| d[0] == d[1]) {
            return Err(Error::Usage(format!("ordinal {} has two copy lines", d[0])));
        }
        Ok(self)
    }

    fn stands_for_itself(&self, o: u64) -> bool {
        self.copies.binary_search(&o).is_err()
    }
}

// ---------------------------------------------------------------- tally

/// Step 3, per shard: how many of its records join each bucket, one tally
/// line per table key in key order (summed by key over the shards, they
/// are the bucket sizes the caps read). Memory holds the shard's keys.
#[derive(Debug, Default)]
pub struct Tally {
    keys: Vec<(Table, u64)>,
}

impl Tally {
    /// Add the keys of the records of one input of sign lines.
    pub fn read<R: BufRead>(&mut self, input: &mut LineInput<R>, copies: &Copies, p: &Params) -> Result<(), Error> {
        each_sign(input, |o, s| {
            self.keys.extend(record_keys(s, copies.stands_for_itself(o), p));
            Ok(())
        })
    }

    pub fn write(mut self, w: &mut dyn Write) -> Result<(), Error> {
        self.keys.sort_unstable();
        for run in self.keys.chunk_by(|x, y| x == y) {
            writeln!(w, "{}\t{TALLY}\t{}", table_key(run[0].0, run[0].1), run.len()).map_err(io)?;
        }
        Ok(())
    }
}

/// Tally lines summed by key (a key may repeat: its counts add up). The
/// sizes of the large buckets, those of more than [`BUCKET_ALL_PAIRS`]
/// records, are what [`write_keys`] reads; call [`Tallies::large`] after
/// the last input.
#[derive(Debug, Default)]
pub struct Tallies {
    sizes: HashMap<(Table, u64), u64>,
}

impl Tallies {
    pub fn read<R: BufRead>(&mut self, input: &mut LineInput<R>) -> Result<(), Error> {
        while let Some((_, f)) = input.next(TALLY, 1)? {
            let key = parse_table_key(&f[0]).ok_or_else(|| input.error(format!("'{}' is not a table key", f[0])))?;
            let n: u64 = parse(input, &f[1], "count")?;
            *self.sizes.entry(key).or_default() += n;
        }
        Ok(())
    }

    /// Only the large buckets.
    pub fn large(mut self) -> LargeBuckets {
        self.sizes.retain(|_, n| *n > BUCKET_ALL_PAIRS as u64);
        LargeBuckets { sizes: self.sizes }
    }
}

/// The sizes of the buckets over the cap ([`Tallies::large`]): every other
/// bucket is small.
#[derive(Debug)]
pub struct LargeBuckets {
    sizes: HashMap<(Table, u64), u64>,
}

// ---------------------------------------------------------------- keys

/// Step 4, per shard: a key entry line for every bucket each record joins
/// ([`joined_keys`]: its small buckets and its rarest large ones), with
/// what [`buckets`] orders and filters its members by.
pub fn write_keys<R: BufRead>(
    input: &mut LineInput<R>,
    copies: &Copies,
    large: &LargeBuckets,
    p: &Params,
    w: &mut dyn Write,
) -> Result<(), Error> {
    each_sign(input, |o, s| {
        let keys = record_keys(s, copies.stands_for_itself(o), p);
        let joined = joined_keys(keys, |t, k| large.sizes.get(&(t, k)).copied());
        if joined.is_empty() {
            return Ok(());
        }
        let all_minhashes = minhashes(&s.shingles);
        let order = order_key(s);
        let o = ordinal(o);
        // What verify reads before it counts shared shingles, the same on
        // every line of the record.
        let (map, _) = sketch(&s.shingles);
        let bytes: Vec<u8> = map.iter().flat_map(|w| w.to_le_bytes()).collect();
        let url = s.url_key.map_or_else(|| "-".to_owned(), |u| format!("{u:016x}"));
        let glance = format!(
            "{:032x}\t{url}\t{}\t{}\t{}\t{}",
            s.text_key,
            s.stub as u8,
            s.words,
            s.shingles.len(),
            base64_of(&bytes)
        );
        for (t, k) in joined {
            let mh = minhash_for(&all_minhashes, k);
            let key = table_key(t, k);
            if t == Table::Simhash {
                writeln!(w, "{key}\t{KEY}\t{o}\t{order:016x}\t{mh:016x}\t{:016x}\t{glance}", s.fingerprint)
            } else {
                writeln!(w, "{key}\t{KEY}\t{o}\t{order:016x}\t{mh:016x}\t-\t{glance}")
            }
            .map_err(io)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------- buckets

/// What a key entry line says of its record beyond its [`BucketEntry`]: a
/// [`Glance`] that owns its sketch.
struct Seen {
    /// The glance, its sketch left empty.
    rest: Glance<'static>,
    sketch: Vec<u64>,
}

impl Seen {
    fn glance(&self) -> Glance<'_> {
        Glance { sketch: &self.sketch, ..self.rest }
    }
}

/// A key entry line's fields after the key (see [`write_keys`]).
fn key_entry<R>(input: &LineInput<R>, table: Table, f: &[String]) -> Result<(BucketEntry, Seen), Error> {
    let fingerprint = match (table, f[4].as_str()) {
        (Table::Simhash, fp) => parse_hex(input, fp, "fingerprint")?,
        (_, "-") => 0,
        (_, other) => return Err(input.error(format!("'{other}': only simhash entries carry a fingerprint"))),
    };
    let entry = BucketEntry {
        record: parse_ordinal(input, &f[1])?,
        order: parse_hex(input, &f[2], "order key")?,
        minhash: parse_hex(input, &f[3], "min-hash")?,
        fingerprint,
    };
    let text_key = if f[5].len() == 32 { u128::from_str_radix(&f[5], 16).ok() } else { None }
        .ok_or_else(|| input.error(format!("'{}' is not a body key (32 hex digits)", f[5])))?;
    let url_key = match f[6].as_str() {
        "-" => None,
        u => Some(parse_hex(input, u, "URL key")?),
    };
    let stub = match f[7].as_str() {
        "0" => false,
        "1" => true,
        other => return Err(input.error(format!("'{other}' is not a stub flag (0 or 1)"))),
    };
    let words = parse(input, &f[8], "word count")?;
    let shingles: usize = parse(input, &f[9], "shingle count")?;
    let bytes = bytes_of_base64(input, &f[10], "sketch")?;
    if bytes.len() != 8 * sketch_len(shingles) {
        return Err(input.error(format!("a sketch of {} bytes for {shingles} shingles", bytes.len())));
    }
    let sketch: Vec<u64> = bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
    let ones = sketch.iter().map(|w| w.count_ones()).sum();
    Ok((entry, Seen { rest: Glance { text_key, url_key, stub, words, shingles, sketch: &[], ones }, sketch }))
}

/// Step 5, over key entry lines grouped by table key: each bucket's
/// candidate pairs, as the single run proposes them
/// ([`keyed_bucket_pairs`]), less those verify refuses at a glance
/// ([`refused_at_a_glance`]). Memory holds one bucket.
pub fn buckets<R: BufRead>(input: &mut LineInput<R>, p: &Params, w: &mut dyn Write) -> Result<(), Error> {
    let name = input.name().to_owned();
    let entry = |input: &LineInput<R>, _: usize, f: &[String]| {
        let (table, k) = parse_table_key(&f[0]).ok_or_else(|| input.error(format!("'{}' is not a table key", f[0])))?;
        Ok((TableKey(table, k), key_entry(input, table, f)?))
    };
    let mut entries: Vec<BucketEntry> = Vec::new();
    each_group(input, &[(KEY, 10)], entry, |&TableKey(table, k), members: &mut Vec<(BucketEntry, Seen)>| {
        members.sort_unstable_by_key(|m| m.0.record);
        if let Some(d) = members.windows(2).find(|d| d[0].0.record == d[1].0.record) {
            return Err(Error::Usage(format!(
                "{name}: ordinal {} twice in bucket {}",
                d[0].0.record,
                table_key(table, k)
            )));
        }
        entries.clear();
        entries.extend(members.iter().map(|m| m.0));
        let mut written = Ok(());
        keyed_bucket_pairs(table, k, &entries, p, |i, j| {
            if written.is_ok() && !refused_at_a_glance(&members[i].1.glance(), &members[j].1.glance(), p) {
                written = writeln!(w, "{}\t{CANDIDATE}\t{}", ordinal(entries[i].record), ordinal(entries[j].record));
            }
        });
        written.map_err(io)
    })
}

// ---------------------------------------------------------------- join

/// Step 6, over sign, candidate and copy lines grouped by ordinal (the
/// candidates and copies keyed by their first record, `a`): record `a`'s
/// signature shipped to each of its partners `b`, once per pair, keyed by
/// `b`. Memory holds one record's lines.
pub fn join<R: BufRead>(input: &mut LineInput<R>, w: &mut dyn Write) -> Result<(), Error> {
    enum Line {
        Sign(String),
        Partner(u64),
    }
    let line = |input: &LineInput<R>, which: usize, f: &[String]| {
        let a = parse_ordinal(input, &f[0])?;
        let line = match which {
            0 => Line::Sign(f[2].clone()),
            1 => {
                let b = parse_ordinal(input, &f[1])?;
                if a >= b {
                    return Err(input.error(format!("candidate {a} {b}: the first ordinal must be the smaller")));
                }
                Line::Partner(b)
            }
            _ => Line::Partner(copy_fields(input, &f[..3])?.1),
        };
        Ok((a, line))
    };
    let kinds = [(SIGN, 2), (CANDIDATE, 1), (COPY, 2)];
    let mut partners: Vec<u64> = Vec::new();
    each_group(input, &kinds, line, |&a, lines: &mut Vec<Line>| {
        let mut signature = None;
        partners.clear();
        for l in lines.iter() {
            match l {
                Line::Sign(s) if signature.is_none() => signature = Some(s),
                Line::Sign(_) => return Err(Error::Usage(format!("ordinal {a} signed twice"))),
                Line::Partner(b) => partners.push(*b),
            }
        }
        if partners.is_empty() {
            return Ok(());
        }
        let signature = signature.ok_or_else(|| {
            Error::Usage(format!("ordinal {a}: candidates but no sign line (merge the sign lines in with `sort -m`)"))
        })?;
        partners.sort_unstable();
        partners.dedup();
        let a = ordinal(a);
        for &b in &partners {
            writeln!(w, "{}\t{SHIPPED}\t{a}\t{signature}", ordinal(b)).map_err(io)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------- verify

/// Pairs verified a batch at a time (in parallel, as one run verifies):
/// about this many.
const VERIFY_BATCH: usize = 1 << 13;

/// Step 7, over sign and shipped lines grouped by ordinal (`b`): each pair
/// `(a, b)` whose first record was shipped to `b`, verified by the single
/// run's function, its verified pair line written (`e1`, in order of `b`
/// then `a`: sort them by key for `route`). Memory holds a batch of
/// records' pairs.
pub fn verify<R: BufRead>(input: &mut LineInput<R>, p: &Params, w: &mut dyn Write) -> Result<(), Error> {
    let line = |input: &LineInput<R>, which: usize, f: &[String]| {
        let b = parse_ordinal(input, &f[0])?;
        Ok(if which == 0 {
            (b, (None, sign_fields(input, f)?.2.sig))
        } else {
            let a = parse_ordinal(input, &f[1])?;
            if a >= b {
                return Err(input.error(format!("pair {a} {b}: the first ordinal must be the smaller")));
            }
            (b, (Some(a), signature_field(input, &f[2])?.sig))
        })
    };
    let mut batch = VerifyBatch::default();
    each_group(input, &[(SIGN, 2), (SHIPPED, 2)], line, |&b, lines: &mut Vec<(Option<u64>, Signature)>| {
        if lines.len() == 1 && lines[0].0.is_none() {
            return Ok(()); // a record without pairs
        }
        lines.sort_unstable_by_key(|l| l.0.map_or(u64::MAX, |a| a));
        if let Some(d) = lines.windows(2).find(|d| d[0].0 == d[1].0) {
            return Err(match d[0].0 {
                Some(a) => Error::Usage(format!("ordinal {a} shipped to {b} twice")),
                None => Error::Usage(format!("ordinal {b} signed twice")),
            });
        }
        if lines.last().is_some_and(|l| l.0.is_some()) {
            return Err(Error::Usage(format!(
                "ordinal {b}: shipped signatures but no sign line (merge the sign lines in with `sort -m`)"
            )));
        }
        // The partners in ordinal order, then b: local positions follow ordinals.
        let start = batch.sigs.len() as u32;
        let pairs = lines.len() as u32 - 1;
        for (a, sig) in lines.drain(..) {
            batch.ordinals.push(a.unwrap_or(b));
            batch.sigs.push(sig);
        }
        batch.pairs.extend((0..pairs).map(|i| (start + i, start + pairs)));
        if batch.pairs.len() >= VERIFY_BATCH {
            batch.verify(p, w)?;
        }
        Ok(())
    })?;
    batch.verify(p, w)
}

/// Records' signatures (with their ordinals) and the pairs between them.
#[derive(Default)]
struct VerifyBatch {
    ordinals: Vec<u64>,
    sigs: Vec<Signature>,
    pairs: Vec<(u32, u32)>,
}

impl VerifyBatch {
    /// Verify the batch, write its verified pairs, and empty it.
    fn verify(&mut self, p: &Params, w: &mut dyn Write) -> Result<(), Error> {
        let edges = crate::verify::verify(&self.sigs, &self.pairs, |&(a, b)| (a, b), p);
        for e in edges {
            let to32 =
                |i: u32| u32::try_from(self.ordinals[i as usize]).map_err(|_| Error::Usage("ordinal too large".into()));
            write_pair(&crate::verify::Edge { a: to32(e.a)?, b: to32(e.b)?, ..e }, w).map_err(io)?;
        }
        self.ordinals.clear();
        self.sigs.clear();
        self.pairs.clear();
        Ok(())
    }
}
