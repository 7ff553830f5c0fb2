//! Every CAP and AIN operation argument as JSON with its ASN.1 member names, for
//! `scpd decode`. All printing of argument values is here, in one place.
//!
//! CAP arguments are walked from the BER with a table of each operation's members (3GPP TS
//! 29.078 §6, CAP-gsmSSF-gsmSCF-ops-args and CAP-datatypes): context tag → member name and
//! type. Leaf types use the codec's decoders ([`camel::IsupNumber`],
//! [`camel::AddressString`], TBCD, Cause, ...), so the values shown are the ones scpd acts
//! on. Members the table does not name (extensions of later releases) are shown by tag
//! with their structure, never dropped. AIN arguments come from [`crate::ain::Arg`], named
//! by GR-1299's ASN.1 ([`crate::ain::P::name`]).
//!
//! The walker borrows the message and writes the JSON straight into the output buffer
//! ([`J`]): no copies of the input, no tree of values. Members of an object are written in
//! name order (the order the lines always had), a repeated member once (its last value).

use super::json::{Small, J};
use crate::ain::{self, Arg, P};
use crate::ber::{BerError, Class, Tlv};
use crate::camel;
use std::fmt::Write as _;

/// An ISUP-format number (Q.763 §3.9); `qualifier` for a GenericNumber (§3.26).
pub fn isup(j: &mut J, n: &camel::IsupNumber, qualifier: Option<u8>) {
    j.open().key("digits").str(n.digits.as_str());
    j.key("nature").num(n.nature).key("plan").num(n.plan);
    j.key("presentation").num(n.presentation);
    if let Some(q) = qualifier {
        j.key("qualifier").num(q);
    }
    j.key("screening").num(n.screening).close();
}

/// A MAP AddressString (TS 29.002).
pub fn addr(j: &mut J, a: &camel::AddressString) {
    j.open().key("digits").str(a.digits.as_str());
    j.key("nature")
        .num(a.nature)
        .key("plan")
        .num(a.plan)
        .close();
}

