//! Exit codes, documented in the README and in `--help`.

/// What the process returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The run succeeded (with `--check`: and found no duplicates).
    Success,
    /// `--check` only: duplicates were found.
    DuplicatesFound,
    /// Any error: bad input (reported on stderr), a bad option, I/O.
    Error,
}

impl ExitCode {
    pub(crate) fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::DuplicatesFound => 1,
            ExitCode::Error => 2,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        std::process::ExitCode::from(c.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(ExitCode::Success.code(), 0);
        assert_eq!(ExitCode::DuplicatesFound.code(), 1);
        assert_eq!(ExitCode::Error.code(), 2);
    }
}
