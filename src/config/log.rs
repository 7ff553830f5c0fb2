//! The `[log]` section: how the daemon's log lines look (`format`) and which events it
//! writes (`level`). A log pipeline wants JSON, one object per line; a person at a terminal
//! wants text. `SCPD_LOG` and `--log-format` override the file.

use serde::Deserialize;

/// How each log event is written to stderr: one line either way.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `TIMESTAMP LEVEL target: message key=value ...`; colours only on a terminal.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `message` and the event's
    /// own fields (`assoc`, `peer`, `dialogue`, ...) at the top level.
    Json,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Log {
    pub format: LogFormat,
    /// Which events are written: a level (`error`, `warn`, `info`, `debug`, `trace`) or
    /// tracing directives (`info,scpd::m3ua=debug`); `SCPD_LOG` wins when set.
    pub level: String,
}

impl Default for Log {
    fn default() -> Log {
        Log {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}