/// The type of a member.
#[derive(Clone, Copy)]
enum K {
    Int,
    /// ENUMERATED / INTEGER with named values.
    Enum(&'static [(i64, &'static str)]),
    EventType,
    Isup,
    /// GenericNumber (Q.763 §3.26): qualifier octet, then an ISUP number.
    Generic,
    Addr,
    Tbcd,
    Cause,
    /// CellGlobalIdOrServiceAreaIdFixedLength / LAIFixedLength.
    CellId,
    Null,
    Bool,
    /// OCTET STRING shown as hex.
    Hex,
    /// BIT STRING: the set bits by name (bit 0 first).
    Bits(&'static [&'static str]),
    /// SEQUENCE / SET of context-tagged members.
    Seq(&'static [M]),
    /// A CHOICE as a member (explicitly tagged: the member wraps the alternative).
    Choice(&'static [M]),
    /// The element itself is one alternative of a CHOICE (picked by its tag).
    Alt(&'static [M]),
    /// SEQUENCE OF / SET OF.
    SeqOf(&'static K),
    /// OCTET STRING containing a BER encoding (CAP's `CAMEL-...` billing types).
    Ber(&'static K),
}

/// A member: context tag (or a universal tag for untagged members), name, type.
#[derive(Clone, Copy)]
struct M(T, &'static str, K);

#[derive(Clone, Copy)]
enum T {
    C(u32),
    U(u32),
}

const fn c(n: u32, name: &'static str, k: K) -> M {
    M(T::C(n), name, k)
}

const MONITOR_MODE: K = K::Enum(&[
    (0, "interrupted"),
    (1, "notifyAndContinue"),
    (2, "transparent"),
]);
const LEG_ID: K = K::Choice(&[
    c(0, "sendingSideID", K::Hex),
    c(1, "receivingSideID", K::Hex),
]);
const SENDING_SIDE: K = K::Choice(&[c(0, "sendingSideID", K::Hex)]);
const RECEIVING_SIDE: K = K::Choice(&[c(1, "receivingSideID", K::Hex)]);
const EXTENSIONS: K = K::Hex;
const BEARER_CAP: K = K::Choice(&[c(0, "bearerCap", K::Hex), c(1, "tmr", K::Hex)]);
const EXT_BSC: K = K::Choice(&[
    c(2, "ext-BearerService", K::Hex),
    c(3, "ext-Teleservice", K::Hex),
]);
const CAMEL_PHASES: K = K::Bits(&["phase1", "phase2", "phase3", "phase4"]);

const LOCATION_INFORMATION: K = K::Seq(&[
    M(T::U(2), "ageOfLocationInformation", K::Int),
    c(0, "geographicalInformation", K::Hex),
    c(1, "vlr-number", K::Addr),
    c(2, "locationNumber", K::Isup),
    c(
        3,
        "cellGlobalIdOrServiceAreaIdOrLAI",
        K::Choice(&[
            c(0, "cellGlobalIdOrServiceAreaIdFixedLength", K::CellId),
            c(1, "laiFixedLength", K::CellId),
        ]),
    ),
    c(4, "extensionContainer", EXTENSIONS),
    c(5, "selectedLSA-Id", K::Hex),
    c(6, "msc-Number", K::Addr),
    c(7, "geodeticInformation", K::Hex),
    c(8, "currentLocationRetrieved", K::Null),
    c(9, "sai-Present", K::Null),
    c(10, "locationInformationEPS", K::Hex),
    c(11, "userCSGInformation", K::Hex),
]);

/// InitialDPArgExtension (CAP v3+; v2 has naCarrierInformation [0] SEQUENCE and
/// gmscAddress [1], told apart from v3's [0] by being constructed).
const IDP_EXTENSION: K = K::Seq(&[
    c(0, "gmscAddress", K::Addr),
    c(
        0,
        "naCarrierInformation",
        K::Seq(&[
            c(0, "naCarrierId", K::Hex),
            c(1, "naCICSelectionType", K::Int),
        ]),
    ),
    c(1, "forwardingDestinationNumber", K::Isup),
    c(2, "ms-Classmark2", K::Hex),
    c(3, "iMEI", K::Tbcd),
    c(4, "supportedCamelPhases", CAMEL_PHASES),
    c(5, "offeredCamel4Functionalities", K::Hex),
    c(6, "bearerCapability2", BEARER_CAP),
    c(7, "ext-basicServiceCode2", EXT_BSC),
    c(8, "highLayerCompatibility2", K::Hex),
    c(9, "lowLayerCompatibility", K::Hex),
    c(10, "lowLayerCompatibility2", K::Hex),
    c(11, "enhancedDialledServicesAllowed", K::Null),
    c(12, "uu-Data", K::Hex),
    c(13, "collectInformationAllowed", K::Null),
    c(14, "releaseCallArgExtensionAllowed", K::Null),
]);

const INITIAL_DP: K = K::Seq(&[
    c(0, "serviceKey", K::Int),
    c(2, "calledPartyNumber", K::Isup),
    c(3, "callingPartyNumber", K::Isup),
    c(5, "callingPartysCategory", K::Int),
    c(7, "cGEncountered", K::Int),
    c(8, "iPSSPCapabilities", K::Hex),
    c(10, "locationNumber", K::Isup),
    c(12, "originalCalledPartyID", K::Isup),
    c(15, "extensions", EXTENSIONS),
    c(23, "highLayerCompatibility", K::Hex),
    c(25, "additionalCallingPartyNumber", K::Generic),
    c(27, "bearerCapability", BEARER_CAP),
    c(28, "eventTypeBCSM", K::EventType),
    c(29, "redirectingPartyID", K::Isup),
    c(30, "redirectionInformation", K::Hex),
    c(17, "cause", K::Cause),
    c(32, "serviceInteractionIndicatorsTwo", K::Hex),
    c(37, "carrier", K::Hex),
    c(45, "cug-Index", K::Int),
    c(46, "cug-Interlock", K::Hex),
    c(47, "cug-OutgoingAccess", K::Null),
    c(50, "iMSI", K::Tbcd),
    c(51, "subscriberState", K::Hex),
    c(52, "locationInformation", LOCATION_INFORMATION),
    c(53, "ext-basicServiceCode", EXT_BSC),
    c(54, "callReferenceNumber", K::Hex),
    c(55, "mscAddress", K::Addr),
    c(56, "calledPartyBCDNumber", K::Addr),
    c(57, "timeAndTimezone", K::Hex),
    c(58, "callForwardingSS-Pending", K::Null),
    c(59, "initialDPArgExtension", IDP_EXTENSION),
]);

const ANSWER_INFO: K = K::Seq(&[
    c(50, "destinationAddress", K::Isup),
    c(51, "or-Call", K::Null),
    c(52, "forwardedCall", K::Null),
    c(53, "chargeIndicator", K::Hex),
    c(54, "ext-basicServiceCode", EXT_BSC),
    c(55, "ext-basicServiceCode2", EXT_BSC),
]);
const MID_CALL: K = K::Seq(&[c(
    1,
    "midCallEvents",
    K::Choice(&[
        c(3, "dTMFDigitsCompleted", K::Hex),
        c(4, "dTMFDigitsTimeOut", K::Hex),
    ]),
)]);
const LOCATION_ONLY: K = K::Seq(&[c(50, "locationInformation", LOCATION_INFORMATION)]);

const EVENT_SPECIFIC_INFO: K = K::Choice(&[
    c(
        0,
        "collectedInfoSpecificInfo",
        K::Seq(&[c(0, "calledPartyNumber", K::Isup)]),
    ),
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
    c(5, "oAnswerSpecificInfo", ANSWER_INFO),
    c(6, "oMidCallSpecificInfo", MID_CALL),
    c(
        7,
        "oDisconnectSpecificInfo",
        K::Seq(&[c(0, "releaseCause", K::Cause)]),
    ),
    c(
        8,
        "tBusySpecificInfo",
        K::Seq(&[
            c(0, "busyCause", K::Cause),
            c(50, "callForwarded", K::Null),
            c(51, "routeNotPermitted", K::Null),
            c(52, "forwardingDestinationNumber", K::Isup),
        ]),
    ),
    c(
        9,
        "tNoAnswerSpecificInfo",
        K::Seq(&[
            c(50, "callForwarded", K::Null),
            c(52, "forwardingDestinationNumber", K::Isup),
        ]),
    ),
    c(10, "tAnswerSpecificInfo", ANSWER_INFO),
    c(11, "tMidCallSpecificInfo", MID_CALL),
    c(
        12,
        "tDisconnectSpecificInfo",
        K::Seq(&[c(0, "releaseCause", K::Cause)]),
    ),
    c(13, "oTermSeizedSpecificInfo", LOCATION_ONLY),
    c(20, "callAcceptedSpecificInfo", LOCATION_ONLY),
    c(
        21,
        "oAbandonSpecificInfo",
        K::Seq(&[c(50, "routeNotPermitted", K::Null)]),
    ),
    c(
        50,
        "oChangeOfPositionSpecificInfo",
        K::Seq(&[
            c(50, "locationInformation", LOCATION_INFORMATION),
            c(51, "metDPCriteriaList", K::Hex),
        ]),
    ),
    c(
        51,
        "tChangeOfPositionSpecificInfo",
        K::Seq(&[
            c(50, "locationInformation", LOCATION_INFORMATION),
            c(51, "metDPCriteriaList", K::Hex),
        ]),
    ),
    c(52, "dpSpecificInfoAlt", K::Hex),
]);

const EVENT_REPORT_BCSM: K = K::Seq(&[
    c(0, "eventTypeBCSM", K::EventType),
    c(2, "eventSpecificInformationBCSM", EVENT_SPECIFIC_INFO),
    c(3, "legID", RECEIVING_SIDE),
    c(
        4,
        "miscCallInfo",
        K::Seq(&[
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
        ]),
    ),
    c(5, "extensions", EXTENSIONS),
]);

const BCSM_EVENT: K = K::Seq(&[
    c(0, "eventTypeBCSM", K::EventType),
    c(1, "monitorMode", MONITOR_MODE),
    c(2, "legID", LEG_ID),
    c(
        30,
        "dpSpecificCriteria",
        K::Choice(&[
            c(1, "applicationTimer", K::Int),
            c(
                2,
                "midCallControlInfo",
                K::Seq(&[
                    c(0, "minimumNumberOfDigits", K::Int),
                    c(1, "maximumNumberOfDigits", K::Int),
                    c(2, "endOfReplyDigit", K::Hex),
                    c(3, "cancelDigit", K::Hex),
                    c(4, "startDigit", K::Hex),
                    c(6, "interDigitTimeout", K::Int),
                ]),
            ),
            c(
                3,
                "dpSpecificCriteriaAlt",
                K::Seq(&[
                    c(0, "changeOfPositionControlInfo", K::Hex),
                    c(1, "numberOfDigits", K::Int),
                    c(2, "interDigitTimeout", K::Int),
                ]),
            ),
        ]),
    ),
    c(50, "automaticRearm", K::Null),
]);

const REQUEST_REPORT_BCSM: K = K::Seq(&[
    c(0, "bcsmEvents", K::SeqOf(&BCSM_EVENT)),
    c(2, "extensions", EXTENSIONS),
]);

const CONNECT: K = K::Seq(&[
    c(0, "destinationRoutingAddress", K::SeqOf(&K::Isup)),
    c(1, "alertingPattern", K::Hex),
    c(6, "originalCalledPartyID", K::Isup),
    c(10, "extensions", EXTENSIONS),
    c(11, "carrier", K::Hex),
    c(28, "callingPartysCategory", K::Int),
    c(29, "redirectingPartyID", K::Isup),
    c(30, "redirectionInformation", K::Hex),
    c(14, "genericNumbers", K::SeqOf(&K::Generic)),
    c(15, "serviceInteractionIndicatorsTwo", K::Hex),
    c(19, "chargeNumber", K::Isup),
    c(21, "legToBeConnected", LEG_ID),
    c(31, "cug-Interlock", K::Hex),
    c(32, "cug-OutgoingAccess", K::Null),
    c(55, "suppressionOfAnnouncement", K::Null),
    c(56, "oCSIApplicable", K::Null),
    c(57, "naOliInfo", K::Hex),
    c(58, "bor-InterrogationRequested", K::Null),
    c(59, "suppress-N-CSI", K::Null),
]);

const TIME_DURATION_CHARGING: K = K::Seq(&[
    c(0, "maxCallPeriodDuration", K::Int),
    c(1, "releaseIfdurationExceeded", K::Bool),
    c(2, "tariffSwitchInterval", K::Int),
    c(3, "audibleIndicator", K::Hex),
    c(4, "extensions", EXTENSIONS),
]);
const ACH_CHARGING_ADDRESS: K = K::Choice(&[c(2, "legID", LEG_ID), c(50, "srfConnection", K::Int)]);

const APPLY_CHARGING: K = K::Seq(&[
    c(
        0,
        "aChBillingChargingCharacteristics",
        K::Ber(&K::Alt(&[c(
            0,
            "timeDurationCharging",
            TIME_DURATION_CHARGING,
        )])),
    ),
    c(2, "partyToCharge", SENDING_SIDE),
    c(3, "extensions", EXTENSIONS),
    c(50, "aChChargingAddress", ACH_CHARGING_ADDRESS),
]);

const CALL_RESULT: K = K::Alt(&[c(
    0,
    "timeDurationChargingResult",
    K::Seq(&[
        c(0, "partyToCharge", RECEIVING_SIDE),
        c(
            1,
            "timeInformation",
            K::Choice(&[
                c(0, "timeIfNoTariffSwitch", K::Int),
                c(
                    1,
                    "timeIfTariffSwitch",
                    K::Seq(&[
                        c(0, "timeSinceTariffSwitch", K::Int),
                        c(1, "tariffSwitchInterval", K::Int),
                    ]),
                ),
            ]),
        ),
        c(2, "legActive", K::Bool),
        c(3, "callLegReleasedAtTcpExpiry", K::Null),
        c(4, "extensions", EXTENSIONS),
        c(5, "aChChargingAddress", ACH_CHARGING_ADDRESS),
    ]),
)]);

const FCI: K = K::Ber(&K::Alt(&[c(
    0,
    "fCIBCCCAMELsequence1",
    K::Seq(&[
        c(0, "freeFormatData", K::Hex),
        c(1, "partyToCharge", SENDING_SIDE),
        c(
            2,
            "appendFreeFormatData",
            K::Enum(&[(0, "overwrite"), (1, "append")]),
        ),
    ]),
)]));

const REQUESTED_INFO_TYPE: K = K::Enum(&[
    (0, "callAttemptElapsedTime"),
    (1, "callStopTime"),
    (2, "callConnectedElapsedTime"),
    (30, "releaseCause"),
]);

const CALL_INFORMATION_REQUEST: K = K::Seq(&[
    c(
        0,
        "requestedInformationTypeList",
        K::SeqOf(&REQUESTED_INFO_TYPE),
    ),
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
                    c(30, "releaseCauseValue", K::Cause),
                ]),
            ),
        ])),
    ),
    c(2, "extensions", EXTENSIONS),
    c(3, "legID", RECEIVING_SIDE),
]);

