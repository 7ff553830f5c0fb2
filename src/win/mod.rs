//! WIN (Wireless Intelligent Network: TIA/EIA-41-D "ANSI-41" with IS-771's WIN additions)
//! over ANSI TCAP: the operations an MSC and scpd exchange around a call, their arguments and
//! results.
//!
//! Encodings follow ../shared/WIN-INAP-NOTES.md (TIA/EIA-41-D and IS-771 as published in
//! Wireshark's `ansi_map.asn`, confirmed against tshark's `ansi_map` dissector); the subset
//! modelled is `asn1/WIN-subset.asn`. Sans-IO and zero-copy like [`crate::ain`]: decoders
//! borrow from the received buffer, encoders append canonical BER to a caller's buffer.
//!
//! # Layers
//!
//! - [`ops`]: private operation codes (family 9, specifier) and [`Operation`].
//! - [`params`]: parameter tags and formats (DigitsType, BillingID, MSCID, MIN, IMSI,
//!   WINCapability, TriggerAddressList, TerminationList, ...).
//! - [`msgs`]: [`Params`], any argument or result, with a per-operation [`schema`].
//!
//! # What travels where
//!
//! TIA/EIA-41-D §6.4.1 puts every argument and result in a parameter set (`F2`,
//! `[PRIVATE 18] SET`): members in any order, and tshark reports a `SEQUENCE` as an error.
//! scpd writes `F2` and reads `F2` (and, lenient, `F0`/`30`). A ReturnResult carries no
//! operation code: the TC-user that sent the Invoke knows which operation answered, and
//! passes it to [`decode_result`].
//!
//! | operation | code | sent by | result |
//! | --- | --- | --- | --- |
//! | OriginationRequest | 47 | MSC | routing (TerminationList, Digits), DMH, TriggerAddressList |
//! | AnalyzedInformation | 64 | MSC | as OriginationRequest's |
//! | FacilitySelectedAndAvailable | 68 | MSC | ActionCode, DMH, TriggerAddressList |
//! | TBusy, TNoAnswer | 75, 76 | MSC | redirection (TerminationList), ActionCode |
//! | CallControlDirective | 81 | SCP | CallStatus |
//! | OAnswer, TAnswer | 82, 85 | MSC (Unidirectional) | none |
//! | ODisconnect, TDisconnect | 83, 86 | MSC | DMH_ServiceID |
//! | OCalledPartyBusy, ONoAnswer | 88, 89 | MSC | redirection, ActionCode |

pub mod msgs;
pub mod ops;
pub mod params;

pub use msgs::{schema, Kind, Params, Schema, P};
pub use ops::{opcode, Operation};
pub use params::{
    action_code, digit_type, trigger_type, BillingId, DestinationAddress, Imsi, Min, Mscid, PcSsn,
    PstnTermination, Termination, TerminationList, TriggerAddressList, TriggerList, WinCapability,
    WinDigits, WinTriggerList,
};

use crate::ber::{BerError, BerErrorKind, Class, MalformedMembers, Tlv, Writer};
use crate::digits::{Digits, Isup};
use crate::tcap::ansi::{self, OpCode, Problem};

/// Why a WIN component could not be decoded, or a message not encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WinError {
    #[error("operation {} is not a WIN operation scpd handles", ansi::opcode_text(*.0))]
    UnknownOperation(OpCode),
    #[error("WIN parameters: {0}")]
    Decode(BerError),
    #[error("{op}: mandatory parameter {member} missing")]
    Missing {
        op: &'static str,
        member: &'static str,
    },
    #[error("{op} has no parameter {member}")]
    NotInOperation {
        op: &'static str,
        member: &'static str,
    },
    #[error("{0} has no RETURN RESULT")]
    NoResult(&'static str),
    #[error("cannot encode: {0}")]
    Encode(&'static str),
}

impl WinError {
    /// The T1.114.3 Reject problem to answer an undecodable Invoke with.
    pub fn problem(&self) -> Problem {
        match self {
            WinError::UnknownOperation(_) => Problem::INVOKE_UNRECOGNIZED_OPERATION,
            _ => Problem::INVOKE_INCORRECT_PARAMETER,
        }
    }
}

/// A decoded or to-be-sent WIN message: which operation, argument or result, and its
/// parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinMessage<'a> {
    pub op: Operation,
    pub kind: Kind,
    pub params: Params<'a>,
    /// The parameter element it was decoded from (`None` when built to send): what
    /// [`WinMessage::unknown`] reads the unmodelled members from.
    pub raw: Option<Tlv<'a>>,
}

