//! CAMEL Application Part (3GPP TS 29.078): operation codes, application contexts, common
//! enumerations and the argument codecs of the foundation CAMEL call (InitialDP,
//! RequestReportBCSMEvent, EventReportBCSM, Connect, ReleaseCall, Continue).
//!
//! The ASN.1 each type follows is transcribed, with its tags, in `asn1/CAP-subset.asn`.
//! Decoders take the invoke's parameter as a [`Tlv`](crate::ber::Tlv) and borrow from it;
//! they skip members they do not know (real gsmSSFs send newer-release and vendor members)
//! and accept members in any order. Encoders write members in ASN.1 order, definite length,
//! so a canonical input re-encodes byte for byte.

pub mod charging;
pub mod control;
pub mod errors;
pub mod list;
pub mod numbers;
pub mod ops;

pub use charging::{
    AChChargingAddress, ApplyChargingArg, ApplyChargingReportArg, FurnishChargingInformationArg,
    TimeDurationCharging, TimeInformation,
};
pub use control::{
    AssistRequestInstructionsArg, CallInformationReportArg, CallInformationRequestArg, CancelArg,
    ContinueWithArgumentArg, ContinueWithArgumentArgExtension, EntityReleasedArg,
    InitiateCallAttemptArg, InitiateCallAttemptRes, LegOrCallSegment, RequestedInformation,
    RequestedInformationValue, ResetTimerArg, SpecializedResourceReportArg,
};
pub use errors::CapError;
pub use list::List;
pub use numbers::{
    AddressString, BearerCapability, CalledPartyBcdNumber, Cause, CellIdOrLai, GenericNumber,
    IsupDigits, IsupNumber, Plmn, RedirectionInformation, TbcdDigits, TimeAndTimezone,
};
pub use ops::{
    BcsmEvent, ChangeOfPosition, ConnectArg, DpSpecificCriteria, DpSpecificInfoAlt,
    EventReportBcsmArg, EventSpecificInfo, InitialDpArg, InitialDpArgExtension,
    LocationInformation, MidCallEvents, MiscCallInfo, ReleaseCallArg, RequestReportBcsmEventArg,
    ServiceChange,
};

use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use std::fmt;

/// Operation codes (TS 29.078 CAP-operationcodes; local integer values).
pub mod opcode {
    pub const INITIAL_DP: u32 = 0;
    pub const ASSIST_REQUEST_INSTRUCTIONS: u32 = 16;
    pub const ESTABLISH_TEMPORARY_CONNECTION: u32 = 17;
    pub const DISCONNECT_FORWARD_CONNECTION: u32 = 18;
    pub const CONNECT_TO_RESOURCE: u32 = 19;
    pub const CONNECT: u32 = 20;
    pub const RELEASE_CALL: u32 = 22;
    pub const REQUEST_REPORT_BCSM_EVENT: u32 = 23;
    pub const EVENT_REPORT_BCSM: u32 = 24;
    pub const COLLECT_INFORMATION: u32 = 27;
    pub const CONTINUE: u32 = 31;
    pub const INITIATE_CALL_ATTEMPT: u32 = 32;
    pub const RESET_TIMER: u32 = 33;
    pub const FURNISH_CHARGING_INFORMATION: u32 = 34;
    pub const APPLY_CHARGING: u32 = 35;
    pub const APPLY_CHARGING_REPORT: u32 = 36;
    pub const CALL_GAP: u32 = 41;
    pub const CALL_INFORMATION_REPORT: u32 = 44;
    pub const CALL_INFORMATION_REQUEST: u32 = 45;
    pub const SEND_CHARGING_INFORMATION: u32 = 46;
    pub const PLAY_ANNOUNCEMENT: u32 = 47;
    pub const PROMPT_AND_COLLECT_USER_INFORMATION: u32 = 48;
    pub const SPECIALIZED_RESOURCE_REPORT: u32 = 49;
    pub const CANCEL: u32 = 53;
    pub const ACTIVITY_TEST: u32 = 55;
    pub const CONTINUE_WITH_ARGUMENT: u32 = 88;
    pub const DISCONNECT_FORWARD_CONNECTION_WITH_ARGUMENT: u32 = 86;
    pub const DISCONNECT_LEG: u32 = 90;
    pub const MOVE_LEG: u32 = 93;
    pub const SPLIT_LEG: u32 = 95;
    pub const ENTITY_RELEASED: u32 = 96;
    pub const PLAY_TONE: u32 = 97;
    // SMS and GPRS control (named for the lab decoder).
    pub const INITIAL_DP_SMS: u32 = 60;
    pub const FURNISH_CHARGING_INFORMATION_SMS: u32 = 61;
    pub const CONNECT_SMS: u32 = 62;
    pub const REQUEST_REPORT_SMS_EVENT: u32 = 63;
    pub const EVENT_REPORT_SMS: u32 = 64;
    pub const CONTINUE_SMS: u32 = 65;
    pub const RELEASE_SMS: u32 = 66;
    pub const RESET_TIMER_SMS: u32 = 67;
    pub const ACTIVITY_TEST_GPRS: u32 = 70;
    pub const APPLY_CHARGING_GPRS: u32 = 71;
    pub const APPLY_CHARGING_REPORT_GPRS: u32 = 72;
    pub const CANCEL_GPRS: u32 = 73;
    pub const CONNECT_GPRS: u32 = 74;
    pub const CONTINUE_GPRS: u32 = 75;
    pub const ENTITY_RELEASED_GPRS: u32 = 76;
    pub const FURNISH_CHARGING_INFORMATION_GPRS: u32 = 77;
    pub const INITIAL_DP_GPRS: u32 = 78;
    pub const RELEASE_GPRS: u32 = 79;
    pub const EVENT_REPORT_GPRS: u32 = 80;
    pub const REQUEST_REPORT_GPRS_EVENT: u32 = 81;
    pub const RESET_TIMER_GPRS: u32 = 82;
    pub const SEND_CHARGING_INFORMATION_GPRS: u32 = 83;
}