const RESET_TIMER: K = K::Seq(&[
    c(0, "timerID", K::Enum(&[(0, "tssf")])),
    c(1, "timervalue", K::Int),
    c(2, "extensions", EXTENSIONS),
    c(3, "callSegmentID", K::Int),
]);

const CANCEL: K = K::Alt(&[
    c(0, "invokeID", K::Int),
    c(1, "allRequests", K::Null),
    c(
        2,
        "callSegmentToCancel",
        K::Seq(&[c(0, "callSegmentID", K::Int), c(1, "invokeID", K::Int)]),
    ),
]);

const CONTINUE_WITH_ARGUMENT: K = K::Seq(&[
    c(1, "alertingPattern", K::Hex),
    c(2, "extensions", EXTENSIONS),
    c(7, "serviceInteractionIndicatorsTwo", K::Hex),
    c(12, "callingPartysCategory", K::Int),
    c(16, "genericNumbers", K::SeqOf(&K::Generic)),
    c(17, "cug-Interlock", K::Hex),
    c(18, "cug-OutgoingAccess", K::Null),
    c(50, "chargeNumber", K::Isup),
    c(52, "carrier", K::Hex),
    c(55, "suppressionOfAnnouncement", K::Null),
    c(56, "naOliInfo", K::Hex),
    c(57, "bor-InterrogationRequested", K::Null),
    c(58, "suppress-O-CSI", K::Null),
    c(
        59,
        "continueWithArgumentArgExtension",
        K::Seq(&[
            c(0, "suppress-D-CSI", K::Null),
            c(1, "suppress-N-CSI", K::Null),
            c(2, "suppressOutgoingCallBarring", K::Null),
            c(
                3,
                "legOrCallSegment",
                K::Choice(&[c(0, "callSegmentID", K::Int), c(1, "legID", LEG_ID)]),
            ),
        ]),
    ),
]);

