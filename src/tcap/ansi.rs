//! ANSI TCAP packages (T1.114-2000): transaction portion, dialogue portion and component
//! portion, decoded zero-copy from the received buffer and encoded as canonical
//! definite-length BER.
//!
//! The reference is `asn1/ANSI-TCAP-subset.asn` (T1.114.3's TCAPPackage and
//! TCAP-Remote-Operations-Information-Objects modules, with their tags). Clause references
//! below name the T1.114-2000 part (T1.114.3 formats and codes, T1.114.4 procedures) and the
//! ASN.1 type whose definition or `! RejectProblem` constraint they follow.
//!
//! # Faults and what T1.114 answers
//!
//! A package that cannot be decoded is refused with [`AnsiError`]; its
//! [`p_abort_cause`](AnsiError::p_abort_cause) is the P-Abort cause (T1.114.3 `P-Abort-cause`,
//! T1.114.4 "abnormal procedures" of the transaction sub-layer) to send back in an Abort
//! package. Per T1.114.4 nothing is sent back for a refused Unidirectional or Abort package:
//! the dialogue layer discards those.
//!
//! | fault | error | answer |
//! | --- | --- | --- |
//! | package identifier is not E1–E6/F6 | `UnrecognizedPackageType` | P-Abort 1 unrecognizedPackageType |
//! | transaction ID missing / not first | `IncorrectTransactionPortion` | P-Abort 2 incorrectTransactionPortion |
//! | unexpected member in an Abort's cause information | `IncorrectTransactionPortion` | P-Abort 2 |
//! | BER fault in the package or transaction ID (length, truncation) | `BadlyStructuredTransactionPortion` | P-Abort 3 badlyStructuredTransactionPortion |
//! | transaction ID of the wrong size for the package (0/4/8) | `BadlyStructuredTransactionPortion` | P-Abort 3 |
//! | element after the transaction ID that is neither F9 nor E8 (or anything after E8) | `UnrecognizedDialoguePortionId` | P-Abort 7 unrecognizedDialoguePortionID |
//! | BER fault, bad size or duplicate member in the dialogue portion | `BadlyStructuredDialoguePortion` | P-Abort 8 badlyStructuredDialoguePortion |
//! | protocol version offers neither T1.114-1996 nor -2000 | `UnsupportedProtocolVersion` | P-Abort 10 inconsistentDialoguePortion (see [`AnsiError::p_abort_cause`]) |
//!
//! A package that decodes can still carry components that do not: the component iterator
//! yields a [`ComponentFault`] whose `problem` is the Reject problem (T1.114.3 `Problem`, the
//! `! RejectProblem` constraints of `ComponentPDU`, `Invoke`, `ReturnResult`, `ReturnError`
//! and `Reject`) and whose `correlation_id` is the component ID to reject, when derivable:
//!
//! | fault | Reject problem |
//! | --- | --- |
//! | component identifier not E9–EE (`ComponentPDU` constraint) | General 1 unrecognisedComponentType (0x0101) |
//! | BER fault inside the component sequence or a component; component ID of the wrong size | General 3 badlyStructuredCompPortion (0x0103) |
//! | mandatory member missing, or an unexpected member (component ID, opcode/error code, problem out of place) | General 2 incorrectComponentPortion (0x0102) |
//! | operation/error/problem code of an impossible size, national error code out of −128..127 | General 4 incorrectComponentCoding (0x0104) |
//! | Invoke parameter neither parameter set F2, sequence F0 nor SEQUENCE 30 | Invoke 3 incorrectParameter (0x0203) |
//! | ReturnResult parameter likewise | ReturnResult 3 incorrectParameter (0x0303) |
//! | ReturnError parameter likewise | ReturnError 5 incorrectParameter (0x0405) |
//!
//! Operation-level problems (unrecognised operation, duplicate invocation, unknown correlation
//! ID, unexpected result or error) belong to the component sub-layer's state and the TC-user;
//! their codes are in [`Problem`] for those layers to send.

use crate::ber::{self, BerError, BerErrorKind, Class, Reader, Tag, Tlv, Writer};

