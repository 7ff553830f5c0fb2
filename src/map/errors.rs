//! The MAP errors of SendRoutingInfo and AnyTimeInterrogation (TS 29.002 §17.6.6 MAP-Errors,
//! parameters §17.7.6 MAP-ER-DataTypes): local codes and the parameter values scpd
//! reports (why the subscriber is unknown, absent, barred).
//!
//! Every parameter is optional. v3 parameters are extensible SEQUENCEs; v2 had none for
//! most errors and bare values for the others (systemFailure NetworkResource, callBarred
//! CallBarringCause, cug-Reject CUG-RejectCause, absentSubscriber a BOOLEAN mwd-Set).
//! Decoding takes either form whatever the dialogue's version (an HLR answering v3 with a
//! v2 parameter still means what it says); encoding writes the form of the version asked.

use super::{CodecError, Version};
use crate::ber::{invalid, small, Class, Malformed, MalformedMembers, Result, Tag, Tlv, Writer};
use std::fmt;

/// Local error codes (MAP-Errors).
pub mod code {
    pub const UNKNOWN_SUBSCRIBER: u32 = 1;
    pub const UNIDENTIFIED_SUBSCRIBER: u32 = 5;
    pub const BEARER_SERVICE_NOT_PROVISIONED: u32 = 10;
    pub const TELESERVICE_NOT_PROVISIONED: u32 = 11;
    pub const CALL_BARRED: u32 = 13;
    pub const FORWARDING_VIOLATION: u32 = 14;
    pub const CUG_REJECT: u32 = 15;
    pub const FACILITY_NOT_SUPPORTED: u32 = 21;
    pub const ABSENT_SUBSCRIBER: u32 = 27;
    pub const SYSTEM_FAILURE: u32 = 34;
    pub const DATA_MISSING: u32 = 35;
    pub const UNEXPECTED_DATA_VALUE: u32 = 36;
    pub const NUMBER_CHANGED: u32 = 44;
    pub const BUSY_SUBSCRIBER: u32 = 45;
    pub const NO_SUBSCRIBER_REPLY: u32 = 46;
    pub const FORWARDING_FAILED: u32 = 47;
    pub const OR_NOT_ALLOWED: u32 = 48;
    pub const ATI_NOT_ALLOWED: u32 = 49;
}

/// UnknownSubscriberDiagnostic (extensible).
pub mod unknown_subscriber_diagnostic {
    pub const IMSI_UNKNOWN: u8 = 0;
    pub const GPRS_EPS_SUBSCRIPTION_UNKNOWN: u8 = 1;
    pub const NPDB_MISMATCH: u8 = 2;
}

/// AbsentSubscriberReason (extensible).
pub mod absent_subscriber_reason {
    pub const IMSI_DETACH: u8 = 0;
    pub const RESTRICTED_AREA: u8 = 1;
    pub const NO_PAGE_RESPONSE: u8 = 2;
    pub const PURGED_MS: u8 = 3;
    pub const MT_ROAMING_RETRY: u8 = 4;
    pub const BUSY_SUBSCRIBER: u8 = 5;
}

/// CallBarringCause (not extensible).
pub mod call_barring_cause {
    pub const BARRING_SERVICE_ACTIVE: u8 = 0;
    pub const OPERATOR_BARRING: u8 = 1;
}

/// CUG-RejectCause (not extensible).
pub mod cug_reject_cause {
    pub const INCOMING_CALLS_BARRED_WITHIN_CUG: u8 = 0;
    pub const SUBSCRIBER_NOT_MEMBER_OF_CUG: u8 = 1;
    pub const REQUESTED_BASIC_SERVICE_VIOLATES_CUG_CONSTRAINTS: u8 = 5;
    pub const CALLED_PARTY_SS_INTERACTION_VIOLATION: u8 = 7;
}

