//! Dialled digits without allocation: ISUP numbers, SCCP global titles, AIN digits,
//! AddressStrings and IMSIs all decode into one inline type, [`Digits`], whose type parameter
//! is the digit format.
//!
//! Text form (INTERFACES.md): `0-9`, plus `*`, `#` and `a`–`e` only where the format allows;
//! nature of address and numbering plan travel in their own fields. The packed formats give
//! `*` and `#` different 4-bit codes, so the format is part of the type and a string can only
//! hold symbols its format can carry: parsing checks, encoding never fails.
//!
//! | nibble | [`Isup`] (Q.763 §3.9, Q.713 §3.4.2.3) | [`Tbcd`] (TS 24.008 §10.5.4.7, TS 29.002) |
//! |--------|---------------------------------------|-------------------------------------------|
//! | 0–9    | `0`–`9`                               | `0`–`9`                                   |
//! | 1010   | `a` (spare)                           | `*`                                       |
//! | 1011   | `*` (code 11)                         | `#`                                       |
//! | 1100   | `#` (code 12)                         | `a`                                       |
//! | 1101   | `d` (spare)                           | `b`                                       |
//! | 1110   | `e` (spare)                           | `c`                                       |
//! | 1111   | ST (end of pulsing): not a digit      | filler / end mark only                    |
//!
//! [`Text`] is the digits of any format as text, for the protocol-neutral service model:
//! [`Digits::text`] copies the inline bytes, [`Digits::convert`] checks them against another
//! format; neither formats or re-parses.

use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;
use std::str::FromStr;

/// Inline capacity: GTs, E.164 numbers and IMSIs are far shorter; 48 leaves room for odd
/// vendors. A format may admit fewer ([`Alphabet::MAX_LEN`]).
pub const MAX_DIGITS: usize = 48;

mod sealed {
    pub trait Sealed {}
}

/// A digit format: which symbols its text holds and how many. Sealed, so that every format's
/// symbols are among [`Text`]'s and fit [`MAX_DIGITS`] ([`Digits::text`] cannot fail).
pub trait Alphabet: sealed::Sealed + Copy + Eq + Hash {
    /// The symbols (lower-case ASCII); for a [`Bcd`] format, indexed by 4-bit code.
    const SYMBOLS: &'static [u8];
    /// The most digits a string of this format holds (at most [`MAX_DIGITS`]).
    const MAX_LEN: usize;
    /// Whether `symbol` is a digit of this format.
    fn admits(symbol: u8) -> bool {
        Self::SYMBOLS.contains(&symbol)
    }
}

/// A format whose digits are 4-bit codes, packed two to an octet, low nibble first. Its
/// [`Alphabet::SYMBOLS`] has at most 15 entries: 1111 is never a digit.
pub trait Bcd: Alphabet {
    /// The 4-bit code of `symbol`.
    fn nibble(symbol: u8) -> Option<u8> {
        Self::SYMBOLS
            .iter()
            .position(|&s| s == symbol)
            .map(|code| code as u8)
    }
    /// The symbol of a 4-bit code.
    fn symbol(nibble: u8) -> Option<u8> {
        Self::SYMBOLS.get(usize::from(nibble)).copied()
    }
}

/// ITU BCD address signals: ISUP numbers (Q.763 §3.9), SCCP global titles (Q.713 §3.4.2.3)
/// and AIN digits (GR-1299), the same coding. Code 11 is `*` and code 12 `#`; the spare codes
/// are `a`, `d`, `e`. ST (1111) is not a digit: ISUP keeps it as a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Isup {}

impl sealed::Sealed for Isup {}
impl Alphabet for Isup {
    const SYMBOLS: &'static [u8] = b"0123456789a*#de";
    const MAX_LEN: usize = MAX_DIGITS;
}
impl Bcd for Isup {}

/// TBCD (TS 29.002 TBCD-STRING, TS 24.008 §10.5.4.7 BCD numbers): `*` 1010, `#` 1011, then
/// `a`, `b`, `c`; 1111 is the filler of an odd-length string. At most 40 digits: 20 octets,
/// the AddressString bound (TS 29.002 maxAddressLength).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tbcd {}

impl sealed::Sealed for Tbcd {}
impl Alphabet for Tbcd {
    const SYMBOLS: &'static [u8] = b"0123456789*#abc";
    const MAX_LEN: usize = 40;
}
impl Bcd for Tbcd {}

/// Digits of any format as text (`0-9`, `*`, `#`, `a`–`e`): the service model's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Text {}

