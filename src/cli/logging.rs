//! Log output on stderr: text for a person, JSON for a log pipeline, one line per event
//! either way. Colour codes only when stderr is a terminal (and `NO_COLOR` is unset), so a
//! redirected log or journald never holds escape sequences.

use crate::config::LogFormat;
use std::io::IsTerminal;

/// Install the global subscriber. `SCPD_LOG` (tracing directives) wins over `level`; a
/// second call (tests, embedding) keeps the first subscriber.
pub(super) fn init(format: LogFormat, level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SCPD_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(colour()).try_init(),
        // Stable shape: the event's fields at the top level beside timestamp, level, target
        // and message; no span lists whose shape would change with the code.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
}

/// ANSI colours: only for a person looking at a terminal (<https://no-color.org>).
fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
