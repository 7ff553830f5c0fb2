//! The CAP argument schema: for each operation, its members by context tag with their
//! ASN.1 names and types (3GPP TS 29.078 §6, CAP-gsmSSF-gsmSCF-ops-args and
//! CAP-datatypes). A table, read by the walker in `ber_walk`.

use crate::camel;

/// The type of a member.
#[derive(Clone, Copy)]
pub(super) enum K {
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
    /// A SEQUENCE whose members are untagged and told apart by position (MAP v2's
    /// SendRoutingInfoRes, AnyTimeInterrogationRes): each child takes the next entry that
    /// fits its tag (a [`K::Alt`] entry: any of its alternatives' tags).
    Pos(&'static [M]),
    /// GeographicalInformation (TS 23.032 §7.3.2, 8 octets) as latitude, longitude and
    /// uncertainty ([`crate::map::GeographicalInformation`]).
    Geo,
}

/// A member: context tag (or a universal tag for untagged members), name, type.
#[derive(Clone, Copy)]
pub(super) struct M(pub(super) T, pub(super) &'static str, pub(super) K);

#[derive(Clone, Copy)]
pub(super) enum T {
    C(u32),
    U(u32),
}

pub(super) const fn c(n: u32, name: &'static str, k: K) -> M {
    M(T::C(n), name, k)
}

pub(super) const MONITOR_MODE: K = K::Enum(&[
    (0, "interrupted"),
    (1, "notifyAndContinue"),
    (2, "transparent"),
]);
pub(super) const LEG_ID: K = K::Choice(&[
    c(0, "sendingSideID", K::Hex),
    c(1, "receivingSideID", K::Hex),
]);
pub(super) const SENDING_SIDE: K = K::Choice(&[c(0, "sendingSideID", K::Hex)]);
pub(super) const RECEIVING_SIDE: K = K::Choice(&[c(1, "receivingSideID", K::Hex)]);
pub(super) const EXTENSIONS: K = K::Hex;
pub(super) const BEARER_CAP: K = K::Choice(&[c(0, "bearerCap", K::Hex), c(1, "tmr", K::Hex)]);
const EXT_BSC: K = K::Choice(&[
    c(2, "ext-BearerService", K::Hex),
    c(3, "ext-Teleservice", K::Hex),
]);
const CAMEL_PHASES: K = K::Bits(&["phase1", "phase2", "phase3", "phase4"]);

/// LocationInformation's members (TS 29.002 MAP-MS-DataTypes), also MAP's SubscriberInfo's.
pub(super) const LOCATION_INFORMATION_MEMBERS: [M; 13] = [
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
];
const LOCATION_INFORMATION: K = K::Seq(&LOCATION_INFORMATION_MEMBERS);

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

pub(super) const RESET_TIMER: K = K::Seq(&[
    c(0, "timerID", K::Enum(&[(0, "tssf")])),
    c(1, "timervalue", K::Int),
    c(2, "extensions", EXTENSIONS),
    c(3, "callSegmentID", K::Int),
]);

/// CallGapArg (opcode 41); GapCriteria's basicGapCriteria alternatives are shown by name.
pub(super) const CALL_GAP: K = K::Seq(&[
    c(
        0,
        "gapCriteria",
        K::Choice(&[
            c(0, "calledAddressValue", K::Hex),
            c(2, "gapOnService", K::Seq(&[c(0, "serviceKey", K::Int)])),
            c(
                29,
                "calledAddressAndService",
                K::Seq(&[
                    c(0, "calledAddressValue", K::Hex),
                    c(1, "serviceKey", K::Int),
                ]),
            ),
            c(
                30,
                "callingAddressAndService",
                K::Seq(&[
                    c(0, "callingAddressValue", K::Hex),
                    c(1, "serviceKey", K::Int),
                ]),
            ),
        ]),
    ),
    c(
        1,
        "gapIndicators",
        K::Seq(&[c(0, "duration", K::Int), c(1, "gapInterval", K::Int)]),
    ),
    c(
        2,
        "controlType",
        K::Enum(&[(0, "sCPOverloaded"), (1, "manuallyInitiated")]),
    ),
    c(
        3,
        "gapTreatment",
        K::Choice(&[c(1, "releaseCause", K::Cause)]),
    ),
    c(4, "extensions", EXTENSIONS),
]);

pub(super) const CANCEL: K = K::Alt(&[
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
pub(super) fn cap_schema(opcode: u32) -> Option<K> {
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
        op::CALL_GAP => CALL_GAP,
        op::CANCEL => CANCEL,
        op::CONTINUE_WITH_ARGUMENT => CONTINUE_WITH_ARGUMENT,
        op::INITIATE_CALL_ATTEMPT => INITIATE_CALL_ATTEMPT,
        op::ASSIST_REQUEST_INSTRUCTIONS => ASSIST_REQUEST_INSTRUCTIONS,
        op::SPECIALIZED_RESOURCE_REPORT => SPECIALIZED_RESOURCE_REPORT,
        op::ENTITY_RELEASED => ENTITY_RELEASED,
        _ => return None,
    })
}