impl sealed::Sealed for Text {}
impl Alphabet for Text {
    const SYMBOLS: &'static [u8] = b"0123456789*#abcde";
    const MAX_LEN: usize = MAX_DIGITS;
}

// What the traits promise: 1111 is never a digit, every format fits the buffer.
const _: () = assert!(Isup::SYMBOLS.len() < 16 && Tbcd::SYMBOLS.len() < 16);
const _: () = assert!(Isup::MAX_LEN <= MAX_DIGITS && Tbcd::MAX_LEN <= MAX_DIGITS);
// [`Digits::fill_bcd`]'s fast path: both packed formats code 0–9 as the digits themselves.
const _: () = assert!(
    matches!(
        Isup::SYMBOLS,
        [
            b'0',
            b'1',
            b'2',
            b'3',
            b'4',
            b'5',
            b'6',
            b'7',
            b'8',
            b'9',
            ..
        ]
    ) && matches!(
        Tbcd::SYMBOLS,
        [
            b'0',
            b'1',
            b'2',
            b'3',
            b'4',
            b'5',
            b'6',
            b'7',
            b'8',
            b'9',
            ..
        ]
    )
);

/// Why a digit string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DigitsError {
    #[error("more digits than the format holds")]
    TooLong,
    #[error("character {0:?} is not a digit of this format")]
    BadSymbol(char),
    #[error("nibble {0:#x} is not a digit of this format")]
    BadNibble(u8),
    #[error("digit after the 1111 filler")]
    AfterFiller,
}

/// A packed digit string that does not decode: why, and the octet (from 0) where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{error} (octet {octet})")]
pub struct BcdError {
    pub octet: usize,
    pub error: DigitsError,
}

/// Up to [`MAX_DIGITS`] digits of format `A`, stored inline as their text symbols.
///
/// Word-aligned so that moving one (decoders return them through `Result`s) copies whole
/// aligned words: with byte alignment the 49 octets moved in overlapping odd-sized pieces that
/// stalled store forwarding, the largest cost of decoding an InitialDP.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, align(8))]
pub struct Digits<A: Alphabet = Text> {
    /// Lower-case ASCII symbols that `A` admits; zero past `len`.
    buf: [u8; MAX_DIGITS],
    len: u8,
    format: PhantomData<A>,
}

impl<A: Alphabet> Digits<A> {
    /// The empty string.
    pub const EMPTY: Self = Digits {
        buf: [0; MAX_DIGITS],
        len: 0,
        format: PhantomData,
    };

    pub fn as_str(&self) -> &str {
        // Only ASCII symbols are ever stored.
        std::str::from_utf8(&self.buf[..self.len()]).unwrap_or("")
    }
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The same digits as format-free text (a copy of the inline bytes).
    pub fn text(self) -> Digits<Text> {
        Digits {
            buf: self.buf,
            len: self.len,
            format: PhantomData,
        }
    }

    /// The same symbols as digits of format `B`, if `B` can carry them all.
    pub fn convert<B: Alphabet>(self) -> Result<Digits<B>, DigitsError> {
        Digits::from_symbols(self.as_str().chars())
    }

    /// Digits from text symbols, upper case accepted, each checked against `A`.
    fn from_symbols(symbols: impl Iterator<Item = char>) -> Result<Self, DigitsError> {
        let mut d = Self::EMPTY;
        for c in symbols {
            let s = u8::try_from(c)
                .map(|b| b.to_ascii_lowercase())
                .ok()
                .filter(|&b| A::admits(b))
                .ok_or(DigitsError::BadSymbol(c))?;
            d.push(s)?;
        }
        Ok(d)
    }

    fn push(&mut self, symbol: u8) -> Result<(), DigitsError> {
        if self.len() >= A::MAX_LEN {
            return Err(DigitsError::TooLong);
        }
        self.buf[self.len()] = symbol;
        self.len += 1;
        Ok(())
    }
}

