//! EstablishTemporaryConnection (ETS 300 374-1 §9, opcode 17): the SCF connects the call
//! to an assisting SSP or intelligent peripheral. scpd does not send it; it is decoded for
//! the lab decoder and for completeness. DisconnectForwardConnection (18) carries no
//! argument in CS-1.

use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::ops::{contents, ctx, octets, put_cons, put_prim, sequence};

/// EstablishTemporaryConnectionArg of Core INAP CS-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EstablishTemporaryConnectionArg<'a> {
    /// [0] AssistingSSPIPRoutingAddress (Digits: Generic Digits / Generic Number), opaque.
    pub assisting_ssp_ip_routing_address: &'a [u8],
    /// [1] CorrelationID (Digits), opaque.
    pub correlation_id: Option<&'a [u8]>,
    /// [3] ScfID, opaque.
    pub scf_id: Option<&'a [u8]>,
    /// [4] Extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> EstablishTemporaryConnectionArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<EstablishTemporaryConnectionArg<'a>> {
        let (mut addr, mut corr, mut scf, mut ext) = (None, None, None, None);
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => addr = Some(octets(&m, "assistingSSPIPRoutingAddress")?),
                Some(1) => corr = Some(octets(&m, "correlationID")?),
                Some(3) => scf = Some(octets(&m, "scfID")?),
                Some(4) => ext = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        Ok(EstablishTemporaryConnectionArg {
            assisting_ssp_ip_routing_address: addr.ok_or(BerError::new(
                BerErrorKind::Missing("assistingSSPIPRoutingAddress"),
                param.value_offset,
            ))?,
            correlation_id: corr,
            scf_id: scf,
            extensions: ext,
        })
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<EstablishTemporaryConnectionArg<'a>> {
        EstablishTemporaryConnectionArg::decode(Tlv::parse_single(buf)?)
    }

    /// Write the parameter (for tests and the simulator's assisting-SSP scenarios).
    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.primitive(Tag::ctx(0), self.assisting_ssp_ip_routing_address);
            put_prim(w, 1, self.correlation_id);
            put_prim(w, 3, self.scf_id);
            put_cons(w, 4, self.extensions);
        });
    }
}