/// The ASN.1 name of a CAP operation code (as Wireshark and the standard spell it).
pub fn operation_name(op: u32) -> Option<&'static str> {
    use opcode::*;
    Some(match op {
        INITIAL_DP => "initialDP",
        ASSIST_REQUEST_INSTRUCTIONS => "assistRequestInstructions",
        ESTABLISH_TEMPORARY_CONNECTION => "establishTemporaryConnection",
        DISCONNECT_FORWARD_CONNECTION => "disconnectForwardConnection",
        CONNECT_TO_RESOURCE => "connectToResource",
        CONNECT => "connect",
        RELEASE_CALL => "releaseCall",
        REQUEST_REPORT_BCSM_EVENT => "requestReportBCSMEvent",
        EVENT_REPORT_BCSM => "eventReportBCSM",
        COLLECT_INFORMATION => "collectInformation",
        CONTINUE => "continue",
        INITIATE_CALL_ATTEMPT => "initiateCallAttempt",
        RESET_TIMER => "resetTimer",
        FURNISH_CHARGING_INFORMATION => "furnishChargingInformation",
        APPLY_CHARGING => "applyCharging",
        APPLY_CHARGING_REPORT => "applyChargingReport",
        CALL_GAP => "callGap",
        CALL_INFORMATION_REPORT => "callInformationReport",
        CALL_INFORMATION_REQUEST => "callInformationRequest",
        SEND_CHARGING_INFORMATION => "sendChargingInformation",
        PLAY_ANNOUNCEMENT => "playAnnouncement",
        PROMPT_AND_COLLECT_USER_INFORMATION => "promptAndCollectUserInformation",
        SPECIALIZED_RESOURCE_REPORT => "specializedResourceReport",
        CANCEL => "cancel",
        ACTIVITY_TEST => "activityTest",
        CONTINUE_WITH_ARGUMENT => "continueWithArgument",
        DISCONNECT_FORWARD_CONNECTION_WITH_ARGUMENT => "disconnectForwardConnectionWithArgument",
        DISCONNECT_LEG => "disconnectLeg",
        MOVE_LEG => "moveLeg",
        SPLIT_LEG => "splitLeg",
        ENTITY_RELEASED => "entityReleased",
        PLAY_TONE => "playTone",
        INITIAL_DP_SMS => "initialDPSMS",
        FURNISH_CHARGING_INFORMATION_SMS => "furnishChargingInformationSMS",
        CONNECT_SMS => "connectSMS",
        REQUEST_REPORT_SMS_EVENT => "requestReportSMSEvent",
        EVENT_REPORT_SMS => "eventReportSMS",
        CONTINUE_SMS => "continueSMS",
        RELEASE_SMS => "releaseSMS",
        RESET_TIMER_SMS => "resetTimerSMS",
        ACTIVITY_TEST_GPRS => "activityTestGPRS",
        APPLY_CHARGING_GPRS => "applyChargingGPRS",
        APPLY_CHARGING_REPORT_GPRS => "applyChargingReportGPRS",
        CANCEL_GPRS => "cancelGPRS",
        CONNECT_GPRS => "connectGPRS",
        CONTINUE_GPRS => "continueGPRS",
        ENTITY_RELEASED_GPRS => "entityReleasedGPRS",
        FURNISH_CHARGING_INFORMATION_GPRS => "furnishChargingInformationGPRS",
        INITIAL_DP_GPRS => "initialDPGPRS",
        RELEASE_GPRS => "releaseGPRS",
        EVENT_REPORT_GPRS => "eventReportGPRS",
        REQUEST_REPORT_GPRS_EVENT => "requestReportGPRSEvent",
        RESET_TIMER_GPRS => "resetTimerGPRS",
        SEND_CHARGING_INFORMATION_GPRS => "sendChargingInformationGPRS",
        _ => return None,
    })
}

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