impl<A: Bcd> Digits<A> {
    /// The 4-bit code of each digit, in order.
    pub fn nibbles(&self) -> impl Iterator<Item = u8> + '_ {
        self.buf[..self.len()]
            .iter()
            .map(|&s| A::nibble(s).unwrap_or(0))
    }

    /// Decode packed digits, low nibble first. `Some(count)`: the first `count` nibbles are
    /// the digits (an odd count leaves a filler, which is not looked at). `None`: the digits
    /// run to a 1111 filler and every nibble after it must be 1111 too (TBCD).
    pub fn from_bcd(bytes: &[u8], count: Option<usize>) -> Result<Self, BcdError> {
        let mut d = Self::EMPTY;
        d.fill_bcd(bytes, count)?;
        Ok(d)
    }

    /// [`Digits::from_bcd`] into `self` (which must be empty), so that a decoder can unpack
    /// straight into the number it returns instead of moving the buffer through a `Result`.
    pub(crate) fn fill_bcd(&mut self, bytes: &[u8], count: Option<usize>) -> Result<(), BcdError> {
        let total = bytes.len() * 2;
        let limit = count.map_or(total, |c| c.min(total));
        // Fast path, up to four octets (eight digits) at a time, while they are decimal
        // (both formats code 0–9 as themselves): spread the nibbles to one per byte, low
        // nibble first, check them, add '0'. Anything else (a filler, `*`, `#`, too many
        // digits) is left to the nibble loop below, which reports errors exactly.
        let fast_limit = match (count, bytes.last()) {
            // The usual odd-length TBCD string: its last nibble is the 1111 filler.
            (None, Some(&last)) if last >> 4 == 0x0f => total - 1,
            _ => limit,
        };
        let mut i = 0;
        while i < fast_limit && i + 8 <= MAX_DIGITS {
            let k = (fast_limit - i).min(8);
            if i + k > A::MAX_LEN {
                break;
            }
            let w = match bytes.get(i / 2..i / 2 + 4) {
                Some(&[b0, b1, b2, b3]) => u32::from_le_bytes([b0, b1, b2, b3]),
                _ => bytes[i / 2..]
                    .iter()
                    .rev()
                    .fold(0, |w, &b| (w << 8) | u32::from(b)),
            };
            let mut x = u64::from(w);
            x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
            x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
            x = (x & 0x000f_000f_000f_000f) | ((x & 0x00f0_00f0_00f0_00f0) << 4);
            let mask = u64::MAX >> (64 - 8 * k);
            // A nibble of 10 or more carries into its byte's high half when 6 is added.
            if (x + 0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0 & mask != 0 {
                break;
            }
            // Bytes past the digits stay zero (the buffer's invariant).
            let text = (x | 0x3030_3030_3030_3030) & mask;
            self.buf[i..i + 8].copy_from_slice(&text.to_le_bytes());
            i += k;
        }
        let mut len = i;
        while i < limit {
            let b = bytes[i / 2];
            let n = if i % 2 == 0 { b & 0x0f } else { b >> 4 };
            let Some(&s) = A::SYMBOLS.get(usize::from(n)) else {
                if n == 0x0f && count.is_none() {
                    // TBCD filler: every later nibble must be 1111 too.
                    for j in i + 1..total {
                        if (bytes[j / 2] >> (4 * (j % 2))) & 0x0f != 0x0f {
                            return Err(BcdError {
                                octet: j / 2,
                                error: DigitsError::AfterFiller,
                            });
                        }
                    }
                    break;
                }
                return Err(BcdError {
                    octet: i / 2,
                    error: DigitsError::BadNibble(n),
                });
            };
            if len >= A::MAX_LEN {
                return Err(BcdError {
                    octet: i / 2,
                    error: DigitsError::TooLong,
                });
            }
            self.buf[len] = s;
            len += 1;
            i += 1;
        }
        self.len = len as u8;
        Ok(())
    }

    /// Append packed digits, low nibble first, with `filler` in the high nibble of an odd
    /// last octet (0 for ISUP, SCCP and AIN; 1111 for TBCD). Returns whether the count was odd.
    pub fn to_bcd(&self, out: &mut Vec<u8>, filler: u8) -> bool {
        let mut it = self.nibbles();
        while let Some(lo) = it.next() {
            let hi = it.next().unwrap_or(filler & 0x0f);
            out.push(lo | (hi << 4));
        }
        self.len() % 2 == 1
    }

    /// Octets the packed digits take.
    pub fn encoded_len(&self) -> usize {
        self.len().div_ceil(2)
    }
}

impl<A: Alphabet> Default for Digits<A> {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl<A: Alphabet> FromStr for Digits<A> {
    type Err = DigitsError;
    fn from_str(s: &str) -> Result<Self, DigitsError> {
        Self::from_symbols(s.chars())
    }
}

impl From<Digits<Isup>> for Digits<Text> {
    fn from(d: Digits<Isup>) -> Self {
        d.text()
    }
}

impl From<Digits<Tbcd>> for Digits<Text> {
    fn from(d: Digits<Tbcd>) -> Self {
        d.text()
    }
}

impl<A: Alphabet> fmt::Display for Digits<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<A: Alphabet> fmt::Debug for Digits<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tbcd_imsi_with_filler() {
        // IMSI 262011234567890 (15 digits) → 62 02 11 32 54 76 98 f0.
        let enc = [0x62, 0x02, 0x11, 0x32, 0x54, 0x76, 0x98, 0xf0];
        let d = Digits::<Tbcd>::from_bcd(&enc, None).unwrap();
        assert_eq!(d.as_str(), "262011234567890");
        let mut out = Vec::new();
        assert!(d.to_bcd(&mut out, 0xf));
        assert_eq!(out, enc);
    }

