//! The INAP CS-1 argument schema: for each Core INAP operation, its members by context tag
//! with their ASN.1 names and types (ETS 300 374-1 §9, Core-INAP-CS1-Operations and
//! -DataTypes; `asn1/INAP-CS1-subset.asn`). Read by the same walker as the CAP table.
//!
//! Where CS-1 and CAP have the same type tag for tag (LegID, CallGap, Cancel, ResetTimer,
//! BearerCapability, MonitorMode) the CAP entry is reused. InitialDP, Connect, the charging
//! operations and the event details are CS-1's own. Members only Q.1218 has (which the
//! codec skips) are named too, so that a switch that sends them is shown readably.
//! Context tags 0–30 are single-octet (`9C` for [28]); the walker also reads the two-octet
//! form (`9F 1C`) some encoders write.

use super::cap_schema::{
    c, BEARER_CAP, CALL_GAP, CANCEL, EXTENSIONS, K, LEG_ID, M, MONITOR_MODE, RECEIVING_SIDE,
    RESET_TIMER, SENDING_SIDE, T,
};
use crate::inap;

/// EventTypeBCSM as CS-1 spells it (`origAttemptAuthorized`, `analysedInformation`), not
/// CAP's spelling.
const EVENT_TYPE: K = K::Enum(&[
    (1, "origAttemptAuthorized"),
    (2, "collectedInfo"),
    (3, "analysedInformation"),
    (4, "routeSelectFailure"),
    (5, "oCalledPartyBusy"),
    (6, "oNoAnswer"),
    (7, "oAnswer"),
    (8, "oMidCall"),
    (9, "oDisconnect"),
    (10, "oAbandon"),
    (12, "termAttemptAuthorized"),
    (13, "tBusy"),
    (14, "tNoAnswer"),
    (15, "tAnswer"),
    (16, "tMidCall"),
    (17, "tDisconnect"),
    (18, "tAbandon"),
]);

const TRIGGER_TYPE: K = K::Enum(&[
    (0, "featureActivation"),
    (1, "verticalServiceCode"),
    (2, "customizedAccess"),
    (3, "customizedIntercom"),
    (12, "emergencyService"),
    (13, "aFR"),
    (14, "sharedIOTrunk"),
    (17, "offHookDelay"),
    (18, "channelSetupPRI"),
    (25, "tNoAnswer"),
    (26, "tBusy"),
    (27, "oCalledPartyBusy"),
    (29, "oNoAnswer"),
    (30, "originationAttemptAuthorized"),
    (31, "oAnswer"),
    (32, "oDisconnect"),
    (33, "termAttemptAuthorized"),
    (34, "tAnswer"),
    (35, "tDisconnect"),
]);

const MISC_CALL_INFO: K = K::Seq(&[
    c(
        0,
        "messageType",
        K::Enum(&[(0, "request"), (1, "notification")]),
    ),
    c(
        1,
        "dpAssignment",
        K::Enum(&[(0, "individualLine"), (1, "groupBased"), (2, "officeBased")]),
    ),
]);

const INITIAL_DP: K = K::Seq(&[
    c(0, "serviceKey", K::Int),
    c(2, "calledPartyNumber", K::Isup),
    c(3, "callingPartyNumber", K::Isup),
    c(4, "callingPartyBusinessGroupID", K::Hex), // Q.1218 only
    c(5, "callingPartysCategory", K::Int),
    c(6, "callingPartySubaddress", K::Hex), // Q.1218 only
    c(
        7,
        "cGEncountered",
        K::Enum(&[
            (0, "noCGencountered"),
            (1, "manualCGencountered"),
            (2, "scpOverload"),
        ]),
    ),
    c(8, "iPSSPCapabilities", K::Hex),
    c(9, "iPAvailable", K::Hex),
    c(10, "locationNumber", K::Isup),
    c(11, "miscCallInfo", MISC_CALL_INFO), // Q.1218 only
    c(12, "originalCalledPartyID", K::Isup),
    c(13, "serviceProfileIdentifier", K::Hex), // Q.1218 only
    c(14, "terminalType", K::Int),             // Q.1218 only
    c(15, "extensions", EXTENSIONS),
    c(16, "triggerType", TRIGGER_TYPE),
    c(23, "highLayerCompatibility", K::Hex),
    c(24, "serviceInteractionIndicators", K::Hex),
    c(25, "additionalCallingPartyNumber", K::Generic),
    c(26, "forwardCallIndicators", K::Hex),
    c(27, "bearerCapability", BEARER_CAP),
    c(28, "eventTypeBCSM", EVENT_TYPE),
    c(29, "redirectingPartyID", K::Isup),
    c(30, "redirectionInformation", K::Hex),
]);