/// EventTypeBCSM (TS 29.078 CAP-datatypes). A newtype, not an enum: TS 29.078 says an
/// unrecognised value is treated like no detection point, so unknown values must survive
/// decoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventTypeBcsm(pub u8);

impl EventTypeBcsm {
    pub const COLLECTED_INFO: EventTypeBcsm = EventTypeBcsm(2);
    pub const ANALYZED_INFORMATION: EventTypeBcsm = EventTypeBcsm(3);
    pub const ROUTE_SELECT_FAILURE: EventTypeBcsm = EventTypeBcsm(4);
    pub const O_CALLED_PARTY_BUSY: EventTypeBcsm = EventTypeBcsm(5);
    pub const O_NO_ANSWER: EventTypeBcsm = EventTypeBcsm(6);
    pub const O_ANSWER: EventTypeBcsm = EventTypeBcsm(7);
    pub const O_MID_CALL: EventTypeBcsm = EventTypeBcsm(8);
    pub const O_DISCONNECT: EventTypeBcsm = EventTypeBcsm(9);
    pub const O_ABANDON: EventTypeBcsm = EventTypeBcsm(10);
    pub const TERM_ATTEMPT_AUTHORIZED: EventTypeBcsm = EventTypeBcsm(12);
    pub const T_BUSY: EventTypeBcsm = EventTypeBcsm(13);
    pub const T_NO_ANSWER: EventTypeBcsm = EventTypeBcsm(14);
    pub const T_ANSWER: EventTypeBcsm = EventTypeBcsm(15);
    pub const T_MID_CALL: EventTypeBcsm = EventTypeBcsm(16);
    pub const T_DISCONNECT: EventTypeBcsm = EventTypeBcsm(17);
    pub const T_ABANDON: EventTypeBcsm = EventTypeBcsm(18);
    pub const O_TERM_SEIZED: EventTypeBcsm = EventTypeBcsm(19);
    pub const CALL_ACCEPTED: EventTypeBcsm = EventTypeBcsm(27);
    pub const O_CHANGE_OF_POSITION: EventTypeBcsm = EventTypeBcsm(50);
    pub const T_CHANGE_OF_POSITION: EventTypeBcsm = EventTypeBcsm(51);
    pub const O_SERVICE_CHANGE: EventTypeBcsm = EventTypeBcsm(52);
    pub const T_SERVICE_CHANGE: EventTypeBcsm = EventTypeBcsm(53);

    /// The ASN.1 identifier, `None` for a value TS 29.078 does not define.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            2 => "collectedInfo",
            3 => "analyzedInformation",
            4 => "routeSelectFailure",
            5 => "oCalledPartyBusy",
            6 => "oNoAnswer",
            7 => "oAnswer",
            8 => "oMidCall",
            9 => "oDisconnect",
            10 => "oAbandon",
            12 => "termAttemptAuthorized",
            13 => "tBusy",
            14 => "tNoAnswer",
            15 => "tAnswer",
            16 => "tMidCall",
            17 => "tDisconnect",
            18 => "tAbandon",
            19 => "oTermSeized",
            27 => "callAccepted",
            50 => "oChangeOfPosition",
            51 => "tChangeOfPosition",
            52 => "oServiceChange",
            53 => "tServiceChange",
            _ => return None,
        })
    }

    /// Whether the event belongs to the terminating BCSM (T-CSI side).
    pub fn is_terminating(self) -> bool {
        matches!(self.0, 12..=18 | 27 | 51 | 53)
    }

    pub(crate) fn decode(t: &Tlv<'_>) -> Result<EventTypeBcsm> {
        let v = t.as_i64()?;
        u8::try_from(v).map(EventTypeBcsm).map_err(|_| {
            BerError::new(BerErrorKind::Invalid("EventTypeBCSM value"), t.value_offset)
        })
    }
}

