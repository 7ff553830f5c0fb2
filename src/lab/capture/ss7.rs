//! SS7 adaptation layers: what an SCTP DATA chunk carries (M3UA, M2UA, M2PA), MTP2 signal
//! units and the MTP3 SIO/routing label.
//!
//! References: RFC 4666 (M3UA), RFC 3331 (M2UA), RFC 4165 (M2PA), ITU-T Q.703 and its
//! Annex A (MTP2), Q.704 §2.2 and §14.2 (routing label, SIO), ANSI T1.111.4, TTC JT-Q.704.

use super::{Ctx, Layer, Message, Mtp3Msu, Mtp3Variant, Origin, Payload, Skip, Via};

/// The adaptation layer an SCTP DATA chunk carries, by PPID and, for PPID 0, by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SctpCarrier {
    /// M3UA (PPID 3; port 2905).
    M3ua,
    /// M2UA (PPID 2; port 2904).
    M2ua,
    /// M2PA (PPID 5; port 3565).
    M2pa,
    /// Something else.
    Other,
}

/// Classify a DATA chunk. The IANA PPIDs are 3 (M3UA), 2 (M2UA) and 5 (M2PA); some
/// equipment (seen: Centile) writes the PPID in host byte order, so 0x03000000 and the like
/// are accepted too. PPID 0 (unspecified) falls back to the well-known SCTP ports.
pub fn sctp_carrier(ppid: u32, sport: u16, dport: u16) -> SctpCarrier {
    match ppid {
        3 | 0x0300_0000 => SctpCarrier::M3ua,
        2 | 0x0200_0000 => SctpCarrier::M2ua,
        5 | 0x0500_0000 => SctpCarrier::M2pa,
        0 => {
            let port = |p: u16| sport == p || dport == p;
            if port(2905) {
                SctpCarrier::M3ua
            } else if port(2904) {
                SctpCarrier::M2ua
            } else if port(3565) {
                SctpCarrier::M2pa
            } else {
                SctpCarrier::Other
            }
        }
        _ => SctpCarrier::Other,
    }
}

/// The user data of one whole (unfragmented) SCTP DATA chunk.
pub(super) fn sctp_user_data<F: FnMut(Message<'_>)>(
    ctx: &mut Ctx<'_, F>,
    origin: &Origin,
    ppid: u32,
    sport: u16,
    dport: u16,
    data: &[u8],
) {
    match sctp_carrier(ppid, sport, dport) {
        SctpCarrier::M3ua => ctx.yield_msg(origin, Via::M3uaSctp, Payload::M3ua(data)),
        SctpCarrier::M2ua => m2ua(ctx, origin, data),
        SctpCarrier::M2pa => m2pa(ctx, origin, data),
        SctpCarrier::Other => ctx.skip(Skip::SctpPpid(ppid)),
    }
}

/// The 8-octet common header shared by M2UA, M3UA and M2PA: version 1, spare, class, type,
/// 32-bit length (header included). Returns (class, type, message) with the message cut to
/// its length.
fn common_header(d: &[u8]) -> Result<(u8, u8, &[u8]), Skip> {
    let Some(h) = d.get(..8) else {
        return Err(Skip::Truncated(Layer::M2ua));
    };
    let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
    if h[0] != 1 || len < 8 {
        return Err(Skip::Malformed(Layer::M2ua));
    }
    match d.get(..len) {
        Some(msg) => Ok((h[2], h[3], msg)),
        None => Err(Skip::Truncated(Layer::M2ua)),
    }
}

fn relabel(skip: Skip, layer: Layer) -> Skip {
    match skip {
        Skip::Truncated(_) => Skip::Truncated(layer),
        Skip::Malformed(_) => Skip::Malformed(layer),
        other => other,
    }
}

/// M2UA (RFC 3331): MAUP DATA (class 6, type 1) holds the MSU in Protocol Data 1 (tag
/// 0x0300, from the SIO) or Protocol Data 2 (tag 0x0301, TTC: a priority octet first).
fn m2ua<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, origin: &Origin, d: &[u8]) {
    let (class, mtype, msg) = match common_header(d) {
        Ok(h) => h,
        Err(skip) => return ctx.skip(relabel(skip, Layer::M2ua)),
    };
    if (class, mtype) != (6, 1) {
        return ctx.skip(Skip::M2uaNotData);
    }
    let mut params = &msg[8..];
    let mut found = false;
    while params.len() >= 4 {
        let tag = u16::from_be_bytes([params[0], params[1]]);
        let plen = usize::from(u16::from_be_bytes([params[2], params[3]]));
        let Some(value) = params.get(4..plen.max(4)).filter(|_| plen >= 4) else {
            ctx.skip(Skip::Truncated(Layer::M2ua));
            return;
        };
        match tag {
            0x0300 => {
                found = true;
                mtp3(ctx, value, origin, Via::M2ua);
            }
            0x0301 => {
                found = true;
                mtp3(ctx, value.get(1..).unwrap_or(&[]), origin, Via::M2ua);
            }
            _ => {}
        }
        params = params.get((plen + 3) & !3..).unwrap_or(&[]);
    }
    if !found {
        ctx.skip(Skip::Malformed(Layer::M2ua));
    }
}

