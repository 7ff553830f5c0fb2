//! The ANSI TCAP transaction portion (T1.114.3 `TCAPPackage`, T1.114.4 §3): packages
//! decoded, re-encoded and built to send, and the faults answered with a P-Abort (see the
//! fault tables in [`super`]).

use super::component::ComponentIter;
use super::dialogue::{decode_dialogue, encode_dialogue};
use super::{tags, DialoguePortion, PAbortCause, PackageType};
use crate::ber::{BerError, BerErrorKind, Reader, Tag, Tlv, Writer};

/// The cause information of an Abort package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbortReason<'a> {
    /// P-Abort cause value (D7); see [`PAbortCause::from_u8`].
    Provider(u8),
    /// Contents of User Abort Information (F8, an EXTERNAL): as received.
    User(&'a [u8]),
}

/// Transaction IDs of a package: originating and/or responding, 4 octets each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransactionIds {
    pub originating: Option<[u8; 4]>,
    pub responding: Option<[u8; 4]>,
}

/// A decoded ANSI TCAP package, borrowed from the received buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnsiMessage<'a> {
    pub package: PackageType,
    pub ids: TransactionIds,
    pub dialogue: Option<DialoguePortion<'a>>,
    /// The component sequence (E8); its members are read with [`AnsiMessage::components`].
    pub components: Option<Tlv<'a>>,
    /// Abort packages only.
    pub abort: Option<AbortReason<'a>>,
}

/// Why a package was refused (see the module table for the answer to each).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnsiError {
    #[error("unrecognized package type {0}")]
    UnrecognizedPackageType(Tag),
    #[error("incorrect transaction portion: {what} at offset {offset}")]
    IncorrectTransactionPortion { what: &'static str, offset: usize },
    #[error("badly structured transaction portion: {0}")]
    BadlyStructuredTransactionPortion(BerError),
    #[error("unrecognized dialogue portion identifier {tag} at offset {offset}")]
    UnrecognizedDialoguePortionId { tag: Tag, offset: usize },
    #[error("badly structured dialogue portion: {0}")]
    BadlyStructuredDialoguePortion(BerError),
    #[error("unsupported protocol version {version:#04x} at offset {offset}")]
    UnsupportedProtocolVersion { version: u8, offset: usize },
}

impl AnsiError {
    /// The P-Abort cause to answer with (T1.114.3 `P-Abort-cause`; T1.114.4 transaction
    /// sub-layer abnormal procedures).
    ///
    /// `UnsupportedProtocolVersion` maps to inconsistentDialoguePortion (10): the field is
    /// well formed (so not cause 8), but its contents cannot be used for this transaction.
    /// T1.114.3 defines no dedicated cause; this is our reading, in one place.
    pub fn p_abort_cause(&self) -> PAbortCause {
        match self {
            AnsiError::UnrecognizedPackageType(_) => PAbortCause::UnrecognizedPackageType,
            AnsiError::IncorrectTransactionPortion { .. } => {
                PAbortCause::IncorrectTransactionPortion
            }
            AnsiError::BadlyStructuredTransactionPortion(_) => {
                PAbortCause::BadlyStructuredTransactionPortion
            }
            AnsiError::UnrecognizedDialoguePortionId { .. } => {
                PAbortCause::UnrecognizedDialoguePortionId
            }
            AnsiError::BadlyStructuredDialoguePortion(_) => {
                PAbortCause::BadlyStructuredDialoguePortion
            }
            AnsiError::UnsupportedProtocolVersion { .. } => {
                PAbortCause::InconsistentDialoguePortion
            }
        }
    }

    /// Absolute offset of the fault in the package.
    pub fn offset(&self) -> usize {
        match self {
            AnsiError::UnrecognizedPackageType(_) => 0,
            AnsiError::IncorrectTransactionPortion { offset, .. }
            | AnsiError::UnrecognizedDialoguePortionId { offset, .. }
            | AnsiError::UnsupportedProtocolVersion { offset, .. } => *offset,
            AnsiError::BadlyStructuredTransactionPortion(e)
            | AnsiError::BadlyStructuredDialoguePortion(e) => e.offset,
        }
    }
}

fn four(b: &[u8]) -> [u8; 4] {
    [b[0], b[1], b[2], b[3]]
}