/// Identifiers (T1.114.3; TCAPPackage and TCAP-Remote-Operations-Information-Objects).
pub mod tags {
    use crate::ber::Tag;
    pub const UNIDIRECTIONAL: Tag = Tag::private(1, true); // E1
    pub const QUERY_WITH_PERMISSION: Tag = Tag::private(2, true); // E2
    pub const QUERY_WITHOUT_PERMISSION: Tag = Tag::private(3, true); // E3
    pub const RESPONSE: Tag = Tag::private(4, true); // E4
    pub const CONVERSATION_WITH_PERMISSION: Tag = Tag::private(5, true); // E5
    pub const CONVERSATION_WITHOUT_PERMISSION: Tag = Tag::private(6, true); // E6
    pub const ABORT: Tag = Tag::private(22, true); // F6
    pub const TRANSACTION_ID: Tag = Tag::private(7, false); // C7
    pub const P_ABORT_CAUSE: Tag = Tag::private(23, false); // D7
    /// `[PRIVATE 24] EXTERNAL` (F8; a primitive D8 is accepted too).
    pub const USER_ABORT_INFORMATION: Tag = Tag::private(24, true);
    pub const DIALOGUE_PORTION: Tag = Tag::private(25, true); // F9
    pub const PROTOCOL_VERSION: Tag = Tag::private(26, false); // DA
    pub const INTEGER_APPLICATION_CONTEXT: Tag = Tag::private(27, false); // DB
    pub const OID_APPLICATION_CONTEXT: Tag = Tag::private(28, false); // DC
    pub const USER_INFORMATION: Tag = Tag::private(29, true); // FD
    pub const INTEGER_SECURITY_ID: Tag = Tag::ctx(0); // 80
    pub const OID_SECURITY_ID: Tag = Tag::ctx(1); // 81
    pub const CONFIDENTIALITY: Tag = Tag::ctx_cons(2); // A2
    pub const COMPONENT_SEQUENCE: Tag = Tag::private(8, true); // E8
    pub const INVOKE_LAST: Tag = Tag::private(9, true); // E9
    pub const RETURN_RESULT_LAST: Tag = Tag::private(10, true); // EA
    pub const RETURN_ERROR: Tag = Tag::private(11, true); // EB
    pub const REJECT: Tag = Tag::private(12, true); // EC
    pub const INVOKE_NOT_LAST: Tag = Tag::private(13, true); // ED
    pub const RETURN_RESULT_NOT_LAST: Tag = Tag::private(14, true); // EE
    pub const COMPONENT_ID: Tag = Tag::private(15, false); // CF
    pub const NATIONAL_OPCODE: Tag = Tag::private(16, false); // D0
    pub const PRIVATE_OPCODE: Tag = Tag::private(17, false); // D1
    /// `paramSequence [PRIVATE 16] IMPLICIT SEQUENCE` (F0).
    pub const PARAMETER_SEQUENCE: Tag = Tag::private(16, true);
    /// `paramSet [PRIVATE 18] IMPLICIT SET` (F2).
    pub const PARAMETER_SET: Tag = Tag::private(18, true);
    pub const NATIONAL_ERROR: Tag = Tag::private(19, false); // D3
    pub const PRIVATE_ERROR: Tag = Tag::private(20, false); // D4
    pub const PROBLEM: Tag = Tag::private(21, false); // D5
}

/// Package types (T1.114.3 `PackageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageType {
    Unidirectional,
    QueryWithPermission,
    QueryWithoutPermission,
    Response,
    ConversationWithPermission,
    ConversationWithoutPermission,
    Abort,
}

impl PackageType {
    pub const ALL: [PackageType; 7] = [
        PackageType::Unidirectional,
        PackageType::QueryWithPermission,
        PackageType::QueryWithoutPermission,
        PackageType::Response,
        PackageType::ConversationWithPermission,
        PackageType::ConversationWithoutPermission,
        PackageType::Abort,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PackageType::Unidirectional => "Unidirectional",
            PackageType::QueryWithPermission => "QueryWithPermission",
            PackageType::QueryWithoutPermission => "QueryWithoutPermission",
            PackageType::Response => "Response",
            PackageType::ConversationWithPermission => "ConversationWithPermission",
            PackageType::ConversationWithoutPermission => "ConversationWithoutPermission",
            PackageType::Abort => "Abort",
        }
    }

    pub fn tag(self) -> Tag {
        match self {
            PackageType::Unidirectional => tags::UNIDIRECTIONAL,
            PackageType::QueryWithPermission => tags::QUERY_WITH_PERMISSION,
            PackageType::QueryWithoutPermission => tags::QUERY_WITHOUT_PERMISSION,
            PackageType::Response => tags::RESPONSE,
            PackageType::ConversationWithPermission => tags::CONVERSATION_WITH_PERMISSION,
            PackageType::ConversationWithoutPermission => tags::CONVERSATION_WITHOUT_PERMISSION,
            PackageType::Abort => tags::ABORT,
        }
    }

    /// The package type a (constructed or primitive) identifier names.
    pub fn from_tag(tag: Tag) -> Option<PackageType> {
        if tag.class != Class::Private {
            return None;
        }
        Some(match tag.number {
            1 => PackageType::Unidirectional,
            2 => PackageType::QueryWithPermission,
            3 => PackageType::QueryWithoutPermission,
            4 => PackageType::Response,
            5 => PackageType::ConversationWithPermission,
            6 => PackageType::ConversationWithoutPermission,
            22 => PackageType::Abort,
            _ => return None,
        })
    }

    /// Whether the package carries an originating transaction ID (it starts or continues a
    /// transaction and expects the peer to answer to it).
    pub fn has_originating_id(self) -> bool {
        matches!(
            self,
            PackageType::QueryWithPermission
                | PackageType::QueryWithoutPermission
                | PackageType::ConversationWithPermission
                | PackageType::ConversationWithoutPermission
        )
    }

    /// Whether the package carries a responding transaction ID (it answers the peer's).
    pub fn has_responding_id(self) -> bool {
        matches!(
            self,
            PackageType::Response
                | PackageType::ConversationWithPermission
                | PackageType::ConversationWithoutPermission
                | PackageType::Abort
        )
    }

    /// Size of the Transaction ID contents: 0, 4 (one id) or 8 (originating then responding)
    /// octets (T1.114.3 `TransactionID`).
    pub fn transaction_id_len(self) -> usize {
        4 * (usize::from(self.has_originating_id()) + usize::from(self.has_responding_id()))
    }

    /// The permission the sender gives its peer to end the transaction (T1.114.1 permission
    /// semantics): `Some(true)` for the "with permission" packages, `Some(false)` for the
    /// "without permission" ones, `None` where it does not apply.
    pub fn permission(self) -> Option<bool> {
        match self {
            PackageType::QueryWithPermission | PackageType::ConversationWithPermission => {
                Some(true)
            }
            PackageType::QueryWithoutPermission | PackageType::ConversationWithoutPermission => {
                Some(false)
            }
            _ => None,
        }
    }
}

