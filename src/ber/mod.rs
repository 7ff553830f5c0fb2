//! BER (X.690) TLV layer: a zero-copy reader and a definite-length writer.
//!
//! Why our own (DESIGN.md, "Why our own BER"): TCAP, CAP and AIN are extensible SEQUENCE/SET
//! types that real switches fill with vendor and newer-release members. Decoders here walk
//! TLVs borrowed from the received buffer, accept definite and indefinite lengths (X.690
//! §8.1.3), multi-byte tags (§8.1.2.4), skip members they do not know, and report what is
//! truly malformed with the absolute offset of the fault. The writer emits canonical
//! definite-length encodings (X.690 §10.1, DER-style minimal lengths).

mod member;
mod reader;
mod text;
mod writer;

pub use member::{fixed, invalid, prim, small};
pub use reader::{Reader, Tlv};
pub use text::{from_hex, hex, oid_to_string};
pub use writer::Writer;

use std::fmt;

/// Tag class (X.690 §8.1.2.2, bits 8–7 of the identifier octet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Universal = 0,
    Application = 1,
    Context = 2,
    Private = 3,
}

/// An identifier: class, primitive/constructed and tag number.
///
/// `repr(C, align(8))`: one aligned word, so that a [`Tlv`] (and the `Result`/`Option`
/// around it) is copied as whole words; the default layout let the compiler copy it in
/// overlapping unaligned pieces, which stalled store forwarding on every element decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, align(8))]
pub struct Tag {
    pub class: Class,
    pub constructed: bool,
    pub number: u32,
}

impl Tag {
    pub const fn new(class: Class, constructed: bool, number: u32) -> Tag {
        Tag {
            class,
            constructed,
            number,
        }
    }
    /// The tag of a one-octet identifier (number below 31, X.690 §8.1.2.3).
    #[inline(always)]
    const fn from_short(id: u8) -> Tag {
        Tag {
            class: match id >> 6 {
                0 => Class::Universal,
                1 => Class::Application,
                2 => Class::Context,
                _ => Class::Private,
            },
            constructed: id & 0x20 != 0,
            number: (id & 0x1f) as u32,
        }
    }
    /// `[n] IMPLICIT` primitive.
    pub const fn ctx(number: u32) -> Tag {
        Tag::new(Class::Context, false, number)
    }
    /// `[n]` constructed (SEQUENCE, SET, CHOICE or explicit tagging).
    pub const fn ctx_cons(number: u32) -> Tag {
        Tag::new(Class::Context, true, number)
    }
    pub const fn app(number: u32, constructed: bool) -> Tag {
        Tag::new(Class::Application, constructed, number)
    }
    pub const fn private(number: u32, constructed: bool) -> Tag {
        Tag::new(Class::Private, constructed, number)
    }
    pub const fn universal(number: u32, constructed: bool) -> Tag {
        Tag::new(Class::Universal, constructed, number)
    }
    pub const BOOLEAN: Tag = Tag::universal(1, false);
    pub const INTEGER: Tag = Tag::universal(2, false);
    pub const OCTET_STRING: Tag = Tag::universal(4, false);
    pub const NULL: Tag = Tag::universal(5, false);
    pub const OID: Tag = Tag::universal(6, false);
    pub const EXTERNAL: Tag = Tag::universal(8, true);
    pub const ENUMERATED: Tag = Tag::universal(10, false);
    pub const SEQUENCE: Tag = Tag::universal(16, true);
    pub const SET: Tag = Tag::universal(17, true);

    /// Same class and number, whatever the primitive/constructed bit. BER lets a sender use
    /// the constructed form of string types (X.690 §8.7.1); callers that care check the bit.
    #[inline]
    pub fn is(self, other: Tag) -> bool {
        self.class == other.class && self.number == other.number
    }

    /// Number of octets the identifier takes on the wire.
    pub fn encoded_len(self) -> usize {
        if self.number < 31 {
            1
        } else {
            1 + (32 - self.number.leading_zeros()).div_ceil(7) as usize
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = match self.class {
            Class::Universal => "UNIVERSAL ",
            Class::Application => "APPLICATION ",
            Class::Context => "",
            Class::Private => "PRIVATE ",
        };
        write!(
            f,
            "[{c}{}]{}",
            self.number,
            if self.constructed { " cons" } else { "" }
        )
    }
}

/// What went wrong, without the position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BerErrorKind {
    #[error("truncated: need {need} more octet(s)")]
    Truncated { need: usize },
    #[error("length field longer than 4 octets or reserved form 0xFF")]
    BadLengthForm,
    #[error("indefinite length on a primitive encoding")]
    IndefinitePrimitive,
    #[error("indefinite length without end-of-contents")]
    MissingEoc,
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    #[error("tag number does not fit in 32 bits")]
    TagOverflow,
    #[error("expected {expected}, found {found}")]
    UnexpectedTag { expected: Tag, found: Tag },
    #[error("mandatory member {0} missing")]
    Missing(&'static str),
    #[error("invalid {0}")]
    Invalid(&'static str),
    #[error("{0} trailing octet(s) after the last element")]
    Trailing(usize),
}

/// A decode fault with the absolute offset (from the start of the buffer given to the
/// outermost reader) where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at offset {offset}")]
pub struct BerError {
    pub kind: BerErrorKind,
    pub offset: usize,
}

impl BerError {
    pub fn new(kind: BerErrorKind, offset: usize) -> BerError {
        BerError { kind, offset }
    }
}

pub type Result<T> = std::result::Result<T, BerError>;

/// A member of a received argument that did not decode, kept as it came: lenient in, an
/// optional member's fault costs that member, not the call (a Reject would send the call
/// to default handling and the data-session server would never hear of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed<'a> {
    /// The member's ASN.1 name, with its parents' where nested
    /// (`locationInformation.cellGlobalIdOrServiceAreaIdOrLAI`).
    pub member: &'static str,
    /// Its whole encoding, identifier to end.
    pub raw: &'a [u8],
    /// Why it did not decode.
    pub fault: BerError,
}

/// The malformed members of one argument: seldom any, and an empty `Vec` does not
/// allocate (a `SmallVec` would make the decoded argument invariant in its lifetime).
pub type MalformedMembers<'a> = Vec<Malformed<'a>>;

/// Decode strictly with a lenient decoder: what `decode` made of the input, unless it noted
/// a member malformed, whose fault (through `fault`) then fails the whole. Every codec's
/// strict decode is its lenient one and this.
pub fn strictly<'a, T, E>(
    decode: impl FnOnce(&mut MalformedMembers<'a>) -> std::result::Result<T, E>,
    fault: impl FnOnce(BerError) -> E,
) -> std::result::Result<T, E> {
    let mut notes = MalformedMembers::new();
    let v = decode(&mut notes)?;
    match notes.into_iter().next() {
        Some(m) => Err(fault(m.fault)),
        None => Ok(v),
    }
}

/// Nesting limit: far above anything TCAP/CAP/AIN use (about 12), low enough that hostile
/// input cannot exhaust the stack while scanning indefinite lengths.
pub const MAX_DEPTH: usize = 32;

#[cfg(test)]
mod tests;
