//! The `[ain]` section: what scpd must know of its AIN SSPs that their messages do not say.

use super::{invalid, ConfigError};
use crate::tcuser::ain::AinSettings;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Ain {
    /// "0.1" or "0.2" (default): how monitored calls are followed ([`crate::ain::Release`]).
    pub release: crate::ain::Release,
    /// The AMAslpID (9 digits) every Analyze_Route carries: GR-1299 makes it mandatory there,
    /// and the SSP writes it into the call's AMA (billing) record.
    pub ama_slp_id: String,
}

impl Default for Ain {
    fn default() -> Ain {
        Ain {
            release: crate::ain::Release::V0_2,
            ama_slp_id: "000000000".into(),
        }
    }
}

impl Ain {
    /// The AMAslpID as digits, or why it is not 9 decimal digits.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.ama_slp_id().map(|_| ())
    }

    fn ama_slp_id(&self) -> Result<crate::ain::AmaSlpId, ConfigError> {
        let s = &self.ama_slp_id;
        if s.len() != 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("ain.ama_slp_id", "must be 9 decimal digits"));
        }
        Ok(crate::ain::AmaSlpId(s.parse().map_err(|_| {
            invalid("ain.ama_slp_id", "must be 9 decimal digits")
        })?))
    }

    /// What the AIN TC-user is given (after [`Ain::check`]).
    pub fn settings(&self) -> AinSettings {
        AinSettings {
            release: self.release,
            ama_slp_id: self
                .ama_slp_id()
                .unwrap_or(AinSettings::default().ama_slp_id),
        }
    }
}
