//! Stages that run apart (`newsdedup count`, `sign`, `pairs` or its keyed
//! steps in [`crate::keyed`], `components`, `route`, `cluster`, `apply`,
//! `gather`, `merge`): the same library functions as a single
//! run, composed over plain text lines that a shuffle (GNU `sort`, Spark)
//! can group, so that any split of the input into shards gives the bytes one
//! run gives.
//!
//! Every line is TSV: its first field is the shuffle key (fixed width, so a
//! byte-wise sort groups and orders it), its second the line's kind and
//! version (`c2`, `s3`, `e1`, `g1`, `v2`, `w1`, `l1`, `m2`, `f2`); a line of another kind or
//! version is refused with its file and line. Ordinals (a record's position
//! in the single run's input order) are 20 zero-padded decimal digits.
//!
//! ```text
//! c2 count   KEY=outlet hex16 + line hex16 (or `#records`, `#array`, `#csv` HEADER)  c2  COUNT
//! s3 sign    ORDINAL  s3  ID (JSON string)  SIGNATURE (base64 of SignatureRecord::encode, no padding)
//! e1 pair    ORDINAL_A  e1  ORDINAL_B  REASON  SHARED  JACCARD  CONTAINMENT  HAMMING
//! g1 comp.   ORDINAL  g1  COMPONENT (its smallest ordinal)
//! v2 routed  COMPONENT  v2  ORDINAL  ID  SIGNATURE         (an s3 line keyed by component)
//! w1 routed  COMPONENT  w1  ORDINAL_A  ORDINAL_B  REASON ... (an e1 line keyed by component)
//! l1 link    ORDINAL  l1  CANONICAL_ORDINAL
//! m2 member  CANONICAL_ORDINAL  m2  ORDINAL  ARTICLE (JSON object; with -f filter, the canonical's input shape)
//! f2 piece   KEY  f2  FORMAT  TEXT (JSON string: one item of the output, see [`pieces`])
//! ```
//!
//! A piece is one item of the output as the writer lays items out
//! ([`crate::writer::Framing`]), keyed by the ordinal of where it goes:
//! `jsonl`, `json`, `text`: a cluster, keyed by its first member; `filter`,
//! `ids`: a kept record, keyed by its cluster's canonical (kept records come
//! in input order); `tsv`: one line per record, keyed by the record, so a
//! cluster's lines go where its members are. `merge` writes the format's head
//! (`tsv`'s header line, filter CSV's header row) and the framing around them.
//!
//! `-f filter` writes CSV, a JSON array or JSON Lines as every record's input
//! shape decides ([`Shapes`]): `count` tallies its shard's shapes in count
//! lines beside its number of records (`#array`: elements of a JSON array;
//! `#csv` with the header as JSON: CSV rows under that header), summed with
//! the line counts, and `apply`, `gather` and `merge` read the kind from the
//! summed counts.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::apply::Cluster;
use crate::boilerplate::{Boilerplate, LineCounts};
use crate::config::Params;
use crate::dates::AsOf;
use crate::error::Error;
use crate::record::{Article, CsvHeader, Origin, Prior, Shape};
use crate::sign::{Bytes, Signature, SignatureRecord};
use crate::verify::{Edge, Reason, Similarity};
use crate::writer::filter::{Kind, Shapes};
use crate::writer::{Framed, Output, OutputFormat};

/// Kind and version of each line format.
pub const COUNT: &str = "c2";
pub const SIGN: &str = "s3";
pub const PAIR: &str = "e1";
pub const LINK: &str = "l1";
pub const MEMBER: &str = "m2";
pub const PIECE: &str = "f2";
pub const COMPONENT: &str = "g1";
pub const ROUTED_SIGN: &str = "v2";
pub const ROUTED_PAIR: &str = "w1";

/// The key of the count line that holds a shard's number of records.
pub const RECORDS_KEY: &str = "#records";
/// The key of the count line that holds a shard's number of JSON array elements.
pub const ARRAY_KEY: &str = "#array";
/// The start of the key of a count line that holds a shard's number of CSV
/// rows under one header: the header as JSON follows ([`header_json`]).
pub const CSV_KEY: &str = "#csv";

/// A 20-digit ordinal, the fixed-width key of most lines.
pub fn ordinal(o: u64) -> String {
    format!("{o:020}")
}

/// A line that is not what a stage reads: `FILE:LINE: why`.
fn bad(file: &str, line: u64, why: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{file}:{line}: {why}"))
}

/// Reads stage lines from one input, checking each line's kind and version.
pub struct LineInput<R> {
    reader: R,
    name: String,
    number: u64,
    buf: String,
}

impl<R: BufRead> LineInput<R> {
    pub fn new(reader: R, name: &str) -> LineInput<R> {
        LineInput { reader, name: name.to_owned(), number: 0, buf: String::new() }
    }

    /// The next line's fields after the key check: `Ok(None)` at the end.
    /// Fields: the key, then the fields after the kind. `want` is the kind
    /// and version, `fields` how many fields follow it.
    pub fn next(&mut self, want: &str, fields: usize) -> Result<Option<(u64, Vec<String>)>, Error> {
        Ok(self.next_of(&[(want, fields)])?.map(|(_, number, f)| (number, f)))
    }

