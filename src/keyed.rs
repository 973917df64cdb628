//! The `pairs` stage keyed, for a shuffle: no process holds every
//! signature or the whole candidate index while the candidates are
//! proposed. Each step reads sign lines of one shard or lines grouped by
//! one key, and the candidates it proposes are the single run's
//! ([`crate::pairs`]), because it applies the same functions to the same
//! entries and breaks ties by the same per-record [`order_key`].
//!
//! ```text
//! t1 group      GROUP (hex32 body + stub 0/1 + hex16 title)  t1  ORDER (hex16)  ORDINAL
//! x1 copy       ORDINAL (a copy)  x1  FIRST (the ordinal that stands for it)
//! b1 tally      TABLEKEY  b1  COUNT (records joining the bucket)
//! k1 key entry  TABLEKEY  k1  ORDINAL  ORDER (hex16)  MINHASH (hex16)  FINGERPRINT (hex16, or - outside the simhash table)
//! p1 candidate  ORDINAL_A  p1  ORDINAL_B (A < B)
//! ```
//!
//! A TABLEKEY is the table's letter and the key in hex, fixed width per
//! table: `f` and 16 digits (a simhash block), `a` and 8 (an anchor, a
//! 32-bit shingle hash), `u` and 16 (a canonical URL), so that a byte-wise
//! sort groups each bucket.
//!
//! 1. [`write_groups`] (per shard of sign lines): a `t1` line per record
//!    with a body, keyed by what makes exact copies ([`copy_group`]).
//! 2. [`copies`] (lines grouped by group): each copy's `x1` line, naming
//!    the copy that stands for it (the least order key, then ordinal).
//! 3. [`Tally`] (per shard, with all `x1` lines): how many of the shard's
//!    records join each bucket (`b1`), summed by key over the shards: the
//!    bucket caps need each bucket's size over the whole corpus.
//! 4. [`write_keys`] (per shard, with the `x1` lines and the summed
//!    tallies of large buckets): a `k1` line for each bucket a record
//!    joins: every small bucket, and its rarest large ones.
//! 5. [`buckets`] (lines grouped by table key): each bucket's candidate
//!    pairs (`p1`).
//! 6. `newsdedup verify` (global): the candidates and copies joined with
//!    the signatures, verified as one run verifies them.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use crate::config::Params;
use crate::error::Error;
use crate::pairs::{
    copy_group, joined_keys, keyed_bucket_pairs, minhash_for, order_key, record_keys, record_minhashes, BucketEntry,
    Table, BUCKET_ALL_PAIRS,
};
use crate::sign::Signature;
use crate::stages::{ordinal, parse, parse_ordinal, sign_fields, LineInput, SIGN};
use crate::verify::Edge;

/// Kind and version of each line format.
pub const GROUP: &str = "t1";
pub const COPY: &str = "x1";
pub const TALLY: &str = "b1";
pub const KEY: &str = "k1";
pub const CANDIDATE: &str = "p1";

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