fn decode<'a>(
    op: Operation,
    kind: Kind,
    parameter: Option<Tlv<'a>>,
    malformed: &mut MalformedMembers<'a>,
) -> Result<WinMessage<'a>, WinError> {
    let s = schema(op, kind).ok_or(WinError::NoResult(op.name()))?;
    let params = match &parameter {
        Some(p) => {
            if !(p.tag.is(ansi::tags::PARAMETER_SET)
                || p.tag.is(ansi::tags::PARAMETER_SEQUENCE)
                || p.tag.is(crate::ber::Tag::SEQUENCE))
            {
                return Err(WinError::Decode(BerError::new(
                    BerErrorKind::Invalid("WIN parameters not in a parameter set"),
                    p.offset,
                )));
            }
            Params::decode_members_lenient(p, s.mandatory, malformed)?
        }
        None => Params::default(),
    };
    if let Some(p) = s.mandatory.iter().find(|p| !params.has(**p)) {
        return Err(WinError::Missing {
            op: op.name(),
            member: p.name(),
        });
    }
    Ok(WinMessage {
        op,
        kind,
        params,
        raw: parameter,
    })
}

/// Decode an ANSI TCAP Invoke as WIN: its operation code and parameter element (from
/// [`ansi::AnsiComponent::Invoke`]). Strict: any malformed member fails.
pub fn decode_invoke<'a>(
    opcode: OpCode,
    parameter: Option<Tlv<'a>>,
) -> Result<WinMessage<'a>, WinError> {
    crate::ber::strictly(
        |notes| decode_invoke_lenient(opcode, parameter, notes),
        WinError::Decode,
    )
}

/// [`decode_invoke`], lenient in: an optional parameter that does not decode is left out and
/// noted in `malformed` (DESIGN.md "lenient in, strict out": a Reject would send the call to
/// default handling); a mandatory one still fails.
pub fn decode_invoke_lenient<'a>(
    opcode: OpCode,
    parameter: Option<Tlv<'a>>,
    malformed: &mut MalformedMembers<'a>,
) -> Result<WinMessage<'a>, WinError> {
    let op = match opcode {
        OpCode::Private(v) => Operation::from_code(v),
        OpCode::National(_) => None,
    }
    .ok_or(WinError::UnknownOperation(opcode))?;
    decode(op, Kind::Invoke, parameter, malformed)
}

/// Decode an ANSI TCAP ReturnResult answering an Invoke of `op`. Strict.
pub fn decode_result<'a>(
    op: Operation,
    parameter: Option<Tlv<'a>>,
) -> Result<WinMessage<'a>, WinError> {
    crate::ber::strictly(
        |notes| decode(op, Kind::Result, parameter, notes),
        WinError::Decode,
    )
}

/// [`decode_result`], lenient in (see [`decode_invoke_lenient`]).
pub fn decode_result_lenient<'a>(
    op: Operation,
    parameter: Option<Tlv<'a>>,
    malformed: &mut MalformedMembers<'a>,
) -> Result<WinMessage<'a>, WinError> {
    decode(op, Kind::Result, parameter, malformed)
}

