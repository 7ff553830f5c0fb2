//! Log output on stderr: text for a person, JSON for a log pipeline, one line per event
//! either way. Colour codes only when stderr is a terminal (and `NO_COLOR` is unset), so a
//! redirected log or journald never holds escape sequences.

use crate::config::LogFormat;
use std::io::IsTerminal;
use std::sync::OnceLock;
use tracing_subscriber::{layer::SubscriberExt, reload, util::SubscriberInitExt, EnvFilter};

/// The installed filter, for a reload's new `[log] level`.
static LEVEL: OnceLock<reload::Handle<EnvFilter, tracing_subscriber::Registry>> = OnceLock::new();

/// Install the global subscriber. `SCPD_LOG` (tracing directives) wins over `level`; a
/// second call (tests, embedding) keeps the first subscriber.
pub(super) fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_env("SCPD_LOG")
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let (filter, handle) = reload::Layer::new(filter);
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match format {
        LogFormat::Text => registry.with(fmt.with_ansi(colour())).try_init(),
        // Stable shape: the event's fields at the top level beside timestamp, level, target
        // and message; no span lists whose shape would change with the code.
        LogFormat::Json => registry
            .with(
                fmt.json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false),
            )
            .try_init(),
    };
    if installed.is_ok() {
        let _ = LEVEL.set(handle);
    }
}

/// Apply a reloaded `[log] level` (`SCPD_LOG`, when set, still wins).
pub(super) fn set_level(level: &str) -> Result<(), String> {
    if std::env::var_os("SCPD_LOG").is_some() {
        return Err("SCPD_LOG is set and wins over [log] level".into());
    }
    let filter = EnvFilter::try_new(level).map_err(|e| format!("log.level {level:?}: {e}"))?;
    let handle = LEVEL.get().ok_or("no log subscriber of ours installed")?;
    handle.reload(filter).map_err(|e| e.to_string())
}

/// ANSI colours: only for a person looking at a terminal (<https://no-color.org>).
fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
