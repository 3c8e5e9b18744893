use std::fmt;

/// An error that says who is at fault: bad usage or unreadable input (including `--strict`
/// rejections), a failure of the run, or the caller, who stopped it. The command line
/// turns them into exit codes 2, 1 and 130.
pub struct Error {
    code: u8,
    err: anyhow::Error,
}

impl Error {
    /// Bad usage or no readable input.
    pub fn usage(err: impl Into<anyhow::Error>) -> Self {
        Self {
            code: 2,
            err: err.into(),
        }
    }

    /// The run was stopped by its caller (a cancel flag, Ctrl-C): exit code 130, as a
    /// shell gives a program stopped by SIGINT.
    pub fn cancelled() -> Self {
        Self {
            code: 130,
            err: anyhow::anyhow!("interrupted"),
        }
    }

    /// True when the run was stopped by its caller ([`Error::cancelled`]).
    pub fn is_cancelled(&self) -> bool {
        self.code == 130
    }

    /// Exit code for this error under the command-line contract: 2 for bad usage or no
    /// readable input, 1 for internal failures, 130 when stopped by the caller.
    pub fn exit_code(&self) -> u8 {
        self.code
    }

    /// True for bad usage or unreadable input.
    pub fn is_usage(&self) -> bool {
        self.code == 2
    }
}

impl<E: Into<anyhow::Error>> From<E> for Error {
    fn from(e: E) -> Self {
        Self {
            code: 1,
            err: e.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "{:#}", self.err)
        } else {
            write!(f, "{}", self.err)
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.err)
    }
}

/// Result of a library call.
pub type Result<T = (), E = Error> = std::result::Result<T, E>;
