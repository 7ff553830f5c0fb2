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
//! The walker borrows the message and builds only the output values (no copies of the
//! input).

use crate::ain::{self, Arg, P};
use crate::ber::{hex, Class, Tlv};
use crate::camel;
use serde_json::{json, Map, Value};

/// An ISUP-format number (Q.763 §3.9).
pub fn isup(n: &camel::IsupNumber) -> Value {
    json!({"digits": n.digits.as_str(), "nature": n.nature, "plan": n.plan, "presentation": n.presentation, "screening": n.screening})
}

/// A MAP AddressString (TS 29.002).
pub fn addr(a: &camel::AddressString) -> Value {
    json!({"digits": a.digits.as_str(), "nature": a.nature, "plan": a.plan})
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

/// A CAP invoke's argument with member names. Errors carry the offset of the element that
/// does not decode.
pub fn cap_argument(opcode: u32, p: Tlv<'_>) -> Result<Value, crate::ber::BerError> {
    match cap_schema(opcode) {
        Some(k) => value(&p, k),
        None => Ok(json!({"raw": hex(p.raw)})),
    }
}

/// A CAP error's name and parameter (TS 29.078 §6.2 errortypes).
pub fn cap_error(code: i64, p: Option<Tlv<'_>>) -> Value {
    match camel::CapError::decode(code, p) {
        Ok(e) => {
            let mut v = json!({"error": e.name()});
            match e {
                camel::CapError::CancelFailed { problem, operation } => {
                    v["parameter"] = json!({"problem": problem, "operation": operation})
                }
                camel::CapError::RequestedInfoError(x)
                | camel::CapError::SystemFailure(x)
                | camel::CapError::TaskRefused(x) => v["parameter"] = json!(x),
                _ => {}
            }
            v
        }
        Err(e) => json!({"error": format!("error {code}"), "decode_error": e.to_string()}),
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

/// An element whose member is not in the table: its tag and structure.
fn unknown(t: &Tlv<'_>) -> (String, Value) {
    let name = match t.tag.class {
        Class::Context => format!("[{}]", t.tag.number),
        Class::Universal => format!("[UNIVERSAL {}]", t.tag.number),
        Class::Application => format!("[APPLICATION {}]", t.tag.number),
        Class::Private => format!("[PRIVATE {}]", t.tag.number),
    };
    (name, generic(t))
}

fn generic(t: &Tlv<'_>) -> Value {
    if !t.tag.constructed {
        return json!(hex(t.value));
    }
    let Ok(children) = t.children() else {
        return json!(hex(t.value));
    };
    let mut o = Map::new();
    for ch in children {
        match ch {
            Ok(ch) => {
                let (n, v) = unknown(&ch);
                o.insert(n, v);
            }
            Err(_) => return json!(hex(t.value)),
        }
    }
    Value::Object(o)
}

fn members(t: &Tlv<'_>, ms: &'static [M]) -> Result<Value, crate::ber::BerError> {
    let mut o = Map::new();
    for ch in t.children()? {
        let ch = ch?;
        match member(ms, &ch) {
            Some(m) => {
                o.insert(m.1.to_string(), value(&ch, m.2)?);
            }
            None => {
                let (n, v) = unknown(&ch);
                o.insert(n, v);
            }
        }
    }
    Ok(Value::Object(o))
}

fn alternative(t: &Tlv<'_>, alts: &'static [M]) -> Result<Value, crate::ber::BerError> {
    let (name, v) = match member(alts, t) {
        Some(m) => (m.1.to_string(), value(t, m.2)?),
        None => unknown(t),
    };
    let mut o = Map::new();
    o.insert(name, v);
    Ok(Value::Object(o))
}

fn value(t: &Tlv<'_>, k: K) -> Result<Value, crate::ber::BerError> {
    let off = t.value_offset;
    Ok(match k {
        K::Int => json!(t.as_i64()?),
        K::Enum(names) => {
            let n = t.as_i64()?;
            names
                .iter()
                .find(|(v, _)| *v == n)
                .map_or_else(|| json!(n), |(_, s)| json!(s))
        }
        K::EventType => {
            let n = t.as_i64()?;
            u8::try_from(n)
                .ok()
                .and_then(|n| camel::EventTypeBcsm(n).name())
                .map_or_else(|| json!(n), |s| json!(s))
        }
        K::Isup => isup(&camel::IsupNumber::decode(t.value, off)?),
        K::Generic => {
            let g = camel::GenericNumber::decode(t.value, off)?;
            let mut v = isup(&g.number);
            v["qualifier"] = json!(g.qualifier);
            v
        }
        K::Addr => addr(&camel::AddressString::decode(t.value, off)?),
        K::Tbcd => json!(camel::numbers::TbcdDigits::decode(t.value, off)?.as_str()),
        K::Cause => {
            let c = camel::Cause::decode(t.value, off)?;
            json!({"value": c.value, "location": c.location, "codingStandard": c.coding_standard})
        }
        K::CellId => {
            let c = camel::CellIdOrLai::decode(t.value, off)?;
            let p = c.plmn();
            let mut v = json!({
                "mcc": format!("{:03}", p.mcc),
                "mnc": if p.mnc_3_digits { format!("{:03}", p.mnc) } else { format!("{:02}", p.mnc) },
                "lac": c.lac(),
            });
            if let camel::CellIdOrLai::CellId { ci, .. } = c {
                v["cellId"] = json!(ci);
            }
            v
        }
        K::Null => {
            t.as_null()?;
            json!(true)
        }
        K::Bool if !t.tag.constructed => json!(t.as_bool()?),
        K::Hex => json!(hex(t.value)),
        K::Bits(names) => {
            let bits = camel::numbers::bit_string_bits(t.value).unwrap_or(0);
            json!(names
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, n)| *n)
                .collect::<Vec<_>>())
        }
        K::Seq(ms) if t.tag.constructed => members(t, ms)?,
        K::Choice(alts) if t.tag.constructed => {
            let mut r = t.children()?;
            match r.next_tlv()? {
                Some(a) => alternative(&a, alts)?,
                None => json!({}),
            }
        }
        K::Alt(alts) => alternative(t, alts)?,
        K::SeqOf(inner) if t.tag.constructed => {
            let mut v = Vec::new();
            for ch in t.children()? {
                v.push(value(&ch?, *inner)?);
            }
            Value::Array(v)
        }
        K::Ber(inner) => {
            let in_ = crate::ber::Tlv::parse_single(t.value).map_err(|mut e| {
                e.offset += off;
                e
            })?;
            value(&in_, *inner)?
        }
        // A primitive/constructed mismatch (another phase's type): show the structure.
        _ => generic(t),
    })
}

/// An AIN argument: every member present, by its GR-1299 ASN.1 name.
pub fn ain_argument(a: &Arg<'_>) -> Value {
    let mut o = Map::new();
    for p in P::ALL {
        if let Some(v) = ain_member(a, p) {
            o.insert(p.name().to_string(), v);
        }
    }
    Value::Object(o)
}

fn ain_digits(d: &ain::AinDigits) -> Value {
    json!({"digits": d.digits.as_str(), "natureOfNumber": d.nature, "numberingPlan": d.plan, "presentation": d.presentation, "screening": d.screening})
}

fn ain_member(a: &Arg<'_>, p: P) -> Option<Value> {
    let d = |x: &Option<ain::AinDigits>| x.as_ref().map(ain_digits);
    let n = |x: Option<u8>| x.map(|v| json!(v));
    let h = |x: Option<&[u8]>| x.map(|v| json!(hex(v)));
    let b = |x: Option<bool>| x.map(|v| json!(v));
    let edps = |x: Option<ain::EdpSet>| {
        x.map(|s| {
            json!(ain::EdpSet::NAMES
                .iter()
                .enumerate()
                .filter(|(i, _)| s.contains(1 << i))
                .map(|(_, n)| *n)
                .collect::<Vec<_>>())
        })
    };
    match p {
        P::UserId => a.user_id.map(|u| match u {
            ain::UserId::Dn(d) => json!({"dn": d.as_str()}),
            ain::UserId::Bri { spid, dn } => {
                json!({"bri": {"spid": String::from_utf8_lossy(spid), "dn": dn.as_str()}})
            }
            ain::UserId::TrunkGroup(t) => json!({"trunkGroupID": t}),
            ain::UserId::PrivateFacility(f) => json!({"privateFacilityGID": f}),
            ain::UserId::AdsiCpe(c) => json!({"aDSIcpeID": hex(&c)}),
        }),
        P::BearerCapability => a
            .bearer_capability
            .map(|c| c.name().map_or_else(|| json!(c.0), |s| json!(s))),
        P::CalledPartyId => d(&a.called_party_id),
        P::CalledPartyStationType => n(a.called_party_station_type),
        P::CallingPartyBgid => h(a.calling_party_bgid),
        P::CallingPartyId => d(&a.calling_party_id),
        P::ChargeNumber => d(&a.charge_number),
        P::ChargePartyStationType => n(a.charge_party_station_type),
        P::AccessCode => d(&a.access_code),
        P::AcgEncountered => n(a.acg_encountered),
        P::CollectedAddressInfo => d(&a.collected_address_info),
        P::CollectedDigits => d(&a.collected_digits),
        P::VerticalServiceCode => d(&a.vertical_service_code),
        P::Tcm => d(&a.tcm),
        P::Lata => d(&a.lata),
        P::Carrier => a.carrier.map(|c| {
            json!({"carrierSelection": c.selection, "natureOfCarrier": c.nature, "digits": c.digits.as_str()})
        }),
        P::TriggerCriteriaType => a
            .trigger_criteria_type
            .map(|t| t.name().map_or_else(|| json!(t.0), |s| json!(s))),
        P::OriginalCalledPartyId => d(&a.original_called_party_id),
        P::RedirectingPartyId => d(&a.redirecting_party_id),
        P::RedirectionInformation => a.redirection_information.map(|r| json!(hex(&r.encode()))),
        P::GenericName => h(a.generic_name),
        P::Amp1 => h(a.amp1),
        P::Amp2 => h(a.amp2),
        P::Sap => h(a.sap),
        P::StrConnection => b(a.str_connection),
        P::CtrConnection => b(a.ctr_connection),
        P::AmaSequenceNumber => a.ama_sequence_number.map(|s| json!(hex(&s))),
        P::ExtensionParameter => h(a.extension_parameter),
        P::NotificationIndicator => b(a.notification_indicator),
        P::BusyCause => a.busy_cause.map(|c| json!({"value": c.value, "location": c.location})),
        P::BusyType => n(a.busy_type),
        P::DisconnectCause => n(a.disconnect_cause),
        P::LegId => n(a.leg_id),
        P::CcId => n(a.cc_id),
        P::BcmType => n(a.bcm_type),
        P::PointInCall => n(a.point_in_call),
        P::FailureCause => a.failure_cause.map(|c| {
            ain::params::failure_cause_name(c).map_or_else(|| json!(c), |s| json!(s))
        }),
        P::CloseCause => n(a.close_cause),
        P::OutpulseNumber => d(&a.outpulse_number),
        P::PrimaryTrunkGroup => a.primary_trunk_group.map(|t| json!(hex(&t))),
        P::PassiveLegTreatment => n(a.passive_leg_treatment),
        P::ControllingLegTreatment => n(a.controlling_leg_treatment),
        P::PrimaryBillingIndicator => a.primary_billing_indicator.map(|t| json!(hex(&t))),
        P::AmaAlternateBillingNumber => d(&a.ama_alternate_billing_number),
        P::AmaBusinessCustomerId => d(&a.ama_business_customer_id),
        P::AmaSlpId => a.ama_slp_id.map(|s| json!(s.0.as_str())),
        P::EdpRequest => edps(a.edp_request),
        P::EdpNotification => edps(a.edp_notification),
        P::ONoAnswerTimer => n(a.o_no_answer_timer),
        P::TNoAnswerTimer => n(a.t_no_answer_timer),
        P::TimeoutTimer => a.timeout_timer.map(|t| json!(format!("{t:?}"))),
        P::EchoData => a.echo_data.map(|e| json!(hex(&e))),
        P::TerminationIndicator => n(a.termination_indicator),
        P::ConnectTime => a.connect_time.map(|t| json!(hex(&t))),
        P::ControlCauseIndicator => n(a.control_cause_indicator),
        P::GapDuration => n(a.gap_duration),
        P::GapInterval => a.gap_interval.map(|g| json!(format!("{g:?}"))),
        P::TranslationType => n(a.translation_type),
        P::GlobalTitleAddress => h(a.global_title_address),
        P::SspResponseMessageTimerT1 => a.ssp_response_message_timer_t1.map(|t| json!(t)),
    }
}
