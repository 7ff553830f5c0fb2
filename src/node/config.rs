//! What a node is set up with: its identity on the network ([`NodeConfig`]) and the
//! stack's settings, each with a default ([`StackConfig`]).

use crate::sccp::{self, route::GtRule, segment::ReassemblyConfig};
use crate::tcap::dialogues::Shards;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct NodeConfig {
    pub point_code: u32,
    /// MTP3 network indicator of the messages we originate (answers reuse the query's).
    pub network_indicator: u8,
    pub camel_ssn: u8,
    /// Subsystem of the AIN SCP (ANSI TCAP); `None`: no AIN.
    pub ain_ssn: Option<u8>,
    pub instance: u8,
    /// Which stack of the instance this is, when dialogues are spread over several (the
    /// low bits of our transaction ids name it).
    pub shards: Shards,
    pub max_dialogues: usize,
    pub dialogue_idle: Duration,
}

/// Stack settings beyond [`NodeConfig`], each with a default ([`StackConfig::default`] is
/// what [`Node::new`] uses).
#[derive(Debug, Clone)]
pub struct StackConfig {
    /// Application contexts accepted on the CAMEL SSN (encoded OID contents). Default: the
    /// gsmSSF→gsmSCF ACs of CAP v2, v3 and v4.
    pub camel_acs: Vec<Vec<u8>>,
    /// The AC named in the AARE refusing any other (so the switch can fall back). Default:
    /// CAP v2.
    pub camel_fallback_ac: Vec<u8>,
    /// Accept a TC-BEGIN without dialogue portion (CAP v1). Default: true.
    pub camel_accept_without_ac: bool,
    /// Invocation timer of the operations we send (RequestReportBCSMEvent, Continue,
    /// Connect, ReleaseCall; TS 29.078 "short" timers). Default: 10 s.
    pub invoke_timeout: Duration,
    /// Send a U-Abort (ABRT) when a dialogue idles out. Default: true.
    pub abort_on_idle: bool,
    /// XUDT/LUDT reassembly: T(reass) and limits. Default: [`ReassemblyConfig::default`].
    pub reassembly: ReassemblyConfig,
    /// Most user data per XUDT segment we send; `None` (default): as much as fits.
    pub max_segment: Option<usize>,
    /// Local GT translation table. Empty (default): every GT-routed message is ours.
    pub gt_rules: Vec<GtRule>,
    /// SCCP standard on the wire: ITU Q.713 (default), ANSI T1.112 or the Chinese 24-bit
    /// variant. The TCAP and CAP above it do not change.
    pub sccp_variant: sccp::Variant,
    /// Hop counter of the XUDT/XUDTS/LUDTS we originate (Q.713 §3.18, 1–15). Default 15.
    pub hop_counter: u8,
    /// Point codes told by SCMG when a local subsystem goes in or out of service (SSA/SSP,
    /// Q.714 §5.3.2): the STPs and mated nodes. Default: none.
    pub scmg_concerned: Vec<u32>,
    /// How long a trigger of a `decide` subscriber waits for the data-session server before
    /// the engine's fallback answers it. Default: 1 s.
    pub decision_deadline: Duration,
    /// While a decision is pending, send ResetTimer (CAP v2+) after this long, setting the
    /// gsmSSF's Tssf to `.1` seconds (TS 23.078 §4.6.1.2: Tssf guards the gsmSSF waiting
    /// for instructions). Default: `None`, never.
    pub reset_timer: Option<(Duration, u32)>,
    /// Subsystem of the INAP CS-1 SCF (ITU TCAP), `None`: no INAP. Default: 241, INAP's
    /// number in Q.713 Annex B. Ignored when the CAMEL or AIN subsystem has that number.
    pub inap_ssn: Option<u8>,
    /// Application contexts accepted on the INAP SSN (encoded OID contents); a TC-BEGIN
    /// without a dialogue portion is accepted too. Default: Core INAP CS-1 SSP-to-SCP
    /// (ETS 300 374-1), the dialogue InitialDP opens.
    pub inap_acs: Vec<Vec<u8>>,
    /// Subsystem of the WIN SCP (ANSI TCAP), `None`: no WIN. Default: 14, the SCP's in
    /// the WIN capture of WIN-INAP-NOTES.md (TIA/EIA-41 assigns none). Ignored when
    /// another subsystem has that number.
    pub win_ssn: Option<u8>,
    /// What the AIN SSPs need provisioned: their release (default AIN 0.2) and the
    /// AMAslpID of Analyze_Route.
    pub ain: crate::tcuser::ain::AinSettings,
    /// The MAP client towards HLRs; `None` (default): scpd asks no HLR.
    pub hlr: Option<crate::tcuser::hlr::HlrSettings>,
}

impl Default for StackConfig {
    fn default() -> Self {
        use crate::camel::ac;
        StackConfig {
            camel_acs: vec![
                ac::CAP_V1_GSMSSF_TO_GSMSCF.to_vec(),
                ac::CAP_V2_GSMSSF_TO_GSMSCF.to_vec(),
                ac::CAP_V3_GSMSSF_SCF_GENERIC.to_vec(),
                ac::CAP_V4_GSMSSF_SCF_GENERIC.to_vec(),
            ],
            camel_fallback_ac: ac::CAP_V2_GSMSSF_TO_GSMSCF.to_vec(),
            camel_accept_without_ac: true,
            invoke_timeout: Duration::from_secs(10),
            abort_on_idle: true,
            reassembly: ReassemblyConfig::default(),
            max_segment: None,
            gt_rules: Vec::new(),
            sccp_variant: sccp::Variant::Itu,
            hop_counter: sccp::MAX_HOP_COUNTER,
            scmg_concerned: Vec::new(),
            decision_deadline: Duration::from_secs(1),
            reset_timer: None,
            inap_ssn: Some(241),
            inap_acs: vec![crate::inap::ac::SSP_TO_SCP.to_vec()],
            win_ssn: Some(14),
            ain: Default::default(),
            hlr: None,
        }
    }
}

/// What a configuration reload (SIGHUP) may change in a running stack: applied between two
/// inputs, so each call sees the old settings or the new, and held triggers keep the
/// deadline they were given.
#[derive(Debug, Clone, PartialEq)]
pub struct Reload {
    pub decision_deadline: Duration,
    pub reset_timer: Option<(Duration, u32)>,
    pub fallback: crate::service::Instruction,
    pub gt_rules: Vec<GtRule>,
    pub scmg_concerned: Vec<u32>,
    /// How long an anchor number drawn for the anchor policy stays live (ms).
    pub anchor_ttl_ms: i64,
}
