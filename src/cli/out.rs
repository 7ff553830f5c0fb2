//! Standard output for commands that are piped into other tools. A reader that goes away
//! (`scpd subscriber list | head -1`) is no error of ours: the command stops writing and
//! ends quietly with status 0, as `cat` and `scpd events` do, instead of panicking in
//! `println!` or printing "Broken pipe".

use std::io::Write;

/// Why a command did not finish normally.
#[derive(Debug)]
pub(super) enum Failure {
    /// Printed as `scpd: ...`, status 1.
    Message(String),
    /// Whoever read our standard output stopped: quiet, status 0.
    StdoutClosed,
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure::Message(s)
    }
}

impl From<&str> for Failure {
    fn from(s: &str) -> Failure {
        Failure::Message(s.to_string())
    }
}

/// Whether a write failed because the reader of the pipe is gone.
pub(super) fn is_closed(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// A write error on standard output as a [`Failure`].
pub(super) fn failure(e: std::io::Error) -> Failure {
    if is_closed(&e) {
        Failure::StdoutClosed
    } else {
        Failure::Message(format!("writing output: {e}"))
    }
}

/// `println!` that reports a closed pipe instead of panicking.
pub(super) fn line(s: impl std::fmt::Display) -> Result<(), Failure> {
    let mut o = std::io::stdout().lock();
    writeln!(o, "{s}").and_then(|()| o.flush()).map_err(failure)
}

/// Bytes to standard output, flushed.
pub(super) fn bytes(b: &[u8]) -> Result<(), Failure> {
    let mut o = std::io::stdout().lock();
    o.write_all(b).and_then(|()| o.flush()).map_err(failure)
}