impl fmt::Debug for EventTypeBcsm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "EventTypeBcsm({})", self.0),
        }
    }
}

impl fmt::Display for EventTypeBcsm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// MonitorMode (TS 29.078 CAP-datatypes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MonitorMode {
    Interrupted = 0,
    NotifyAndContinue = 1,
    Transparent = 2,
}

impl MonitorMode {
    pub(crate) fn decode(t: &Tlv<'_>) -> Result<MonitorMode> {
        match t.as_i64()? {
            0 => Ok(MonitorMode::Interrupted),
            1 => Ok(MonitorMode::NotifyAndContinue),
            2 => Ok(MonitorMode::Transparent),
            _ => Err(BerError::new(
                BerErrorKind::Invalid("MonitorMode value"),
                t.value_offset,
            )),
        }
    }
}

/// LegType ::= OCTET STRING (SIZE(1)); leg1 '01'H (calling side), leg2 '02'H (called side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LegType(pub u8);

impl LegType {
    pub const LEG1: LegType = LegType(1);
    pub const LEG2: LegType = LegType(2);

    pub(crate) fn decode(t: &Tlv<'_>) -> Result<LegType> {
        match t.value {
            [b] if !t.tag.constructed => Ok(LegType(*b)),
            _ => Err(BerError::new(
                BerErrorKind::Invalid("LegType (1 octet)"),
                t.value_offset,
            )),
        }
    }
}

/// LegID (ETSI CS1-DataTypes): CHOICE { sendingSideID [0] LegType, receivingSideID [1]
/// LegType }. Also used for CAP's SendingSideID ([0] only) and ReceivingSideID ([1] only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegId {
    SendingSide(LegType),
    ReceivingSide(LegType),
}

