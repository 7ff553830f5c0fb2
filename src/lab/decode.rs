//! `scpd decode`: every message in a capture or hex file becomes one JSON line with each
//! layer decoded (M3UA or MTP3, SCCP, TCAP, CAP), plus the dialogue it belongs to. A message
//! that fails becomes a line with an `error` object naming the layer, offset and reason, and
//! decoding goes on.
//!
//! * SCCP is read in the variant that goes with `--mtp3` ([`sccp_variant`]).
//! * XUDT/LUDT segments are reassembled across packets (Q.714 §4.1.2.2) with the node's own
//!   [`Reassembler`], timed by the capture's clock; the line of the last segment carries
//!   the whole message's TCAP (`sccp.reassembled` says from how many segments).
//! * Dialogues are numbered per input in order of appearance: a Begin (ANSI: Query) opens
//!   one under its OTID, the peer's first Continue (Conversation) adds its own OTID, End and
//!   Abort (Response, Abort) close it (Q.774 §3.2.1). Every TCAP line carries `dialogue`
//!   (that number); `--summary` counts how dialogues ended.
//! * The application (CAP, MAP, AIN, INAP) follows from the dialogue's application context,
//!   else from the SSN (`--ssn 146=camel`, `--cap-ssn`, ... like tshark's `*.tcap.ssn`).
//! * Lines are written straight from the borrowed decode into one reused buffer
//!   ([`super::json`]) and handed to the output in large writes; the keys of every object
//!   are in name order. With no output (`--summary`) no text is made, only counts.
//!
//! [`Reassembler`]: crate::sccp::segment::Reassembler

mod dialogues;
mod input;
mod line;
mod m3ua_sccp;
mod tcap_ansi;
mod tcap_itu;

use super::capture::Mtp3Variant;
use std::collections::BTreeMap;

pub use input::decode_input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Auto,
    Hex,
    Pcap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexLayer {
    Auto,
    M3ua,
    Sccp,
    Tcap,
}

/// A TC-user application, for naming operations when the AC does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    Camel,
    Map,
    Ain,
    Inap,
}

impl App {
    pub fn name(self) -> &'static str {
        match self {
            App::Camel => "CAP",
            App::Map => "MAP",
            App::Ain => "AIN",
            App::Inap => "INAP",
        }
    }

    /// `camel`/`cap`, `map`/`gsm_map`, `ain`, `inap`.
    pub fn parse(s: &str) -> Option<App> {
        Some(match s.to_ascii_lowercase().as_str() {
            "camel" | "cap" => App::Camel,
            "map" | "gsm_map" => App::Map,
            "ain" => App::Ain,
            "inap" => App::Inap,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: InputFormat,
    pub layer: HexLayer,
    pub mtp3: Mtp3Variant,
    /// SSNs whose TCAP is CAP when the dialogue's application context was not seen (like
    /// tshark's `camel.tcap.ssn`).
    pub cap_ssns: Vec<u8>,
    /// Further SSN → application mappings (later entries win over earlier ones and over
    /// `cap_ssns`).
    pub ssn_apps: Vec<(u8, App)>,
}

impl Options {
    fn app_of_ssn(&self, ssn: u8) -> Option<App> {
        self.ssn_apps
            .iter()
            .rev()
            .find(|(s, _)| *s == ssn)
            .map(|(_, a)| *a)
            .or_else(|| self.cap_ssns.contains(&ssn).then_some(App::Camel))
    }
}

/// Counts for `--summary`.
#[derive(Debug, Default)]
pub struct Totals {
    pub messages: u64,
    pub errors: u64,
    pub operations: BTreeMap<String, u64>,
    pub tcap_types: BTreeMap<String, u64>,
    /// Dialogues by how they ended (`ended`, `aborted`, `open at end of input`, ...).
    pub dialogues: BTreeMap<&'static str, u64>,
    /// Errors by layer and reason.
    pub error_kinds: BTreeMap<String, u64>,
    /// What went wrong with an input as a whole (cut short, nothing to decode), one
    /// sentence each naming the input.
    pub warnings: Vec<String>,
}

impl Totals {
    pub fn table(&self) -> String {
        let mut s = format!("messages {}\nerrors   {}\n", self.messages, self.errors);
        let mut section = |title: &str, rows: Vec<(String, u64)>| {
            s.push_str(&format!("\n{title}\n"));
            if rows.is_empty() {
                s.push_str("         -\n");
            }
            for (k, v) in rows {
                s.push_str(&format!("  {v:>8}  {k}\n"));
            }
        };
        let rows = |m: &BTreeMap<String, u64>| m.iter().map(|(k, v)| (k.clone(), *v)).collect();
        section("TCAP message types", rows(&self.tcap_types));
        section("operations", rows(&self.operations));
        section(
            "dialogues",
            self.dialogues
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
        );
        section("errors", rows(&self.error_kinds));
        s
    }
}

/// The SCCP variant that goes with an MTP3 point-code variant: ANSI T1.112 for ANSI, the
/// ITU layout with 24-bit point codes for China (GF 001-9001). Japan's TTC JT-Q.713 uses the
/// ITU layout with 16-bit point codes, which the ITU decoder reads as 14-bit plus 2 spare
/// bits: the layout is right, only a point code with either top bit set is shown masked.
pub fn sccp_variant(mtp3: Mtp3Variant) -> crate::sccp::Variant {
    match mtp3 {
        Mtp3Variant::Itu | Mtp3Variant::Japanese => crate::sccp::Variant::Itu,
        Mtp3Variant::Ansi => crate::sccp::Variant::Ansi,
        Mtp3Variant::Chinese => crate::sccp::Variant::Chinese,
    }
}
