//! `--format jsonl`: one cluster object per line.

use std::io::{self, Write};

use super::Output;

pub fn write(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    for c in out.clusters {
        serde_json::to_writer(&mut *w, &out.json(c))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
