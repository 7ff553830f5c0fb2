//! CAMEL phases and the application contexts that negotiate them (TS 29.078 §5
//! CAP-object-identifiers), with the operations each phase and interface may carry
//! (TS 29.078 §6.1.2 / §6.2.2).

use super::opcode;

/// Application context names of every CAP phase (TS 29.078 §5 / CAP-object-identifiers), as
/// encoded OBJECT IDENTIFIER contents (X.690 §8.19), ready to compare with a TCAP dialogue
/// portion's AC.
pub mod ac {
    /// CAP v1 (phase 1) gsmSSF-to-gsmSCF 0.4.0.0.1.0.50.0.
    pub const CAP_V1_GSMSSF_TO_GSMSCF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x00];
    /// CAP v2 gsmSSF-to-gsmSCF 0.4.0.0.1.0.50.1.
    pub const CAP_V2_GSMSSF_TO_GSMSCF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01];
    /// CAP v2 assist-handoff gsmSSF-to-gsmSCF 0.4.0.0.1.0.51.1.
    pub const CAP_V2_ASSIST_GSMSSF_TO_GSMSCF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x00, 0x33, 0x01];
    /// CAP v2 gsmSRF-to-gsmSCF 0.4.0.0.1.0.52.1.
    pub const CAP_V2_GSMSRF_TO_GSMSCF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x00, 0x34, 0x01];
    /// CAP v3 gsmSSF-scfGeneric 0.4.0.0.1.21.3.4.
    pub const CAP_V3_GSMSSF_SCF_GENERIC: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x15, 0x03, 0x04];
    /// CAP v3 gsmSSF-scfAssistHandoff 0.4.0.0.1.21.3.6.
    pub const CAP_V3_GSMSSF_SCF_ASSIST_HANDOFF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x15, 0x03, 0x06];
    /// CAP v3 gsmSRF-gsmSCF 0.4.0.0.1.20.3.14.
    pub const CAP_V3_GSMSRF_GSMSCF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x14, 0x03, 0x0e];
    /// CAP v4 gsmSSF-scfGeneric 0.4.0.0.1.23.3.4.
    pub const CAP_V4_GSMSSF_SCF_GENERIC: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x04];
    /// CAP v4 gsmSSF-scfAssistHandoff 0.4.0.0.1.23.3.6.
    pub const CAP_V4_GSMSSF_SCF_ASSIST_HANDOFF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x06];
    /// CAP v4 scf-gsmSSFGeneric (gsmSCF-initiated dialogue, InitiateCallAttempt) 0.4.0.0.1.23.3.8.
    pub const CAP_V4_SCF_GSMSSF_GENERIC: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x08];
    /// CAP v4 gsmSRF-gsmSCF 0.4.0.0.1.22.3.14.
    pub const CAP_V4_GSMSRF_GSMSCF: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x16, 0x03, 0x0e];

    /// Every circuit-switched call control AC above, oldest phase first.
    pub const ALL: &[&[u8]] = &[
        CAP_V1_GSMSSF_TO_GSMSCF,
        CAP_V2_GSMSSF_TO_GSMSCF,
        CAP_V2_ASSIST_GSMSSF_TO_GSMSCF,
        CAP_V2_GSMSRF_TO_GSMSCF,
        CAP_V3_GSMSSF_SCF_GENERIC,
        CAP_V3_GSMSSF_SCF_ASSIST_HANDOFF,
        CAP_V3_GSMSRF_GSMSCF,
        CAP_V4_GSMSSF_SCF_GENERIC,
        CAP_V4_GSMSSF_SCF_ASSIST_HANDOFF,
        CAP_V4_SCF_GSMSSF_GENERIC,
        CAP_V4_GSMSRF_GSMSCF,
    ];
}

/// Which interface an application context is for: it narrows the operations a dialogue may
/// carry (TS 29.078 §6.1.2 / §6.2.2 operation packages per AC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AcKind {
    /// gsmSSF-to-gsmSCF / gsmSSF-scfGeneric: the call control dialogue opened by InitialDP.
    SsfToScf,
    /// Assist / handoff: an assisting gsmSSF reporting with AssistRequestInstructions.
    AssistHandoff,
    /// gsmSRF-to-gsmSCF: an intelligent peripheral.
    SrfToScf,
    /// scf-gsmSSFGeneric (CAP v4): a gsmSCF-initiated call (InitiateCallAttempt).
    ScfInitiated,
}