impl<'a> AnsiMessage<'a> {
    /// Decode one package; the buffer must hold exactly one (the SCCP user data).
    pub fn decode(buf: &'a [u8]) -> Result<AnsiMessage<'a>, AnsiError> {
        let top = Tlv::parse_single(buf).map_err(AnsiError::BadlyStructuredTransactionPortion)?;
        let package =
            PackageType::from_tag(top.tag).ok_or(AnsiError::UnrecognizedPackageType(top.tag))?;
        let mut r = top
            .children()
            .map_err(AnsiError::BadlyStructuredTransactionPortion)?;
        let bad_tp = AnsiError::BadlyStructuredTransactionPortion;

        // Transaction ID: mandatory, first, size fixed by the package type.
        let tid = match r.next_tlv().map_err(bad_tp)? {
            Some(t) if t.tag == tags::TRANSACTION_ID => t,
            Some(t) => {
                return Err(AnsiError::IncorrectTransactionPortion {
                    what: "transaction ID expected",
                    offset: t.offset,
                })
            }
            None => {
                return Err(AnsiError::IncorrectTransactionPortion {
                    what: "transaction ID missing",
                    offset: r.offset(),
                })
            }
        };
        if tid.value.len() != package.transaction_id_len() {
            return Err(bad_tp(BerError::new(
                BerErrorKind::Invalid("transaction ID size for the package type"),
                tid.value_offset,
            )));
        }
        let mut ids = TransactionIds::default();
        let mut rest = tid.value;
        if package.has_originating_id() {
            ids.originating = Some(four(rest));
            rest = &rest[4..];
        }
        if package.has_responding_id() {
            ids.responding = Some(four(rest));
        }

        let mut msg = AnsiMessage {
            package,
            ids,
            dialogue: None,
            components: None,
            abort: None,
        };
        let mut next = r.next_tlv().map_err(bad_tp)?;
        if let Some(t) = next.filter(|t| t.tag.is(tags::DIALOGUE_PORTION)) {
            msg.dialogue = Some(decode_dialogue(t)?);
            next = r.next_tlv().map_err(bad_tp)?;
        }
        if package == PackageType::Abort {
            if let Some(t) = next {
                msg.abort = Some(if t.tag == tags::P_ABORT_CAUSE {
                    let v = t.as_u32().map_err(bad_tp)?;
                    AbortReason::Provider(u8::try_from(v).map_err(|_| {
                        bad_tp(BerError::new(
                            BerErrorKind::Invalid("P-Abort cause out of range"),
                            t.value_offset,
                        ))
                    })?)
                } else if t.tag.is(tags::USER_ABORT_INFORMATION) {
                    AbortReason::User(t.value)
                } else {
                    return Err(AnsiError::IncorrectTransactionPortion {
                        what: "Abort cause information expected",
                        offset: t.offset,
                    });
                });
                next = r.next_tlv().map_err(bad_tp)?;
            }
        } else if let Some(t) = next.filter(|t| t.tag == tags::COMPONENT_SEQUENCE) {
            msg.components = Some(t);
            next = r.next_tlv().map_err(bad_tp)?;
        }
        if let Some(t) = next {
            return Err(AnsiError::UnrecognizedDialoguePortionId {
                tag: t.tag,
                offset: t.offset,
            });
        }
        if package == PackageType::Unidirectional && msg.components.is_none() {
            // UniTransactionPDU's component sequence is mandatory.
            return Err(AnsiError::IncorrectTransactionPortion {
                what: "Unidirectional without components",
                offset: top.value_offset + top.value.len(),
            });
        }
        Ok(msg)
    }

    /// The components, in order; each undecodable one is a
    /// [`ComponentFault`](super::ComponentFault).
    pub fn components(&self) -> ComponentIter<'a> {
        ComponentIter {
            r: match self.components {
                Some(c) => Reader::with_base(c.value, c.value_offset),
                None => Reader::new(&[]),
            },
        }
    }

    /// Re-encode this package (canonical definite lengths; parameters, user information and
    /// confidentiality are copied as received). Undecodable components are dropped.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let comps = self.components();
        if self.package == PackageType::Abort {
            encode_abort(
                out,
                self.ids.responding.unwrap_or_default(),
                self.dialogue.as_ref(),
                self.abort,
            );
        } else {
            encode(out, self.package, self.ids, self.dialogue.as_ref(), |w| {
                for c in comps.flatten() {
                    c.encode(w);
                }
            });
        }
    }
}

