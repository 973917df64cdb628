//! Opening the inputs named on the command line (`-` or none: stdin) and
//! reading them all, with problems reported once, in input order.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::PathBuf;

use crate::error::Error;
use crate::reader::{self, InputFormat, ReadOptions, ReadOutcome};

/// Display name of an input path: `-` for stdin, the path as given otherwise.
pub fn display_name(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The inputs that could be read, and the failure of each that could not.
#[derive(Debug, Default)]
pub struct ReadAll {
    pub read: ReadOutcome,
    /// An error naming each input that could not be opened or read, in
    /// command-line order. Its records, if any were read, are left out.
    pub failed: Vec<Error>,
}

/// Read every input, as ripgrep searches every file: an input that cannot be
/// opened or read is recorded in `failed` and the others are still read.
/// With `stop_at_first`, the first such input ends the run instead. Naming
/// one input twice is a usage error either way.
pub fn read_each(files: &[PathBuf], format: InputFormat, stop_at_first: bool) -> Result<ReadAll, Error> {
    read_each_with(files, &ReadOptions::new(format), stop_at_first)
}

/// [`read_each`] with every reading option: the format, the field names,
/// whether each record's input shape is kept. A compressed input that turns
/// out corrupt or truncated is an unreadable input, as a failing disk is.
pub fn read_each_with(files: &[PathBuf], opts: &ReadOptions, stop_at_first: bool) -> Result<ReadAll, Error> {
    opts.fields.validate().map_err(Error::Usage)?;
    let mut all = ReadAll::default();
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
        let out = &mut all.read;
        let before = (out.articles.len(), out.problems.len(), out.inputs.len());
        let result = if name == "-" {
            reader::read_input_with(io::stdin().lock(), "-", opts, out)
        } else {
            File::open(path).and_then(|file| {
                if file.metadata()?.is_dir() {
                    return Err(io::Error::other("is a directory"));
                }
                reader::read_input_with(BufReader::with_capacity(1 << 16, file), &name, opts, out)
            })
        };
        if let Err(e) = result {
            if stop_at_first {
                return Err(Error::io(&name, e));
            }
            // An input failing halfway adds neither records nor problems.
            out.articles.truncate(before.0);
            out.problems.truncate(before.1);
            out.inputs.truncate(before.2);
            all.failed.push(Error::io(&name, e));
        }
    }
    reader::check_unique_ids(&mut all.read);
    Ok(all)
}

/// Read every input; the first that cannot be opened or read ends the run
/// before anything is written. Problems in content are collected.
pub fn read_all(files: &[PathBuf], format: InputFormat) -> Result<ReadOutcome, Error> {
    read_each(files, format, true).map(|all| all.read)
}

/// Report problems on stderr (all of them), or with `strict` fail on the first.
pub fn report_problems(out: &ReadOutcome, strict: bool) -> Result<usize, Error> {
    if strict {
        if let Some(p) = out.problems.first() {
            return Err(Error::Input(p.clone()));
        }
    }
    for p in &out.problems {
        crate::message!("{p}");
    }
    Ok(out.problems.len())
}