    /// [`LineInput::next`] for an input that mixes kinds: `kinds` lists each
    /// kind and version with its number of fields; the line's place in
    /// `kinds` comes first in the answer.
    pub fn next_of(&mut self, kinds: &[(&str, usize)]) -> Result<Option<(usize, u64, Vec<String>)>, Error> {
        loop {
            self.buf.clear();
            let n = self.reader.read_line(&mut self.buf).map_err(|e| Error::io(&self.name, e))?;
            if n == 0 {
                return Ok(None);
            }
            self.number += 1;
            let line = self.buf.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split('\t');
            let key = parts.next().unwrap_or_default().to_owned();
            let kind = parts.next().unwrap_or_default();
            let Some(which) = kinds.iter().position(|(k, _)| *k == kind) else {
                let want: Vec<String> = kinds.iter().map(|(k, _)| format!("'{k}'")).collect();
                return Err(bad(
                    &self.name,
                    self.number,
                    format!(
                        "a line of format '{}', not {} (another stage, or another version of newsdedup?)",
                        kind,
                        want.join(" or ")
                    ),
                ));
            };
            let fields = kinds[which].1;
            let mut out = vec![key];
            out.extend(parts.map(str::to_owned));
            if out.len() != fields + 1 {
                return Err(bad(&self.name, self.number, format!("{} fields, not {}", out.len() + 1, fields + 2)));
            }
            return Ok(Some((which, self.number, out)));
        }
    }
}

impl<R> LineInput<R> {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// An error about the last line read.
    pub fn error(&self, why: impl std::fmt::Display) -> Error {
        bad(&self.name, self.number, why)
    }
}

pub(crate) fn parse_ordinal<R>(input: &LineInput<R>, s: &str) -> Result<u64, Error> {
    if s.len() != 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(input.error(format!("'{s}' is not a 20-digit ordinal")));
    }
    s.parse().map_err(|_| input.error(format!("'{s}' is not an ordinal")))
}

pub(crate) fn parse<T: std::str::FromStr, R>(input: &LineInput<R>, s: &str, what: &str) -> Result<T, Error> {
    s.parse().map_err(|_| input.error(format!("'{s}' is not a {what}")))
}

// ---------------------------------------------------------------- count

/// Write a shard's line counts: its number of records and of the shapes
/// that decide filter output ([`Shapes`]: JSON array elements, CSV rows per
/// header; none written when there are none), then one line per (outlet,
/// line) with the number of its records that hold it, sorted.
pub fn write_counts(counts: &LineCounts, shapes: &Shapes, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "{RECORDS_KEY}\t{COUNT}\t{}", shapes.records)?;
    if shapes.array > 0 {
        writeln!(w, "{ARRAY_KEY}\t{COUNT}\t{}", shapes.array)?;
    }
    for (header, n) in &shapes.csv {
        writeln!(w, "{CSV_KEY}{}\t{COUNT}\t{n}", header_json(header))?;
    }
    let mut all: Vec<((u64, u64), u32)> = counts.iter().collect();
    all.sort_unstable();
    for ((outlet, line), n) in all {
        writeln!(w, "{outlet:016x}{line:016x}\t{COUNT}\t{n}")?;
    }
    Ok(())
}

/// Sum count lines (of any number of shards, in any order) into `shapes`
/// and, when given, `counts` (without, the line counts are checked only).
pub fn read_counts<R: BufRead>(
    input: &mut LineInput<R>,
    shapes: &mut Shapes,
    mut counts: Option<&mut LineCounts>,
) -> Result<(), Error> {
    while let Some((_, f)) = input.next(COUNT, 1)? {
        let n: u64 = parse(input, &f[1], "count")?;
        let key = &f[0];
        if key == RECORDS_KEY {
            shapes.records += n;
            continue;
        }
        if key == ARRAY_KEY {
            shapes.array += n;
            continue;
        }
        if let Some(header) = key.strip_prefix(CSV_KEY) {
            let header = serde_json::from_str(header)
                .ok()
                .and_then(header_from_json)
                .ok_or_else(|| input.error(format!("'{header}' is not a CSV header")))?;
            shapes.add_csv(&Arc::new(header), n);
            continue;
        }
        if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(input.error(format!("'{key}' is not an outlet and line key")));
        }
        let outlet = u64::from_str_radix(&key[..16], 16).map_err(|_| input.error("bad outlet"))?;
        let line = u64::from_str_radix(&key[16..], 16).map_err(|_| input.error("bad line"))?;
        let n = n.try_into().map_err(|_| input.error("count too large"))?;
        if let Some(counts) = counts.as_deref_mut() {
            counts.add_count(outlet, line, n);
        }
    }
    Ok(())
}

/// A CSV header as JSON: its column names, its provenance column's name and
/// that column's place when the header has it.
pub fn header_json(h: &CsvHeader) -> Value {
    serde_json::json!({"names": h.names, "provenance": h.provenance, "present": h.present})
}

