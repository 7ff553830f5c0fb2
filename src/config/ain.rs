//! The `[ain]` section: what scpd must know of its AIN SSPs that their messages do not say.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Ain {
    /// "0.1" or "0.2" (default): how monitored calls are followed ([`crate::ain::Release`]).
    pub release: crate::ain::Release,
}