const INITIATE_CALL_ATTEMPT: K = K::Seq(&[
    c(0, "destinationRoutingAddress", K::SeqOf(&K::Isup)),
    c(4, "extensions", EXTENSIONS),
    c(5, "legToBeCreated", LEG_ID),
    c(6, "newCallSegment", K::Int),
    c(30, "callingPartyNumber", K::Isup),
    c(51, "callReferenceNumber", K::Hex),
    c(52, "gsmSCFAddress", K::Addr),
    c(53, "suppress-T-CSI", K::Null),
]);

const ASSIST_REQUEST_INSTRUCTIONS: K = K::Seq(&[
    c(0, "correlationID", K::Hex),
    c(2, "iPSSPCapabilities", K::Hex),
    c(3, "extensions", EXTENSIONS),
]);

const SPECIALIZED_RESOURCE_REPORT: K = K::Alt(&[
    c(50, "allAnnouncementsComplete", K::Null),
    c(51, "firstAnnouncementStarted", K::Null),
    M(T::U(5), "specializedResourceReportArg", K::Null),
]);

const ENTITY_RELEASED: K = K::Alt(&[
    c(
        0,
        "callSegmentFailure",
        K::Seq(&[
            c(0, "callSegmentID", K::Int),
            c(2, "cause", K::Cause),
            c(3, "extensions", EXTENSIONS),
        ]),
    ),
    c(
        1,
        "bCSM-Failure",
        K::Seq(&[
            c(0, "legID", LEG_ID),
            c(2, "cause", K::Cause),
            c(3, "extensions", EXTENSIONS),
        ]),
    ),
]);

/// ReleaseCallArg: a Cause (CAP v2/v3), or in v4 a CHOICE with allCallSegments.
const RELEASE_CALL: K = K::Alt(&[
    M(T::U(4), "cause", K::Cause),
    c(
        2,
        "allCallSegmentsWithExtension",
        K::Seq(&[
            c(0, "allCallSegments", K::Cause),
            c(1, "extensions", EXTENSIONS),
        ]),
    ),
]);

/// The argument type of a CAP operation (`None`: not modelled here, shown as hex).
fn cap_schema(opcode: u32) -> Option<K> {
    use camel::opcode as op;
    Some(match opcode {
        op::INITIAL_DP => INITIAL_DP,
        op::EVENT_REPORT_BCSM => EVENT_REPORT_BCSM,
        op::REQUEST_REPORT_BCSM_EVENT => REQUEST_REPORT_BCSM,
        op::CONNECT => CONNECT,
        op::RELEASE_CALL => RELEASE_CALL,
        op::APPLY_CHARGING => APPLY_CHARGING,
        op::APPLY_CHARGING_REPORT => K::Ber(&CALL_RESULT),
        op::FURNISH_CHARGING_INFORMATION => FCI,
        op::CALL_INFORMATION_REQUEST => CALL_INFORMATION_REQUEST,
        op::CALL_INFORMATION_REPORT => CALL_INFORMATION_REPORT,
        op::RESET_TIMER => RESET_TIMER,
        op::CANCEL => CANCEL,
        op::CONTINUE_WITH_ARGUMENT => CONTINUE_WITH_ARGUMENT,
        op::INITIATE_CALL_ATTEMPT => INITIATE_CALL_ATTEMPT,
        op::ASSIST_REQUEST_INSTRUCTIONS => ASSIST_REQUEST_INSTRUCTIONS,
        op::SPECIALIZED_RESOURCE_REPORT => SPECIALIZED_RESOURCE_REPORT,
        op::ENTITY_RELEASED => ENTITY_RELEASED,
        _ => return None,
    })
}

