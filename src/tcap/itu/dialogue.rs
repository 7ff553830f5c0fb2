//! The ITU TCAP dialogue portion (Q.773 §4.2.3): AARQ, AARE, ABRT and AUDT of the
//! dialogue-as-id and unidialogue-as-id modules, decoded, re-encoded and built to send.

use super::message::DialoguePdu;
use super::{tags, DIALOGUE_AS_ID, UNIDIALOGUE_AS_ID};
use crate::ber::{self, BerError, BerErrorKind, Tag, Tlv, Writer};

type DialogueParts<'a> = (DialoguePdu<'a>, Option<&'a [u8]>, Option<&'a [u8]>);

pub(super) fn decode_dialogue(portion: Tlv<'_>) -> Result<DialogueParts<'_>, BerError> {
    let ext = portion.children()?.expect(Tag::EXTERNAL, "EXTERNAL")?;
    let mut r = ext.children()?;
    let oid = r.expect(Tag::OID, "direct-reference")?;
    let uni = oid.value == UNIDIALOGUE_AS_ID;
    if oid.value != DIALOGUE_AS_ID && !uni {
        return Err(BerError::new(
            BerErrorKind::Invalid("dialogue abstract syntax"),
            oid.value_offset,
        ));
    }
    let single = r.expect(Tag::ctx_cons(0), "single-ASN1-type")?;
    let pdu = single.children()?.next_tlv()?.ok_or(BerError::new(
        BerErrorKind::Missing("dialogue PDU"),
        single.value_offset,
    ))?;
    let mut ac = None;
    let mut user_info = None;
    let mut result = None;
    let mut diagnostic = None;
    let mut source = None;
    let mut version = None;
    for m in pdu.children()? {
        let m = m?;
        match m.tag.number {
            _ if m.tag.class != ber::Class::Context => {}
            1 if pdu.tag.is(tags::AARQ) || pdu.tag.is(tags::AARE) || uni => {
                ac = Some(
                    m.children()?
                        .expect(Tag::OID, "application-context-name")?
                        .value,
                )
            }
            0 if pdu.tag.is(tags::ABRT) => source = Some(m.as_u32()? as u8),
            0 if !m.tag.constructed => version = Some(m.value),
            2 if pdu.tag.is(tags::AARE) => {
                result = Some(m.children()?.expect(Tag::INTEGER, "result")?.as_u32()? as u8)
            }
            3 if pdu.tag.is(tags::AARE) => {
                let choice = m.children()?.next_tlv()?.ok_or(BerError::new(
                    BerErrorKind::Missing("result-source-diagnostic"),
                    m.value_offset,
                ))?;
                let v = choice
                    .children()?
                    .expect(Tag::INTEGER, "diagnostic")?
                    .as_u32()?;
                diagnostic = Some((choice.tag.number as u8, v as u8));
            }
            30 => user_info = Some(m.value),
            _ => {}
        }
    }
    let missing = |what| BerError::new(BerErrorKind::Missing(what), pdu.value_offset);
    let pdu = match pdu.tag {
        t if uni && t.is(Tag::app(0, true)) => DialoguePdu::Audt {
            ac: ac.ok_or(missing("application-context-name"))?,
        },
        _ if uni => {
            return Err(BerError::new(
                BerErrorKind::Invalid("unidialogue PDU type"),
                pdu.offset,
            ))
        }
        t if t.is(tags::AARQ) => DialoguePdu::Aarq {
            ac: ac.ok_or(missing("application-context-name"))?,
            user_info,
        },
        t if t.is(tags::AARE) => DialoguePdu::Aare {
            ac: ac.ok_or(missing("application-context-name"))?,
            result: result.ok_or(missing("result"))?,
            diagnostic: diagnostic.ok_or(missing("result-source-diagnostic"))?,
        },
        t if t.is(tags::ABRT) => DialoguePdu::Abrt {
            source: source.ok_or(missing("abort-source"))?,
        },
        _ => {
            return Err(BerError::new(
                BerErrorKind::Invalid("dialogue PDU type"),
                pdu.offset,
            ))
        }
    };
    Ok((pdu, version, user_info))
}

/// What a message we send carries in its dialogue portion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogueOut<'x> {
    Aarq {
        ac: &'x [u8],
    },
    /// AARE: `result` 0 accepted / 1 rejected; `diagnostic` as (1 user | 2 provider, value).
    Aare {
        ac: &'x [u8],
        result: u8,
        diagnostic: (u8, u8),
    },
    Abrt {
        source: u8,
    },
}

