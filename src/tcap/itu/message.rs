//! The ITU TCAP transaction portion (Q.773 §4.2.1): messages decoded, re-encoded and built
//! to send, and the faults Q.774 answers with a P-Abort.

use super::component::{decode_component, ComponentIter, ComponentPduIter};
use super::dialogue::{decode_dialogue, encode_dialogue, encode_dialogue_pdu, DialogueOut};
use super::{tags, MessageType, PAbortCause, Tid};
use crate::ber::{BerError, Reader, Tag, Tlv, Writer};

/// A decoded dialogue PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialoguePdu<'a> {
    Aarq {
        /// Encoded application-context-name OID value.
        ac: &'a [u8],
        user_info: Option<&'a [u8]>,
    },
    Aare {
        ac: &'a [u8],
        /// 0 accepted, 1 reject-permanent.
        result: u8,
        /// (1 = service-user, 2 = service-provider, diagnostic value).
        diagnostic: (u8, u8),
    },
    Abrt {
        /// 0 dialogue-service-user, 1 dialogue-service-provider.
        source: u8,
    },
    /// Unidirectional dialogue (AUDT).
    Audt { ac: &'a [u8] },
}

/// A decoded TCAP message, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcMessage<'a> {
    pub kind: MessageType,
    pub otid: Option<Tid<'a>>,
    pub dtid: Option<Tid<'a>>,
    pub dialogue: Option<DialoguePdu<'a>>,
    /// The component portion (its members are Invoke, ReturnResult, ...).
    pub components: Option<Tlv<'a>>,
    pub p_abort: Option<u8>,
    /// Contents of the dialogue PDU's `protocol-version [0] BIT STRING`, when present
    /// (AARQ/AARE/AUDT; absent means version1: Q.773 tolerates its omission).
    pub protocol_version: Option<&'a [u8]>,
    /// Contents of the dialogue PDU's `user-information [30]` (the EXTERNALs), as received.
    pub user_info: Option<&'a [u8]>,
}

/// Why a TCAP message was refused, with what Q.774 says to answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TcapError {
    #[error("unrecognized message type {0}")]
    UnrecognizedMessageType(Tag),
    #[error("badly formatted transaction portion: {0}")]
    BadlyFormatted(BerError),
    #[error("incorrect transaction portion: {0}")]
    IncorrectTransactionPortion(&'static str),
    #[error("bad dialogue portion: {0}")]
    Dialogue(BerError),
}

impl TcapError {
    /// The P-Abort cause to send back (Q.774 §3.2.1.2).
    pub fn p_abort_cause(&self) -> PAbortCause {
        match self {
            TcapError::UnrecognizedMessageType(_) => PAbortCause::UnrecognizedMessageType,
            TcapError::BadlyFormatted(_) | TcapError::Dialogue(_) => {
                PAbortCause::BadlyFormattedTransactionPortion
            }
            TcapError::IncorrectTransactionPortion(_) => PAbortCause::IncorrectTransactionPortion,
        }
    }
}

fn tid<'a>(t: Tlv<'a>) -> Result<Tid<'a>, TcapError> {
    if (1..=4).contains(&t.value.len()) {
        Ok(t.value)
    } else {
        Err(TcapError::IncorrectTransactionPortion(
            "transaction id of 1 to 4 octets",
        ))
    }
}

impl<'a> TcMessage<'a> {
    /// Whether the dialogue PDU's protocol version (if any) includes version1, the only one
    /// Q.773 defines (`BIT STRING { version1(0) }`: bit 0 is the top bit of the first octet
    /// after the unused-bits octet). An absent version is version1.
    pub fn version1(&self) -> bool {
        match self.protocol_version {
            None => true,
            Some([_unused, first, ..]) => first & 0x80 != 0,
            Some(_) => false,
        }
    }