/// The phase and interface of a known CAP circuit-switched AC, `None` for anything else.
pub fn ac_info(ac: &[u8]) -> Option<(Phase, AcKind)> {
    Some(match ac {
        [0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x00] => (Phase::Cap1, AcKind::SsfToScf),
        [0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01] => (Phase::Cap2, AcKind::SsfToScf),
        [0x04, 0x00, 0x00, 0x01, 0x00, 0x33, 0x01] => (Phase::Cap2, AcKind::AssistHandoff),
        [0x04, 0x00, 0x00, 0x01, 0x00, 0x34, 0x01] => (Phase::Cap2, AcKind::SrfToScf),
        [0x04, 0x00, 0x00, 0x01, 0x15, 0x03, 0x04] => (Phase::Cap3, AcKind::SsfToScf),
        [0x04, 0x00, 0x00, 0x01, 0x15, 0x03, 0x06] => (Phase::Cap3, AcKind::AssistHandoff),
        [0x04, 0x00, 0x00, 0x01, 0x14, 0x03, 0x0e] => (Phase::Cap3, AcKind::SrfToScf),
        [0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x04] => (Phase::Cap4, AcKind::SsfToScf),
        [0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x06] => (Phase::Cap4, AcKind::AssistHandoff),
        [0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x08] => (Phase::Cap4, AcKind::ScfInitiated),
        [0x04, 0x00, 0x00, 0x01, 0x16, 0x03, 0x0e] => (Phase::Cap4, AcKind::SrfToScf),
        _ => return None,
    })
}

/// CAMEL phase, i.e. CAP version, negotiated by the dialogue's application context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Cap1,
    Cap2,
    Cap3,
    Cap4,
}

impl Phase {
    /// The phase of an application context (encoded OID contents): phase 1 is
    /// 0.4.0.0.1.0.50.0; phase 2 the 0.4.0.0.1.0.{50,51,52}.1 ACs (gsmSSF-to-gsmSCF,
    /// assist-handoff, gsmSRF-to-gsmSCF); phase 3 every AC under 0.4.0.0.1.21.3 and the gsmSRF
    /// AC 0.4.0.0.1.20.3.14; phase 4 every AC under 0.4.0.0.1.23.3 and 0.4.0.0.1.22.3.14.
    /// Anything else: `None`.
    pub fn from_ac(ac: &[u8]) -> Option<Phase> {
        match ac {
            [0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x00] => Some(Phase::Cap1),
            [0x04, 0x00, 0x00, 0x01, 0x00, 0x32..=0x34, 0x01] => Some(Phase::Cap2),
            [0x04, 0x00, 0x00, 0x01, 0x15, 0x03, _]
            | [0x04, 0x00, 0x00, 0x01, 0x14, 0x03, 0x0e] => Some(Phase::Cap3),
            [0x04, 0x00, 0x00, 0x01, 0x17, 0x03, _]
            | [0x04, 0x00, 0x00, 0x01, 0x16, 0x03, 0x0e] => Some(Phase::Cap4),
            _ => None,
        }
    }

