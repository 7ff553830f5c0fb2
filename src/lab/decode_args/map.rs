//! The MAP schema: SendRoutingInfo and AnyTimeInterrogation arguments and results (TS 29.002
//! §17.7.1 MAP-MS-DataTypes, §17.7.3 MAP-CH-DataTypes; v2: GSM 09.02 phase 2), their
//! members by tag with their ASN.1 names, read by the same walker as the CAP table. The
//! v2 and v3 forms differ, so each table is picked by the dialogue's [`Version`].
//!
//! What the codec ([`crate::map`]) keeps opaque is shown as hex, what it does not model
//! is named (as hex) where the ASN.1 names it: the walker never fails on a member the
//! codec lets through. LocationInformation is CAP's table, with its geographicalInformation
//! read ([`K::Geo`]). An error's parameter is shown from the decoded [`MapError`].

use super::cap_schema::{c, K, LOCATION_INFORMATION_MEMBERS, M, T};
use crate::lab::json::J;
use crate::map::{opcode, MapError, Operation, Version};

const HEX: K = K::Hex;
const EXTENSION_CONTAINER: K = K::Hex;

/// LocationInformation (MAP-MS-DataTypes) as CAP reads it, with the geographical
/// information as latitude, longitude and uncertainty.
const LOCATION_MEMBERS: [M; 13] = {
    let mut ms = LOCATION_INFORMATION_MEMBERS;
    let mut i = 0;
    while i < ms.len() {
        if matches!(ms[i].0, T::C(0)) {
            ms[i].2 = K::Geo;
        }
        i += 1;
    }
    ms
};
const LOCATION_INFORMATION: K = K::Seq(&LOCATION_MEMBERS);

/// SubscriberState: CHOICE { assumedIdle [0], camelBusy [1], netDetNotReachable
/// NotReachableReason, notProvidedFromVLR [2] }.
const SUBSCRIBER_STATE: K = K::Choice(&[
    c(0, "assumedIdle", K::Null),
    c(1, "camelBusy", K::Null),
    M(
        T::U(10),
        "netDetNotReachable",
        K::Enum(&[
            (0, "msPurged"),
            (1, "imsiDetached"),
            (2, "restrictedArea"),
            (3, "notRegistered"),
        ]),
    ),
    c(2, "notProvidedFromVLR", K::Null),
]);

/// SubscriberInfo (MAP-MS-DataTypes).
const SUBSCRIBER_INFO: K = K::Seq(&[
    c(0, "locationInformation", LOCATION_INFORMATION),
    c(1, "subscriberState", SUBSCRIBER_STATE),
    c(2, "extensionContainer", EXTENSION_CONTAINER),
    c(3, "locationInformationGPRS", HEX),
    c(4, "ps-SubscriberState", HEX),
    c(5, "imei", K::Tbcd),
    c(6, "ms-Classmark2", HEX),
    c(7, "gprs-MS-Class", HEX),
    c(8, "mnpInfoRes", HEX),
]);

const CAMEL_PHASES: K = K::Bits(&["phase1", "phase2", "phase3", "phase4"]);

/// CamelInfo (MAP-CH-DataTypes), SendRoutingInfoArg [11].
const CAMEL_INFO: K = K::Seq(&[
    M(T::U(3), "supportedCamelPhases", CAMEL_PHASES),
    M(T::U(5), "suppress-T-CSI", K::Null),
    M(T::U(16), "extensionContainer", EXTENSION_CONTAINER),
    c(
        0,
        "offeredCamel4CSIs",
        K::Bits(&[
            "o-csi",
            "d-csi",
            "vt-csi",
            "t-csi",
            "mt-sms-csi",
            "mg-csi",
            "psi-enhancements",
        ]),
    ),
]);

/// SendRoutingInfoArg in v3: every member up to the release the codec follows.
const SRI_ARG_V3: K = K::Seq(&[
    c(0, "msisdn", K::Addr),
    c(1, "cug-CheckInfo", HEX),
    c(2, "numberOfForwarding", K::Int),
    c(
        3,
        "interrogationType",
        K::Enum(&[(0, "basicCall"), (1, "forwarding")]),
    ),
    c(4, "or-Interrogation", K::Null),
    c(5, "or-Capability", HEX),
    c(6, "gmsc-OrGsmSCF-Address", K::Addr),
    c(7, "callReferenceNumber", HEX),
    c(8, "forwardingReason", HEX),
    c(9, "basicServiceGroup", HEX),
    c(10, "networkSignalInfo", HEX),
    c(11, "camelInfo", CAMEL_INFO),
    c(12, "suppressionOfAnnouncement", HEX),
    c(13, "extensionContainer", EXTENSION_CONTAINER),
    c(14, "alertingPattern", HEX),
    c(15, "ccbs-Call", HEX),
    c(16, "supportedCCBS-Phase", HEX),
    c(17, "additionalSignalInfo", HEX),
    c(18, "istSupportIndicator", HEX),
    c(19, "pre-pagingSupported", HEX),
    c(20, "callDiversionTreatmentIndicator", HEX),
    c(21, "longFTN-Supported", HEX),
    c(22, "suppress-VT-CSI", HEX),
    c(23, "suppressIncomingCallBarring", HEX),
    c(24, "gsmSCF-InitiatedCall", HEX),
    c(25, "basicServiceGroup2", HEX),
    c(26, "networkSignalInfo2", HEX),
    c(
        27,
        "suppressMTSS",
        K::Bits(&["suppressCUG", "suppressCCBS"]),
    ),
    c(28, "mtRoamingRetrySupported", HEX),
    c(29, "callPriority", HEX),
]);