    pub fn decode(buf: &'a [u8]) -> Result<TcMessage<'a>, TcapError> {
        let top = Tlv::parse_single(buf).map_err(TcapError::BadlyFormatted)?;
        let kind = match top.tag {
            t if t.is(tags::BEGIN) => MessageType::Begin,
            t if t.is(tags::CONTINUE) => MessageType::Continue,
            t if t.is(tags::END) => MessageType::End,
            t if t.is(tags::ABORT) => MessageType::Abort,
            t if t.is(tags::UNIDIRECTIONAL) => MessageType::Unidirectional,
            t => return Err(TcapError::UnrecognizedMessageType(t)),
        };
        let mut msg = TcMessage {
            kind,
            otid: None,
            dtid: None,
            dialogue: None,
            components: None,
            p_abort: None,
            protocol_version: None,
            user_info: None,
        };
        let mut r = top.children().map_err(TcapError::BadlyFormatted)?;
        while let Some(t) = r.next_tlv().map_err(TcapError::BadlyFormatted)? {
            match t.tag {
                x if x.is(tags::OTID) => msg.otid = Some(tid(t)?),
                x if x.is(tags::DTID) => msg.dtid = Some(tid(t)?),
                x if x.is(tags::DIALOGUE_PORTION) => {
                    let (pdu, version, user_info) =
                        decode_dialogue(t).map_err(TcapError::Dialogue)?;
                    msg.dialogue = Some(pdu);
                    msg.protocol_version = version;
                    msg.user_info = user_info;
                }
                x if x.is(tags::COMPONENTS) => msg.components = Some(t),
                x if x.is(tags::P_ABORT_CAUSE) => {
                    msg.p_abort =
                        Some(t.as_u32().map_err(TcapError::BadlyFormatted)?.min(255) as u8)
                }
                // Unknown members of the transaction portion are not allowed (Q.773 is not
                // extensible here).
                _ => {
                    return Err(TcapError::IncorrectTransactionPortion(
                        "unexpected element in transaction portion",
                    ))
                }
            }
        }
        let ok = match kind {
            MessageType::Begin => msg.otid.is_some() && msg.dtid.is_none(),
            MessageType::Continue => msg.otid.is_some() && msg.dtid.is_some(),
            MessageType::End | MessageType::Abort => msg.dtid.is_some() && msg.otid.is_none(),
            MessageType::Unidirectional => msg.otid.is_none() && msg.dtid.is_none(),
        };
        if !ok {
            return Err(TcapError::IncorrectTransactionPortion(
                "transaction ids do not match the message type",
            ));
        }
        Ok(msg)
    }

    /// The components, in order.
    pub fn components(&self) -> ComponentIter<'a> {
        ComponentIter {
            inner: self.component_pdus(),
        }
    }

    /// The components, in order, with every field kept.
    pub fn component_pdus(&self) -> ComponentPduIter<'a> {
        ComponentPduIter {
            r: self
                .components
                .and_then(|c| c.children().ok())
                .unwrap_or_else(|| Reader::new(&[])),
        }
    }

    /// Re-encode this message: canonical definite lengths, minimal INTEGERs; parameters and
    /// user information copied as received; undecodable components copied raw. A message
    /// that was canonical on input comes out byte-identical.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let mut w = Writer::new(out);
        w.constructed(self.kind.tag(), |w| {
            if let Some(o) = self.otid {
                w.primitive(tags::OTID, o);
            }
            if let Some(d) = self.dtid {
                w.primitive(tags::DTID, d);
            }
            if let Some(c) = self.p_abort {
                w.integer(tags::P_ABORT_CAUSE, c.into());
            }
            if let Some(d) = &self.dialogue {
                encode_dialogue_pdu(w, d, self.protocol_version, self.user_info);
            }
            if let Some(c) = self.components {
                w.constructed(tags::COMPONENTS, |w| {
                    let mut r = c.children().unwrap_or_else(|_| Reader::new(&[]));
                    while let Ok(Some(t)) = r.next_tlv() {
                        match decode_component(t) {
                            Ok(pdu) => pdu.encode(w),
                            Err(_) => w.raw(t.raw),
                        }
                    }
                });
            }
        });
    }

    /// The application context of the dialogue portion, if any.
    pub fn application_context(&self) -> Option<&'a [u8]> {
        match self.dialogue? {
            DialoguePdu::Aarq { ac, .. }
            | DialoguePdu::Aare { ac, .. }
            | DialoguePdu::Audt { ac, .. } => Some(ac),
            DialoguePdu::Abrt { .. } => None,
        }
    }
}

/// Encode a TCAP message; `components` writes the members of the component portion (nothing
/// is emitted for the portion if it writes nothing).
pub fn encode(
    out: &mut Vec<u8>,
    kind: MessageType,
    otid: Option<&[u8]>,
    dtid: Option<&[u8]>,
    dialogue: Option<DialogueOut<'_>>,
    components: impl FnOnce(&mut Writer<'_>),
) {
    let mut w = Writer::new(out);
    w.constructed(kind.tag(), |w| {
        if let Some(o) = otid {
            w.primitive(tags::OTID, o);
        }
        if let Some(d) = dtid {
            w.primitive(tags::DTID, d);
        }
        if let Some(d) = dialogue {
            encode_dialogue(w, d);
        }
        let before = w.len();
        w.constructed(tags::COMPONENTS, components);
        if w.len() == before + 2 {
            // Empty component portion: drop it (Q.773 makes it optional).
            w.truncate(before);
        }
    });
}

/// Encode a TC-ABORT with a P-Abort cause (Q.773 §4.2.1.3).
pub fn encode_p_abort(out: &mut Vec<u8>, dtid: &[u8], cause: PAbortCause) {
    let mut w = Writer::new(out);
    w.constructed(tags::ABORT, |w| {
        w.primitive(tags::DTID, dtid);
        w.integer(tags::P_ABORT_CAUSE, cause as i64);
    });
}