impl LegId {
    /// Decode the CHOICE from the element that carries it (the explicit wrapper's content).
    pub(crate) fn decode_choice(outer: &Tlv<'_>) -> Result<LegId> {
        let mut r = outer.children()?;
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("LegID alternative"),
            outer.value_offset,
        ))?;
        let leg = match (t.tag.class, t.tag.number) {
            (crate::ber::Class::Context, 0) => LegId::SendingSide(LegType::decode(&t)?),
            (crate::ber::Class::Context, 1) => LegId::ReceivingSide(LegType::decode(&t)?),
            _ => {
                return Err(BerError::new(
                    BerErrorKind::Invalid("LegID alternative"),
                    t.offset,
                ))
            }
        };
        r.finish()?;
        Ok(leg)
    }

    /// Write `[tag] { [0]|[1] LegType }`.
    pub(crate) fn encode_choice(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| match self {
            LegId::SendingSide(l) => w.primitive(Tag::ctx(0), &[l.0]),
            LegId::ReceivingSide(l) => w.primitive(Tag::ctx(1), &[l.0]),
        });
    }

    pub fn leg(self) -> LegType {
        match self {
            LegId::SendingSide(l) | LegId::ReceivingSide(l) => l,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_from_application_contexts() {
        // Dialogue portions of camel.pcap (v2) and expire-sample-merged.cap (v4).
        assert_eq!(
            Phase::from_ac(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01]),
            Some(Phase::Cap2)
        );
        assert_eq!(
            Phase::from_ac(&[0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x04]),
            Some(Phase::Cap4)
        );
        for p in [Phase::Cap1, Phase::Cap2, Phase::Cap3, Phase::Cap4] {
            assert_eq!(Phase::from_ac(p.ac()), Some(p));
        }
        assert_eq!(
            crate::ber::oid_to_string(Phase::Cap3.ac()).unwrap(),
            "0.4.0.0.1.21.3.4"
        );
        // A MAP AC (0.4.0.0.1.0.5.3) is not CAP.
        assert_eq!(
            Phase::from_ac(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x05, 0x03]),
            None
        );
        assert_eq!(Phase::from_ac(&[]), None);
    }

    #[test]
    fn every_phase_ac_and_its_operations() {
        let want = [
            ("0.4.0.0.1.0.50.0", Phase::Cap1, AcKind::SsfToScf),
            ("0.4.0.0.1.0.50.1", Phase::Cap2, AcKind::SsfToScf),
            ("0.4.0.0.1.0.51.1", Phase::Cap2, AcKind::AssistHandoff),
            ("0.4.0.0.1.0.52.1", Phase::Cap2, AcKind::SrfToScf),
            ("0.4.0.0.1.21.3.4", Phase::Cap3, AcKind::SsfToScf),
            ("0.4.0.0.1.21.3.6", Phase::Cap3, AcKind::AssistHandoff),
            ("0.4.0.0.1.20.3.14", Phase::Cap3, AcKind::SrfToScf),
            ("0.4.0.0.1.23.3.4", Phase::Cap4, AcKind::SsfToScf),
            ("0.4.0.0.1.23.3.6", Phase::Cap4, AcKind::AssistHandoff),
            ("0.4.0.0.1.23.3.8", Phase::Cap4, AcKind::ScfInitiated),
            ("0.4.0.0.1.22.3.14", Phase::Cap4, AcKind::SrfToScf),
        ];
        assert_eq!(ac::ALL.len(), want.len());
        for (a, (text, phase, kind)) in ac::ALL.iter().zip(want) {
            assert_eq!(crate::ber::oid_to_string(a).unwrap(), text);
            assert_eq!(ac_info(a), Some((phase, kind)), "{text}");
            assert_eq!(Phase::from_ac(a), Some(phase), "{text}");
        }
        use opcode::*;
        assert!(Phase::Cap1.allows(CONNECT) && !Phase::Cap1.allows(APPLY_CHARGING));
        assert!(Phase::Cap2.allows(APPLY_CHARGING) && !Phase::Cap2.allows(CONTINUE_WITH_ARGUMENT));
        assert!(
            Phase::Cap3.allows(CONTINUE_WITH_ARGUMENT)
                && !Phase::Cap3.allows(INITIATE_CALL_ATTEMPT)
        );
        assert!(Phase::Cap4.allows(INITIATE_CALL_ATTEMPT) && Phase::Cap4.allows(ENTITY_RELEASED));
        assert!(!Phase::Cap4.allows(INITIAL_DP_SMS));
        assert!(Phase::ac_allows(
            ac::CAP_V4_SCF_GSMSSF_GENERIC,
            INITIATE_CALL_ATTEMPT
        ));
        assert!(!Phase::ac_allows(
            ac::CAP_V4_GSMSSF_SCF_GENERIC,
            INITIATE_CALL_ATTEMPT
        ));
        assert!(!Phase::ac_allows(ac::CAP_V2_GSMSRF_TO_GSMSCF, CONNECT));
        assert!(Phase::ac_allows(
            ac::CAP_V2_GSMSRF_TO_GSMSCF,
            PLAY_ANNOUNCEMENT
        ));
        assert!(!Phase::ac_allows(ac::CAP_V1_GSMSSF_TO_GSMSCF, RESET_TIMER));
    }

    #[test]
    fn names() {
        assert_eq!(operation_name(opcode::INITIAL_DP), Some("initialDP"));
        assert_eq!(
            operation_name(opcode::REQUEST_REPORT_BCSM_EVENT),
            Some("requestReportBCSMEvent")
        );
        assert_eq!(operation_name(opcode::CONTINUE), Some("continue"));
        assert_eq!(
            operation_name(opcode::CONTINUE_WITH_ARGUMENT),
            Some("continueWithArgument")
        );
        assert_eq!(operation_name(opcode::ACTIVITY_TEST), Some("activityTest"));
        assert_eq!(operation_name(opcode::CANCEL), Some("cancel"));
        assert_eq!(operation_name(1), None);
        assert_eq!(EventTypeBcsm::T_ABANDON.to_string(), "tAbandon");
        assert_eq!(EventTypeBcsm(99).to_string(), "99");
        assert_eq!(format!("{:?}", EventTypeBcsm::O_ANSWER), "oAnswer(7)");
        assert!(!EventTypeBcsm::COLLECTED_INFO.is_terminating());
    }
}
