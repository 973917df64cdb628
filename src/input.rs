//! Opening the inputs named on the command line (`-` or none: stdin) and
//! reading them all, with problems reported once, in input order.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::PathBuf;

use crate::error::Error;
use crate::reader::{self, InputFormat, ReadOutcome};

/// Display name of an input path: `-` for stdin, the path as given otherwise.
pub fn display_name(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Read every input. An input that cannot be opened or read ends the run
/// before anything is written; problems in content are collected.
pub fn read_all(files: &[PathBuf], format: InputFormat) -> Result<ReadOutcome, Error> {
    let mut out = ReadOutcome::default();
    let stdin_only = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin_only[..] } else { files };
    // An input named twice would only repeat every record as a duplicate id
    // (and stdin has nothing left the second time).
    let mut named = std::collections::HashSet::new();
    for path in files {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if !named.insert(key) {
            return Err(Error::Usage(format!("{} is given twice", display_name(path))));
        }
    }
    for path in files {
        let name = display_name(path);
        if name == "-" {
            let stdin = io::stdin();
            reader::read_input(stdin.lock(), "-", format, &mut out).map_err(|e| Error::io("-", e))?;
        } else {
            let file = File::open(path).map_err(|e| Error::io(&name, e))?;
            if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                return Err(Error::io(&name, io::Error::other("is a directory")));
            }
            reader::read_input(BufReader::with_capacity(1 << 16, file), &name, format, &mut out)
                .map_err(|e| Error::io(&name, e))?;
        }
    }
    reader::check_unique_ids(&mut out);
    Ok(out)
}

/// Report problems on stderr (all of them), or with `strict` fail on the first.
pub fn report_problems(out: &ReadOutcome, strict: bool) -> Result<usize, Error> {
    if strict {
        if let Some(p) = out.problems.first() {
            return Err(Error::Input(p.clone()));
        }
    }
    for p in &out.problems {
        eprintln!("newsdedup: {p}");
    }
    Ok(out.problems.len())
}