/// A CAP invoke's argument with member names, written to `j`. Errors carry the offset of
/// the element that does not decode (`j` then holds a partial value: the caller rolls back).
pub fn cap_argument(j: &mut J, opcode: u32, p: Tlv<'_>) -> Result<(), BerError> {
    match cap_schema(opcode) {
        Some(k) => value(j, &p, k),
        None => {
            j.open().key("raw").hex(p.raw).close();
            Ok(())
        }
    }
}

/// A CAP error's name and parameter (TS 29.078 §6.2 errortypes), as the members `error`
/// and `parameter` of the component object being written (keys in name order: the caller
/// writes `error` where it sorts, see [`cap_error_parameter`]).
pub fn cap_error_name(j: &mut J, code: i64, p: Option<Tlv<'_>>) {
    match camel::CapError::decode(code, p) {
        Ok(e) => j.str(e.name()),
        Err(_) => j.display(format_args!("error {code}")),
    };
}

/// The `parameter` member of a CAP error, if it has one (TS 29.078 §6.2).
pub fn cap_error_parameter(j: &mut J, code: i64, p: Option<Tlv<'_>>) {
    if let Ok(e) = camel::CapError::decode(code, p) {
        match e {
            camel::CapError::CancelFailed { problem, operation } => {
                j.key("parameter").open().key("operation").num(operation);
                j.key("problem").num(problem).close();
            }
            camel::CapError::RequestedInfoError(x)
            | camel::CapError::SystemFailure(x)
            | camel::CapError::TaskRefused(x) => {
                j.key("parameter").num(x);
            }
            _ => {}
        }
    }
}

fn matches(t: &Tlv<'_>, tag: T) -> bool {
    match tag {
        T::C(n) => t.tag.class == Class::Context && t.tag.number == n,
        T::U(n) => t.tag.class == Class::Universal && t.tag.number == n,
    }
}

/// Whether a member of type `k` is encoded constructed (to tell apart members sharing a
/// tag across phases).
fn constructed(k: K) -> Option<bool> {
    match k {
        K::Seq(_) | K::Choice(_) | K::SeqOf(_) => Some(true),
        K::Alt(_) | K::Ber(_) | K::Hex | K::Generic => None,
        _ => Some(false),
    }
}

fn member<'m>(members: &'m [M], t: &Tlv<'_>) -> Option<&'m M> {
    let mut first = None;
    for m in members.iter().filter(|m| matches(t, m.0)) {
        if constructed(m.2).is_none_or(|c| c == t.tag.constructed) {
            return Some(m);
        }
        first.get_or_insert(m);
    }
    first
}

/// A member's key: its ASN.1 name, or for one the table does not name its tag
/// (`[3]`, `[UNIVERSAL 4]`, ...).
#[derive(Clone, Copy)]
enum Name {
    Known(&'static str),
    Tag(Class, u32),
}

impl Name {
    fn of(t: &Tlv<'_>) -> Name {
        Name::Tag(t.tag.class, t.tag.number)
    }

    /// The key's text (a tag's written into `s`).
    fn text(self, s: &mut Small) -> &str {
        match self {
            Name::Known(n) => n,
            Name::Tag(class, n) => {
                s.clear();
                let _ = match class {
                    Class::Context => write!(s, "[{n}]"),
                    Class::Universal => write!(s, "[UNIVERSAL {n}]"),
                    Class::Application => write!(s, "[APPLICATION {n}]"),
                    Class::Private => write!(s, "[PRIVATE {n}]"),
                };
                s.as_str()
            }
        }
    }

    fn cmp(self, other: Name) -> std::cmp::Ordering {
        match (self, other) {
            (Name::Known(a), Name::Known(b)) => a.cmp(b),
            _ => {
                let (mut x, mut y) = (Small::new(), Small::new());
                self.text(&mut x).cmp(other.text(&mut y))
            }
        }
    }
}

/// One member of an object: the element and its table entry (`None`: not in the table).
#[derive(Clone, Copy)]
struct Item<'a> {
    member: Option<&'static M>,
    tlv: Tlv<'a>,
}

impl Item<'_> {
    fn name(&self) -> Name {
        match self.member {
            Some(m) => Name::Known(m.1),
            None => Name::of(&self.tlv),
        }
    }
}

/// Members of an object held on the stack while they are put in key order (the common
/// case; a longer list spills to the heap).
const INLINE: usize = 24;

