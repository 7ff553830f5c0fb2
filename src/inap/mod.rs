//! INAP CS-1 (ETSI ETS 300 374-1, Core INAP; ITU-T Q.1218 the parent): the SSF↔SCF call
//! control operations a fixed-network switch uses to query an SCP over ITU TCAP, where a
//! North American switch would speak AIN.
//!
//! The ASN.1 each type follows is transcribed, with its tags, in `asn1/INAP-CS1-subset.asn`.
//! Where CS-1 and CAP (which grew out of it, TS 29.078) share a type tag for tag, the CAP
//! model is reused and re-exported here: RequestReportBCSMEvent, EventReportBCSM,
//! ReleaseCall, CallInformationRequest/Report, ResetTimer, Cancel, CallGap, the ISUP number
//! formats (Q.763) and Cause. INAP's own models are InitialDP (its CS-1 members), Connect,
//! ApplyCharging, ApplyChargingReport, FurnishChargingInformation and
//! EstablishTemporaryConnection, with the same conventions as the CAP codec: decoders borrow
//! from the parameter, accept members in any order and skip unknown ones (the Q.1218-only
//! members included, ETS 300 374-1 §9 "unrecognised members are ignored"); encoders write
//! ASN.1 order, definite lengths.
//!
//! Operation codes are local values, the same as CAP's: only the application context (or
//! the SSN, when a CS-1 switch opens without a dialogue portion) tells INAP from CAP.

mod charging;
mod connect;
pub mod errors;
mod etc;
mod initial_dp;

pub use charging::{ApplyChargingArg, ApplyChargingReportArg, FurnishChargingInformationArg};
pub use connect::ConnectArg;
pub use errors::InapError;
pub use etc::EstablishTemporaryConnectionArg;
pub use initial_dp::InitialDpArg;

/// Types CS-1 shares with CAP, member for member (ETS 300 374-1 §9 against TS 29.078 §6).
pub use crate::camel::control::CallGapArg;
pub use crate::camel::{
    BcsmEvent, CallInformationReportArg, CallInformationRequestArg, CancelArg, Cause,
    EventReportBcsmArg, EventSpecificInfo, EventTypeBcsm, IsupNumber, LegId, LegType, MiscCallInfo,
    MonitorMode, ReleaseCallArg, RequestReportBcsmEventArg, RequestedInformation,
    RequestedInformationValue, ResetTimerArg,
};

/// Operation codes (Q.1218 IN-CS-1-Operations, local values; ETS 300 374-1 keeps the
/// codes of the operations it retains).
pub mod opcode {
    pub use crate::camel::opcode::{
        ACTIVITY_TEST, APPLY_CHARGING, APPLY_CHARGING_REPORT, ASSIST_REQUEST_INSTRUCTIONS,
        CALL_GAP, CALL_INFORMATION_REPORT, CALL_INFORMATION_REQUEST, CANCEL, COLLECT_INFORMATION,
        CONNECT, CONNECT_TO_RESOURCE, CONTINUE, DISCONNECT_FORWARD_CONNECTION,
        ESTABLISH_TEMPORARY_CONNECTION, EVENT_REPORT_BCSM, FURNISH_CHARGING_INFORMATION,
        INITIAL_DP, INITIATE_CALL_ATTEMPT, PLAY_ANNOUNCEMENT, PROMPT_AND_COLLECT_USER_INFORMATION,
        RELEASE_CALL, REQUEST_REPORT_BCSM_EVENT, RESET_TIMER, SEND_CHARGING_INFORMATION,
        SPECIALIZED_RESOURCE_REPORT,
    };
    pub const REQUEST_NOTIFICATION_CHARGING_EVENT: u32 = 25;
    pub const EVENT_NOTIFICATION_CHARGING: u32 = 26;
    pub const ACTIVATE_SERVICE_FILTERING: u32 = 42;
    pub const SERVICE_FILTERING_RESPONSE: u32 = 43;
}

/// Core INAP CS-1 application contexts (ETS 300 374-1 §9, IN-CS1-object-identifiers:
/// {ccitt(0) identified-organization(4) etsi(0) inDomain(1) in-network(1) core-INAP-CS1(1)
/// ac(n) version1(0)}), as encoded OBJECT IDENTIFIER contents.
pub mod ac {
    /// Core-INAP-CS1-SSP-to-SCP-AC 0.4.0.1.1.1.0.0: the dialogue InitialDP opens.
    pub const SSP_TO_SCP: &[u8] = &[0x04, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00];
    /// Core-INAP-CS1-assist-handoff-SSP-to-SCP-AC 0.4.0.1.1.1.1.0.
    pub const ASSIST_HANDOFF_SSP_TO_SCP: &[u8] = &[0x04, 0x00, 0x01, 0x01, 0x01, 0x01, 0x00];
    /// Core-INAP-CS1-IP-to-SCP-AC 0.4.0.1.1.1.2.0.
    pub const IP_TO_SCP: &[u8] = &[0x04, 0x00, 0x01, 0x01, 0x01, 0x02, 0x00];
    /// Core-INAP-CS1-SCP-to-SSP-AC 0.4.0.1.1.1.3.0 (SCP-initiated).
    pub const SCP_TO_SSP: &[u8] = &[0x04, 0x00, 0x01, 0x01, 0x01, 0x03, 0x00];