/// M2PA (RFC 4165): class 11; User Data (type 1) is the common header, BSN and FSN (each a
/// spare octet and 24 bits), a priority octet, then the MSU from the SIO. A User Data
/// message with nothing after the sequence numbers is an acknowledgement only.
fn m2pa<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, origin: &Origin, d: &[u8]) {
    let (class, mtype, msg) = match common_header(d) {
        Ok(h) => h,
        Err(skip) => return ctx.skip(relabel(skip, Layer::M2pa)),
    };
    if class != 11 {
        return ctx.skip(Skip::Malformed(Layer::M2pa));
    }
    if mtype != 1 || msg.len() <= 16 {
        return ctx.skip(if msg.len() < 16 && mtype == 1 {
            Skip::Truncated(Layer::M2pa)
        } else {
            Skip::M2paNotData
        });
    }
    mtp3(ctx, &msg[17..], origin, Via::M2pa);
}

/// An MTP2 signal unit: BSN/BIB, FSN/FIB, LI (3 octets; 6 with Annex A extended sequence
/// numbers). LI 0 is a FISU, 1-2 an LSSU, anything else an MSU (LI saturates at 63, so
/// the SIO and SIF run to the end of the frame, which holds no FCS).
pub(super) fn mtp2<F: FnMut(Message<'_>)>(
    ctx: &mut Ctx<'_, F>,
    su: &[u8],
    extended: bool,
    meta: super::FrameMeta,
) {
    let (hdr, li) = if extended {
        match su.get(4..6) {
            Some(l) => (6, u16::from_le_bytes([l[0], l[1]]) & 0x01FF),
            None => return ctx.skip(Skip::Truncated(Layer::Mtp2)),
        }
    } else {
        match su.get(2) {
            Some(l) => (3, u16::from(l & 0x3F)),
            None => return ctx.skip(Skip::Truncated(Layer::Mtp2)),
        }
    };
    if li <= 2 {
        return ctx.skip(Skip::Mtp2NotMsu);
    }
    mtp3(ctx, &su[hdr..], &Origin::link(meta), Via::Mtp2);
}

/// Yield an MSU (from its SIO) as a message, or count why not.
pub(super) fn mtp3<F: FnMut(Message<'_>)>(
    ctx: &mut Ctx<'_, F>,
    msu: &[u8],
    origin: &Origin,
    via: Via,
) {
    match parse_mtp3(msu, ctx.opts.mtp3) {
        Ok(m) => ctx.yield_msg(origin, via, Payload::Mtp3(m)),
        Err(skip) => ctx.skip(skip),
    }
}

/// Split an MSU (starting at the SIO) into SIO fields, routing label and SIF.
pub fn parse_mtp3(msu: &[u8], variant: Mtp3Variant) -> Result<Mtp3Msu<'_>, Skip> {
    let n = variant.label_len();
    let (Some(&sio), Some(l)) = (msu.first(), msu.get(1..1 + n)) else {
        return Err(Skip::Truncated(Layer::Mtp3));
    };
    let le24 = |b: &[u8]| u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    let (dpc, opc, sls) = match variant {
        Mtp3Variant::Itu => {
            let v = u32::from_le_bytes([l[0], l[1], l[2], l[3]]);
            (v & 0x3FFF, (v >> 14) & 0x3FFF, (v >> 28) as u8)
        }
        Mtp3Variant::Ansi => (le24(&l[0..3]), le24(&l[3..6]), l[6]),
        Mtp3Variant::Chinese => (le24(&l[0..3]), le24(&l[3..6]), l[6] & 0x0F),
        Mtp3Variant::Japanese => (
            u32::from(u16::from_le_bytes([l[0], l[1]])),
            u32::from(u16::from_le_bytes([l[2], l[3]])),
            l[4] & 0x0F,
        ),
    };
    Ok(Mtp3Msu {
        si: sio & 0x0F,
        ni: sio >> 6,
        priority: (sio >> 4) & 0x03,
        opc,
        dpc,
        sls,
        data: &msu[1 + n..],
        raw: msu,
    })
}