/// Write the children of `t` as an object in key order, keeping the last of repeated
/// keys (as the map the lines were once built in did); `ms` names the children (empty:
/// none is named). Errors: the first one a walk in encoding order meets.
fn object(j: &mut J, t: &Tlv<'_>, ms: &'static [M]) -> Result<(), BerError> {
    if !j.is_on() {
        // Nothing to write (--summary): only the errors matter.
        return first_error(t, ms);
    }
    let mut inline: [Option<Item<'_>>; INLINE] = [None; INLINE];
    let mut heap: Vec<Option<Item<'_>>> = Vec::new();
    let mut n = 0;
    for ch in t.children()? {
        let tlv = ch?;
        let item = Some(Item {
            member: member(ms, &tlv),
            tlv,
        });
        if n < INLINE {
            inline[n] = item;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&inline);
            }
            heap.push(item);
        }
        n += 1;
    }
    let items: &[Option<Item<'_>>] = if heap.is_empty() { &inline[..n] } else { &heap };
    let name_at = |i: usize| items[i].map_or(Name::Known(""), |it| it.name());
    // Sort indices, not items (insertion sort: stable, and the lists are short).
    let mut order_inline = [0usize; INLINE];
    let mut order_heap: Vec<usize> = Vec::new();
    let order: &mut [usize] = if heap.is_empty() {
        &mut order_inline[..n]
    } else {
        order_heap.resize(n, 0);
        &mut order_heap
    };
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    for i in 1..order.len() {
        let mut k = i;
        while k > 0 && name_at(order[k - 1]).cmp(name_at(order[k])).is_gt() {
            order.swap(k - 1, k);
            k -= 1;
        }
    }
    let mut s = Small::new();
    j.open();
    for (pos, &i) in order.iter().enumerate() {
        let Some(it) = items[i] else {
            continue;
        };
        let name = it.name();
        if order
            .get(pos + 1)
            .is_some_and(|&nx| name_at(nx).cmp(name).is_eq())
        {
            continue; // a later member with the same key wins
        }
        j.key(name.text(&mut s));
        let r = match it.member {
            Some(m) => value(j, &it.tlv, m.2),
            None => {
                generic(j, &it.tlv);
                Ok(())
            }
        };
        if let Err(e) = r {
            // Report the error a walk in encoding order meets first.
            return Err(first_error(t, ms).err().unwrap_or(e));
        }
    }
    j.close();
    Ok(())
}

/// The first error among the children of `t` (named by `ms`), in encoding order.
fn first_error(t: &Tlv<'_>, ms: &'static [M]) -> Result<(), BerError> {
    let mut off = J::off();
    for ch in t.children()? {
        let tlv = ch?;
        if let Some(m) = member(ms, &tlv) {
            value(&mut off, &tlv, m.2)?;
        }
    }
    Ok(())
}

/// An element whose member is not in the table: its structure (hex for a primitive, or
/// for a constructed one whose children do not parse).
fn generic(j: &mut J, t: &Tlv<'_>) {
    if t.tag.constructed {
        let m = j.mark();
        if object(j, t, &[]).is_ok() {
            return;
        }
        j.reset(m);
    }
    j.hex(t.value);
}

fn members(j: &mut J, t: &Tlv<'_>, ms: &'static [M]) -> Result<(), BerError> {
    object(j, t, ms)
}

fn alternative(j: &mut J, t: &Tlv<'_>, alts: &'static [M]) -> Result<(), BerError> {
    j.open();
    match member(alts, t) {
        Some(m) => value(j.key(m.1), t, m.2)?,
        None => generic(j.key(Name::of(t).text(&mut Small::new())), t),
    }
    j.close();
    Ok(())
}

fn value(j: &mut J, t: &Tlv<'_>, k: K) -> Result<(), BerError> {
    let off = t.value_offset;
    match k {
        K::Int => {
            j.num(t.as_i64()?);
        }
        K::Enum(names) => {
            let n = t.as_i64()?;
            match names.iter().find(|(v, _)| *v == n) {
                Some((_, s)) => j.str(s),
                None => j.num(n),
            };
        }
        K::EventType => {
            let n = t.as_i64()?;
            match u8::try_from(n)
                .ok()
                .and_then(|n| camel::EventTypeBcsm(n).name())
            {
                Some(s) => j.str(s),
                None => j.num(n),
            };
        }
        K::Isup => isup(j, &camel::IsupNumber::decode(t.value, off)?, None),
        K::Generic => {
            let g = camel::GenericNumber::decode(t.value, off)?;
            isup(j, &g.number, Some(g.qualifier));
        }
        K::Addr => addr(j, &camel::AddressString::decode(t.value, off)?),
        K::Tbcd => {
            j.str(camel::numbers::TbcdDigits::decode(t.value, off)?.as_str());
        }
        K::Cause => {
            let c = camel::Cause::decode(t.value, off)?;
            j.open().key("codingStandard").num(c.coding_standard);
            j.key("location").num(c.location);
            j.key("value").num(c.value).close();
        }
        K::CellId => {
            let c = camel::CellIdOrLai::decode(t.value, off)?;
            let p = c.plmn();
            j.open();
            if let camel::CellIdOrLai::CellId { ci, .. } = c {
                j.key("cellId").num(ci);
            }
            j.key("lac").num(c.lac());
            j.key("mcc").display(format_args!("{:03}", p.mcc));
            if p.mnc_3_digits {
                j.key("mnc").display(format_args!("{:03}", p.mnc));
            } else {
                j.key("mnc").display(format_args!("{:02}", p.mnc));
            }
            j.close();
        }
        K::Null => {
            t.as_null()?;
            j.bool(true);
        }
        K::Bool if !t.tag.constructed => {
            j.bool(t.as_bool()?);
        }
        K::Hex => {
            j.hex(t.value);
        }
        K::Bits(names) => {
            let bits = camel::numbers::bit_string_bits(t.value).unwrap_or(0);
            j.open_array();
            for (i, n) in names.iter().enumerate() {
                if bits & (1 << i) != 0 {
                    j.str(n);
                }
            }
            j.close_array();
        }
        K::Seq(ms) if t.tag.constructed => members(j, t, ms)?,
        K::Choice(alts) if t.tag.constructed => {
            let mut r = t.children()?;
            match r.next_tlv()? {
                Some(a) => alternative(j, &a, alts)?,
                None => {
                    j.open().close();
                }
            }
        }
        K::Alt(alts) => alternative(j, t, alts)?,
        K::SeqOf(inner) if t.tag.constructed => {
            j.open_array();
            for ch in t.children()? {
                value(j, &ch?, *inner)?;
            }
            j.close_array();
        }
        K::Ber(inner) => {
            let in_ = crate::ber::Tlv::parse_single(t.value).map_err(|mut e| {
                e.offset += off;
                e
            })?;
            value(j, &in_, *inner)?
        }
        // A primitive/constructed mismatch (another phase's type): show the structure.
        _ => generic(j, t),
    }
    Ok(())
}

