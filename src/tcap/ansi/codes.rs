//! ANSI TCAP code values (T1.114.3): package types and their transaction IDs, P-Abort
//! causes, Reject problems, operation codes (family and specifier) and error codes.

use super::tags;
use crate::ber::{self, Class, Tag};

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
    pub(super) fn tag(self) -> Tag {
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