/// SendRoutingInfoArg in v2: the four members v2 has (a v3 member there is unnamed).
const SRI_ARG_V2: K = K::Seq(&[
    c(0, "msisdn", K::Addr),
    c(1, "cug-CheckInfo", HEX),
    c(2, "numberOfForwarding", K::Int),
    c(10, "networkSignalInfo", HEX),
]);

/// ForwardingData (MAP-CH-DataTypes).
const FORWARDING_DATA: K = K::Seq(&[
    c(5, "forwardedToNumber", K::Addr),
    c(4, "forwardedToSubaddress", HEX),
    c(6, "forwardingOptions", HEX),
    c(7, "extensionContainer", EXTENSION_CONTAINER),
    c(8, "longForwardedToNumber", K::Addr),
]);

/// RoutingInfo: an untagged CHOICE { roamingNumber, forwardingData }.
const ROUTING_INFO: K = K::Alt(&[
    M(T::U(4), "roamingNumber", K::Addr),
    M(T::U(16), "forwardingData", FORWARDING_DATA),
]);

/// ExtendedRoutingInfo: an untagged CHOICE { routingInfo, camelRoutingInfo [8] }.
const EXTENDED_ROUTING_INFO: K = K::Alt(&[
    M(T::U(4), "routingInfo", ROUTING_INFO),
    M(T::U(16), "routingInfo", ROUTING_INFO),
    c(
        8,
        "camelRoutingInfo",
        K::Seq(&[
            M(T::U(16), "forwardingData", FORWARDING_DATA),
            c(0, "gmscCamelSubscriptionInfo", HEX),
            c(1, "extensionContainer", EXTENSION_CONTAINER),
        ]),
    ),
]);

/// SendRoutingInfoRes in v3 (`[3] SEQUENCE`): extendedRoutingInfo is untagged, so it
/// stands under each of its alternatives' tags.
const SRI_RES_V3: K = K::Seq(&[
    c(9, "imsi", K::Tbcd),
    M(T::U(4), "extendedRoutingInfo", EXTENDED_ROUTING_INFO),
    M(T::U(16), "extendedRoutingInfo", EXTENDED_ROUTING_INFO),
    c(8, "extendedRoutingInfo", EXTENDED_ROUTING_INFO),
    c(3, "cug-CheckInfo", HEX),
    c(6, "cugSubscriptionFlag", K::Null),
    c(7, "subscriberInfo", SUBSCRIBER_INFO),
    c(1, "ss-List", HEX),
    c(5, "basicService", HEX),
    c(4, "forwardingInterrogationRequired", K::Null),
    c(2, "vmsc-Address", K::Addr),
    c(0, "extensionContainer", EXTENSION_CONTAINER),
    c(10, "naea-PreferredCI", HEX),
    c(11, "ccbs-Indicators", HEX),
    c(12, "msisdn", K::Addr),
    c(13, "numberPortabilityStatus", HEX),
    c(14, "istAlertTimer", HEX),
    c(15, "supportedCamelPhasesInVMSC", HEX),
    c(16, "offeredCamel4CSIsInVMSC", HEX),
    c(17, "routingInfo2", HEX),
    c(18, "ss-List2", HEX),
    c(19, "basicService2", HEX),
    c(20, "allowedServices", HEX),
    c(21, "unavailabilityCause", HEX),
    c(22, "releaseResourcesSupported", HEX),
    c(23, "gsm-BearerCapability", HEX),
]);

/// SendRoutingInfoRes in v2: SEQUENCE { imsi, routingInfo, cug-CheckInfo OPTIONAL },
/// untagged, by position (imsi and a roamingNumber are both OCTET STRINGs).
const SRI_RES_V2: K = K::Pos(&[
    M(T::U(4), "imsi", K::Tbcd),
    M(T::U(4), "routingInfo", ROUTING_INFO),
    M(T::U(16), "cug-CheckInfo", HEX),
]);