/// Re-encode a decoded dialogue PDU (the dialogue portion around it included).
pub(super) fn encode_dialogue_pdu(
    w: &mut Writer<'_>,
    d: &DialoguePdu<'_>,
    v: Option<&[u8]>,
    user_info: Option<&[u8]>,
) {
    let version = |w: &mut Writer<'_>, v: Option<&[u8]>| {
        if let Some(v) = v {
            w.primitive(Tag::ctx(0), v)
        }
    };
    let ac = |w: &mut Writer<'_>, ac: &[u8]| {
        w.constructed(Tag::ctx_cons(1), |w| w.primitive(Tag::OID, ac))
    };
    let user = |w: &mut Writer<'_>, u: Option<&[u8]>| {
        if let Some(u) = u {
            w.constructed(Tag::ctx_cons(30), |w| w.raw(u))
        }
    };
    let syntax = match d {
        DialoguePdu::Audt { .. } => UNIDIALOGUE_AS_ID,
        _ => DIALOGUE_AS_ID,
    };
    w.constructed(tags::DIALOGUE_PORTION, |w| {
        w.constructed(Tag::EXTERNAL, |w| {
            w.primitive(Tag::OID, syntax);
            w.constructed(Tag::ctx_cons(0), |w| match *d {
                DialoguePdu::Aarq { ac: a, .. } => w.constructed(tags::AARQ, |w| {
                    version(w, v);
                    ac(w, a);
                    user(w, user_info);
                }),
                DialoguePdu::Audt { ac: a } => w.constructed(Tag::app(0, true), |w| {
                    version(w, v);
                    ac(w, a);
                    user(w, user_info);
                }),
                DialoguePdu::Aare {
                    ac: a,
                    result,
                    diagnostic,
                } => w.constructed(tags::AARE, |w| {
                    version(w, v);
                    ac(w, a);
                    w.constructed(Tag::ctx_cons(2), |w| w.integer(Tag::INTEGER, result.into()));
                    w.constructed(Tag::ctx_cons(3), |w| {
                        w.constructed(Tag::ctx_cons(diagnostic.0.into()), |w| {
                            w.integer(Tag::INTEGER, diagnostic.1.into())
                        })
                    });
                    user(w, user_info);
                }),
                DialoguePdu::Abrt { source } => w.constructed(tags::ABRT, |w| {
                    w.integer(Tag::ctx(0), source.into());
                    user(w, user_info);
                }),
            });
        });
    });
}

/// AARQ/AARE carry protocol-version 1 (BIT STRING '1'B: 07 80, Q.773 §4.2.3).
const PROTOCOL_VERSION: &[u8] = &[0x07, 0x80];

pub(super) fn encode_dialogue(w: &mut Writer<'_>, d: DialogueOut<'_>) {
    w.constructed(tags::DIALOGUE_PORTION, |w| {
        w.constructed(Tag::EXTERNAL, |w| {
            w.primitive(Tag::OID, DIALOGUE_AS_ID);
            w.constructed(Tag::ctx_cons(0), |w| match d {
                DialogueOut::Aarq { ac } => w.constructed(tags::AARQ, |w| {
                    w.primitive(Tag::ctx(0), PROTOCOL_VERSION);
                    w.constructed(Tag::ctx_cons(1), |w| w.primitive(Tag::OID, ac));
                }),
                DialogueOut::Aare {
                    ac,
                    result,
                    diagnostic,
                } => w.constructed(tags::AARE, |w| {
                    w.primitive(Tag::ctx(0), PROTOCOL_VERSION);
                    w.constructed(Tag::ctx_cons(1), |w| w.primitive(Tag::OID, ac));
                    w.constructed(Tag::ctx_cons(2), |w| w.integer(Tag::INTEGER, result.into()));
                    w.constructed(Tag::ctx_cons(3), |w| {
                        w.constructed(Tag::ctx_cons(diagnostic.0.into()), |w| {
                            w.integer(Tag::INTEGER, diagnostic.1.into())
                        })
                    });
                }),
                DialogueOut::Abrt { source } => w.constructed(tags::ABRT, |w| {
                    w.integer(Tag::ctx(0), source.into());
                }),
            });
        });
    });
}