/// NetworkResource (§17.7.8, not extensible): where a systemFailure happened.
pub mod network_resource {
    pub const PLMN: u8 = 0;
    pub const HLR: u8 = 1;
    pub const VLR: u8 = 2;
    pub const PVLR: u8 = 3;
    pub const CONTROLLING_MSC: u8 = 4;
    pub const VMSC: u8 = 5;
    pub const EIR: u8 = 6;
    pub const RSS: u8 = 7;
}

/// A MAP error with the parameter values scpd models. Enumerated values are kept as
/// numbers (see the modules above) so that a newer release's value survives decoding;
/// extension containers are not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapError {
    /// UnknownSubscriberParam.unknownSubscriberDiagnostic (v3).
    UnknownSubscriber {
        diagnostic: Option<u8>,
    },
    UnidentifiedSubscriber,
    BearerServiceNotProvisioned,
    TeleserviceNotProvisioned,
    /// CallBarredParam: callBarringCause, bare or inside extensibleCallBarredParam.
    CallBarred {
        cause: Option<u8>,
    },
    ForwardingViolation,
    /// CUG-RejectParam.cug-RejectCause (v2: the bare value).
    CugReject {
        cause: Option<u8>,
    },
    FacilityNotSupported,
    /// AbsentSubscriberParam.absentSubscriberReason [0] (v3).
    AbsentSubscriber {
        reason: Option<u8>,
    },
    /// SystemFailureParam: networkResource, bare or inside extensibleSystemFailureParam.
    SystemFailure {
        network_resource: Option<u8>,
    },
    DataMissing,
    UnexpectedDataValue,
    NumberChanged,
    /// BusySubscriberParam: ccbs-Possible [0], ccbs-Busy [1] (v3).
    BusySubscriber {
        ccbs_possible: bool,
        ccbs_busy: bool,
    },
    NoSubscriberReply,
    ForwardingFailed,
    OrNotAllowed,
    AtiNotAllowed,
    /// Another code (see [`error_name`]); its parameter is not interpreted.
    Other(i64),
}

impl MapError {
    /// The local error code.
    pub fn code(&self) -> i64 {
        use code::*;
        i64::from(match *self {
            MapError::UnknownSubscriber { .. } => UNKNOWN_SUBSCRIBER,
            MapError::UnidentifiedSubscriber => UNIDENTIFIED_SUBSCRIBER,
            MapError::BearerServiceNotProvisioned => BEARER_SERVICE_NOT_PROVISIONED,
            MapError::TeleserviceNotProvisioned => TELESERVICE_NOT_PROVISIONED,
            MapError::CallBarred { .. } => CALL_BARRED,
            MapError::ForwardingViolation => FORWARDING_VIOLATION,
            MapError::CugReject { .. } => CUG_REJECT,
            MapError::FacilityNotSupported => FACILITY_NOT_SUPPORTED,
            MapError::AbsentSubscriber { .. } => ABSENT_SUBSCRIBER,
            MapError::SystemFailure { .. } => SYSTEM_FAILURE,
            MapError::DataMissing => DATA_MISSING,
            MapError::UnexpectedDataValue => UNEXPECTED_DATA_VALUE,
            MapError::NumberChanged => NUMBER_CHANGED,
            MapError::BusySubscriber { .. } => BUSY_SUBSCRIBER,
            MapError::NoSubscriberReply => NO_SUBSCRIBER_REPLY,
            MapError::ForwardingFailed => FORWARDING_FAILED,
            MapError::OrNotAllowed => OR_NOT_ALLOWED,
            MapError::AtiNotAllowed => ATI_NOT_ALLOWED,
            MapError::Other(c) => return c,
        })
    }