    #[test]
    fn bcd_with_count_and_symbols() {
        let d = Digits::<Isup>::from_bcd(&[0x21, 0x03], Some(3)).unwrap();
        assert_eq!(d.as_str(), "123");
        let d = Digits::<Tbcd>::from_bcd(&[0xba], None).unwrap();
        assert_eq!(d.as_str(), "*#");
        assert!("12+3".parse::<Digits<Isup>>().is_err());
        assert!("1".repeat(49).parse::<Digits<Isup>>().is_err());
    }

    #[test]
    fn formats_code_star_and_hash_differently() {
        let isup: Digits<Isup> = "*#ade".parse().unwrap();
        assert_eq!(
            isup.nibbles().collect::<Vec<_>>(),
            [0xb, 0xc, 0xa, 0xd, 0xe]
        );
        let tbcd: Digits<Tbcd> = "*#ABC".parse().unwrap();
        assert_eq!(tbcd.as_str(), "*#abc");
        assert_eq!(
            tbcd.nibbles().collect::<Vec<_>>(),
            [0xa, 0xb, 0xc, 0xd, 0xe]
        );
        assert_eq!(
            "b".parse::<Digits<Isup>>(),
            Err(DigitsError::BadSymbol('b'))
        );
        assert_eq!(
            Digits::<Isup>::from_bcd(&[0xf1], Some(2)),
            Err(BcdError {
                octet: 0,
                error: DigitsError::BadNibble(0xf)
            })
        );
        assert_eq!(
            Digits::<Tbcd>::from_bcd(&[0x21, 0xff, 0x1f], None).unwrap_err(),
            BcdError {
                octet: 2,
                error: DigitsError::AfterFiller
            }
        );
        assert_eq!(
            "1".repeat(41).parse::<Digits<Tbcd>>(),
            Err(DigitsError::TooLong)
        );
    }

    #[test]
    fn text_and_convert_keep_the_symbols() {
        let isup: Digits<Isup> = "12*#".parse().unwrap();
        let text: Digits = isup.text();
        assert_eq!(text.as_str(), "12*#");
        assert_eq!(Digits::from(isup), text);
        let tbcd: Digits<Tbcd> = text.convert().unwrap();
        assert_eq!(tbcd.nibbles().collect::<Vec<_>>(), [1, 2, 0xa, 0xb]);
        assert_eq!(
            "12b".parse::<Digits>().unwrap().convert::<Isup>(),
            Err(DigitsError::BadSymbol('b'))
        );
        assert_eq!(
            "1".repeat(48).parse::<Digits>().unwrap().convert::<Tbcd>(),
            Err(DigitsError::TooLong)
        );
        assert!("12f".parse::<Digits>().is_err());
    }

    #[test]
    fn text_holds_every_format() {
        // What makes text() infallible.
        for &s in Isup::SYMBOLS.iter().chain(Tbcd::SYMBOLS) {
            assert!(Text::admits(s), "{}", char::from(s));
        }
        assert_eq!((Isup::symbol(0xf), Tbcd::symbol(0xf)), (None, None));
    }

    proptest::proptest! {
        #[test]
        fn round_trip(s in "[0-9*#a-c]{0,40}") {
            let d: Digits<Tbcd> = s.parse().unwrap();
            let mut out = Vec::new();
            let odd = d.to_bcd(&mut out, 0xf);
            proptest::prop_assert_eq!(odd, s.len() % 2 == 1);
            let back = Digits::<Tbcd>::from_bcd(&out, Some(s.len())).unwrap();
            proptest::prop_assert_eq!(back.as_str(), s.as_str());
        }

        #[test]
        fn isup_round_trip(s in "[0-9*#ade]{0,48}", filler in proptest::prop_oneof![proptest::strategy::Just(0u8), proptest::strategy::Just(0xf)]) {
            let d: Digits<Isup> = s.parse().unwrap();
            let mut out = Vec::new();
            d.to_bcd(&mut out, filler);
            proptest::prop_assert_eq!(Digits::<Isup>::from_bcd(&out, Some(s.len())).unwrap(), d);
            proptest::prop_assert_eq!(d.text().convert::<Isup>().unwrap(), d);
        }
    }
}