/// P-Abort causes (T1.114.3 `P-Abort-cause`, D7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PAbortCause {
    UnrecognizedPackageType = 1,
    IncorrectTransactionPortion = 2,
    BadlyStructuredTransactionPortion = 3,
    UnassignedRespondingTransactionId = 4,
    PermissionToReleaseProblem = 5,
    ResourceUnavailable = 6,
    UnrecognizedDialoguePortionId = 7,
    BadlyStructuredDialoguePortion = 8,
    MissingDialoguePortion = 9,
    InconsistentDialoguePortion = 10,
}

impl PAbortCause {
    pub fn from_u8(v: u8) -> Option<PAbortCause> {
        use PAbortCause::*;
        Some(match v {
            1 => UnrecognizedPackageType,
            2 => IncorrectTransactionPortion,
            3 => BadlyStructuredTransactionPortion,
            4 => UnassignedRespondingTransactionId,
            5 => PermissionToReleaseProblem,
            6 => ResourceUnavailable,
            7 => UnrecognizedDialoguePortionId,
            8 => BadlyStructuredDialoguePortion,
            9 => MissingDialoguePortion,
            10 => InconsistentDialoguePortion,
            _ => return None,
        })
    }
}

/// A Reject problem code: problem type (octet 1) and specifier (octet 2) (T1.114.3
/// `Problem`, D5; `0x0101` = general / unrecognised component type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Problem {
    pub kind: u8,
    pub code: u8,
}

impl Problem {
    pub const fn new(kind: u8, code: u8) -> Problem {
        Problem { kind, code }
    }
    pub const fn from_u16(v: u16) -> Problem {
        Problem::new((v >> 8) as u8, v as u8)
    }
    pub const fn value(self) -> u16 {
        ((self.kind as u16) << 8) | self.code as u16
    }
    pub const GENERAL_UNRECOGNIZED_COMPONENT_TYPE: Problem = Problem::new(1, 1);
    pub const GENERAL_INCORRECT_COMPONENT_PORTION: Problem = Problem::new(1, 2);
    pub const GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION: Problem = Problem::new(1, 3);
    pub const GENERAL_INCORRECT_COMPONENT_CODING: Problem = Problem::new(1, 4);
    pub const INVOKE_DUPLICATE_INVOCATION: Problem = Problem::new(2, 1);
    pub const INVOKE_UNRECOGNIZED_OPERATION: Problem = Problem::new(2, 2);
    pub const INVOKE_INCORRECT_PARAMETER: Problem = Problem::new(2, 3);
    pub const INVOKE_UNRECOGNIZED_CORRELATION_ID: Problem = Problem::new(2, 4);
    pub const RETURN_RESULT_UNRECOGNIZED_CORRELATION_ID: Problem = Problem::new(3, 1);
    pub const RETURN_RESULT_UNEXPECTED: Problem = Problem::new(3, 2);
    pub const RETURN_RESULT_INCORRECT_PARAMETER: Problem = Problem::new(3, 3);
    pub const RETURN_ERROR_UNRECOGNIZED_CORRELATION_ID: Problem = Problem::new(4, 1);
    pub const RETURN_ERROR_UNEXPECTED: Problem = Problem::new(4, 2);
    pub const RETURN_ERROR_UNRECOGNIZED_ERROR: Problem = Problem::new(4, 3);
    pub const RETURN_ERROR_UNEXPECTED_ERROR: Problem = Problem::new(4, 4);
    pub const RETURN_ERROR_INCORRECT_PARAMETER: Problem = Problem::new(4, 5);
    /// Transaction-portion problems (type 5) are for T1.114-1988 peers only; later ones get
    /// an Abort package instead (T1.114.3 `Problem` comment).
    pub const TRANSACTION_UNRECOGNIZED_PACKAGE_TYPE: Problem = Problem::new(5, 1);
    pub const TRANSACTION_INCORRECT_TRANSACTION_PORTION: Problem = Problem::new(5, 2);
    pub const TRANSACTION_BADLY_STRUCTURED_TRANSACTION_PORTION: Problem = Problem::new(5, 3);
    pub const TRANSACTION_UNASSIGNED_RESPONDING_ID: Problem = Problem::new(5, 4);
    pub const TRANSACTION_PERMISSION_TO_RELEASE: Problem = Problem::new(5, 5);
    pub const TRANSACTION_RESOURCE_UNAVAILABLE: Problem = Problem::new(5, 6);
}