const CONNECT: K = K::Seq(&[
    c(0, "destinationRoutingAddress", K::SeqOf(&K::Isup)),
    c(1, "alertingPattern", K::Hex),
    c(2, "correlationID", K::Hex),
    c(3, "cutAndPaste", K::Int),
    c(
        4,
        "forwardingCondition", // Q.1218 only
        K::Enum(&[(0, "busy"), (1, "noanswer")]),
    ),
    c(5, "iSDNAccessRelatedInformation", K::Hex), // Q.1218 only
    c(6, "originalCalledPartyID", K::Isup),
    c(7, "routeList", K::SeqOf(&K::Hex)),
    c(8, "scfID", K::Hex),
    c(9, "travellingClassMark", K::Hex), // Q.1218 only
    c(10, "extensions", EXTENSIONS),
    c(26, "serviceInteractionIndicators", K::Hex),
    c(27, "callingPartyNumber", K::Isup),
    c(28, "callingPartysCategory", K::Int),
    c(29, "redirectingPartyID", K::Isup),
    c(30, "redirectionInformation", K::Hex),
]);

/// A ReleaseCallArg is a bare Cause (universal OCTET STRING, Q.850).
const RELEASE_CALL: K = K::Alt(&[M(T::U(4), "cause", K::Cause)]);

const BCSM_EVENT: K = K::Seq(&[
    c(0, "eventTypeBCSM", EVENT_TYPE),
    c(1, "monitorMode", MONITOR_MODE),
    c(2, "legID", LEG_ID),
    c(
        30,
        "dPSpecificCriteria",
        K::Choice(&[
            c(0, "numberOfDigits", K::Int),
            c(1, "applicationTimer", K::Int),
        ]),
    ),
]);

const REQUEST_REPORT_BCSM: K = K::Seq(&[
    c(0, "bcsmEvents", K::SeqOf(&BCSM_EVENT)),
    c(1, "bcsmEventCorrelationID", K::Hex), // Q.1218 only
    c(2, "extensions", EXTENSIONS),
]);

const CALLED: K = K::Seq(&[c(0, "calledPartyNumber", K::Isup)]);
const MID_CALL: K = K::Seq(&[c(0, "connectTime", K::Int)]);
const DISCONNECT: K = K::Seq(&[c(0, "releaseCause", K::Cause), c(1, "connectTime", K::Int)]);

const EVENT_SPECIFIC_INFO: K = K::Choice(&[
    c(0, "collectedInfoSpecificInfo", CALLED),
    c(1, "analyzedInfoSpecificInfo", CALLED),
    c(
        2,
        "routeSelectFailureSpecificInfo",
        K::Seq(&[c(0, "failureCause", K::Cause)]),
    ),
    c(
        3,
        "oCalledPartyBusySpecificInfo",
        K::Seq(&[c(0, "busyCause", K::Cause)]),
    ),
    c(4, "oNoAnswerSpecificInfo", K::Seq(&[])),
    c(5, "oAnswerSpecificInfo", K::Seq(&[])),
    c(6, "oMidCallSpecificInfo", MID_CALL),
    c(7, "oDisconnectSpecificInfo", DISCONNECT),
    c(
        8,
        "tBusySpecificInfo",
        K::Seq(&[c(0, "busyCause", K::Cause)]),
    ),
    c(9, "tNoAnswerSpecificInfo", K::Seq(&[])),
    c(10, "tAnswerSpecificInfo", K::Seq(&[])),
    c(11, "tMidCallSpecificInfo", MID_CALL),
    c(12, "tDisconnectSpecificInfo", DISCONNECT),
]);

const EVENT_REPORT_BCSM: K = K::Seq(&[
    c(0, "eventTypeBCSM", EVENT_TYPE),
    c(1, "bcsmEventCorrelationID", K::Hex), // Q.1218 only
    c(2, "eventSpecificInformationBCSM", EVENT_SPECIFIC_INFO),
    c(3, "legID", LEG_ID),
    c(4, "miscCallInfo", MISC_CALL_INFO),
    c(5, "extensions", EXTENSIONS),
]);