impl<'a> WinMessage<'a> {
    /// An Invoke of `op` to send.
    pub fn invoke(op: Operation, params: Params<'a>) -> WinMessage<'a> {
        WinMessage {
            op,
            kind: Kind::Invoke,
            params,
            raw: None,
        }
    }

    /// A ReturnResult for `op` to send.
    pub fn result(op: Operation, params: Params<'a>) -> WinMessage<'a> {
        WinMessage {
            op,
            kind: Kind::Result,
            params,
            raw: None,
        }
    }

    /// Decode from a private operation code and the encoded parameter element (tests,
    /// fuzzing, the lab decoder). Strict.
    pub fn decode_bytes(
        kind: Kind,
        code: u16,
        parameter: &'a [u8],
    ) -> Result<WinMessage<'a>, WinError> {
        let p = Tlv::parse_single(parameter)?;
        match kind {
            Kind::Invoke => decode_invoke(OpCode::Private(code), Some(p)),
            Kind::Result => decode_result(
                Operation::from_code(code)
                    .ok_or(WinError::UnknownOperation(OpCode::Private(code)))?,
                Some(p),
            ),
        }
    }

    /// The members of the received parameter set that scpd does not model (other tags, or
    /// another class), in order, as received: kept raw so that nothing the MSC sent is lost
    /// to a log or a relay.
    pub fn unknown(&self) -> impl Iterator<Item = Tlv<'a>> + 'a {
        self.raw
            .and_then(|p| p.children().ok())
            .into_iter()
            .flatten()
            .map_while(Result::ok)
            .filter(|m| m.tag.class != Class::Context || P::of_tag(m.tag.number).is_none())
    }

    /// Write the parameter element (`F2`). On error nothing is written.
    pub fn encode_parameter(&self, w: &mut Writer<'_>) -> Result<(), WinError> {
        self.params.check(self.op, self.kind)?;
        ansi::parameter_set(w, |w| self.params.encode_members(self.op, self.kind, w));
        Ok(())
    }

    /// The parameter element as bytes appended to `out`.
    pub fn encode_parameter_to(&self, out: &mut Vec<u8>) -> Result<(), WinError> {
        self.encode_parameter(&mut Writer::new(out))
    }

    /// Write this Invoke as an ANSI Invoke component (T1.114.3 InvokeLast/NotLast, private
    /// operation code `D1 02 09 SS`). On error nothing is written.
    pub fn write_invoke(
        &self,
        w: &mut Writer<'_>,
        last: bool,
        invoke_id: Option<u8>,
        correlation_id: Option<u8>,
    ) -> Result<(), WinError> {
        if self.kind != Kind::Invoke {
            return Err(WinError::Encode("a result is sent as a ReturnResult"));
        }
        if correlation_id.is_some() && invoke_id.is_none() {
            return Err(WinError::Encode("a correlation ID needs an invoke ID"));
        }
        self.params.check(self.op, Kind::Invoke)?;
        ansi::invoke(
            w,
            last,
            invoke_id,
            correlation_id,
            OpCode::Private(self.op.code()),
            |w| ansi::parameter_set(w, |w| self.params.encode_members(self.op, Kind::Invoke, w)),
        );
        Ok(())
    }

    /// Write this result as a ReturnResultLast/NotLast answering invoke `correlation_id`.
    /// On error nothing is written.
    pub fn write_return_result(
        &self,
        w: &mut Writer<'_>,
        last: bool,
        correlation_id: u8,
    ) -> Result<(), WinError> {
        if self.kind != Kind::Result {
            return Err(WinError::Encode("an argument is sent as an Invoke"));
        }
        self.params.check(self.op, Kind::Result)?;
        ansi::return_result(w, last, correlation_id, |w| {
            ansi::parameter_set(w, |w| self.params.encode_members(self.op, Kind::Result, w))
        });
        Ok(())
    }
}

/// The BillingID of the first Invoke in an ANSI TCAP package, read without decoding the
/// rest: the runtime gives every message of a call to the shard that follows it
/// ([`crate::tcuser::win`]). `None` for anything else, or a package that does not parse.
pub fn peek_billing_id(tcap: &[u8]) -> Option<BillingId> {
    let m = ansi::AnsiMessage::decode(tcap).ok()?;
    let Ok(ansi::AnsiComponent::Invoke {
        parameter: Some(p), ..
    }) = m.components().next()?
    else {
        return None;
    };
    let id = p
        .children()
        .ok()?
        .map_while(Result::ok)
        .find(|t| t.tag == crate::ber::Tag::ctx(params::tag::BILLING_ID))?;
    <[u8; 7]>::try_from(id.value).ok().map(BillingId::decode)
}

// ---------------------------------------------------------------------------------------
// Builders for what scpd sends (SCP → MSC).

/// The empty result: the MSC continues with default call processing (TIA/EIA-41-D: no
/// ActionCode, no routing).
pub fn continue_call(op: Operation) -> Result<WinMessage<'static>, WinError> {
    let m = WinMessage::result(op, Params::default());
    m.params.check(op, Kind::Result)?;
    Ok(m)
}