/// Lines of one kind grouped by key (a byte-wise sort, as `LC_ALL=C sort`
/// leaves them): `parse` reads each line's key and fields as it comes (so
/// that an error names its line), `each` gets every group's key and parsed
/// lines. A key smaller than the one before is refused: the lines were not
/// grouped.
fn each_group<R: BufRead, K: PartialOrd + std::fmt::Display, T>(
    input: &mut LineInput<R>,
    kind: &str,
    fields: usize,
    mut parse: impl FnMut(&LineInput<R>, &[String]) -> Result<(K, T), Error>,
    mut each: impl FnMut(&K, &mut Vec<T>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut key: Option<K> = None;
    let mut held: Vec<T> = Vec::new();
    while let Some((_, f)) = input.next(kind, fields)? {
        let (k, t) = parse(input, &f)?;
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
/// (order key, ordinal) (see [`crate::pairs`]'s first copies).
pub fn copies<R: BufRead>(input: &mut LineInput<R>, w: &mut dyn Write) -> Result<(), Error> {
    let name = input.name().to_owned();
    let group = |input: &LineInput<R>, f: &[String]| {
        let body = &f[0];
        if body.len() != 49 || !body.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(input.error(format!("'{body}' is not a group key (49 hex digits)")));
        }
        Ok((body.clone(), (parse_hex(input, &f[1], "order key")?, parse_ordinal(input, &f[2])?)))
    };
    each_group(input, GROUP, 2, group, |_, members: &mut Vec<(u64, u64)>| {
        members.sort_unstable();
        if let Some(d) = members.windows(2).find(|d| d[0].1 == d[1].1) {
            return Err(Error::Usage(format!("{name}: ordinal {} grouped twice", d[0].1)));
        }
        let first = members[0].1;
        for &(_, o) in &members[1..] {
            writeln!(w, "{}\t{COPY}\t{}", ordinal(o), ordinal(first)).map_err(io)?;
        }
        Ok(())
    })
}

/// The copies of every body (`x1` lines): which records do not stand for
/// themselves, and the text pairs (each copy with its first).
#[derive(Debug, Default)]
pub struct Copies {
    /// (copy, first), sorted by copy.
    pairs: Vec<(u64, u64)>,
}

impl Copies {
    /// Read copy lines (any order); call [`Copies::done`] after the last input.
    pub fn read<R: BufRead>(&mut self, input: &mut LineInput<R>) -> Result<(), Error> {
        while let Some((_, f)) = input.next(COPY, 1)? {
            let (copy, first) = (parse_ordinal(input, &f[0])?, parse_ordinal(input, &f[1])?);
            if copy == first {
                return Err(input.error(format!("ordinal {copy} named as its own copy")));
            }
            self.pairs.push((copy, first));
        }
        Ok(())
    }

    /// Sorted, and checked that no record is a copy twice.
    pub fn done(mut self) -> Result<Copies, Error> {
        self.pairs.sort_unstable();
        if let Some(d) = self.pairs.windows(2).find(|d| d[0].0 == d[1].0) {
            return Err(Error::Usage(format!("ordinal {} has two copy lines", d[0].0)));
        }
        Ok(self)
    }

    fn stands_for_itself(&self, o: u64) -> bool {
        self.pairs.binary_search_by_key(&o, |p| p.0).is_err()
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
    pub fn large(mut self) -> Tallies {
        self.sizes.retain(|_, n| *n > BUCKET_ALL_PAIRS as u64);
        self
    }
}

// ---------------------------------------------------------------- keys

/// Step 4, per shard: a key entry line for every bucket each record joins
/// ([`joined_keys`]: its small buckets and its rarest large ones), with
/// what [`buckets`] orders and filters its members by.
pub fn write_keys<R: BufRead>(
    input: &mut LineInput<R>,
    copies: &Copies,
    large: &Tallies,
    p: &Params,
    w: &mut dyn Write,
) -> Result<(), Error> {
    each_sign(input, |o, s| {
        let keys = record_keys(s, copies.stands_for_itself(o), p);
        let joined = joined_keys(keys, |t, k| large.sizes.get(&(t, k)).copied());
        if joined.is_empty() {
            return Ok(());
        }
        let minhashes = record_minhashes(s);
        let order = order_key(s);
        for (t, k) in joined {
            let mh = minhash_for(&minhashes, k);
            let key = table_key(t, k);
            let o = ordinal(o);
            if t == Table::Simhash {
                writeln!(w, "{key}\t{KEY}\t{o}\t{order:016x}\t{mh:016x}\t{:016x}", s.fingerprint)
            } else {
                writeln!(w, "{key}\t{KEY}\t{o}\t{order:016x}\t{mh:016x}\t-")
            }
            .map_err(io)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------- buckets

/// Step 5, over key entry lines grouped by table key: each bucket's
/// candidate pairs, as the single run proposes them
/// ([`keyed_bucket_pairs`]). Memory holds one bucket.
pub fn buckets<R: BufRead>(input: &mut LineInput<R>, p: &Params, w: &mut dyn Write) -> Result<(), Error> {
    let name = input.name().to_owned();
    let entry = |input: &LineInput<R>, f: &[String]| {
        let (table, k) = parse_table_key(&f[0]).ok_or_else(|| input.error(format!("'{}' is not a table key", f[0])))?;
        let fingerprint = match (table, f[4].as_str()) {
            (Table::Simhash, fp) => parse_hex(input, fp, "fingerprint")?,
            (_, "-") => 0,
            (_, other) => return Err(input.error(format!("'{other}': only simhash entries carry a fingerprint"))),
        };
        let e = BucketEntry {
            record: parse_ordinal(input, &f[1])?,
            order: parse_hex(input, &f[2], "order key")?,
            minhash: parse_hex(input, &f[3], "min-hash")?,
            fingerprint,
        };
        Ok((TableKey(table, k), e))
    };
    each_group(input, KEY, 4, entry, |&TableKey(table, k), entries: &mut Vec<BucketEntry>| {
        entries.sort_unstable();
        if let Some(d) = entries.windows(2).find(|d| d[0].record == d[1].record) {
            return Err(Error::Usage(format!(
                "{name}: ordinal {} twice in bucket {}",
                d[0].record,
                table_key(table, k)
            )));
        }
        let mut written = Ok(());
        keyed_bucket_pairs(table, k, entries, p, |a, b| {
            if written.is_ok() {
                written = writeln!(w, "{}\t{CANDIDATE}\t{}", ordinal(a), ordinal(b));
            }
        });
        written.map_err(io)
    })
}

// ---------------------------------------------------------------- verify

/// What `newsdedup verify` reads: sign lines, copy lines and candidate
/// lines, in any order and mix.
#[derive(Debug, Default)]
pub struct VerifyInput {
    pub signs: Vec<Option<(String, crate::sign::SignatureRecord)>>,
    pub pairs: Vec<(u32, u32)>,
}

impl VerifyInput {
    pub fn read<R: BufRead>(&mut self, input: &mut LineInput<R>) -> Result<(), Error> {
        let kinds = [(SIGN, 2), (COPY, 1), (CANDIDATE, 1)];
        while let Some((which, _, f)) = input.next_of(&kinds)? {
            if which == 0 {
                let (o, id, r) = sign_fields(input, &f)?;
                let o = o as usize;
                if self.signs.len() <= o {
                    self.signs.resize(o + 1, None);
                }
                if self.signs[o].is_some() {
                    return Err(input.error(format!("ordinal {o} signed twice")));
                }
                self.signs[o] = Some((id, r));
                continue;
            }
            let (x, y) = (parse_ordinal(input, &f[0])?, parse_ordinal(input, &f[1])?);
            if which == 2 && x >= y {
                return Err(input.error(format!("candidate {x} {y}: the first ordinal must be the smaller")));
            }
            if x == y {
                return Err(input.error(format!("ordinal {x} paired with itself")));
            }
            let to32 = |o: u64| u32::try_from(o).map_err(|_| input.error("ordinal too large"));
            self.pairs.push((to32(x.min(y))?, to32(x.max(y))?));
        }
        Ok(())
    }

    /// The verified pairs, in the single run's order. Every candidate must
    /// name signed records.
    pub fn verify(self, p: &Params) -> Result<Vec<Edge>, Error> {
        let (_, sigs) = crate::stages::complete(self.signs)?;
        let mut pairs = self.pairs;
        use rayon::prelude::*;
        pairs.par_sort_unstable();
        pairs.dedup();
        if let Some(&(a, b)) = pairs.iter().find(|&&(_, b)| b as usize >= sigs.len()) {
            return Err(Error::Usage(format!("candidate {a} {b}: no sign line for ordinal {b}")));
        }
        Ok(crate::verify::verify(&sigs, &pairs, |&(a, b)| (a, b), p))
    }
}