/// The header [`header_json`] wrote.
fn header_from_json(v: Value) -> Option<CsvHeader> {
    let Value::Object(mut m) = v else { return None };
    let names = match m.remove("names")? {
        Value::Array(a) => a.into_iter().map(|n| n.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    let provenance = m.remove("provenance")?.as_str()?.to_owned();
    let present = match m.remove("present")? {
        Value::Null => None,
        n => Some(usize::try_from(n.as_u64()?).ok()?),
    };
    Some(CsvHeader { names, provenance, present })
}

// ---------------------------------------------------------------- sign

/// Signature records travel in standard base64 without padding.
const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;

/// Write one sign line: the record's ordinal, id and signature record (the
/// bytes an archive index stores for it, [`SignatureRecord::encode`], in base64).
pub fn write_sign(o: u64, id: &str, r: &SignatureRecord, w: &mut dyn Write) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(r.encoded_len());
    r.encode(&mut bytes);
    writeln!(w, "{}\t{SIGN}\t{}\t{}", ordinal(o), Value::from(id), base64_of(&bytes))
}

/// The ordinal, id and signature of a sign line's fields (`ORDINAL ID SIGNATURE`).
pub(crate) fn sign_fields<R>(input: &LineInput<R>, f: &[String]) -> Result<(u64, String, SignatureRecord), Error> {
    let o = parse_ordinal(input, &f[0])?;
    let id: String = serde_json::from_str(&f[1]).map_err(|_| input.error("the id is not a JSON string"))?;
    Ok((o, id, signature_field(input, &f[2])?))
}

/// A SIGNATURE field: base64 of [`SignatureRecord::encode`].
pub(crate) fn signature_field<R>(input: &LineInput<R>, field: &str) -> Result<SignatureRecord, Error> {
    let bytes =
        base64::Engine::decode(&BASE64, field).map_err(|e| input.error(format!("the signature is not base64: {e}")))?;
    let mut b = Bytes { rest: &bytes };
    let r = SignatureRecord::decode(&mut b).map_err(|e| input.error(format!("signature: {e}")))?;
    if !b.rest.is_empty() {
        return Err(input.error("signature: bytes after its end"));
    }
    Ok(r)
}

/// Bytes in base64 as the line formats write them (standard alphabet, no padding).
pub(crate) fn base64_of(bytes: &[u8]) -> String {
    base64::Engine::encode(&BASE64, bytes)
}

/// Base64 (standard alphabet, no padding) read back.
pub(crate) fn bytes_of_base64<R>(input: &LineInput<R>, field: &str, what: &str) -> Result<Vec<u8>, Error> {
    base64::Engine::decode(&BASE64, field).map_err(|e| input.error(format!("the {what} is not base64: {e}")))
}

/// Read sign lines (any order) into signatures by ordinal; every ordinal
/// from 0 to the number of records must be present once.
pub fn read_signs<R: BufRead>(
    input: &mut LineInput<R>,
    into: &mut Vec<Option<(String, SignatureRecord)>>,
) -> Result<(), Error> {
    while let Some((_, f)) = input.next(SIGN, 2)? {
        let (o, id, r) = sign_fields(input, &f)?;
        let o = o as usize;
        if into.len() <= o {
            into.resize(o + 1, None);
        }
        if into[o].is_some() {
            return Err(input.error(format!("ordinal {o} signed twice")));
        }
        into[o] = Some((id, r));
    }
    Ok(())
}

/// The signatures of every record, by ordinal; an error names the first
/// ordinal missing.
pub fn complete(signs: Vec<Option<(String, SignatureRecord)>>) -> Result<(Vec<String>, Vec<Signature>), Error> {
    let mut ids = Vec::with_capacity(signs.len());
    let mut sigs = Vec::with_capacity(signs.len());
    for (o, s) in signs.into_iter().enumerate() {
        let (id, r) =
            s.ok_or_else(|| Error::Usage(format!("no sign line for ordinal {o}: a shard is missing or misnumbered")))?;
        ids.push(id);
        sigs.push(r.sig);
    }
    Ok((ids, sigs))
}

// ---------------------------------------------------------------- pairs

fn reason_name(r: Reason) -> &'static str {
    match r {
        Reason::SameUrl => "url",
        Reason::SameText => "text",
        Reason::Jaccard => "jaccard",
        Reason::Containment => "containment",
    }
}

/// Write one verified pair with its figures (floats in Rust's shortest
/// form that reads back to the same value).
pub fn write_pair(e: &Edge, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "{}\t{PAIR}\t{}\t{}\t{}\t{:?}\t{:?}\t{}",
        ordinal(e.a as u64),
        ordinal(e.b as u64),
        reason_name(e.reason),
        e.sim.shared,
        e.sim.jaccard,
        e.sim.containment,
        e.sim.hamming
    )
}

/// Read verified pairs (any order) into `edges`.
pub fn read_pairs<R: BufRead>(input: &mut LineInput<R>, edges: &mut Vec<Edge>) -> Result<(), Error> {
    while let Some((_, f)) = input.next(PAIR, 6)? {
        edges.push(pair_fields(input, &f)?);
    }
    Ok(())
}