/// Route the call to `number` (national, telephony plan): a TerminationList with one
/// PSTNTermination whose DestinationDigits is the number (TIA/EIA-41-D §6.5.2.98). For the
/// results that carry a TerminationList (OriginationRequest, AnalyzedInformation, TBusy,
/// TNoAnswer, OCalledPartyBusy, ONoAnswer).
pub fn route_to(op: Operation, number: Digits<Isup>) -> Result<WinMessage<'static>, WinError> {
    let dest = WinDigits::telephony(digit_type::DESTINATION, number);
    let m = WinMessage::result(
        op,
        Params {
            termination_list: Some(TerminationList::one(Termination::Pstn(PstnTermination {
                destination_digits: dest,
                ..Default::default()
            }))),
            ..Default::default()
        },
    );
    m.params.check(op, Kind::Result)?;
    Ok(m)
}

/// Release the call: ActionCode "disconnect call" (§6.5.2.2).
pub fn disconnect(op: Operation) -> Result<WinMessage<'static>, WinError> {
    let m = WinMessage::result(
        op,
        Params {
            action_code: Some(action_code::DISCONNECT_CALL),
            ..Default::default()
        },
    );
    m.params.check(op, Kind::Result)?;
    Ok(m)
}

/// The result of a trigger query that arms `triggers` (TriggerType values, e.g. O_Answer
/// and O_Disconnect) with reports to `destination`: how an SCP monitors the rest of the call
/// (IS-771 §6.5.2.de).
pub fn arm_triggers<'a>(
    op: Operation,
    destination: DestinationAddress<'a>,
    triggers: &'a [u8],
) -> Result<WinMessage<'a>, WinError> {
    let m = WinMessage::result(
        op,
        Params {
            trigger_address_list: Some(TriggerAddressList {
                first: TriggerList {
                    destination,
                    triggers: WinTriggerList(triggers),
                },
                second: None,
            }),
            ..Default::default()
        },
    );
    m.params.check(op, Kind::Result)?;
    Ok(m)
}

/// CallControlDirective (IS-771 §6.4.2.z) for the call `billing_id` at `mscid`, with the
/// subscriber's MIN: the SCP's own Invoke, here arming `triggers` mid-call.
pub fn call_control_directive<'a>(
    billing_id: BillingId,
    mscid: Mscid,
    min: Option<Min>,
    destination: DestinationAddress<'a>,
    triggers: &'a [u8],
) -> WinMessage<'a> {
    WinMessage::invoke(
        Operation::CallControlDirective,
        Params {
            billing_id: Some(billing_id),
            mscid: Some(mscid),
            min,
            trigger_address_list: Some(TriggerAddressList {
                first: TriggerList {
                    destination,
                    triggers: WinTriggerList(triggers),
                },
                second: None,
            }),
            ..Default::default()
        },
    )
}

#[cfg(test)]
mod tests;