/// An operation code (T1.114.3 `OperationCode`: national D0 / private D1), two octets:
/// operation family (bit 8 = reply required, bits 7–1 = family) and operation specifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpCode {
    National(u16),
    Private(u16),
}

impl OpCode {
    /// The two octets as a number (family << 8 | specifier).
    pub fn value(self) -> u16 {
        match self {
            OpCode::National(v) | OpCode::Private(v) => v,
        }
    }
    pub fn is_private(self) -> bool {
        matches!(self, OpCode::Private(_))
    }
    /// Operation family, without the reply-required bit.
    pub fn family(self) -> u8 {
        (self.value() >> 8) as u8 & 0x7f
    }
    /// Family bit 8: the invoking side requires a reply.
    pub fn reply_required(self) -> bool {
        self.value() & 0x8000 != 0
    }
    pub fn specifier(self) -> u8 {
        self.value() as u8
    }
    fn tag(self) -> Tag {
        if self.is_private() {
            tags::PRIVATE_OPCODE
        } else {
            tags::NATIONAL_OPCODE
        }
    }
}

/// An error code (T1.114.3 `ErrorCode`: national D3 INTEGER (−128..127) / private D4
/// INTEGER), kept as the INTEGER value the ASN.1 defines (`D4 01 81` is −127, `D4 02 00 C8`
/// is 200).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    National(i8),
    Private(i32),
}

/// Application context of the dialogue portion (T1.114.3 `DialoguePortion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationContext<'a> {
    /// `IntegerApplicationContext` (DB).
    Integer(i64),
    /// `ObjectIDApplicationContext` (DC): the encoded OID contents.
    Oid(&'a [u8]),
}

/// Security context of the dialogue portion: `[0]` INTEGER or `[1]` OBJECT IDENTIFIER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityContext<'a> {
    Integer(i64),
    Oid(&'a [u8]),
}

/// Protocol-version bits (T1.114.3 `ProtocolVersion`, one octet, combinable).
pub mod version {
    pub const T1_114_1996: u8 = 0x01;
    pub const T1_114_2000: u8 = 0x02;
    /// What scpd sends: both.
    pub const SUPPORTED: u8 = T1_114_1996 | T1_114_2000;
}

/// The dialogue portion (F9), used both as decode output and encode input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DialoguePortion<'a> {
    /// Protocol version octet (DA).
    pub version: Option<u8>,
    pub application_context: Option<ApplicationContext<'a>>,
    /// Contents of User Information (FD): the encoded EXTERNALs, as received.
    pub user_information: Option<&'a [u8]>,
    pub security_context: Option<SecurityContext<'a>>,
    /// Contents of Confidentiality (A2), as received (opaque to TCAP).
    pub confidentiality: Option<&'a [u8]>,
}

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

    /// The components, in order; each undecodable one is a [`ComponentFault`].
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

/// Find the package type and transaction ID contents of a package that may not decode, so
/// the dialogue layer can address its Abort. Best effort: `None` when even that is unreadable.
pub fn peek_transaction_id(buf: &[u8]) -> Option<(PackageType, &[u8])> {
    let (top, _) = Tlv::parse(buf, 0).ok()?;
    let package = PackageType::from_tag(top.tag)?;
    let tid = top.children().ok()?.next_tlv().ok()??;
    (tid.tag == tags::TRANSACTION_ID).then_some((package, tid.value))
}

