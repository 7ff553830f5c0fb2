//! The `[sccp]` section: subsystems, SCCP standard, hop counter (Q.713 §3.18), XUDT
//! reassembly, SCMG's concerned point codes and the local global-title rules, with the key
//! check that serde cannot do for the flattened `[[sccp.gt_rules]]` rows.

use super::{invalid, ConfigError, Variant};
use crate::sccp::route::GtRule;
use crate::sccp::segment::ReassemblyConfig;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sccp {
    /// Subsystem of the gsmSCF (CAP), 146 by default (3GPP TS 23.003 §8.1).
    #[serde(default = "default_camel_ssn")]
    pub camel_ssn: u8,
    /// Subsystem AIN SSPs address: deployment specific, 247 by default.
    #[serde(default = "default_ain_ssn")]
    pub ain_ssn: u8,
    /// Subsystem of the INAP SCF (Core INAP CS-1): 241 by default (Q.713 Annex B); the SSN
    /// alone tells INAP from CAP when a switch sends no application context.
    #[serde(default = "default_inap_ssn")]
    pub inap_ssn: u8,
    /// Subsystem ANSI-41 MSCs query for WIN triggers: deployment specific (TIA/EIA-41
    /// assigns none), 14 by default.
    #[serde(default = "default_win_ssn")]
    pub win_ssn: u8,
    /// SCCP standard: "itu" (Q.713), "ansi" (T1.112) or "chinese"; absent: `node.variant`,
    /// else itu.
    #[serde(default)]
    pub variant: Option<Variant>,
    /// Hop counter of the XUDT/LUDT we originate (Q.713 §3.18: 1 to 15).
    #[serde(default = "default_hop_counter")]
    pub hop_counter: u8,
    /// Reassembly of segmented XUDT: T(reass) and limits.
    #[serde(default)]
    pub reassembly: ReassemblyConfig,
    #[serde(default)]
    pub scmg: Scmg,
    /// Local global-title translation table (longest prefix wins).
    #[serde(default)]
    pub gt_rules: Vec<GtRule>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scmg {
    /// Point codes told SSA/SSP when a local subsystem changes state (Q.714 §5.3.2).
    #[serde(default)]
    pub concerned: Vec<u32>,
}

fn default_hop_counter() -> u8 {
    15
}
fn default_camel_ssn() -> u8 {
    146
}
fn default_ain_ssn() -> u8 {
    247
}

fn default_inap_ssn() -> u8 {
    241
}

fn default_win_ssn() -> u8 {
    14
}

/// `[sccp]` left out: the documented defaults, the variant following `node.variant`.
impl Default for Sccp {
    fn default() -> Sccp {
        Sccp {
            camel_ssn: default_camel_ssn(),
            ain_ssn: default_ain_ssn(),
            inap_ssn: default_inap_ssn(),
            win_ssn: default_win_ssn(),
            variant: None,
            hop_counter: default_hop_counter(),
            reassembly: ReassemblyConfig::default(),
            scmg: Scmg::default(),
            gt_rules: Vec::new(),
        }
    }
}

/// Keys each `route` of a `[[sccp.gt_rules]]` row may carry (the rule type flattens the
/// action into the row, which serde cannot check for unknown keys itself).
fn gt_rule_keys(route: &str) -> Option<&'static [&'static str]> {
    const LOCAL: &[&str] = &["route", "tt", "np", "nai", "prefix", "ssn"];
    const REMOTE: &[&str] = &["route", "tt", "np", "nai", "prefix", "pc", "ssn"];
    const RETRANSLATE: &[&str] = &["route", "tt", "np", "nai", "prefix", "pc", "new_tt"];
    match route {
        "local" => Some(LOCAL),
        "remote" => Some(REMOTE),
        "retranslate" => Some(RETRANSLATE),
        _ => None,
    }
}

pub(super) fn check_gt_rule_keys(v: &toml::Table) -> Result<(), ConfigError> {
    let Some(rules) = v
        .get("sccp")
        .and_then(|s| s.get("gt_rules"))
        .and_then(toml::Value::as_array)
    else {
        return Ok(());
    };
    for (i, r) in rules.iter().enumerate() {
        let key = format!("sccp.gt_rules[{i}]");
        let Some(t) = r.as_table() else {
            return Err(invalid(key, "expected a table"));
        };
        let Some(route) = t.get("route").and_then(toml::Value::as_str) else {
            return Err(invalid(
                format!("{key}.route"),
                "missing: one of \"local\", \"remote\", \"retranslate\"",
            ));
        };
        let Some(allowed) = gt_rule_keys(route) else {
            return Err(invalid(
                format!("{key}.route"),
                format!("{route:?}: expected \"local\", \"remote\" or \"retranslate\""),
            ));
        };
        for k in t.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(invalid(
                    format!("{key}.{k}"),
                    format!(
                        "unknown key for route = {route:?} (allowed: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}
