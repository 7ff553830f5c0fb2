//! AIN parameters in T1.113 ISUP layouts (GR-1299 §6): RedirectionInformation and the
//! cause indicators of BusyCause.

use super::invalid;
use crate::ber::Result;

/// RedirectionInformation (`[44]`, 2 octets, the T1.113 ISUP Redirection Information
/// layout): octet 1 = original redirecting reason (bits 8–5) and redirecting indicator
/// (bits 3–1); octet 2 = redirecting reason (bits 8–5) and redirection counter (bits 3–1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RedirectionInformation {
    pub redirecting_indicator: u8,
    pub original_reason: u8,
    pub counter: u8,
    /// 1 busy, 2 no reply, 3 unconditional, ...
    pub reason: u8,
}

impl RedirectionInformation {
    pub fn decode(v: [u8; 2]) -> RedirectionInformation {
        RedirectionInformation {
            redirecting_indicator: v[0] & 0x07,
            original_reason: v[0] >> 4,
            counter: v[1] & 0x07,
            reason: v[1] >> 4,
        }
    }
    pub fn encode(&self) -> [u8; 2] {
        [
            (self.original_reason & 0x0f) << 4 | (self.redirecting_indicator & 0x07),
            (self.reason & 0x0f) << 4 | (self.counter & 0x07),
        ]
    }
}

/// A Q.850/T1.113 cause indicators value (BusyCause `[14]`, 2–3 octets): coding standard
/// and location, cause value, optional diagnostic octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cause {
    pub coding_standard: u8,
    pub location: u8,
    /// Q.850 cause value (17 user busy, 16 normal clearing, ...).
    pub value: u8,
    pub diagnostic: Option<u8>,
}

impl Cause {
    pub fn decode(v: &[u8], offset: usize) -> Result<Cause> {
        let (o1, o2, diag) = match *v {
            [a, b] => (a, b, None),
            [a, b, c] => (a, b, Some(c)),
            _ => return Err(invalid("cause size", offset)),
        };
        Ok(Cause {
            coding_standard: (o1 >> 5) & 0x03,
            location: o1 & 0x0f,
            value: o2 & 0x7f,
            diagnostic: diag,
        })
    }
    pub fn to_array(&self) -> ([u8; 3], usize) {
        let b = [
            0x80 | (self.coding_standard & 0x03) << 5 | (self.location & 0x0f),
            0x80 | (self.value & 0x7f),
            self.diagnostic.unwrap_or(0),
        ];
        (b, if self.diagnostic.is_some() { 3 } else { 2 })
    }
}
