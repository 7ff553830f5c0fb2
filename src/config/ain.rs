//! The `[ain]` section: what scpd must know of its AIN SSPs that their messages do not say.

use crate::ain::AmaSlpId;
use crate::tcuser::ain::AinSettings;
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Ain {
    /// "0.1" or "0.2" (default): how monitored calls are followed ([`crate::ain::Release`]).
    pub release: crate::ain::Release,
    /// The AMAslpID (9 digits) every Analyze_Route carries: GR-1299 makes it mandatory there,
    /// and the SSP writes it into the call's AMA (billing) record.
    #[serde(deserialize_with = "nine_digits")]
    pub ama_slp_id: AmaSlpId,
}

impl Default for Ain {
    fn default() -> Ain {
        let s = AinSettings::default();
        Ain {
            release: s.release,
            ama_slp_id: s.ama_slp_id,
        }
    }
}

/// The AMAslpID as the file gives it: a string of 9 decimal digits, checked as it is read.
fn nine_digits<'de, D: Deserializer<'de>>(d: D) -> Result<AmaSlpId, D::Error> {
    let s = String::deserialize(d)?;
    match s.parse() {
        Ok(digits) if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(AmaSlpId(digits)),
        _ => Err(serde::de::Error::custom(format!(
            "ain.ama_slp_id {s:?}: must be 9 decimal digits"
        ))),
    }
}

impl Ain {
    /// What the AIN TC-user is given.
    pub fn settings(&self) -> AinSettings {
        AinSettings {
            release: self.release,
            ama_slp_id: self.ama_slp_id,
        }
    }
}