    /// Whether `ac` is a Core INAP CS-1 application context (any of the family).
    pub fn is_inap(ac: &[u8]) -> bool {
        matches!(ac, [0x04, 0x00, 0x01, 0x01, 0x01, 0..=6, 0x00])
    }
}

/// Whether ETS 300 374-1 (Core INAP CS-1) keeps operation `op`; the rest of Q.1218's
/// CS-1 set (the BCSM DP operations 1–15, holdCallInNetwork, selectRoute, the status
/// reports, ...) is not Core INAP.
pub fn is_core(op: u32) -> bool {
    use opcode::*;
    matches!(
        op,
        INITIAL_DP
            | ASSIST_REQUEST_INSTRUCTIONS
            | ESTABLISH_TEMPORARY_CONNECTION
            | DISCONNECT_FORWARD_CONNECTION
            | CONNECT_TO_RESOURCE
            | CONNECT
            | RELEASE_CALL
            | REQUEST_REPORT_BCSM_EVENT
            | EVENT_REPORT_BCSM
            | REQUEST_NOTIFICATION_CHARGING_EVENT
            | EVENT_NOTIFICATION_CHARGING
            | COLLECT_INFORMATION
            | CONTINUE
            | INITIATE_CALL_ATTEMPT
            | RESET_TIMER
            | FURNISH_CHARGING_INFORMATION
            | APPLY_CHARGING
            | APPLY_CHARGING_REPORT
            | CALL_GAP
            | ACTIVATE_SERVICE_FILTERING
            | SERVICE_FILTERING_RESPONSE
            | CALL_INFORMATION_REPORT
            | CALL_INFORMATION_REQUEST
            | SEND_CHARGING_INFORMATION
            | PLAY_ANNOUNCEMENT
            | PROMPT_AND_COLLECT_USER_INFORMATION
            | SPECIALIZED_RESOURCE_REPORT
            | CANCEL
            | ACTIVITY_TEST
    )
}

/// The ASN.1 name of a Q.1218 CS-1 operation code (as the standard and Wireshark spell it).
pub fn operation_name(op: u32) -> Option<&'static str> {
    Some(match op {
        0 => "initialDP",
        1 => "originationAttemptAuthorized",
        2 => "collectedInformation",
        3 => "analysedInformation",
        4 => "routeSelectFailure",
        5 => "oCalledPartyBusy",
        6 => "oNoAnswer",
        7 => "oAnswer",
        8 => "oDisconnect",
        9 => "termAttemptAuthorized",
        10 => "tBusy",
        11 => "tNoAnswer",
        12 => "tAnswer",
        13 => "tDisconnect",
        14 => "oMidCall",
        15 => "tMidCall",
        16 => "assistRequestInstructions",
        17 => "establishTemporaryConnection",
        18 => "disconnectForwardConnection",
        19 => "connectToResource",
        20 => "connect",
        21 => "holdCallInNetwork",
        22 => "releaseCall",
        23 => "requestReportBCSMEvent",
        24 => "eventReportBCSM",
        25 => "requestNotificationChargingEvent",
        26 => "eventNotificationCharging",
        27 => "collectInformation",
        28 => "analyseInformation",
        29 => "selectRoute",
        30 => "selectFacility",
        31 => "continue",
        32 => "initiateCallAttempt",
        33 => "resetTimer",
        34 => "furnishChargingInformation",
        35 => "applyCharging",
        36 => "applyChargingReport",
        37 => "requestCurrentStatusReport",
        38 => "requestEveryStatusChangeReport",
        39 => "requestFirstStatusMatchReport",
        40 => "statusReport",
        41 => "callGap",
        42 => "activateServiceFiltering",
        43 => "serviceFilteringResponse",
        44 => "callInformationReport",
        45 => "callInformationRequest",
        46 => "sendChargingInformation",
        47 => "playAnnouncement",
        48 => "promptAndCollectUserInformation",
        49 => "specializedResourceReport",
        53 => "cancel",
        54 => "cancelStatusReportRequest",
        55 => "activityTest",
        _ => return None,
    })
}

/// EventTypeBCSM as CS-1 spells it (ETS 300 374-1 §9; CAP writes `analyzedInformation`).
pub fn event_name(e: EventTypeBcsm) -> Option<&'static str> {
    Some(match e.0 {
        1 => "origAttemptAuthorized",
        3 => "analysedInformation",
        n @ (2 | 4..=18) => return EventTypeBcsm(n).name(),
        _ => return None,
    })
}

/// TriggerType (ETS 300 374-1 §9 / Q.1218 IN-CS-1-Datatypes): the trigger that raised an
/// InitialDP, by name.
pub fn trigger_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "featureActivation",
        1 => "verticalServiceCode",
        2 => "customizedAccess",
        3 => "customizedIntercom",
        12 => "emergencyService",
        13 => "aFR",
        14 => "sharedIOTrunk",
        17 => "offHookDelay",
        18 => "channelSetupPRI",
        25 => "tNoAnswer",
        26 => "tBusy",
        27 => "oCalledPartyBusy",
        29 => "oNoAnswer",
        30 => "originationAttemptAuthorized",
        31 => "oAnswer",
        32 => "oDisconnect",
        33 => "termAttemptAuthorized",
        34 => "tAnswer",
        35 => "tDisconnect",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