fn decode_dialogue(portion: Tlv<'_>) -> Result<DialoguePortion<'_>, AnsiError> {
    let bad = AnsiError::BadlyStructuredDialoguePortion;
    let mut d = DialoguePortion::default();
    let mut r = portion.children().map_err(bad)?;
    let dup = |t: &Tlv<'_>| {
        bad(BerError::new(
            BerErrorKind::Invalid("duplicate dialogue portion member"),
            t.offset,
        ))
    };
    while let Some(t) = r.next_tlv().map_err(bad)? {
        match t.tag {
            x if x == tags::PROTOCOL_VERSION => {
                if d.version.is_some() {
                    return Err(dup(&t));
                }
                let [v] = t.value else {
                    return Err(bad(BerError::new(
                        BerErrorKind::Invalid("protocol version size"),
                        t.value_offset,
                    )));
                };
                if v & version::SUPPORTED == 0 {
                    return Err(AnsiError::UnsupportedProtocolVersion {
                        version: *v,
                        offset: t.value_offset,
                    });
                }
                d.version = Some(*v);
            }
            x if x == tags::INTEGER_APPLICATION_CONTEXT || x == tags::OID_APPLICATION_CONTEXT => {
                if d.application_context.is_some() {
                    return Err(dup(&t));
                }
                d.application_context = Some(if x == tags::OID_APPLICATION_CONTEXT {
                    ApplicationContext::Oid(oid(t).map_err(bad)?)
                } else {
                    ApplicationContext::Integer(t.as_i64().map_err(bad)?)
                });
            }
            x if x == tags::USER_INFORMATION => {
                if d.user_information.is_some() {
                    return Err(dup(&t));
                }
                for e in t.children().map_err(bad)? {
                    e.and_then(|e| e.expect(Tag::EXTERNAL)).map_err(bad)?;
                }
                d.user_information = Some(t.value);
            }
            x if x == tags::INTEGER_SECURITY_ID || x == tags::OID_SECURITY_ID => {
                if d.security_context.is_some() {
                    return Err(dup(&t));
                }
                d.security_context = Some(if x == tags::OID_SECURITY_ID {
                    SecurityContext::Oid(oid(t).map_err(bad)?)
                } else {
                    SecurityContext::Integer(t.as_i64().map_err(bad)?)
                });
            }
            x if x == tags::CONFIDENTIALITY => {
                if d.confidentiality.is_some() {
                    return Err(dup(&t));
                }
                t.children()
                    .map_err(bad)?
                    .try_for_each(|e| e.map(drop))
                    .map_err(bad)?;
                d.confidentiality = Some(t.value);
            }
            // Members a later T1.114 may add are skipped (DESIGN.md: tolerate extensions).
            _ => {}
        }
    }
    Ok(d)
}

fn oid(t: Tlv<'_>) -> Result<&[u8], BerError> {
    if t.value.is_empty() || t.value[t.value.len() - 1] & 0x80 != 0 {
        Err(BerError::new(
            BerErrorKind::Invalid("OBJECT IDENTIFIER"),
            t.value_offset,
        ))
    } else {
        Ok(t.value)
    }
}

/// A component (T1.114.3 `ComponentPDU`), borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsiComponent<'a> {
    /// InvokeLast (E9) / InvokeNotLast (ED).
    Invoke {
        last: bool,
        /// Component IDs octet 1 (absent when the Invoke asks for no reply).
        invoke_id: Option<u8>,
        /// Component IDs octet 2: the Invoke this one is linked to.
        correlation_id: Option<u8>,
        opcode: OpCode,
        /// Parameter set F2, sequence F0 or SEQUENCE 30: the whole element.
        parameter: Option<Tlv<'a>>,
    },
    /// ReturnResultLast (EA) / ReturnResultNotLast (EE).
    ReturnResult {
        last: bool,
        correlation_id: u8,
        parameter: Option<Tlv<'a>>,
    },
    /// ReturnError (EB).
    ReturnError {
        correlation_id: u8,
        error: ErrorCode,
        parameter: Option<Tlv<'a>>,
    },
    /// Reject (EC).
    Reject {
        correlation_id: Option<u8>,
        problem: Problem,
        parameter: Option<Tlv<'a>>,
    },
}

/// A component that could not be decoded: the Reject to send (module table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentFault {
    /// The component ID to put in the Reject, when it could be derived.
    pub correlation_id: Option<u8>,
    pub problem: Problem,
    pub error: BerError,
}

pub struct ComponentIter<'a> {
    r: Reader<'a>,
}

impl<'a> Iterator for ComponentIter<'a> {
    type Item = Result<AnsiComponent<'a>, ComponentFault>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.r.next_tlv() {
            Ok(None) => None,
            Ok(Some(t)) => Some(decode_component(t)),
            Err(error) => {
                self.r = Reader::new(&[]);
                Some(Err(ComponentFault {
                    correlation_id: None,
                    problem: Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION,
                    error,
                }))
            }
        }
    }
}

fn is_parameter(t: &Tlv<'_>) -> bool {
    t.tag.constructed
        && (t.tag.is(tags::PARAMETER_SET)
            || t.tag.is(tags::PARAMETER_SEQUENCE)
            || t.tag.is(Tag::SEQUENCE))
}

/// The optional parameter that ends a component: a parameter set/sequence, then nothing.
fn parameter<'a>(
    next: Option<Tlv<'a>>,
    r: &mut Reader<'a>,
    id: Option<u8>,
    problem: Problem,
) -> Result<Option<Tlv<'a>>, ComponentFault> {
    let fault = |problem, error| ComponentFault {
        correlation_id: id,
        problem,
        error,
    };
    let p = match next {
        None => return Ok(None),
        Some(p) if is_parameter(&p) => p,
        Some(p) => {
            return Err(fault(
                problem,
                BerError::new(BerErrorKind::Invalid("parameter set or sequence"), p.offset),
            ))
        }
    };
    match r.next_tlv() {
        Ok(None) => Ok(Some(p)),
        Ok(Some(x)) => Err(fault(
            Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
            BerError::new(
                BerErrorKind::Invalid("member after the parameter"),
                x.offset,
            ),
        )),
        Err(e) => Err(fault(
            Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION,
            e,
        )),
    }
}