/// The verified pair of a pair line's fields (`A B REASON SHARED JACCARD
/// CONTAINMENT HAMMING`).
fn pair_fields<R>(input: &LineInput<R>, f: &[String]) -> Result<Edge, Error> {
    let a = parse_ordinal(input, &f[0])?;
    let b = parse_ordinal(input, &f[1])?;
    if a >= b {
        return Err(input.error(format!("pair {a} {b}: the first ordinal must be the smaller")));
    }
    let reason = match f[2].as_str() {
        "url" => Reason::SameUrl,
        "text" => Reason::SameText,
        "jaccard" => Reason::Jaccard,
        "containment" => Reason::Containment,
        r => return Err(input.error(format!("'{r}' is not a reason"))),
    };
    let sim = Similarity {
        shared: parse(input, &f[3], "count")?,
        jaccard: parse(input, &f[4], "number")?,
        containment: parse(input, &f[5], "number")?,
        hamming: parse(input, &f[6], "count")?,
    };
    let to32 = |x: u64| u32::try_from(x).map_err(|_| input.error("ordinal too large"));
    Ok(Edge { a: to32(a)?, b: to32(b)?, reason, sim })
}

/// Verified pairs in the single run's order (by `a`, then `b`).
pub fn sort_pairs(edges: &mut [Edge]) {
    edges.sort_unstable_by_key(|e| (e.a, e.b));
}

// ---------------------------------------------------------------- cluster