/// AIN parameters in the order of their names (the order of the keys written).
fn ain_order() -> &'static [P] {
    static ORDER: std::sync::OnceLock<Vec<P>> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        let mut v = P::ALL.to_vec();
        v.sort_by_key(|p| p.name());
        v
    })
}

/// An AIN argument: every member present, by its GR-1299 ASN.1 name.
pub fn ain_argument(j: &mut J, a: &Arg<'_>) {
    j.open();
    for &p in ain_order() {
        ain_member(j, a, p);
    }
    j.close();
}

fn ain_digits(j: &mut J, d: &ain::AinDigits) {
    j.open().key("digits").str(d.digits.as_str());
    j.key("natureOfNumber").num(d.nature);
    j.key("numberingPlan").num(d.plan);
    j.key("presentation").num(d.presentation);
    j.key("screening").num(d.screening).close();
}

/// Member `p` of `a`, `"name":value`, if present.
fn ain_member(j: &mut J, a: &Arg<'_>, p: P) {
    let key = p.name();
    let d = |j: &mut J, x: &Option<ain::AinDigits>| {
        if let Some(x) = x {
            ain_digits(j.key(key), x);
        }
    };
    let n = |j: &mut J, x: Option<u8>| {
        if let Some(v) = x {
            j.key(key).num(v);
        }
    };
    let h = |j: &mut J, x: Option<&[u8]>| {
        if let Some(v) = x {
            j.key(key).hex(v);
        }
    };
    let b = |j: &mut J, x: Option<bool>| {
        if let Some(v) = x {
            j.key(key).bool(v);
        }
    };
    let edps = |j: &mut J, x: Option<ain::EdpSet>| {
        if let Some(s) = x {
            j.key(key).open_array();
            for (i, n) in ain::EdpSet::NAMES.iter().enumerate() {
                if s.contains(1 << i) {
                    j.str(n);
                }
            }
            j.close_array();
        }
    };
    match p {
        P::UserId => {
            if let Some(u) = a.user_id {
                j.key(key).open();
                match u {
                    ain::UserId::Dn(d) => j.key("dn").str(d.as_str()),
                    ain::UserId::Bri { spid, dn } => {
                        j.key("bri").open().key("dn").str(dn.as_str());
                        j.key("spid").str(&String::from_utf8_lossy(spid)).close()
                    }
                    ain::UserId::TrunkGroup(t) => j.key("trunkGroupID").num(t),
                    ain::UserId::PrivateFacility(f) => j.key("privateFacilityGID").num(f),
                    ain::UserId::AdsiCpe(c) => j.key("aDSIcpeID").hex(&c),
                };
                j.close();
            }
        }
        P::BearerCapability => {
            if let Some(c) = a.bearer_capability {
                match c.name() {
                    Some(s) => j.key(key).str(s),
                    None => j.key(key).num(c.0),
                };
            }
        }
        P::CalledPartyId => d(j, &a.called_party_id),
        P::CalledPartyStationType => n(j, a.called_party_station_type),
        P::CallingPartyBgid => h(j, a.calling_party_bgid),
        P::CallingPartyId => d(j, &a.calling_party_id),
        P::ChargeNumber => d(j, &a.charge_number),
        P::ChargePartyStationType => n(j, a.charge_party_station_type),
        P::AccessCode => d(j, &a.access_code),
        P::AcgEncountered => n(j, a.acg_encountered),
        P::CollectedAddressInfo => d(j, &a.collected_address_info),
        P::CollectedDigits => d(j, &a.collected_digits),
        P::VerticalServiceCode => d(j, &a.vertical_service_code),
        P::Tcm => d(j, &a.tcm),
        P::Lata => d(j, &a.lata),
        P::Carrier => {
            if let Some(c) = a.carrier {
                j.key(key).open().key("carrierSelection").num(c.selection);
                j.key("digits").str(c.digits.as_str());
                j.key("natureOfCarrier").num(c.nature).close();
            }
        }
        P::TriggerCriteriaType => {
            if let Some(t) = a.trigger_criteria_type {
                match t.name() {
                    Some(s) => j.key(key).str(s),
                    None => j.key(key).num(t.0),
                };
            }
        }
        P::OriginalCalledPartyId => d(j, &a.original_called_party_id),
        P::RedirectingPartyId => d(j, &a.redirecting_party_id),
        P::RedirectionInformation => {
            if let Some(r) = a.redirection_information {
                j.key(key).hex(&r.encode());
            }
        }
        P::GenericName => h(j, a.generic_name),
        P::Amp1 => h(j, a.amp1),
        P::Amp2 => h(j, a.amp2),
        P::Sap => h(j, a.sap),
        P::StrConnection => b(j, a.str_connection),
        P::CtrConnection => b(j, a.ctr_connection),
        P::AmaSequenceNumber => h(j, a.ama_sequence_number.as_ref().map(|s| &s[..])),
        P::ExtensionParameter => h(j, a.extension_parameter),
        P::NotificationIndicator => b(j, a.notification_indicator),
        P::BusyCause => {
            if let Some(c) = a.busy_cause {
                j.key(key).open().key("location").num(c.location);
                j.key("value").num(c.value).close();
            }
        }
        P::BusyType => n(j, a.busy_type),
        P::DisconnectCause => n(j, a.disconnect_cause),
        P::LegId => n(j, a.leg_id),
        P::CcId => n(j, a.cc_id),
        P::BcmType => n(j, a.bcm_type),
        P::PointInCall => n(j, a.point_in_call),
        P::FailureCause => {
            if let Some(c) = a.failure_cause {
                match ain::params::failure_cause_name(c) {
                    Some(s) => j.key(key).str(s),
                    None => j.key(key).num(c),
                };
            }
        }
        P::CloseCause => n(j, a.close_cause),
        P::OutpulseNumber => d(j, &a.outpulse_number),
        P::PrimaryTrunkGroup => h(j, a.primary_trunk_group.as_ref().map(|s| &s[..])),
        P::PassiveLegTreatment => n(j, a.passive_leg_treatment),
        P::ControllingLegTreatment => n(j, a.controlling_leg_treatment),
        P::PrimaryBillingIndicator => h(j, a.primary_billing_indicator.as_ref().map(|s| &s[..])),
        P::AmaAlternateBillingNumber => d(j, &a.ama_alternate_billing_number),
        P::AmaBusinessCustomerId => d(j, &a.ama_business_customer_id),
        P::AmaSlpId => {
            if let Some(s) = &a.ama_slp_id {
                j.key(key).str(s.0.as_str());
            }
        }
        P::EdpRequest => edps(j, a.edp_request),
        P::EdpNotification => edps(j, a.edp_notification),
        P::ONoAnswerTimer => n(j, a.o_no_answer_timer),
        P::TNoAnswerTimer => n(j, a.t_no_answer_timer),
        P::TimeoutTimer => {
            if let Some(t) = &a.timeout_timer {
                j.key(key).display(format_args!("{t:?}"));
            }
        }
        P::EchoData => h(j, a.echo_data.as_ref().map(|s| &s[..])),
        P::TerminationIndicator => n(j, a.termination_indicator),
        P::ConnectTime => h(j, a.connect_time.as_ref().map(|s| &s[..])),
        P::ControlCauseIndicator => n(j, a.control_cause_indicator),
        P::GapDuration => n(j, a.gap_duration),
        P::GapInterval => {
            if let Some(g) = &a.gap_interval {
                j.key(key).display(format_args!("{g:?}"));
            }
        }
        P::TranslationType => n(j, a.translation_type),
        P::GlobalTitleAddress => h(j, a.global_title_address),
        P::SspResponseMessageTimerT1 => {
            if let Some(t) = a.ssp_response_message_timer_t1 {
                j.key(key).num(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(opcode: u32, ber: &[u8]) -> Result<serde_json::Value, BerError> {
        let mut j = J::new();
        cap_argument(&mut j, opcode, Tlv::parse_single(ber).unwrap())?;
        Ok(serde_json::from_slice(j.bytes()).unwrap())
    }

    #[test]
    fn unnamed_members_by_tag_in_key_order_last_repeat_wins() {
        // InitialDPArg: serviceKey 5, [20] (not in the table), [21] constructed,
        // [UNIVERSAL 4], serviceKey again 6.
        let ber = [
            0x30, 0x12, 0x80, 0x01, 0x05, 0x94, 0x02, 0xab, 0xcd, 0xb5, 0x03, 0x80, 0x01, 0x07,
            0x04, 0x01, 0xff, 0x80, 0x01, 0x06,
        ];
        let v = arg(camel::opcode::INITIAL_DP, &ber).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"[20]": "abcd", "[21]": {"[0]": "07"}, "[UNIVERSAL 4]": "ff",
                "serviceKey": 6})
        );
        let mut j = J::new();
        cap_argument(
            &mut j,
            camel::opcode::INITIAL_DP,
            Tlv::parse_single(&ber).unwrap(),
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(j.bytes()).unwrap(),
            r#"{"[20]":"abcd","[21]":{"[0]":"07"},"[UNIVERSAL 4]":"ff","serviceKey":6}"#
        );
    }

    #[test]
    fn the_error_reported_is_the_first_in_encoding_order() {
        // callingPartyNumber [3] empty (bad), then serviceKey [0] empty (bad): the key
        // order would meet serviceKey first, the encoding order meets [3] first.
        let ber = [0x30, 0x04, 0x83, 0x00, 0x80, 0x00];
        let e = arg(camel::opcode::INITIAL_DP, &ber).unwrap_err();
        let first = arg(camel::opcode::INITIAL_DP, &[0x30, 0x02, 0x83, 0x00]).unwrap_err();
        // serviceKey's own error at the same place, after an unnamed member.
        let second = arg(
            camel::opcode::INITIAL_DP,
            &[0x30, 0x04, 0x94, 0x00, 0x80, 0x00],
        )
        .unwrap_err();
        assert_eq!(e, first);
        assert_ne!(e, second);
        // Same error with the writer off (--summary).
        let mut off = J::off();
        let e2 = cap_argument(
            &mut off,
            camel::opcode::INITIAL_DP,
            Tlv::parse_single(&ber).unwrap(),
        )
        .unwrap_err();
        assert_eq!(e, e2);
    }
}
