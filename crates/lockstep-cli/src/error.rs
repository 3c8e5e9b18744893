use std::fmt;

/// An error with the exit code the command-line contract gives it: 2 for bad usage or
/// unreadable input (including `--strict` rejections), 1 for internal failures.
pub struct CliError {
    code: u8,
    err: anyhow::Error,
}

impl CliError {
    /// Bad usage or no readable input.
    pub fn usage(err: impl Into<anyhow::Error>) -> Self {
        Self {
            code: 2,
            err: err.into(),
        }
    }

    /// Exit code for this error.
    pub fn exit_code(&self) -> u8 {
        self.code
    }
}

impl<E: Into<anyhow::Error>> From<E> for CliError {
    fn from(e: E) -> Self {
        Self {
            code: 1,
            err: e.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "{:#}", self.err)
        } else {
            write!(f, "{}", self.err)
        }
    }
}

/// Result of a subcommand.
pub type CliResult<T = ()> = Result<T, CliError>;
