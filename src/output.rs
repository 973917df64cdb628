//! Where output goes: buffered stdout (line-buffered on a terminal, block
//! buffered in a pipe), or `-o FILE` written atomically: a temporary file
//! beside FILE, renamed over it only once everything was written. A symlink
//! FILE is followed (its target is replaced); a device or pipe is written
//! directly.

use std::io::{self, BufWriter, IsTerminal, LineWriter, Write};
use std::path::Path;

use crate::error::Error;

/// Write through `f` to stdout, or atomically to `path`.
pub fn with_output(path: Option<&Path>, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    match path {
        None => {
            let stdout = io::stdout();
            let lock = stdout.lock();
            let result = if io::stdout().is_terminal() {
                let mut w = LineWriter::new(lock);
                f(&mut w).and_then(|_| w.flush())
            } else {
                let mut w = BufWriter::with_capacity(1 << 16, lock);
                f(&mut w).and_then(|_| w.flush())
            };
            result.map_err(|e| Error::io("<stdout>", e))
        }
        Some(path) => {
            let name = path.to_string_lossy().into_owned();
            // A symlink is followed: its target is what gets replaced.
            let resolved = std::fs::canonicalize(path).ok();
            let path = resolved.as_deref().unwrap_or(path);
            // A device or a pipe (`-o /dev/stdout`) cannot be replaced by a
            // rename: write to it directly.
            if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
                let file = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(&name, e))?;
                let mut w = BufWriter::with_capacity(1 << 16, file);
                return f(&mut w).and_then(|_| w.flush()).map_err(|e| Error::io(&name, e));
            }
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let mut builder = tempfile::Builder::new();
            builder.prefix(".newsdedup-").suffix(".tmp");
            // A replaced file keeps its mode; a new one gets the mode `> FILE`
            // would give (0666 less the umask), not tempfile's private 0600.
            let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
            let tmp = builder.tempfile_in(dir).map_err(|e| Error::io(&name, e))?;
            if let Some(perms) = existing {
                tmp.as_file().set_permissions(perms).map_err(|e| Error::io(&name, e))?;
            }
            let mut w = BufWriter::with_capacity(1 << 16, tmp);
            f(&mut w).and_then(|_| w.flush()).map_err(|e| Error::io(&name, e))?;
            let tmp = w.into_inner().map_err(|e| Error::io(&name, e.into_error()))?;
            tmp.as_file().sync_all().map_err(|e| Error::io(&name, e))?;
            tmp.persist(path).map_err(|e| Error::io(&name, e.error))?;
            Ok(())
        }
    }
}
