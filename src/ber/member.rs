//! Checks the application codecs share when they read one member of an argument: its form
//! and its size, with the fault at the member's offset.

use super::{BerError, BerErrorKind, Result, Tlv};

/// An invalid-value fault naming `what`.
pub fn invalid(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Invalid(what), offset)
}

/// Contents of a member typed as a string or number: primitive form only.
pub fn prim<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    if t.tag.constructed {
        Err(invalid(what, t.offset))
    } else {
        Ok(t.value)
    }
}

/// Contents of a fixed-size string member.
pub fn fixed<const N: usize>(t: &Tlv<'_>, what: &'static str) -> Result<[u8; N]> {
    prim(t, what)?
        .try_into()
        .map_err(|_| invalid(what, t.value_offset))
}

/// An INTEGER/ENUMERATED (or one-octet) member whose values fit one octet.
pub fn small(t: &Tlv<'_>, what: &'static str) -> Result<u8> {
    prim(t, what)?;
    u8::try_from(t.as_i64()?).map_err(|_| invalid(what, t.value_offset))
}
