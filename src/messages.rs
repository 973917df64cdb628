//! The one path to stderr. Every message, warning and error of the binaries
//! goes through [`message!`](crate::message) (or [`line`]), never through
//! `eprintln!`, which panics (exit 101) when stderr cannot be written:
//! `newsdedup bad.jsonl 2>/dev/full`, or `newsdedup bad.jsonl 2>&1 | head -1`
//! once the reader has gone.
//!
//! A failed write to stderr is remembered ([`stderr_failed`]) and later
//! messages are not attempted; it never changes the exit code the run
//! deserves, since there is nowhere left to say why it would.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static FAILED: AtomicBool = AtomicBool::new(false);
static PROGRAM: OnceLock<&'static str> = OnceLock::new();

/// Name the program that prefixes every message (default `newsdedup`).
/// Only the first call counts.
pub fn set_program(name: &'static str) {
    let _ = PROGRAM.set(name);
}

/// The prefix of every message.
pub fn program() -> &'static str {
    PROGRAM.get().copied().unwrap_or("newsdedup")
}

/// Write `PROGRAM: args` and a newline to stderr in one write. Never panics;
/// a failure is remembered and ends further messages.
pub fn line(args: fmt::Arguments<'_>) {
    write_to(&mut io::stderr().lock(), args);
}

fn write_to(w: &mut dyn Write, args: fmt::Arguments<'_>) {
    if FAILED.load(Ordering::Relaxed) {
        return;
    }
    let text = format!("{}: {args}\n", program());
    if w.write_all(text.as_bytes()).and_then(|()| w.flush()).is_err() {
        FAILED.store(true, Ordering::Relaxed);
    }
}

/// True once a write to stderr failed.
pub fn stderr_failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

/// Report one line on stderr, prefixed with the program name, as `format!`
/// takes its arguments. Never panics.
#[macro_export]
macro_rules! message {
    ($($arg:tt)*) => {
        $crate::messages::line(format_args!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_remembered_not_a_panic() {
        let mut ok = Vec::new();
        write_to(&mut ok, format_args!("{} problem(s)", 2));
        assert_eq!(String::from_utf8(ok).unwrap(), format!("{}: 2 problem(s)\n", program()));
        write_to(&mut Full, format_args!("lost"));
        assert!(stderr_failed());
        // Later messages are not attempted.
        let mut after = Vec::new();
        write_to(&mut after, format_args!("skipped"));
        assert!(after.is_empty());
        FAILED.store(false, Ordering::Relaxed);
    }
}
