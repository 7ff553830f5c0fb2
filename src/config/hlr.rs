//! The `[hlr]` section: scpd as a MAP client of the subscribers' HLRs (roaming numbers for
//! transfer legs, location and state). Off unless `gt` is set.

use super::{invalid, ConfigError};
use crate::tcuser::hlr::{HlrRoute, HlrSettings, GSMSCF_SSN};
use serde::Deserialize;
use std::time::Duration;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Hlr {
    /// Our MAP subsystem (147: gsmSCF, TS 23.003 §8.1).
    pub ssn: u8,
    /// Our global title (international digits): the calling party of our queries and the
    /// gsmSCF address HLRs check. Empty: no MAP client.
    pub gt: String,
    /// Where queries go when no range says otherwise: the STP/SG that translates the
    /// MSISDN's GT, or the HLR.
    pub point_code: u32,
    pub translation_type: u8,
    /// How long a question may take when the gRPC caller sets no deadline.
    pub timeout_ms: u64,
    /// How long the visited network keeps an unused MSRN: the expiry a roaming number is
    /// reported with (the VLR's own supervision, TS 23.018 leaves it to the operator).
    pub msrn_lifetime_seconds: u32,
    /// The CAMEL phases we say the gsmSCF supports in SRI (1 to 4).
    pub camel_phases: u8,
    /// Ask the HLR not to return the T-CSI, so that the answer is a roaming number.
    pub suppress_t_csi: bool,
    /// Supplementary services the HLR is asked to suppress for the call (SRI v3
    /// suppressMTSS): "cug", "ccbs".
    pub suppress_mt_ss: Vec<String>,
    /// Per number range: another point code, or the HLR's own GT instead of the MSISDN.
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub prefix: String,
    pub point_code: u32,
    #[serde(default)]
    pub gt: Option<String>,
}

impl Default for Hlr {
    fn default() -> Hlr {
        Hlr {
            ssn: GSMSCF_SSN,
            gt: String::new(),
            point_code: 0,
            translation_type: 0,
            timeout_ms: 5000,
            msrn_lifetime_seconds: 30,
            camel_phases: 4,
            suppress_t_csi: true,
            suppress_mt_ss: Vec::new(),
            routes: Vec::new(),
        }
    }
}

/// The SuppressMTSS bit (TS 29.002 §17.7.3) a `suppress_mt_ss` entry names.
fn mt_ss_bit(name: &str) -> Option<u8> {
    match name {
        "cug" => Some(0),
        "ccbs" => Some(1),
        _ => None,
    }
}

/// International E.164 digits: 1 to 15 of them (E.164 §6.1).
fn e164(key: &str, digits: &str) -> Result<(), ConfigError> {
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            key,
            format!("{digits:?}: want 1 to 15 digits (international, no '+')"),
        ));
    }
    Ok(())
}

impl Hlr {
    pub fn enabled(&self) -> bool {
        !self.gt.is_empty()
    }

    /// What the MAP client is given; `None` when off.
    pub fn settings(&self) -> Option<HlrSettings> {
        self.enabled().then(|| HlrSettings {
            ssn: self.ssn,
            gt: self.gt.clone(),
            translation_type: self.translation_type,
            routes: self
                .routes
                .iter()
                .map(|r| HlrRoute {
                    prefix: r.prefix.clone(),
                    pc: r.point_code,
                    gt: r.gt.clone(),
                })
                .chain(std::iter::once(HlrRoute {
                    prefix: String::new(),
                    pc: self.point_code,
                    gt: None,
                }))
                .collect(),
            camel_phases: self.camel_phases,
            suppress_t_csi: self.suppress_t_csi,
            suppress_mt_ss: self
                .suppress_mt_ss
                .iter()
                .filter_map(|s| mt_ss_bit(s))
                .fold(0, |m, b| m | 1 << b),
        })
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// Check the keys; `check_pc` checks a point code against the variant, `own` is ours
    /// and `ssns` the other local subsystems.
    pub(super) fn validate(
        &self,
        check_pc: &dyn Fn(String, u32) -> Result<(), ConfigError>,
        own: u32,
        ssns: &[(&str, u8)],
    ) -> Result<(), ConfigError> {
        if !self.enabled() {
            return Ok(());
        }
        e164("hlr.gt", &self.gt)?;
        if self.ssn <= 1 {
            return Err(invalid(
                "hlr.ssn",
                "SSN 0 and 1 are reserved (Q.713 §3.4.2.2)",
            ));
        }
        if let Some((key, _)) = ssns.iter().find(|(_, s)| *s == self.ssn) {
            return Err(invalid(
                "hlr.ssn",
                format!(
                    "{} is {key}'s: the MAP client needs a subsystem of its own",
                    self.ssn
                ),
            ));
        }
        let pcs = std::iter::once(("hlr.point_code".to_string(), self.point_code)).chain(
            self.routes
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("hlr.routes[{i}].point_code"), r.point_code)),
        );
        for (key, pc) in pcs {
            check_pc(key.clone(), pc)?;
            if pc == own {
                return Err(invalid(key, "is our own point code"));
            }
        }
        for (i, r) in self.routes.iter().enumerate() {
            if r.prefix.len() > 15 || !r.prefix.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(
                    format!("hlr.routes[{i}].prefix"),
                    "want up to 15 digits",
                ));
            }
            if let Some(gt) = &r.gt {
                e164(&format!("hlr.routes[{i}].gt"), gt)?;
            }
        }
        for (i, s) in self.suppress_mt_ss.iter().enumerate() {
            if mt_ss_bit(s).is_none() {
                return Err(invalid(
                    format!("hlr.suppress_mt_ss[{i}]"),
                    format!("{s:?}: want \"cug\" or \"ccbs\""),
                ));
            }
        }
        if !(1..=4).contains(&self.camel_phases) {
            return Err(invalid("hlr.camel_phases", "must be 1 to 4"));
        }
        if !(100..=60_000).contains(&self.timeout_ms) {
            return Err(invalid("hlr.timeout_ms", "must be 100 to 60000"));
        }
        if !(1..=3600).contains(&self.msrn_lifetime_seconds) {
            return Err(invalid("hlr.msrn_lifetime_seconds", "must be 1 to 3600"));
        }
        Ok(())
    }
}
