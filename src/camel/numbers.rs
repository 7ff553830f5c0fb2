//! Number and identity formats carried inside CAP parameters, decoded to their fields and
//! encoded back (see `asn1/CAP-subset.asn` for where each one appears).
//!
//! - [`IsupNumber`]: ITU-T Q.763 §3.9 Called Party Number, §3.10 Calling Party Number, §3.30
//!   Location Number, §3.39 Original Called Number, §3.44 Redirecting Number (the layout is
//!   the same; only the meaning of the second octet's bits differs), and [`GenericNumber`]
//!   (§3.26, a number-qualifier octet in front of the same layout).
//! - [`AddressString`]: TS 29.002 AddressString / ISDN-AddressString and the TS 24.008
//!   §10.5.4.7 CalledPartyBCDNumber value (both: ext / type-of-number / plan octet + TBCD).
//! - [`TbcdDigits`]: TBCD strings (IMSI, IMEI, the digits of an [`AddressString`]).
//! - [`CellIdOrLai`]: TS 29.002 CellGlobalIdOrServiceAreaIdFixedLength (7 octets) and
//!   LAIFixedLength (5 octets).
//! - [`Cause`]: Q.850 cause (ReleaseCall's argument, event-specific causes).
//! - [`TimeAndTimezone`]: TS 29.078 TimeAndTimezone (BCD date/time + TS 23.040 time zone).
//!
//! Digits are kept inline (no allocation) in [`crate::digits::Digits`], typed by format:
//! [`IsupDigits`] (Q.763 §3.9 signals, `*` = code 11, `#` = code 12; ST is
//! [`IsupNumber::st`], not a digit) and [`TbcdDigits`] (TS 24.008 §10.5.4.7 / TS 29.002 TBCD,
//! `*` = 1010, `#` = 1011). Each admits only what its format can carry, so encoding never
//! fails; the nibble table is in [`crate::digits`].
//!
//! One submodule per format, each re-exported here: `isup` (ISUP and generic numbers),
//! `address` (TBCD strings and AddressString), `location` (PLMN, cell id / LAI), `cause`,
//! `time` (TimeAndTimezone), `redirection` (RedirectionInformation) and `bearer`
//! (BearerCapability).

mod address;
mod bearer;
mod cause;
mod isup;
mod location;
mod redirection;
mod time;

pub use address::{AddressString, CalledPartyBcdNumber};
pub use bearer::{transfer_capability, BearerCapability};
pub use cause::{cause_value, Cause};
pub use isup::{nature, GenericNumber, IsupNumber, PLAN_ISDN};
pub use location::{CellIdOrLai, Plmn};
pub use redirection::RedirectionInformation;
pub use time::TimeAndTimezone;

use crate::digits::{Digits, Isup, Tbcd};

/// Address signals of an ISUP number (Q.763 §3.9).
pub type IsupDigits = Digits<Isup>;

/// TBCD digits (TS 29.002 TBCD-STRING, TS 24.008 BCD numbers); 1111 is the filler of an
/// odd-length string.
pub type TbcdDigits = Digits<Tbcd>;

use crate::ber::invalid;

/// The bits of a BER BIT STRING's contents (X.690 §8.6: unused-bits octet, then bits from
/// the most significant), as a bit mask with bit 0 = the first named bit (e.g.
/// SupportedCamelPhases: bit 0 phase 1, ..., bit 3 phase 4). `None` if malformed or longer
/// than 32 bits.
pub fn bit_string_bits(contents: &[u8]) -> Option<u32> {
    let [unused, bits @ ..] = contents else {
        return None;
    };
    if *unused > 7 || bits.len() > 4 || (bits.is_empty() && *unused != 0) {
        return None;
    }
    let mut mask = 0u32;
    for (i, b) in bits.iter().enumerate() {
        for j in 0..8 {
            if b & (0x80 >> j) != 0 {
                mask |= 1 << (i * 8 + j);
            }
        }
    }
    Some(mask)
}

#[cfg(test)]
pub(crate) mod tests;