    /// The gsmSSF-to-gsmSCF (generic) application context of this phase.
    pub fn ac(self) -> &'static [u8] {
        match self {
            Phase::Cap1 => ac::CAP_V1_GSMSSF_TO_GSMSCF,
            Phase::Cap2 => ac::CAP_V2_GSMSSF_TO_GSMSCF,
            Phase::Cap3 => ac::CAP_V3_GSMSSF_SCF_GENERIC,
            Phase::Cap4 => ac::CAP_V4_GSMSSF_SCF_GENERIC,
        }
    }

    /// Whether a CAP dialogue of this phase may carry operation `op` (either direction).
    /// The operation packages per phase (TS 29.078 §6 and its earlier releases: CAP v1 =
    /// GSM 09.78 phase 1, v2 = Rel-98, v3 = Rel-99, v4 = Rel-5 onwards):
    /// - v1: InitialDP, Connect, Continue, ReleaseCall, RequestReportBCSMEvent,
    ///   EventReportBCSM, ActivityTest.
    /// - v2 adds charging (ApplyCharging, ApplyChargingReport, FurnishChargingInformation,
    ///   SendChargingInformation), CallInformationRequest/Report, ResetTimer, Cancel and the
    ///   user interaction operations (EstablishTemporaryConnection, ConnectToResource,
    ///   DisconnectForwardConnection, AssistRequestInstructions, PlayAnnouncement,
    ///   PromptAndCollectUserInformation, SpecializedResourceReport).
    /// - v3 adds CallGap and ContinueWithArgument.
    /// - v4 adds call party handling and the rest: InitiateCallAttempt, DisconnectLeg,
    ///   MoveLeg, SplitLeg, EntityReleased, DisconnectForwardConnectionWithArgument, PlayTone,
    ///   CollectInformation.
    ///
    /// An answer built for a dialogue only uses operations this returns `true` for.
    pub fn allows(self, op: u32) -> bool {
        use opcode::*;
        let since = match op {
            INITIAL_DP
            | CONNECT
            | CONTINUE
            | RELEASE_CALL
            | REQUEST_REPORT_BCSM_EVENT
            | EVENT_REPORT_BCSM
            | ACTIVITY_TEST => Phase::Cap1,
            APPLY_CHARGING
            | APPLY_CHARGING_REPORT
            | FURNISH_CHARGING_INFORMATION
            | SEND_CHARGING_INFORMATION
            | CALL_INFORMATION_REQUEST
            | CALL_INFORMATION_REPORT
            | RESET_TIMER
            | CANCEL
            | ESTABLISH_TEMPORARY_CONNECTION
            | CONNECT_TO_RESOURCE
            | DISCONNECT_FORWARD_CONNECTION
            | ASSIST_REQUEST_INSTRUCTIONS
            | PLAY_ANNOUNCEMENT
            | PROMPT_AND_COLLECT_USER_INFORMATION
            | SPECIALIZED_RESOURCE_REPORT => Phase::Cap2,
            CALL_GAP | CONTINUE_WITH_ARGUMENT => Phase::Cap3,
            INITIATE_CALL_ATTEMPT
            | DISCONNECT_LEG
            | MOVE_LEG
            | SPLIT_LEG
            | ENTITY_RELEASED
            | DISCONNECT_FORWARD_CONNECTION_WITH_ARGUMENT
            | PLAY_TONE
            | COLLECT_INFORMATION => Phase::Cap4,
            _ => return false,
        };
        self >= since
    }

    /// Whether a dialogue with application context `ac` may carry operation `op`: the
    /// phase's operations narrowed to the AC's interface. gsmSRF dialogues carry user
    /// interaction only, assist-handoff dialogues that plus the connection control of the
    /// assisting gsmSSF, the gsmSCF-initiated AC everything but InitialDP (TS 29.078 §6.1.2,
    /// §6.2.2 contracts).
    pub fn ac_allows(ac: &[u8], op: u32) -> bool {
        use opcode::*;
        let Some((phase, kind)) = ac_info(ac) else {
            return false;
        };
        let user_interaction = matches!(
            op,
            ASSIST_REQUEST_INSTRUCTIONS
                | PLAY_ANNOUNCEMENT
                | PROMPT_AND_COLLECT_USER_INFORMATION
                | SPECIALIZED_RESOURCE_REPORT
                | CANCEL
                | ACTIVITY_TEST
        );
        phase.allows(op)
            && match kind {
                AcKind::SsfToScf => op != INITIATE_CALL_ATTEMPT,
                AcKind::ScfInitiated => !matches!(op, INITIAL_DP | ASSIST_REQUEST_INSTRUCTIONS),
                AcKind::SrfToScf => user_interaction,
                AcKind::AssistHandoff => {
                    user_interaction
                        || matches!(
                            op,
                            RESET_TIMER
                                | CONNECT_TO_RESOURCE
                                | DISCONNECT_FORWARD_CONNECTION
                                | DISCONNECT_FORWARD_CONNECTION_WITH_ARGUMENT
                                | PLAY_TONE
                        )
                }
            }
    }
}
