//! `--format json`: one array, one cluster object per line inside it.

use std::io::{self, Write};

use super::{Framed, Framing, Output};

/// How the clusters are laid out.
pub const FRAMING: Framing = Framing::Array;

pub fn write(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    let mut items = Framed::start(FRAMING, w)?;
    items.items(out.clusters, super::streamed, |c, w| Ok(serde_json::to_writer(w, &out.json(c))?))?;
    items.finish()
}