/// Read link lines into `member -> canonical`.
pub fn read_links<R: BufRead>(input: &mut LineInput<R>, links: &mut HashMap<u64, u64>) -> Result<(), Error> {
    while let Some((_, f)) = input.next(LINK, 1)? {
        let m = parse_ordinal(input, &f[0])?;
        let c = parse_ordinal(input, &f[1])?;
        if links.insert(m, c).is_some() {
            return Err(input.error(format!("ordinal {m} linked twice")));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- components

/// The connected components of the graph of verified pairs `(a, b)`: every
/// record in a pair with its component, named by the component's smallest
/// ordinal, in ordinal order. Records in no pair are in no component.
pub fn components(pairs: &[(u64, u64)]) -> Vec<(u64, u64)> {
    use crate::cluster::root;
    let mut nodes: Vec<u64> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let at = |o: u64| nodes.binary_search(&o).expect("every end is a node") as u32;
    let mut parent: Vec<u32> = (0..nodes.len() as u32).collect();
    for &(a, b) in pairs {
        let (ra, rb) = (root(&mut parent, at(a)), root(&mut parent, at(b)));
        // The smaller root stays the root, so a component's root is its
        // smallest node, and nodes are in ordinal order.
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    (0..nodes.len() as u32).map(|i| (nodes[i as usize], nodes[root(&mut parent, i) as usize])).collect()
}

/// Read pair lines (any order) as `(a, b)` ordinals.
pub fn read_pair_ends<R: BufRead>(input: &mut LineInput<R>, pairs: &mut Vec<(u64, u64)>) -> Result<(), Error> {
    while let Some((_, f)) = input.next(PAIR, 6)? {
        let e = pair_fields(input, &f)?;
        pairs.push((e.a as u64, e.b as u64));
    }
    Ok(())
}

/// Write component lines: each record of [`components`] with its component.
pub fn write_components(members: &[(u64, u64)], w: &mut dyn Write) -> io::Result<()> {
    for &(o, c) in members {
        writeln!(w, "{}\t{COMPONENT}\t{}", ordinal(o), ordinal(c))?;
    }
    Ok(())
}

/// The `route` stage: one stream of component, sign and pair lines sorted
/// by their key, the ordinal (`sort -m` of the sorted files: the lines of
/// one ordinal together, ordinals in order) -> the sign line of every record
/// in a component and every pair, keyed by the component instead
/// (`v2`, `w1`), so that a sort by key brings each component together for
/// [`cluster_components`]. Records in no component (in no verified pair)
/// are singletons: their sign lines are dropped. Memory holds one ordinal's
/// lines.
pub fn route<R: BufRead>(input: &mut LineInput<R>, w: &mut dyn Write) -> Result<(), Error> {
    let kinds = [(COMPONENT, 1), (SIGN, 2), (PAIR, 6)];
    let io = |e| Error::io("stdout", e);
    let mut key: Option<u64> = None;
    let mut held: Vec<(usize, Vec<String>)> = Vec::new();
    let flush = |key: u64, held: &mut Vec<(usize, Vec<String>)>, w: &mut dyn Write| -> Result<(), Error> {
        let mut component = None;
        for (which, f) in held.iter() {
            if *which == 0 {
                if component.is_some() {
                    return Err(Error::Usage(format!("ordinal {key}: two component lines")));
                }
                component = Some(&f[1]);
            }
        }
        for (which, f) in held.iter() {
            match (which, component) {
                (0, _) => {}
                (1, Some(c)) => writeln!(w, "{c}\t{ROUTED_SIGN}\t{}", f.join("\t")).map_err(io)?,
                (1, None) => {} // a singleton
                (_, Some(c)) => writeln!(w, "{c}\t{ROUTED_PAIR}\t{}", f.join("\t")).map_err(io)?,
                (_, None) => {
                    return Err(Error::Usage(format!(
                        "pair {key} {}: no component line for ordinal {key} (run `newsdedup components` over the same pairs)",
                        f[1].trim_start_matches('0')
                    )))
                }
            }
        }
        held.clear();
        Ok(())
    };
    while let Some((which, _, f)) = input.next_of(&kinds)? {
        let o = parse_ordinal(input, &f[0])?;
        if which == 0 {
            parse_ordinal(input, &f[1])?;
        }
        match key {
            Some(k) if k == o => {}
            Some(k) if k > o => {
                return Err(input.error(format!(
                "ordinal {o} after {k}: the lines are not sorted by key (merge sorted files with `LC_ALL=C sort -m`)"
            )))
            }
            Some(k) => {
                flush(k, &mut held, w)?;
                key = Some(o);
            }
            None => key = Some(o),
        }
        held.push((which, f));
    }
    if let Some(k) = key {
        flush(k, &mut held, w)?;
    }
    Ok(())
}

/// Records a batch of [`cluster_components`] gathers before it clusters
/// them: whole components only, so a batch holds more when one component is
/// larger. At 100k generated records, 8,192 takes 40 MB where 65,536 took
/// 277 MB, and runs faster (smaller sorts, the batch in cache).
const COMPONENT_BATCH: usize = 1 << 13;

/// The `cluster` stage over routed lines ([`route`]) sorted by key, the
/// component: the components are clustered a batch at a time, each batch
/// (whole components) by the same functions as a single run
/// ([`crate::clusters_of`]), and each member of a multi-member cluster is
/// written with its canonical (`l1`, in ordinal order within a batch).
///
/// Every rule of the cluster stage (hubs, excerpts, complete linkage, the
/// canonical choice) compares only records joined by a path of verified
/// pairs, and breaks ties by content rank, whose order within a component
/// is the order over the whole corpus; so a component clustered alone, or
/// beside any other components, clusters as in the single run. Memory holds
/// one batch: the largest component, not the corpus, must fit.
pub fn cluster_components<R: BufRead>(
    input: &mut LineInput<R>,
    p: &Params,
    rule: crate::config::CanonicalRule,
    w: &mut dyn Write,
) -> Result<(), Error> {
    let kinds = [(ROUTED_SIGN, 3), (ROUTED_PAIR, 7)];
    let mut batch = Batch::default();
    let mut key: Option<u64> = None;
    while let Some((which, _, f)) = input.next_of(&kinds)? {
        let c = parse_ordinal(input, &f[0])?;
        match key {
            Some(k) if k == c => {}
            Some(k) if k > c => {
                return Err(input.error(format!(
                    "component {c} after {k}: the routed lines are not sorted by key (sort them with `LC_ALL=C sort`)"
                )))
            }
            _ => {
                if batch.sigs.len() >= COMPONENT_BATCH {
                    batch.cluster(p, rule, w)?;
                }
                key = Some(c);
            }
        }
        if which == 0 {
            let (o, _, r) = sign_fields(input, &f[1..])?;
            batch.sigs.push((o, r.sig));
        } else {
            let e = pair_fields(input, &f[1..])?;
            batch.edges.push(e);
        }
    }
    batch.cluster(p, rule, w)
}

/// Whole components' signatures (by ordinal) and verified pairs.
#[derive(Default)]
struct Batch {
    sigs: Vec<(u64, Signature)>,
    edges: Vec<Edge>,
}

impl Batch {
    /// Cluster the batch, write its links, and empty it.
    fn cluster(&mut self, p: &Params, rule: crate::config::CanonicalRule, w: &mut dyn Write) -> Result<(), Error> {
        if self.sigs.is_empty() && self.edges.is_empty() {
            return Ok(());
        }
        self.sigs.sort_unstable_by_key(|(o, _)| *o);
        if let Some(d) = self.sigs.windows(2).find(|d| d[0].0 == d[1].0) {
            return Err(Error::Usage(format!("ordinal {} signed twice", d[0].0)));
        }
        let ords: Vec<u64> = self.sigs.iter().map(|(o, _)| *o).collect();
        let at = |o: u32| {
            ords.binary_search(&(o as u64))
                .map(|i| i as u32)
                .map_err(|_| Error::Usage(format!("ordinal {o}: a pair of the component has no routed sign line")))
        };
        let mut edges = Vec::with_capacity(self.edges.len());
        for e in &self.edges {
            edges.push(Edge { a: at(e.a)?, b: at(e.b)?, ..*e });
        }
        sort_pairs(&mut edges);
        let sigs: Vec<Signature> = std::mem::take(&mut self.sigs).into_iter().map(|(_, s)| s).collect();
        self.edges.clear();
        let ranks = crate::pairs::content_ranks(&sigs);
        let (_, _, clusters) = crate::clusters_of(&sigs, &ranks, &edges, p, rule, &mut |_, _| {});
        let mut links: Vec<(u64, u64)> = clusters
            .iter()
            .filter(|c| c.members.len() > 1)
            .flat_map(|c| c.members.iter().map(|&m| (ords[m as usize], ords[c.canonical as usize])))
            .collect();
        links.sort_unstable();
        for (m, c) in links {
            writeln!(w, "{}\t{LINK}\t{}", ordinal(m), ordinal(c)).map_err(|e| Error::io("stdout", e))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- apply

/// An article as one JSON object (every field, its origin and prior
/// findings, and its input shape when `with_shape`), read back by
/// [`article_from_json`]. An error reading a spooled body back is returned.
pub fn article_json(a: &Article, with_shape: bool) -> io::Result<Value> {
    let body = a.body.text()?;
    Ok(serde_json::json!({
        "id": a.id,
        "source": a.source,
        "title": a.title,
        "date": a.date,
        "url": a.url,
        "categories": a.categories,
        "body": &*body,
        "extra": Value::Object(a.extra.clone()),
        "prior": a.prior.as_ref().map(|p| serde_json::json!({"duplicates": p.duplicates, "sources": p.sources})),
        "file": &*a.origin.file,
        "line": a.origin.line,
        "shape": a.shape.as_deref().filter(|_| with_shape).map(shape_json),
    }))
}

/// A record's input shape as JSON: `{"json": RAW, "array", "provenance",
/// "present"}` or `{"csv": CELLS, "header": HEADER}` ([`header_json`]).
fn shape_json(shape: &Shape) -> Value {
    match shape {
        Shape::Json { raw, array, provenance, present } => {
            serde_json::json!({"json": &**raw, "array": array, "provenance": &**provenance, "present": present})
        }
        Shape::Csv { header, cells } => {
            let cells: Vec<&str> = cells.iter().map(|c| &**c).collect();
            serde_json::json!({"csv": cells, "header": header_json(header)})
        }
    }
}

/// The shape [`shape_json`] wrote.
fn shape_from_json(v: Value) -> Option<Shape> {
    let Value::Object(mut m) = v else { return None };
    if let Some(raw) = m.remove("json") {
        return Some(Shape::Json {
            raw: raw.as_str()?.into(),
            array: m.remove("array")?.as_bool()?,
            provenance: m.remove("provenance")?.as_str()?.into(),
            present: m.remove("present")?.as_bool()?,
        });
    }
    let Value::Array(cells) = m.remove("csv")? else { return None };
    let cells = cells.into_iter().map(|c| c.as_str().map(Box::from)).collect::<Option<Box<[Box<str>]>>>()?;
    let header = header_from_json(m.remove("header")?)?;
    Some(Shape::Csv { header: Arc::new(header), cells })
}

/// The article [`article_json`] wrote.
pub fn article_from_json(v: Value) -> Option<Article> {
    let Value::Object(mut m) = v else { return None };
    let mut take = |k: &str| m.remove(k).unwrap_or(Value::Null);
    let string = |v: Value| match v {
        Value::String(s) => Some(s),
        _ => None,
    };
    let strings = |v: Value| -> Option<Vec<String>> {
        match v {
            Value::Array(a) => a.into_iter().map(string).collect(),
            _ => None,
        }
    };
    let opt = |v: Value| match v {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s)),
        _ => None,
    };
    let id = string(take("id"))?;
    let source = string(take("source"))?;
    let title = string(take("title"))?;
    let date = opt(take("date"))?;
    let url = opt(take("url"))?;
    let categories = strings(take("categories"))?;
    let body = string(take("body"))?;
    let Value::Object(extra) = take("extra") else { return None };
    let prior = match take("prior") {
        Value::Null => None,
        Value::Object(mut p) => {
            let Value::Array(duplicates) = p.remove("duplicates")? else { return None };
            let sources = strings(p.remove("sources")?)?;
            Some(Box::new(Prior { duplicates, sources }))
        }
        _ => return None,
    };
    let file = string(take("file"))?;
    let line = take("line").as_u64()?;
    let shape = match take("shape") {
        Value::Null => None,
        v => Some(Box::new(shape_from_json(v)?)),
    };
    Some(Article {
        id,
        source,
        title,
        date,
        url,
        categories,
        body: body.into(),
        extra: Map::from_iter(extra),
        prior,
        shape,
        origin: Origin { file: file.into(), line },
    })
}

/// An output format as the stages make it: with `-f filter`, the kind of
/// output that every record's input shape decides (read from the summed
/// count lines, [`read_counts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Format {
    pub format: OutputFormat,
    /// The filter output's kind ([`Shapes::kind`]); JSON Lines, unused, for
    /// the other formats.
    pub filter: Kind,
}

impl Format {
    /// `format`, made over the records `shapes` tallies; `-f filter` needs
    /// them (a usage error without).
    pub fn new(format: OutputFormat, shapes: Option<&Shapes>) -> Result<Format, Error> {
        if format != OutputFormat::Filter {
            return Ok(Format { format, filter: Kind::JsonLines });
        }
        let shapes = shapes.ok_or_else(|| {
            Error::Usage(
                "-f filter needs --counts (the summed count lines: its output's shape depends on every record's)"
                    .into(),
            )
        })?;
        Ok(Format { format, filter: shapes.kind() })
    }
}

/// The pieces of one cluster's output (`articles` its members in input
/// order, `ords` their ordinals, `canonical` one of them, `sigs` theirs):
/// each an item of the output as the writer writes it, keyed by where it
/// goes (see the module's documentation).
pub fn pieces(
    format: &Format,
    articles: &[Article],
    ords: &[u64],
    sigs: &[Signature],
    canonical: u32,
    as_of: Option<AsOf>,
) -> io::Result<Vec<(u64, String)>> {
    use crate::writer::{filter, ids, text};
    let clusters = [Cluster { canonical, members: (0..articles.len() as u32).collect() }];
    let (out, c) = (Output { articles, sigs, clusters: &clusters, as_of }, &clusters[0]);
    let (first, kept) = (ords[0], ords[canonical as usize]);
    Ok(match format.format {
        OutputFormat::Jsonl | OutputFormat::Json => vec![(first, serde_json::to_string(&out.json(c))?)],
        OutputFormat::Text => {
            let mut w = Vec::new();
            text::write_cluster(&out, c, &mut w)?;
            vec![(first, String::from_utf8(w).expect("the writer writes UTF-8"))]
        }
        OutputFormat::Filter => vec![(kept, filter::kept_text(&out, c, &format.filter)?)],
        OutputFormat::Ids => vec![(kept, ids::kept_id(&out, c).into_owned())],
        OutputFormat::Tsv => c.members.iter().map(|&m| (ords[m as usize], ids::tsv_row(&out, m, canonical))).collect(),
    })
}

pub fn format_name(f: OutputFormat) -> &'static str {
    match f {
        OutputFormat::Jsonl => "jsonl",
        OutputFormat::Json => "json",
        OutputFormat::Text => "text",
        OutputFormat::Filter => "filter",
        OutputFormat::Ids => "ids",
        OutputFormat::Tsv => "tsv",
    }
}

/// Write piece lines.
fn write_pieces(pieces: Vec<(u64, String)>, format: OutputFormat, w: &mut dyn Write) -> io::Result<()> {
    for (key, text) in pieces {
        writeln!(w, "{}\t{PIECE}\t{}\t{}", ordinal(key), format_name(format), Value::from(text))?;
    }
    Ok(())
}

/// The `apply` stage over one shard whose first record has ordinal `base`:
/// a record in no multi-member cluster makes its own pieces; every other
/// record goes, whole, to its canonical's key, where [`gather`] writes its
/// cluster's pieces. With `-f filter`, a canonical's member line carries
/// its input shape.
pub fn apply_shard(
    articles: &[Article],
    base: u64,
    links: &HashMap<u64, u64>,
    format: &Format,
    as_of: Option<AsOf>,
    w: &mut dyn Write,
) -> io::Result<()> {
    let shapes = format.format == OutputFormat::Filter;
    for (i, a) in articles.iter().enumerate() {
        let o = base + i as u64;
        match links.get(&o) {
            Some(&c) => {
                writeln!(w, "{}\t{MEMBER}\t{}\t{}", ordinal(c), ordinal(o), article_json(a, shapes && c == o)?)?
            }
            // A singleton has no duplicates: its signature is never read.
            None => {
                let one = std::slice::from_ref(a);
                write_pieces(pieces(format, one, &[o], &[Signature::default()], 0, as_of)?, format.format, w)?
            }
        }
    }
    Ok(())
}

/// The `gather` stage: member lines grouped by canonical (sorted, so that
/// each cluster's lines are together) -> each cluster's pieces ([`pieces`]).
/// The members are signed again under `boiler` for the similarity figures.
pub fn gather<R: BufRead>(
    input: &mut LineInput<R>,
    boiler: &Boilerplate,
    p: &Params,
    format: &Format,
    as_of: Option<AsOf>,
    w: &mut dyn Write,
) -> Result<(), Error> {
    let mut group: Vec<(u64, Article)> = Vec::new();
    let mut key: Option<u64> = None;
    let mut done = std::collections::HashSet::new();
    let mut ords: Vec<u64> = Vec::new();
    let mut emit = |key: u64, group: &mut Vec<(u64, Article)>, w: &mut dyn Write| -> Result<(), Error> {
        group.sort_by_key(|(o, _)| *o);
        let canonical = group
            .iter()
            .position(|(o, _)| *o == key)
            .ok_or_else(|| Error::Usage(format!("cluster {key}: its canonical's member line is missing")))?;
        ords.clear();
        ords.extend(group.iter().map(|(o, _)| *o));
        let articles: Vec<Article> = group.drain(..).map(|(_, a)| a).collect();
        // The articles come from member lines: their bodies are in memory.
        let in_memory = Error::body;
        let sigs = crate::sign::sign(&articles, boiler, p).map_err(in_memory)?;
        let pieces = pieces(format, &articles, &ords, &sigs, canonical as u32, as_of).map_err(in_memory)?;
        write_pieces(pieces, format.format, w).map_err(|e| Error::io("stdout", e))
    };
    while let Some((_, f)) = input.next(MEMBER, 2)? {
        let c = parse_ordinal(input, &f[0])?;
        let o = parse_ordinal(input, &f[1])?;
        let v: Value = serde_json::from_str(&f[2]).map_err(|_| input.error("the article is not JSON"))?;
        let a = article_from_json(v).ok_or_else(|| input.error("the article lacks a field"))?;
        if key != Some(c) {
            if let Some(k) = key {
                emit(k, &mut group, w)?;
            }
            if !done.insert(c) {
                return Err(input.error(format!("cluster {c} is not grouped: sort the member lines by key")));
            }
            key = Some(c);
        }
        group.push((o, a));
    }
    if let Some(k) = key {
        emit(k, &mut group, w)?;
    }
    Ok(())
}

/// The `merge` stage: pieces sorted by key (the single run's output order)
/// -> the output: the format's head, then the pieces laid out as the
/// writer lays out its items ([`crate::writer::Framing`]).
pub fn merge<R: BufRead>(input: &mut LineInput<R>, format: &Format, w: &mut dyn Write) -> Result<(), Error> {
    let name = format_name(format.format);
    let mut last: Option<u64> = None;
    let io = |e| Error::io("stdout", e);
    crate::writer::write_head(format.format, &format.filter, w).map_err(io)?;
    let mut items = Framed::start(format.format.framing(&format.filter), w).map_err(io)?;
    while let Some((_, f)) = input.next(PIECE, 2)? {
        let o = parse_ordinal(input, &f[0])?;
        if last.is_some_and(|l| l >= o) {
            return Err(input.error("pieces out of order: sort them by key"));
        }
        last = Some(o);
        if f[1] != name {
            return Err(input.error(format!("a piece of format {}, not {name}", f[1])));
        }
        let text: String = serde_json::from_str(&f[2]).map_err(|_| input.error("the piece is not a JSON string"))?;
        items.text(&text).map_err(io)?;
    }
    items.finish().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_named_by_their_smallest_ordinal() {
        // {4, 7, 9} and {1, 2, 6} joined through 9 and 2, and {3, 5}; 8 is in no pair.
        let pairs = [(7, 9), (3, 5), (4, 9), (1, 2), (2, 6)];
        assert_eq!(components(&pairs), [(1, 1), (2, 1), (3, 3), (4, 4), (5, 3), (6, 1), (7, 4), (9, 4)]);
        assert!(components(&[]).is_empty());
    }

    fn csv_header() -> Arc<CsvHeader> {
        let names = vec!["id".into(), "a\tb".into(), "duplicates".into()];
        Arc::new(CsvHeader { names, provenance: "duplicates".into(), present: Some(2) })
    }

    #[test]
    fn count_lines_carry_the_shapes_summed() {
        let shard = |records, array, csv: u64| {
            let mut shapes = Shapes { records, array, csv: Vec::new() };
            if csv > 0 {
                shapes.add_csv(&csv_header(), csv);
            }
            let mut counts = LineCounts::default();
            counts.add_count(7, 9, 2);
            let mut w = Vec::new();
            write_counts(&counts, &shapes, &mut w).unwrap();
            w
        };
        let lines = [shard(3, 0, 3), shard(2, 2, 0), shard(4, 0, 4)].concat();
        let text = String::from_utf8(lines.clone()).unwrap();
        assert!(text.contains("#csv{") && !text.contains("#array\tc2\t0"), "{text}");
        let mut shapes = Shapes::default();
        let mut counts = LineCounts::default();
        read_counts(&mut LineInput::new(&lines[..], "counts"), &mut shapes, Some(&mut counts)).unwrap();
        assert_eq!(shapes, Shapes { records: 9, array: 2, csv: vec![(csv_header(), 7)] });
        assert_eq!(counts.iter().collect::<Vec<_>>(), [((7, 9), 6)]);
        let bad = b"#csv[1]\tc2\t1\n";
        let err = read_counts(&mut LineInput::new(&bad[..], "counts"), &mut shapes, None).unwrap_err();
        assert!(err.to_string().contains("counts:1: '[1]' is not a CSV header"), "{err}");
    }

    #[test]
    fn member_lines_carry_the_input_shape() {
        let mut a = Article::at(Origin { file: "in.csv".into(), line: 2 });
        a.body = "x y z".into();
        for shape in [
            Shape::Csv { header: csv_header(), cells: vec!["1".into(), "\"q\"".into()].into() },
            Shape::Json { raw: "{\"id\": 1 }".into(), array: true, provenance: "_duplicates".into(), present: false },
        ] {
            a.shape = Some(Box::new(shape));
            let back = article_from_json(article_json(&a, true).unwrap()).unwrap();
            assert_eq!(back, a);
            let without = article_from_json(article_json(&a, false).unwrap()).unwrap();
            assert_eq!(without.shape, None);
        }
    }
}
