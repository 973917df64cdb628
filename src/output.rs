//! Where output goes: buffered stdout (line-buffered on a terminal, block
//! buffered in a pipe), or `-o FILE` written atomically: a temporary file
//! beside FILE, renamed over it only once everything was written.
//!
//! The destination is opened with [`Destination::open`] *before* the run, so
//! that an unwritable `-o` fails at once rather than after all the work. A
//! symlink FILE is followed, dangling or not (its target is replaced or
//! created); a device or pipe is written directly. While the temporary file
//! exists, SIGINT and SIGTERM remove it and end the process with 130 or 143.
//!
//! A reader that went away (`newsdedup ... | head`) ends the output, not the
//! run: [`Destination::write`] treats a broken pipe as done, so that every
//! command still exits with the code its outcome deserves.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, LineWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;

/// At most this many symlinks are followed from an `-o` path (as Linux's
/// `MAXSYMLINKS`).
const MAX_SYMLINKS: usize = 40;

/// The temp file to remove when SIGINT or SIGTERM arrives.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Start, once, the thread that handles SIGINT and SIGTERM: remove the
/// pending temp file, then exit with 128 + the signal number.
#[cfg(unix)]
fn handle_signals() -> Result<(), Error> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    static START: std::sync::Once = std::sync::Once::new();
    let mut result = Ok(());
    START.call_once(|| {
        let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
            Ok(s) => s,
            Err(e) => {
                result = Err(Error::io("cannot handle signals", e));
                return;
            }
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Holding the lock while removing keeps a rename in progress
                // from racing the removal (see `Destination::write`).
                let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(tmp) = pending.take() {
                    let _ = fs::remove_file(tmp);
                }
                std::process::exit(128 + sig);
            }
        });
    });
    result
}

#[cfg(not(unix))]
fn handle_signals() -> Result<(), Error> {
    Ok(())
}

/// Forget the pending temp file (renamed, or removed).
fn clear_pending() {
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// `path` with every symlink along the final component followed, even to a
/// target that does not exist yet (a dangling link names the file to create).
fn follow_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// An open destination for the clusters.
pub enum Destination {
    Stdout,
    /// A device or pipe (`-o /dev/stdout`), written in place.
    Direct {
        name: String,
        file: fs::File,
    },
    /// A temp file in the target's directory, renamed over `target` when done.
    Atomic {
        name: String,
        target: PathBuf,
        tmp: tempfile::NamedTempFile,
        _pending: Pending,
    },
}

/// Unregisters the temp file from the signal handler when dropped. Fields
/// drop in declaration order, so an unwritten temp file is removed first.
pub struct Pending(());

impl Drop for Pending {
    fn drop(&mut self) {
        clear_pending();
    }
}

impl Destination {
    /// Open stdout, or prepare `-o path`: follow symlinks, check the target
    /// is not a directory, and create the temp file beside it. Errors name
    /// `path` as given.
    pub fn open(path: Option<&Path>) -> Result<Destination, Error> {
        let Some(given) = path else { return Ok(Destination::Stdout) };
        let name = given.to_string_lossy().into_owned();
        let err = |e| Error::io(&name, e);
        let path = follow_symlinks(given).map_err(err)?;
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => return Err(err(io::Error::other("is a directory"))),
            Ok(m) if !m.is_file() => {
                let file = fs::OpenOptions::new().write(true).open(&path).map_err(err)?;
                return Ok(Destination::Direct { name, file });
            }
            _ => {}
        }
        let file_name = path.file_name().ok_or_else(|| err(io::Error::other("names no file")))?.to_owned();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // The real directory: the temp file must be on the target's file
        // system for the rename to be atomic.
        let dir = fs::canonicalize(dir).map_err(err)?;
        let target = dir.join(file_name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".newsdedup-").suffix(".tmp");
        // A replaced file keeps its mode; a new one gets the mode `> FILE`
        // would give (0666 less the umask), not tempfile's private 0600.
        let existing = fs::metadata(&target).ok().map(|m| m.permissions());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        handle_signals()?;
        // Registered under the lock before it exists, so that a signal
        // arriving in between still finds it.
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        let tmp = builder.tempfile_in(&dir).map_err(err)?;
        *pending = Some(tmp.path().to_path_buf());
        drop(pending);
        let dest = Destination::Atomic { name, target, tmp, _pending: Pending(()) };
        if let (Some(perms), Destination::Atomic { tmp, name, .. }) = (existing, &dest) {
            tmp.as_file().set_permissions(perms).map_err(|e| Error::io(name, e))?;
        }
        Ok(dest)
    }

    /// Write through `f` and finish: flush stdout, or rename the temp file
    /// over the target. A closed pipe on output is not an error: the run's
    /// own outcome decides the exit code.
    /// `f` gets a writer that may move to another thread (a worker pool's:
    /// stdout is locked for each flush, not for the whole run).
    pub fn write(self, f: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>) -> Result<(), Error> {
        let result = match self {
            Destination::Stdout => {
                let stdout = io::stdout();
                let result = if stdout.is_terminal() {
                    let mut w = LineWriter::new(stdout);
                    f(&mut w).and_then(|_| w.flush())
                } else {
                    let mut w = BufWriter::with_capacity(1 << 16, stdout);
                    f(&mut w).and_then(|_| w.flush())
                };
                result.map_err(|e| Error::io("<stdout>", e))
            }
            Destination::Direct { name, file } => {
                let mut w = BufWriter::with_capacity(1 << 16, file);
                f(&mut w).and_then(|_| w.flush()).map_err(|e| Error::io(&name, e))
            }
            Destination::Atomic { name, target, tmp, _pending } => {
                let err = |e| Error::io(&name, e);
                let mut w = BufWriter::with_capacity(1 << 16, tmp);
                f(&mut w).and_then(|_| w.flush()).map_err(err)?;
                let tmp = w.into_inner().map_err(|e| err(e.into_error()))?;
                tmp.as_file().sync_all().map_err(err)?;
                // Under the lock: a signal now waits for the rename, then
                // finds nothing left to remove.
                let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
                let persisted = tmp.persist(&target);
                *pending = None;
                drop(pending);
                persisted.map(|_| ()).map_err(|e| err(e.error))
            }
        };
        match result {
            Err(e) if e.is_broken_pipe() => Ok(()),
            other => other,
        }
    }
}

/// Write `text` to stdout; a closed pipe is not an error.
pub fn print(text: &str) -> Result<(), Error> {
    Destination::Stdout.write(|w| w.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn dangling_symlinks_are_followed_to_the_file_to_create() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink("sub/c", dir.path().join("b")).unwrap();
        assert_eq!(follow_symlinks(&dir.path().join("a")).unwrap(), dir.path().join("sub/c"));
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
        assert!(follow_symlinks(&dir.path().join("loop")).is_err());
    }
}