    /// The ASN.1 name of the error ("unknown" for a code MAP does not define).
    pub fn name(&self) -> &'static str {
        error_name(self.code()).unwrap_or("unknown")
    }

    /// Decode from a ReturnError's local code and parameter (strict on the parameter).
    pub fn decode(code: i64, parameter: Option<Tlv<'_>>) -> Result<MapError> {
        let mut bare = MapError::bare(code);
        if let Some(p) = parameter {
            bare.read_parameter(&p)?;
        }
        Ok(bare)
    }

    /// [`MapError::decode`], lenient: a parameter that does not decode is noted in
    /// `malformed` (as `parameter`) and the error kept without its values. The error
    /// code alone says what happened.
    pub fn decode_lenient<'a>(
        code: i64,
        parameter: Option<Tlv<'a>>,
        malformed: &mut MalformedMembers<'a>,
    ) -> MapError {
        let mut e = MapError::bare(code);
        if let Some(p) = parameter {
            if let Err(fault) = e.read_parameter(&p) {
                e = MapError::bare(code);
                malformed.push(Malformed {
                    member: "parameter",
                    raw: p.raw,
                    fault,
                });
            }
        }
        e
    }

    /// Decode from the code and the parameter's complete encoding (if any). Strict.
    pub fn decode_bytes(code: i64, parameter: Option<&[u8]>) -> Result<MapError> {
        let p = parameter.map(Tlv::parse_single).transpose()?;
        MapError::decode(code, p)
    }

    /// The error of `code` without parameter values.
    fn bare(code: i64) -> MapError {
        use code::*;
        let Ok(c) = u32::try_from(code) else {
            return MapError::Other(code);
        };
        match c {
            UNKNOWN_SUBSCRIBER => MapError::UnknownSubscriber { diagnostic: None },
            UNIDENTIFIED_SUBSCRIBER => MapError::UnidentifiedSubscriber,
            BEARER_SERVICE_NOT_PROVISIONED => MapError::BearerServiceNotProvisioned,
            TELESERVICE_NOT_PROVISIONED => MapError::TeleserviceNotProvisioned,
            CALL_BARRED => MapError::CallBarred { cause: None },
            FORWARDING_VIOLATION => MapError::ForwardingViolation,
            CUG_REJECT => MapError::CugReject { cause: None },
            FACILITY_NOT_SUPPORTED => MapError::FacilityNotSupported,
            ABSENT_SUBSCRIBER => MapError::AbsentSubscriber { reason: None },
            SYSTEM_FAILURE => MapError::SystemFailure {
                network_resource: None,
            },
            DATA_MISSING => MapError::DataMissing,
            UNEXPECTED_DATA_VALUE => MapError::UnexpectedDataValue,
            NUMBER_CHANGED => MapError::NumberChanged,
            BUSY_SUBSCRIBER => MapError::BusySubscriber {
                ccbs_possible: false,
                ccbs_busy: false,
            },
            NO_SUBSCRIBER_REPLY => MapError::NoSubscriberReply,
            FORWARDING_FAILED => MapError::ForwardingFailed,
            OR_NOT_ALLOWED => MapError::OrNotAllowed,
            ATI_NOT_ALLOWED => MapError::AtiNotAllowed,
            _ => MapError::Other(code),
        }
    }

    /// Read the values of parameter `p` into `self` (a bare error). A SEQUENCE parameter of
    /// an error whose values scpd does not model (extension containers only) is skipped.
    fn read_parameter(&mut self, p: &Tlv<'_>) -> Result<()> {
        let seq = p.tag.is(Tag::SEQUENCE);
        let enumerated = p.tag.is(Tag::ENUMERATED);
        // The untagged ENUMERATED inside an extensible SEQUENCE parameter.
        let inner = |what: &'static str| -> Result<Option<u8>> {
            for m in p.children()? {
                let m = m?;
                if m.tag.is(Tag::ENUMERATED) {
                    return small(&m, what).map(Some);
                }
            }
            Ok(None)
        };
        let form = || invalid("error parameter form", p.offset);
        match self {
            MapError::UnknownSubscriber { diagnostic } if seq => {
                *diagnostic = inner("unknownSubscriberDiagnostic")?
            }
            MapError::CallBarred { cause } | MapError::CugReject { cause } => {
                *cause = if enumerated {
                    Some(small(p, "cause")?)
                } else if seq {
                    inner("cause")?
                } else {
                    return Err(form());
                }
            }
            MapError::SystemFailure { network_resource } => {
                *network_resource = if enumerated {
                    Some(small(p, "networkResource")?)
                } else if seq {
                    inner("networkResource")?
                } else {
                    return Err(form());
                }
            }
            MapError::AbsentSubscriber { reason } => {
                if seq {
                    for m in p.children()? {
                        let m = m?;
                        if (m.tag.class, m.tag.number) == (Class::Context, 0) {
                            *reason = Some(small(&m, "absentSubscriberReason")?);
                        }
                    }
                } else if p.tag.is(Tag::BOOLEAN) {
                    // v2 mwd-Set: whether the HLR set the message waiting flag (SMS).
                    p.as_bool()?;
                } else {
                    return Err(form());
                }
            }
            MapError::BusySubscriber {
                ccbs_possible,
                ccbs_busy,
            } if seq => {
                for m in p.children()? {
                    let m = m?;
                    match (m.tag.class, m.tag.number) {
                        (Class::Context, 0) => *ccbs_possible = m.as_null().map(|_| true)?,
                        (Class::Context, 1) => *ccbs_busy = m.as_null().map(|_| true)?,
                        _ => {}
                    }
                }
            }
            MapError::Other(_) => {}
            _ if seq => {
                p.children()?.try_for_each(|m| m.map(|_| ()))?;
            }
            _ => return Err(form()),
        }
        Ok(())
    }

    /// Fails unless the parameter values fit their ASN.1 types.
    pub fn check(&self) -> std::result::Result<(), CodecError> {
        let bad = |what| Err(CodecError::encode(what, "not a value of the type"));
        match *self {
            MapError::CallBarred { cause: Some(c) } if c > 1 => bad("callBarringCause"),
            MapError::CugReject { cause: Some(c) } if !matches!(c, 0 | 1 | 5 | 7) => {
                bad("cug-RejectCause")
            }
            MapError::SystemFailure {
                network_resource: Some(r),
            } if r > 7 => bad("networkResource"),
            _ => Ok(()),
        }
    }

    /// Whether the error carries a parameter in `version` (the values it has that the
    /// version's parameter can carry).
    pub fn has_parameter(&self, version: Version) -> bool {
        let v3 = version == Version::V3;
        match *self {
            MapError::UnknownSubscriber { diagnostic } => v3 && diagnostic.is_some(),
            MapError::AbsentSubscriber { reason } => v3 && reason.is_some(),
            MapError::BusySubscriber {
                ccbs_possible,
                ccbs_busy,
            } => v3 && (ccbs_possible || ccbs_busy),
            MapError::CallBarred { cause } | MapError::CugReject { cause } => cause.is_some(),
            MapError::SystemFailure { network_resource } => network_resource.is_some(),
            _ => false,
        }
    }

    /// Write the parameter in the form of `version`; nothing when there are no values to
    /// carry (every MAP error parameter is optional). On error nothing is written.
    pub fn encode_parameter(
        &self,
        w: &mut Writer<'_>,
        version: Version,
    ) -> std::result::Result<(), CodecError> {
        self.check()?;
        if !self.has_parameter(version) {
            return Ok(());
        }
        let v3 = version == Version::V3;
        match *self {
            MapError::UnknownSubscriber {
                diagnostic: Some(d),
            } => w.constructed(Tag::SEQUENCE, |w| w.integer(Tag::ENUMERATED, d.into())),
            MapError::AbsentSubscriber { reason: Some(r) } => {
                w.constructed(Tag::SEQUENCE, |w| w.integer(Tag::ctx(0), r.into()))
            }
            MapError::BusySubscriber {
                ccbs_possible,
                ccbs_busy,
            } => w.constructed(Tag::SEQUENCE, |w| {
                if ccbs_possible {
                    w.null(Tag::ctx(0));
                }
                if ccbs_busy {
                    w.null(Tag::ctx(1));
                }
            }),
            // CallBarredParam and SystemFailureParam are CHOICEs whose first alternative is
            // the bare value: the same in both versions.
            MapError::CallBarred { cause: Some(c) } => w.integer(Tag::ENUMERATED, c.into()),
            MapError::SystemFailure {
                network_resource: Some(r),
            } => w.integer(Tag::ENUMERATED, r.into()),
            MapError::CugReject { cause: Some(c) } if v3 => {
                w.constructed(Tag::SEQUENCE, |w| w.integer(Tag::ENUMERATED, c.into()))
            }
            MapError::CugReject { cause: Some(c) } => w.integer(Tag::ENUMERATED, c.into()),
            _ => {}
        }
        Ok(())
    }

    /// The parameter's encoding in `version`, `None` when there is none.
    pub fn parameter_bytes(
        &self,
        version: Version,
    ) -> std::result::Result<Option<Vec<u8>>, CodecError> {
        let mut v = Vec::new();
        self.encode_parameter(&mut Writer::new(&mut v), version)?;
        Ok((!v.is_empty()).then_some(v))
    }
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MapError::Other(c) => write!(f, "{} ({c})", self.name()),
            MapError::UnknownSubscriber {
                diagnostic: Some(v),
            }
            | MapError::CallBarred { cause: Some(v) }
            | MapError::CugReject { cause: Some(v) }
            | MapError::AbsentSubscriber { reason: Some(v) }
            | MapError::SystemFailure {
                network_resource: Some(v),
            } => write!(f, "{}({v})", self.name()),
            _ => f.write_str(self.name()),
        }
    }
}