/// [`salvage_transaction_id`] of a package of a type T1.114.3 defines: its type and
/// Transaction ID contents, read without decoding the rest (dispatch, and the Abort of a
/// package that does not decode).
pub fn peek_transaction_id(buf: &[u8]) -> Option<(PackageType, &[u8])> {
    match salvage_transaction_id(buf)? {
        (Some(package), ids) => Some((package, ids)),
        (None, _) => None,
    }
}

/// The package type (`None`: not one T1.114.3 defines) and Transaction ID contents of a
/// package too damaged to decode, read from its first octets alone: a package cut short or
/// of an unknown type still names the transaction to abort (T1.114.4 transaction sub-layer
/// abnormal procedures answer with an Abort when the originating id is readable).
///
/// The package's own length is not checked against the buffer; the Transaction ID's is.
pub fn salvage_transaction_id(buf: &[u8]) -> Option<(Option<PackageType>, &[u8])> {
    let (&tag, rest) = buf.split_first()?;
    // Package types are one-octet private constructed identifiers (E1–E6, F6).
    if tag & 0xe0 != 0xe0 || tag & 0x1f == 0x1f {
        return None;
    }
    let package = PackageType::from_tag(Tag::private(u32::from(tag & 0x1f), true));
    let skip = match *rest.first()? {
        l if l <= 0x80 => 1,
        l => 1 + usize::from(l & 0x7f),
    };
    let (&tid, rest) = rest.get(skip..)?.split_first()?;
    if tid != 0xc7 {
        return None;
    }
    let (&len, rest) = rest.split_first()?;
    Some((package, rest.get(..usize::from(len))?))
}

/// Encode a non-Abort package; `components` writes the members of the component sequence
/// (the sequence is left out if it writes nothing; a Unidirectional always has one).
///
/// The transaction ID is `ids.originating` then `ids.responding`, whichever are present;
/// the package type decides which must be (debug-asserted).
pub fn encode(
    out: &mut Vec<u8>,
    package: PackageType,
    ids: TransactionIds,
    dialogue: Option<&DialoguePortion<'_>>,
    components: impl FnOnce(&mut Writer<'_>),
) {
    debug_assert!(package != PackageType::Abort, "use encode_abort");
    debug_assert_eq!(ids.originating.is_some(), package.has_originating_id());
    debug_assert_eq!(ids.responding.is_some(), package.has_responding_id());
    let mut w = Writer::new(out);
    w.constructed(package.tag(), |w| {
        transaction_id(w, ids);
        if let Some(d) = dialogue {
            encode_dialogue(w, d);
        }
        let before = w.len();
        w.constructed(tags::COMPONENT_SEQUENCE, components);
        if w.len() == before + 2 && package != PackageType::Unidirectional {
            w.truncate(before);
        }
    });
}

/// Encode an Abort package (F6) with a P-Abort cause or user abort information.
pub fn encode_abort(
    out: &mut Vec<u8>,
    responding: [u8; 4],
    dialogue: Option<&DialoguePortion<'_>>,
    reason: Option<AbortReason<'_>>,
) {
    let mut w = Writer::new(out);
    w.constructed(tags::ABORT, |w| {
        transaction_id(
            w,
            TransactionIds {
                originating: None,
                responding: Some(responding),
            },
        );
        if let Some(d) = dialogue {
            encode_dialogue(w, d);
        }
        match reason {
            Some(AbortReason::Provider(c)) => w.integer(tags::P_ABORT_CAUSE, c.into()),
            Some(AbortReason::User(info)) => {
                w.constructed(tags::USER_ABORT_INFORMATION, |w| w.raw(info))
            }
            None => {}
        }
    });
}

/// Encode a P-Abort (Abort package with a cause): the answer to an [`AnsiError`].
pub fn encode_p_abort(out: &mut Vec<u8>, responding: [u8; 4], cause: PAbortCause) {
    encode_abort(
        out,
        responding,
        None,
        Some(AbortReason::Provider(cause as u8)),
    );
}

fn transaction_id(w: &mut Writer<'_>, ids: TransactionIds) {
    let mut buf = [0u8; 8];
    let mut n = 0;
    for id in [ids.originating, ids.responding].into_iter().flatten() {
        buf[n..n + 4].copy_from_slice(&id);
        n += 4;
    }
    w.primitive(tags::TRANSACTION_ID, &buf[..n]);
}
