//! The spool: article bodies kept out of memory between reading and writing.
//!
//! A body is most of a record's bytes, and between the reader and the
//! writer only the `sign` stage (and the writer, for canonicals) looks at
//! it. The readers append each body to one anonymous temporary file (see
//! [`crate::reader::ReadOptions::spool_above`]) and keep where it lies
//! ([`crate::record::Body::Spooled`]); the stages read it back with
//! positioned reads, from any thread. The file has no name (it is unlinked
//! at once, or opened without one), so nothing is left behind however the
//! run ends; its pages are the kernel's page cache, not the process's memory.
//! A JSON Lines or listing file read as it lies needs no spool for most of
//! its bodies: they are read back from the file itself
//! ([`crate::record::Body::InInput`]).

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// What errors reading or writing the spool name.
pub const NAME: &str = "temporary file of article bodies";

/// Appended bytes gathered before they are written out in one call.
const WRITE_AT: usize = 1 << 20;

/// An append-only anonymous temporary file of text, read back by position.
pub struct Spool {
    file: File,
    pending: Mutex<Pending>,
    /// Bytes written to the file: a read of text below this needs no lock.
    written: AtomicU64,
}

/// Appended text not yet written to the file.
struct Pending {
    buf: Vec<u8>,
    /// Where `buf` goes in the file (the bytes written before it).
    at: u64,
    /// A write failed: the text in `buf` is lost, and so is every later append.
    failed: Option<String>,
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spool").field("written", &self.written.load(Ordering::Relaxed)).finish_non_exhaustive()
    }
}

/// `e` with the spool named, its kind kept.
fn named(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{NAME}: {e}"))
}

impl Spool {
    /// A new empty spool in the temporary directory (`TMPDIR`).
    pub fn new() -> io::Result<Spool> {
        let file = tempfile::tempfile().map_err(named)?;
        Ok(Spool {
            file,
            pending: Mutex::new(Pending { buf: Vec::new(), at: 0, failed: None }),
            written: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        // A panic elsewhere while holding the lock leaves `Pending` whole:
        // every change to it is made after the write it depends on.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Append `text`; returns its offset, which [`read`](Spool::read) takes
    /// back with its length.
    pub fn append(&self, text: &str) -> io::Result<u64> {
        let mut p = self.lock();
        if let Some(e) = &p.failed {
            return Err(io::Error::other(format!("{NAME}: an earlier write failed: {e}")));
        }
        let at = p.at + p.buf.len() as u64;
        p.buf.extend_from_slice(text.as_bytes());
        if p.buf.len() >= WRITE_AT {
            self.write_out(&mut p)?;
        }
        Ok(at)
    }

    /// Write the pending text to the file.
    fn write_out(&self, p: &mut Pending) -> io::Result<()> {
        if let Some(e) = &p.failed {
            return Err(io::Error::other(format!("{NAME}: an earlier write failed: {e}")));
        }
        if p.buf.is_empty() {
            return Ok(());
        }
        match write_at(&self.file, &p.buf, p.at) {
            Ok(()) => {
                p.at += p.buf.len() as u64;
                p.buf.clear();
                self.written.store(p.at, Ordering::Release);
                Ok(())
            }
            Err(e) => {
                p.failed = Some(e.to_string());
                Err(named(e))
            }
        }
    }

    /// The text of `len` bytes appended at `at`.
    pub fn read(&self, at: u64, len: u64) -> io::Result<String> {
        let end = at.checked_add(len).ok_or_else(|| io::Error::other(format!("{NAME}: offset out of range")))?;
        if end > self.written.load(Ordering::Acquire) {
            let mut p = self.lock();
            if end > p.at + p.buf.len() as u64 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{NAME}: bytes {at}..{end} were never written"),
                ));
            }
            self.write_out(&mut p)?;
        }
        let len = usize::try_from(len).map_err(|_| io::Error::other(format!("{NAME}: text too long")))?;
        let mut buf = vec![0; len];
        read_at(&self.file, &mut buf, at).map_err(named)?;
        String::from_utf8(buf).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("{NAME}: not UTF-8")))
    }

    /// Bytes appended so far.
    pub fn len(&self) -> u64 {
        let p = self.lock();
        p.at + p.buf.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Read `at..at + buf.len()` of `file` without moving a shared cursor
/// (the spool's bodies, the index's entries).
#[cfg(unix)]
pub(crate) fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
pub(crate) fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// Write all of `buf` at `at` of `file` without moving a shared cursor.
#[cfg(unix)]
fn write_at(file: &File, buf: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, at)
}

#[cfg(windows)]
fn write_at(file: &File, mut buf: &[u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_write(file, buf, at)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_back_as_appended_from_the_buffer_and_from_the_file() {
        let s = Spool::new().unwrap();
        let long = "λ word ".repeat(WRITE_AT / 4);
        let texts = ["", "plain", "caf\u{e9} \u{1F600} \u{202E}", &long, "after the long one", ""];
        let at: Vec<u64> = texts.iter().map(|t| s.append(t).unwrap()).collect();
        assert!(s.written.load(Ordering::Relaxed) > 0, "the long text was written out");
        for (t, &a) in texts.iter().zip(&at) {
            assert_eq!(s.read(a, t.len() as u64).unwrap(), *t);
        }
        // Read from several threads at once.
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for (t, &a) in texts.iter().zip(&at).rev() {
                        assert_eq!(s.read(a, t.len() as u64).unwrap(), *t);
                    }
                });
            }
        });
        assert_eq!(s.len(), texts.iter().map(|t| t.len() as u64).sum::<u64>());
    }

    #[test]
    fn reading_what_was_never_written_is_an_error() {
        let s = Spool::new().unwrap();
        s.append("abc").unwrap();
        let e = s.read(1, 5).unwrap_err();
        assert!(e.to_string().starts_with(NAME), "{e}");
        assert!(s.read(u64::MAX, 2).is_err());
        // Half a multi-byte character is not text.
        let at = s.append("\u{e9}").unwrap();
        assert_eq!(s.read(at, 1).unwrap_err().kind(), io::ErrorKind::InvalidData);
    }
}
