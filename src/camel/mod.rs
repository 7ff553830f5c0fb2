//! CAMEL Application Part (3GPP TS 29.078): operation codes, application contexts, common
//! enumerations and the argument codecs of the foundation CAMEL call (InitialDP,
//! RequestReportBCSMEvent, EventReportBCSM, Connect, ReleaseCall, Continue).
//!
//! The ASN.1 each type follows is transcribed, with its tags, in `asn1/CAP-subset.asn`.
//! Decoders take the invoke's parameter as a [`Tlv`](crate::ber::Tlv) and borrow from it;
//! they skip members they do not know (real gsmSSFs send newer-release and vendor members)
//! and accept members in any order. Encoders write members in ASN.1 order, definite length,
//! so a canonical input re-encodes byte for byte.
//!
//! Here: the operation codes and their names. The application contexts and phases are in
//! `phase`, the common CAP-datatypes (EventTypeBCSM, MonitorMode, LegType, LegID) in
//! `datatypes`, both re-exported.

pub mod charging;
pub mod control;
mod datatypes;
pub mod errors;
pub mod list;
pub mod numbers;
pub mod ops;
mod phase;

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
pub use datatypes::{EventTypeBcsm, LegId, LegType, MonitorMode};
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
pub use phase::{ac, ac_info, AcKind, Phase};

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

#[cfg(test)]
mod tests;