/// AnyTimeInterrogationArg (MAP-MS-DataTypes).
const ATI_ARG: K = K::Seq(&[
    c(
        0,
        "subscriberIdentity",
        K::Choice(&[c(0, "imsi", K::Tbcd), c(1, "msisdn", K::Addr)]),
    ),
    c(
        1,
        "requestedInfo",
        K::Seq(&[
            c(0, "locationInformation", K::Null),
            c(1, "subscriberState", K::Null),
            c(2, "extensionContainer", EXTENSION_CONTAINER),
            c(3, "currentLocation", K::Null),
            c(
                4,
                "requestedDomain",
                K::Enum(&[(0, "cs-Domain"), (1, "ps-Domain")]),
            ),
            c(5, "ms-classmark", K::Null),
            c(6, "imei", K::Null),
            c(7, "mnpRequestedInfo", K::Null),
            c(8, "t-adsData", HEX),
            c(9, "requestedNodes", HEX),
            c(10, "servingNodeIndication", HEX),
            c(11, "locationInformationEPS-Supported", HEX),
            c(12, "localTimeZoneRequest", HEX),
        ]),
    ),
    c(2, "extensionContainer", EXTENSION_CONTAINER),
    c(3, "gsmSCF-Address", K::Addr),
]);

/// AnyTimeInterrogationRes: SEQUENCE { subscriberInfo, extensionContainer OPTIONAL },
/// both untagged SEQUENCEs, by position.
const ATI_RES: K = K::Pos(&[
    M(T::U(16), "subscriberInfo", SUBSCRIBER_INFO),
    M(T::U(16), "extensionContainer", EXTENSION_CONTAINER),
]);

/// The argument type of a MAP operation in `version` (`None`: not modelled, shown as hex).
pub(super) fn argument_schema(opcode: u32, version: Version) -> Option<K> {
    Some(match (opcode, version) {
        (opcode::SEND_ROUTING_INFO, Version::V3) => SRI_ARG_V3,
        (opcode::SEND_ROUTING_INFO, Version::V2) => SRI_ARG_V2,
        (opcode::ANY_TIME_INTERROGATION, _) => ATI_ARG,
        _ => return None,
    })
}

/// The result type of a MAP operation in `version`.
pub(super) fn result_schema(op: Operation, version: Version) -> K {
    match (op, version) {
        (Operation::SendRoutingInfo, Version::V3) => SRI_RES_V3,
        (Operation::SendRoutingInfo, Version::V2) => SRI_RES_V2,
        (Operation::AnyTimeInterrogation, _) => ATI_RES,
    }
}

/// A named value of an extensible ENUMERATED (its number when a later release's).
fn named(j: &mut J, v: u8, names: &[&'static str]) {
    match names.get(usize::from(v)).filter(|n| !n.is_empty()) {
        Some(n) => j.str(n),
        None => j.num(v),
    };
}

/// The `parameter` member of a MAP error, if it carries values (TS 29.002 §17.7.6
/// MAP-ER-DataTypes): the parameter's member by its ASN.1 name, enumerated values by name.
pub(super) fn error_parameter(j: &mut J, e: &MapError) {
    const DIAGNOSTIC: &[&str] = &[
        "imsiUnknown",
        "gprs-eps-SubscriptionUnknown",
        "npdbMismatch",
    ];
    const REASON: &[&str] = &[
        "imsiDetach",
        "restrictedArea",
        "noPageResponse",
        "purgedMS",
        "mtRoamingRetry",
        "busySubscriber",
    ];
    const BARRING: &[&str] = &["barringServiceActive", "operatorBarring"];
    const CUG: &[&str] = &[
        "incomingCallsBarredWithinCUG",
        "subscriberNotMemberOfCUG",
        "",
        "",
        "",
        "requestedBasicServiceViolatesCUG-Constraints",
        "",
        "calledPartySS-InteractionViolation",
    ];
    const RESOURCE: &[&str] = &[
        "plmn",
        "hlr",
        "vlr",
        "pvlr",
        "controllingMSC",
        "vmsc",
        "eir",
        "rss",
    ];
    let (key, v, names) = match *e {
        MapError::UnknownSubscriber {
            diagnostic: Some(v),
        } => ("unknownSubscriberDiagnostic", v, DIAGNOSTIC),
        MapError::AbsentSubscriber { reason: Some(v) } => ("absentSubscriberReason", v, REASON),
        MapError::CallBarred { cause: Some(v) } => ("callBarringCause", v, BARRING),
        MapError::CugReject { cause: Some(v) } => ("cug-RejectCause", v, CUG),
        MapError::SystemFailure {
            network_resource: Some(v),
        } => ("networkResource", v, RESOURCE),
        MapError::BusySubscriber {
            ccbs_possible,
            ccbs_busy,
        } if ccbs_possible || ccbs_busy => {
            j.key("parameter").open();
            if ccbs_busy {
                j.key("ccbs-Busy").bool(true);
            }
            if ccbs_possible {
                j.key("ccbs-Possible").bool(true);
            }
            j.close();
            return;
        }
        _ => return,
    };
    named(j.key("parameter").open().key(key), v, names);
    j.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_location_table_reads_the_geographical_information() {
        let geo: Vec<&M> = LOCATION_MEMBERS
            .iter()
            .filter(|m| matches!(m.2, K::Geo))
            .collect();
        assert_eq!(geo.len(), 1);
        assert_eq!(geo[0].1, "geographicalInformation");
    }
}
