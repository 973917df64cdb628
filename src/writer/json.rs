//! `--format json`: one array, one cluster object per line inside it.

use std::io::{self, Write};

use super::Output;

pub fn write(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, c) in out.clusters.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *w, &out.json(c))?;
    }
    w.write_all(if out.clusters.is_empty() { b"]\n" } else { b"\n]\n" })?;
    Ok(())
}
