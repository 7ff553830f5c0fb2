//! Dialled digits without allocation: the BCD/TBCD digit strings of SCCP global titles, ISUP
//! numbers, AddressStrings, IMSIs and AIN digits all decode into this inline buffer.
//!
//! Text form (INTERFACES.md): `0-9`, `*`, `#`, and `a`–`e` for the codes that have no
//! keypad symbol; nature of address and numbering plan travel in their own fields.

use std::fmt;

/// Capacity: GTs, E.164 numbers and IMSIs are far shorter; 48 leaves room for odd vendors.
pub const MAX_DIGITS: usize = 48;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digits {
    buf: [u8; MAX_DIGITS],
    len: u8,
}

impl Default for Digits {
    fn default() -> Self {
        Digits {
            buf: [0; MAX_DIGITS],
            len: 0,
        }
    }
}

/// How a 4-bit code is written in text. Telephony BCD (Q.763, TS 24.008 TBCD) uses 10 = `*`
/// and 11 = `#` in TBCD but 11/12 as code 11/12 in ISUP; callers pick the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// TS 24.008 / TS 29.002 TBCD: 0-9, `*` (10), `#` (11), a (12), b (13), c (14).
    Tbcd,
    /// ITU Q.763 / Q.713 BCD: 0-9, then codes 10–14 written a–e (11 = code 11, 12 = code 12).
    Bcd,
}

impl Alphabet {
    fn symbol(self, nibble: u8) -> Option<u8> {
        match (self, nibble) {
            (_, 0..=9) => Some(b'0' + nibble),
            (Alphabet::Tbcd, 10) => Some(b'*'),
            (Alphabet::Tbcd, 11) => Some(b'#'),
            (Alphabet::Tbcd, 12..=14) => Some(b'a' + nibble - 12),
            (Alphabet::Bcd, 10..=14) => Some(b'a' + nibble - 10),
            _ => None,
        }
    }
    fn nibble(self, symbol: u8) -> Option<u8> {
        match (self, symbol) {
            (_, b'0'..=b'9') => Some(symbol - b'0'),
            (Alphabet::Tbcd, b'*') => Some(10),
            (Alphabet::Tbcd, b'#') => Some(11),
            (Alphabet::Tbcd, b'a'..=b'c') => Some(symbol - b'a' + 12),
            (Alphabet::Bcd, b'a'..=b'e') => Some(symbol - b'a' + 10),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigitsError {
    #[error("more than {MAX_DIGITS} digits")]
    TooLong,
    #[error("character {0:?} is not a digit of this format")]
    BadSymbol(char),
    #[error("nibble {0:#x} is not a digit of this format")]
    BadNibble(u8),
}

impl Digits {
    pub fn as_str(&self) -> &str {
        // Only ASCII symbols are ever stored.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("")
    }
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Parse text, checking each symbol against `alphabet`.
    pub fn parse(text: &str, alphabet: Alphabet) -> Result<Digits, DigitsError> {
        let mut d = Digits::default();
        for c in text.bytes() {
            alphabet
                .nibble(c)
                .ok_or(DigitsError::BadSymbol(char::from(c)))?;
            d.push(c)?;
        }
        Ok(d)
    }

    fn push(&mut self, symbol: u8) -> Result<(), DigitsError> {
        if self.len() == MAX_DIGITS {
            return Err(DigitsError::TooLong);
        }
        self.buf[self.len()] = symbol;
        self.len += 1;
        Ok(())
    }

    /// Decode packed digits, low nibble first. `count` limits the digits taken (odd counts
    /// leave a filler nibble); `None` takes every nibble and stops at a 0xF filler.
    pub fn from_bcd(
        bytes: &[u8],
        count: Option<usize>,
        alphabet: Alphabet,
    ) -> Result<Digits, DigitsError> {
        let mut d = Digits::default();
        let max = count.unwrap_or(bytes.len() * 2);
        for (i, nib) in bytes
            .iter()
            .flat_map(|b| [b & 0x0f, b >> 4])
            .enumerate()
            .take(max)
        {
            if nib == 0x0f && count.is_none() && i + 1 == bytes.len() * 2 {
                break;
            }
            let s = alphabet.symbol(nib).ok_or(DigitsError::BadNibble(nib))?;
            d.push(s)?;
        }
        Ok(d)
    }

    /// Encode packed digits, low nibble first, with `filler` in the high nibble of an odd
    /// last octet (0 for ISUP/SCCP, 0xF for TBCD). Returns whether the count was odd.
    pub fn to_bcd(&self, out: &mut Vec<u8>, alphabet: Alphabet, filler: u8) -> bool {
        let nibs = self.buf[..self.len()]
            .iter()
            .map(|&c| alphabet.nibble(c).unwrap_or(0));
        let mut pending: Option<u8> = None;
        for n in nibs {
            match pending.take() {
                None => pending = Some(n),
                Some(lo) => out.push(lo | (n << 4)),
            }
        }
        if let Some(lo) = pending {
            out.push(lo | (filler << 4));
            true
        } else {
            false
        }
    }
}

impl fmt::Display for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Digits {
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
        let d = Digits::from_bcd(&enc, None, Alphabet::Tbcd).unwrap();
        assert_eq!(d.as_str(), "262011234567890");
        let mut out = Vec::new();
        assert!(d.to_bcd(&mut out, Alphabet::Tbcd, 0xf));
        assert_eq!(out, enc);
    }

    #[test]
    fn bcd_with_count_and_symbols() {
        let d = Digits::from_bcd(&[0x21, 0x03], Some(3), Alphabet::Bcd).unwrap();
        assert_eq!(d.as_str(), "123");
        let d = Digits::from_bcd(&[0xba], None, Alphabet::Tbcd).unwrap();
        assert_eq!(d.as_str(), "*#");
        assert!(Digits::parse("12+3", Alphabet::Bcd).is_err());
        assert!(Digits::parse(&"1".repeat(49), Alphabet::Bcd).is_err());
    }

    proptest::proptest! {
        #[test]
        fn round_trip(s in "[0-9*#a-c]{0,40}") {
            let d = Digits::parse(&s, Alphabet::Tbcd).unwrap();
            let mut out = Vec::new();
            let odd = d.to_bcd(&mut out, Alphabet::Tbcd, 0xf);
            proptest::prop_assert_eq!(odd, s.len() % 2 == 1);
            let back = Digits::from_bcd(&out, Some(s.len()), Alphabet::Tbcd).unwrap();
            proptest::prop_assert_eq!(back.as_str(), s.as_str());
        }
    }
}