fn raw_parameter<'p>(p: Option<Tlv<'p>>) -> impl FnOnce(&mut Writer<'_>) + 'p {
    move |w: &mut Writer<'_>| {
        if let Some(p) = p {
            w.raw(p.raw)
        }
    }
}

fn decode_component(t: Tlv<'_>) -> Result<AnsiComponent<'_>, ComponentFault> {
    let fault = |correlation_id, problem, error| ComponentFault {
        correlation_id,
        problem,
        error,
    };
    let err = |kind, offset| BerError::new(kind, offset);
    if t.tag.class != Class::Private || !matches!(t.tag.number, 9..=14) {
        return Err(fault(
            None,
            Problem::GENERAL_UNRECOGNIZED_COMPONENT_TYPE,
            err(BerErrorKind::Invalid("component type"), t.offset),
        ));
    }
    let mut r = t
        .children()
        .map_err(|e| fault(None, Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION, e))?;
    let badly = |id, e| fault(id, Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION, e);
    let incorrect = |id, what, offset| {
        fault(
            id,
            Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
            err(BerErrorKind::Invalid(what), offset),
        )
    };
    let coding = |id, what, offset| {
        fault(
            id,
            Problem::GENERAL_INCORRECT_COMPONENT_CODING,
            err(BerErrorKind::Invalid(what), offset),
        )
    };
    let mut next = r.next_tlv().map_err(|e| badly(None, e))?;
    // Component IDs: Invoke 0..2 octets and optional, ReturnResult/ReturnError exactly 1,
    // Reject 0..1.
    let (min, max) = match t.tag.number {
        9 | 13 => (0, 2),
        10 | 11 | 14 => (1, 1),
        _ => (0, 1),
    };
    let ids = match next {
        Some(c) if c.tag == tags::COMPONENT_ID => {
            if !(min..=max).contains(&c.value.len()) {
                return Err(badly(
                    None,
                    err(BerErrorKind::Invalid("component ID size"), c.value_offset),
                ));
            }
            next = r.next_tlv().map_err(|e| badly(None, e))?;
            c.value
        }
        _ if matches!(t.tag.number, 9 | 13) => &[],
        _ => {
            let at = next.map_or(t.value_offset + t.value.len(), |n| n.offset);
            return Err(incorrect(None, "component ID expected", at));
        }
    };
    let first = ids.first().copied();
    let end = t.value_offset + t.value.len();
    match t.tag.number {
        9 | 13 => {
            let op = match next {
                Some(op) if op.tag == tags::NATIONAL_OPCODE || op.tag == tags::PRIVATE_OPCODE => op,
                Some(x) => return Err(incorrect(first, "operation code expected", x.offset)),
                None => return Err(incorrect(first, "operation code missing", end)),
            };
            let v = match op.value {
                [a, b] => u16::from_be_bytes([*a, *b]),
                // One octet: the INTEGER value, sign-extended (`INTEGER (-32768..32767)`).
                [a] => *a as i8 as i16 as u16,
                _ => return Err(coding(first, "operation code size", op.value_offset)),
            };
            let opcode = if op.tag == tags::PRIVATE_OPCODE {
                OpCode::Private(v)
            } else {
                OpCode::National(v)
            };
            let next = r.next_tlv().map_err(|e| badly(first, e))?;
            Ok(AnsiComponent::Invoke {
                last: t.tag.number == 9,
                invoke_id: first,
                correlation_id: ids.get(1).copied(),
                opcode,
                parameter: parameter(next, &mut r, first, Problem::INVOKE_INCORRECT_PARAMETER)?,
            })
        }
        10 | 14 => Ok(AnsiComponent::ReturnResult {
            last: t.tag.number == 10,
            correlation_id: ids[0],
            parameter: parameter(
                next,
                &mut r,
                first,
                Problem::RETURN_RESULT_INCORRECT_PARAMETER,
            )?,
        }),
        11 => {
            let code = match next {
                Some(c) if c.tag.is(tags::NATIONAL_ERROR) || c.tag.is(tags::PRIVATE_ERROR) => c,
                Some(x) => return Err(incorrect(first, "error code expected", x.offset)),
                None => return Err(incorrect(first, "error code missing", end)),
            };
            // Primitive as T1.114.3 codes it; the explicit form `F3/F4 { 02 .. }` that the
            // ASN.1's default tagging implies is accepted too.
            let int = if code.tag.constructed {
                let mut cr = code.children().map_err(|e| badly(first, e))?;
                let i = cr
                    .expect(Tag::INTEGER, "error code INTEGER")
                    .map_err(|e| badly(first, e))?;
                cr.finish().map_err(|e| badly(first, e))?;
                i
            } else {
                code
            };
            let v = int
                .as_i64()
                .map_err(|_| coding(first, "error code size", int.value_offset))?;
            let error = if code.tag.is(tags::NATIONAL_ERROR) {
                ErrorCode::National(
                    i8::try_from(v).map_err(|_| {
                        coding(first, "national error code range", int.value_offset)
                    })?,
                )
            } else {
                ErrorCode::Private(
                    i32::try_from(v)
                        .map_err(|_| coding(first, "private error code range", int.value_offset))?,
                )
            };
            let next = r.next_tlv().map_err(|e| badly(first, e))?;
            Ok(AnsiComponent::ReturnError {
                correlation_id: ids[0],
                error,
                parameter: parameter(
                    next,
                    &mut r,
                    first,
                    Problem::RETURN_ERROR_INCORRECT_PARAMETER,
                )?,
            })
        }
        _ => {
            let p = match next {
                Some(p) if p.tag == tags::PROBLEM => p,
                Some(x) => return Err(incorrect(first, "problem code expected", x.offset)),
                None => return Err(incorrect(first, "problem code missing", end)),
            };
            let problem = match p.value {
                [k, c] => Problem::new(*k, *c),
                _ => return Err(coding(first, "problem code size", p.value_offset)),
            };
            let next = r.next_tlv().map_err(|e| badly(first, e))?;
            Ok(AnsiComponent::Reject {
                correlation_id: first,
                problem,
                parameter: parameter(
                    next,
                    &mut r,
                    first,
                    Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
                )?,
            })
        }
    }
}

impl AnsiComponent<'_> {
    /// Write this component (parameters copied as received).
    pub fn encode(&self, w: &mut Writer<'_>) {
        let raw = raw_parameter;
        match *self {
            AnsiComponent::Invoke {
                last,
                invoke_id,
                correlation_id,
                opcode,
                parameter,
            } => invoke(w, last, invoke_id, correlation_id, opcode, raw(parameter)),
            AnsiComponent::ReturnResult {
                last,
                correlation_id,
                parameter,
            } => return_result(w, last, correlation_id, raw(parameter)),
            AnsiComponent::ReturnError {
                correlation_id,
                error,
                parameter,
            } => return_error(w, correlation_id, error, raw(parameter)),
            AnsiComponent::Reject {
                correlation_id,
                problem,
                parameter,
            } => w.constructed(tags::REJECT, |w| {
                reject_head(w, correlation_id, problem);
                raw_parameter(parameter)(w);
            }),
        }
    }
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

fn encode_dialogue(w: &mut Writer<'_>, d: &DialoguePortion<'_>) {
    w.constructed(tags::DIALOGUE_PORTION, |w| {
        if let Some(v) = d.version {
            w.primitive(tags::PROTOCOL_VERSION, &[v]);
        }
        match d.application_context {
            Some(ApplicationContext::Integer(v)) => w.integer(tags::INTEGER_APPLICATION_CONTEXT, v),
            Some(ApplicationContext::Oid(o)) => w.primitive(tags::OID_APPLICATION_CONTEXT, o),
            None => {}
        }
        if let Some(u) = d.user_information {
            w.constructed(tags::USER_INFORMATION, |w| w.raw(u));
        }
        match d.security_context {
            Some(SecurityContext::Integer(v)) => w.integer(tags::INTEGER_SECURITY_ID, v),
            Some(SecurityContext::Oid(o)) => w.primitive(tags::OID_SECURITY_ID, o),
            None => {}
        }
        if let Some(c) = d.confidentiality {
            w.constructed(tags::CONFIDENTIALITY, |w| w.raw(c));
        }
    });
}

/// Write an InvokeLast/InvokeNotLast. The Component IDs are always written (`CF 00` when
/// there is no invoke ID); a correlation ID needs an invoke ID before it.
pub fn invoke(
    w: &mut Writer<'_>,
    last: bool,
    invoke_id: Option<u8>,
    correlation_id: Option<u8>,
    opcode: OpCode,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    debug_assert!(invoke_id.is_some() || correlation_id.is_none());
    let tag = if last {
        tags::INVOKE_LAST
    } else {
        tags::INVOKE_NOT_LAST
    };
    w.constructed(tag, |w| {
        match (invoke_id, correlation_id) {
            (Some(i), Some(c)) => w.primitive(tags::COMPONENT_ID, &[i, c]),
            (Some(i), None) => w.primitive(tags::COMPONENT_ID, &[i]),
            _ => w.primitive(tags::COMPONENT_ID, &[]),
        }
        // Always the two octets family + specifier (T1.114.3 operation code format).
        w.primitive(opcode.tag(), &opcode.value().to_be_bytes());
        parameter(w);
    });
}

/// Write a ReturnResultLast/NotLast.
pub fn return_result(
    w: &mut Writer<'_>,
    last: bool,
    correlation_id: u8,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    let tag = if last {
        tags::RETURN_RESULT_LAST
    } else {
        tags::RETURN_RESULT_NOT_LAST
    };
    w.constructed(tag, |w| {
        w.primitive(tags::COMPONENT_ID, &[correlation_id]);
        parameter(w);
    });
}

/// Write a ReturnError (error codes as minimal INTEGERs: `D4 01 01`, `D4 02 00 C8`).
pub fn return_error(
    w: &mut Writer<'_>,
    correlation_id: u8,
    error: ErrorCode,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    w.constructed(tags::RETURN_ERROR, |w| {
        w.primitive(tags::COMPONENT_ID, &[correlation_id]);
        match error {
            ErrorCode::National(v) => w.integer(tags::NATIONAL_ERROR, v.into()),
            ErrorCode::Private(v) => w.integer(tags::PRIVATE_ERROR, v.into()),
        }
        parameter(w);
    });
}

fn reject_head(w: &mut Writer<'_>, correlation_id: Option<u8>, problem: Problem) {
    match correlation_id {
        Some(c) => w.primitive(tags::COMPONENT_ID, &[c]),
        None => w.primitive(tags::COMPONENT_ID, &[]),
    }
    w.primitive(tags::PROBLEM, &problem.value().to_be_bytes());
}

/// Write a Reject with the empty parameter sequence `F0 00` (T1.114.3 `Reject`: the
/// parameter is mandatory, paramSequence preferred).
pub fn reject(w: &mut Writer<'_>, correlation_id: Option<u8>, problem: Problem) {
    w.constructed(tags::REJECT, |w| {
        reject_head(w, correlation_id, problem);
        w.constructed(tags::PARAMETER_SEQUENCE, |_| {});
    });
}

/// Write a parameter set (F2) whose members `f` writes.
pub fn parameter_set(w: &mut Writer<'_>, f: impl FnOnce(&mut Writer<'_>)) {
    w.constructed(tags::PARAMETER_SET, f);
}

