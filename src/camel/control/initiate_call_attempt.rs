//! InitiateCallAttempt (TS 29.078 §6.1.1, opcode 32, CAP v4): the gsmSCF creates a new call
//! party; the argument and its result.

use super::{call_segment, decode_dra, encode_dra, missing, null};
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::numbers::{AddressString, IsupNumber};
use crate::camel::ops::{
    address, contents, ctx, isup, octets, put_cons, put_null, put_prim, sequence, Scratch,
};
use crate::camel::LegId;

/// InitiateCallAttemptArg: the gsmSCF creates a new call party (network-initiated leg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InitiateCallAttemptArg<'a> {
    /// [0] destinationRoutingAddress (SEQUENCE SIZE(1) OF CalledPartyNumber).
    pub destination_routing_address: IsupNumber,
    /// [4] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [5] legToBeCreated.
    pub leg_to_be_created: Option<LegId>,
    /// [6] newCallSegment.
    pub new_call_segment: Option<u8>,
    /// [30] callingPartyNumber.
    pub calling_party_number: Option<IsupNumber>,
    /// [51] callReferenceNumber (1..8 octets), opaque.
    pub call_reference_number: Option<&'a [u8]>,
    /// [52] gsmSCFAddress.
    pub gsm_scf_address: Option<AddressString>,
    /// [53] suppress-T-CSI NULL.
    pub suppress_t_csi: bool,
}

impl<'a> InitiateCallAttemptArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<InitiateCallAttemptArg<'a>> {
        let mut a = InitiateCallAttemptArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    a.destination_routing_address = decode_dra(&m)?;
                    have = true;
                }
                Some(4) => a.extensions = Some(contents(&m, "extensions")?),
                Some(5) => a.leg_to_be_created = Some(LegId::decode_choice(&m)?),
                Some(6) => a.new_call_segment = Some(call_segment(&m)?),
                Some(30) => a.calling_party_number = Some(isup(&m, "callingPartyNumber")?),
                Some(51) => a.call_reference_number = Some(octets(&m, "callReferenceNumber")?),
                Some(52) => a.gsm_scf_address = Some(address(&m, "gsmSCFAddress")?),
                Some(53) => a.suppress_t_csi = null(&m)?,
                _ => {}
            }
        }
        if !have {
            return Err(missing("destinationRoutingAddress", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<InitiateCallAttemptArg<'a>> {
        InitiateCallAttemptArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            encode_dra(w, &mut s, 0, &self.destination_routing_address);
            put_cons(w, 4, self.extensions);
            if let Some(l) = &self.leg_to_be_created {
                l.encode_choice(w, 5);
            }
            if let Some(c) = self.new_call_segment {
                w.integer(Tag::ctx(6), i64::from(c));
            }
            if let Some(n) = &self.calling_party_number {
                s.isup(w, 30, n);
            }
            put_prim(w, 51, self.call_reference_number);
            if let Some(a) = &self.gsm_scf_address {
                s.address(w, 52, a);
            }
            put_null(w, 53, self.suppress_t_csi);
        });
    }
}

/// InitiateCallAttemptRes: what the gsmSSF supports for the new call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InitiateCallAttemptRes<'a> {
    /// [0] supportedCamelPhases BIT STRING contents (unused-bits octet first).
    pub supported_camel_phases: Option<&'a [u8]>,
    /// [1] offeredCamel4Functionalities BIT STRING contents.
    pub offered_camel4_functionalities: Option<&'a [u8]>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] releaseCallArgExtensionAllowed NULL.
    pub release_call_arg_extension_allowed: bool,
}

impl<'a> InitiateCallAttemptRes<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<InitiateCallAttemptRes<'a>> {
        let mut a = InitiateCallAttemptRes::default();
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => a.supported_camel_phases = Some(octets(&m, "supportedCamelPhases")?),
                Some(1) => {
                    a.offered_camel4_functionalities =
                        Some(octets(&m, "offeredCamel4Functionalities")?)
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.release_call_arg_extension_allowed = null(&m)?,
                _ => {}
            }
        }
        Ok(a)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            put_prim(w, 0, self.supported_camel_phases);
            put_prim(w, 1, self.offered_camel4_functionalities);
            put_cons(w, 2, self.extensions);
            put_null(w, 3, self.release_call_arg_extension_allowed);
        });
    }
}