/// ApplyChargingArg: the billing characteristics are operator-specific octets in CS-1
/// (no CAMEL-AChBillingChargingCharacteristics inside), shown as hex.
const APPLY_CHARGING: K = K::Seq(&[
    c(0, "aChBillingChargingCharacteristics", K::Hex),
    c(1, "sendCalculationToSCPIndication", K::Bool),
    c(2, "partyToCharge", LEG_ID),
    c(3, "extensions", EXTENSIONS),
]);

/// ApplyChargingReportArg ::= CallResult, an operator-specific OCTET STRING.
const APPLY_CHARGING_REPORT: K = K::Alt(&[M(T::U(4), "callResult", K::Hex)]);

/// FurnishChargingInformationArg ::= FCIBillingChargingCharacteristics (OCTET STRING).
const FCI: K = K::Alt(&[M(T::U(4), "fCIBillingChargingCharacteristics", K::Hex)]);

/// RequestedInformationType of CS-1: CAP's values plus calledAddress (3).
const REQUESTED_INFO_TYPE: K = K::Enum(&[
    (0, "callAttemptElapsedTime"),
    (1, "callStopTime"),
    (2, "callConnectedElapsedTime"),
    (3, "calledAddress"),
    (30, "releaseCause"),
]);

const CALL_INFORMATION_REQUEST: K = K::Seq(&[
    c(
        0,
        "requestedInformationTypeList",
        K::SeqOf(&REQUESTED_INFO_TYPE),
    ),
    c(1, "correlationID", K::Hex), // Q.1218 only
    c(2, "extensions", EXTENSIONS),
    c(3, "legID", SENDING_SIDE),
]);

const CALL_INFORMATION_REPORT: K = K::Seq(&[
    c(
        0,
        "requestedInformationList",
        K::SeqOf(&K::Seq(&[
            c(0, "requestedInformationType", REQUESTED_INFO_TYPE),
            c(
                1,
                "requestedInformationValue",
                K::Choice(&[
                    c(0, "callAttemptElapsedTimeValue", K::Int),
                    c(1, "callStopTimeValue", K::Hex),
                    c(2, "callConnectedElapsedTimeValue", K::Int),
                    c(3, "calledAddressValue", K::Hex),
                    c(30, "releaseCauseValue", K::Cause),
                ]),
            ),
        ])),
    ),
    c(1, "correlationID", K::Hex), // Q.1218 only
    c(2, "extensions", EXTENSIONS),
    c(3, "legID", RECEIVING_SIDE),
]);

const ESTABLISH_TEMPORARY_CONNECTION: K = K::Seq(&[
    c(0, "assistingSSPIPRoutingAddress", K::Hex),
    c(1, "correlationID", K::Hex),
    c(2, "partyToConnect", LEG_ID), // Q.1218 only
    c(3, "scfID", K::Hex),
    c(4, "extensions", EXTENSIONS),
]);

const ASSIST_REQUEST_INSTRUCTIONS: K = K::Seq(&[
    c(0, "correlationID", K::Hex),
    c(1, "iPAvailable", K::Hex),
    c(2, "iPSSPCapabilities", K::Hex),
    c(3, "extensions", EXTENSIONS),
]);

/// The argument type of an INAP CS-1 operation (`None`: not modelled here, shown as hex;
/// Continue, ActivityTest and DisconnectForwardConnection carry none).
pub(super) fn inap_schema(opcode: u32) -> Option<K> {
    use inap::opcode as op;
    Some(match opcode {
        op::INITIAL_DP => INITIAL_DP,
        op::CONNECT => CONNECT,
        op::RELEASE_CALL => RELEASE_CALL,
        op::REQUEST_REPORT_BCSM_EVENT => REQUEST_REPORT_BCSM,
        op::EVENT_REPORT_BCSM => EVENT_REPORT_BCSM,
        op::APPLY_CHARGING => APPLY_CHARGING,
        op::APPLY_CHARGING_REPORT => APPLY_CHARGING_REPORT,
        op::FURNISH_CHARGING_INFORMATION => FCI,
        op::CALL_INFORMATION_REQUEST => CALL_INFORMATION_REQUEST,
        op::CALL_INFORMATION_REPORT => CALL_INFORMATION_REPORT,
        op::RESET_TIMER => RESET_TIMER,
        op::CANCEL => CANCEL,
        op::CALL_GAP => CALL_GAP,
        op::ESTABLISH_TEMPORARY_CONNECTION => ESTABLISH_TEMPORARY_CONNECTION,
        op::ASSIST_REQUEST_INSTRUCTIONS => ASSIST_REQUEST_INSTRUCTIONS,
        _ => return None,
    })
}