/// The component ID and problem to answer a component fault with, as a Reject.
pub fn reject_fault(w: &mut Writer<'_>, fault: &ComponentFault) {
    reject(w, fault.correlation_id, fault.problem);
}

/// Hex of an operation code for logs, e.g. `private 6403`.
pub fn opcode_text(op: OpCode) -> String {
    format!(
        "{} {}",
        if op.is_private() {
            "private"
        } else {
            "national"
        },
        ber::hex(&op.value().to_be_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ber::from_hex;

    #[test]
    fn query_with_invoke_round_trips() {
        let mut out = Vec::new();
        encode(
            &mut out,
            PackageType::QueryWithPermission,
            TransactionIds {
                originating: Some([1, 2, 3, 4]),
                responding: None,
            },
            Some(&DialoguePortion {
                version: Some(version::SUPPORTED),
                ..Default::default()
            }),
            |w| {
                invoke(w, true, Some(1), None, OpCode::Private(0x6403), |w| {
                    parameter_set(w, |w| w.primitive(Tag::ctx(15), &[0x03, 0x10, 0x21]))
                })
            },
        );
        assert_eq!(
            ber::hex(&out),
            "e21dc70401020304f903da0103e810e90ecf0101d1026403f2058f03031021"
        );
        let m = AnsiMessage::decode(&out).unwrap();
        assert_eq!(m.package, PackageType::QueryWithPermission);
        assert_eq!(m.ids.originating, Some([1, 2, 3, 4]));
        let c: Vec<_> = m.components().map(Result::unwrap).collect();
        match c[0] {
            AnsiComponent::Invoke {
                last: true,
                invoke_id: Some(1),
                correlation_id: None,
                opcode,
                parameter: Some(p),
            } => {
                assert_eq!(opcode, OpCode::Private(0x6403));
                assert_eq!((opcode.family(), opcode.specifier()), (0x64, 0x03));
                assert_eq!(p.tag, tags::PARAMETER_SET);
            }
            ref c => panic!("{c:?}"),
        }
        let mut again = Vec::new();
        m.encode(&mut again);
        assert_eq!(again, out);
    }

    #[test]
    fn package_faults_map_to_p_abort_causes() {
        let cases: &[(&str, PAbortCause)] = &[
            ("6a03c70100", PAbortCause::UnrecognizedPackageType),
            (
                "e206c70401020304ff",
                PAbortCause::BadlyStructuredTransactionPortion,
            ),
            ("e203c70101", PAbortCause::BadlyStructuredTransactionPortion),
            ("e203d70101", PAbortCause::IncorrectTransactionPortion),
            (
                "e209c70401020304010100",
                PAbortCause::UnrecognizedDialoguePortionId,
            ),
            (
                "e20bc70401020304f903da0201",
                PAbortCause::BadlyStructuredDialoguePortion,
            ),
            (
                "e20ec70401020304f906db0101db0102",
                PAbortCause::BadlyStructuredDialoguePortion,
            ),
            (
                "e20bc70401020304f903da0104",
                PAbortCause::InconsistentDialoguePortion,
            ),
            ("e102c700", PAbortCause::IncorrectTransactionPortion),
        ];
        for (hex, cause) in cases {
            let buf = from_hex(hex).unwrap();
            let e = AnsiMessage::decode(&buf).unwrap_err();
            assert_eq!(e.p_abort_cause(), *cause, "{hex}: {e}");
        }
        let mut out = Vec::new();
        encode_p_abort(&mut out, [1, 2, 3, 4], PAbortCause::ResourceUnavailable);
        assert_eq!(ber::hex(&out), "f609c70401020304d70106");
    }
}