/// The ASN.1 name of a MAP local error code (TS 29.002 §17.6.6), any error of the protocol.
pub fn error_name(code: i64) -> Option<&'static str> {
    Some(match code {
        1 => "unknownSubscriber",
        2 => "unknownBaseStation",
        3 => "unknownMSC",
        4 => "secureTransportError",
        5 => "unidentifiedSubscriber",
        6 => "absentSubscriberSM",
        7 => "unknownEquipment",
        8 => "roamingNotAllowed",
        9 => "illegalSubscriber",
        10 => "bearerServiceNotProvisioned",
        11 => "teleserviceNotProvisioned",
        12 => "illegalEquipment",
        13 => "callBarred",
        14 => "forwardingViolation",
        15 => "cug-Reject",
        16 => "illegalSS-Operation",
        17 => "ss-ErrorStatus",
        18 => "ss-NotAvailable",
        19 => "ss-SubscriptionViolation",
        20 => "ss-Incompatibility",
        21 => "facilityNotSupported",
        22 => "ongoingGroupCall",
        23 => "invalidTargetBaseStation",
        24 => "noRadioResourceAvailable",
        25 => "noHandoverNumberAvailable",
        26 => "subsequentHandoverFailure",
        27 => "absentSubscriber",
        28 => "incompatibleTerminal",
        29 => "shortTermDenial",
        30 => "longTermDenial",
        31 => "subscriberBusyForMT-SMS",
        32 => "sm-DeliveryFailure",
        33 => "messageWaitingListFull",
        34 => "systemFailure",
        35 => "dataMissing",
        36 => "unexpectedDataValue",
        37 => "pw-RegistrationFailure",
        38 => "negativePW-Check",
        39 => "noRoamingNumberAvailable",
        40 => "tracingBufferFull",
        42 => "targetCellOutsideGroupCallArea",
        43 => "numberOfPW-AttemptsViolation",
        44 => "numberChanged",
        45 => "busySubscriber",
        46 => "noSubscriberReply",
        47 => "forwardingFailed",
        48 => "or-NotAllowed",
        49 => "ati-NotAllowed",
        50 => "noGroupCallNumberAvailable",
        51 => "resourceLimitation",
        52 => "unauthorizedRequestingNetwork",
        53 => "unauthorizedLCSClient",
        54 => "positionMethodFailure",
        58 => "unknownOrUnreachableLCSClient",
        59 => "mm-EventNotSupported",
        60 => "atsi-NotAllowed",
        61 => "atm-NotAllowed",
        62 => "informationNotAvailable",
        71 => "unknownAlphabet",
        72 => "ussd-Busy",
        _ => return None,
    })
}
