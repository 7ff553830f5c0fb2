//! The Q.850 cause (ISUP Cause indicators, Q.763 §3.12): CAP `Cause`, carried by
//! ReleaseCall and the event-specific information of EventReportBCSM (TS 29.078).

use super::invalid;
use crate::ber::Result;

/// A Q.850 cause (ISUP Cause indicators, Q.763 §3.12): CAP `Cause`.
///
/// Octet 1: ext, coding standard (bits 7–6), spare, location (bits 4–1); optional octet 1a
/// (recommendation) when octet 1's ext bit is 0; octet 2: ext, cause value (bits 7–1);
/// then diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cause<'a> {
    /// 0 ITU-T, 1 ISO/IEC, 2 national, 3 specific to the location.
    pub coding_standard: u8,
    /// 0 user, 1 private network serving the local user, 2 public network serving the
    /// local user, 3 transit network, 4 public network serving the remote user, 5 private
    /// network serving the remote user, 7 international network, 10 beyond interworking.
    pub location: u8,
    /// Octet 1a, present only in some national variants.
    pub recommendation: Option<u8>,
    /// Cause value (7 bits): 16 normal clearing, 17 user busy, 19 no answer, 31 normal
    /// unspecified, ...
    pub value: u8,
    /// Diagnostics octets as received.
    pub diagnostics: &'a [u8],
}

/// Q.850 cause values used by the service layer.
pub mod cause_value {
    pub const UNALLOCATED_NUMBER: u8 = 1;
    pub const NORMAL_CLEARING: u8 = 16;
    pub const USER_BUSY: u8 = 17;
    pub const NO_USER_RESPONDING: u8 = 18;
    pub const NO_ANSWER: u8 = 19;
    pub const CALL_REJECTED: u8 = 21;
    pub const NORMAL_UNSPECIFIED: u8 = 31;
}

impl Cause<'static> {
    /// ITU-T coding, the given location and value, no diagnostics.
    pub const fn new(location: u8, value: u8) -> Cause<'static> {
        Cause {
            coding_standard: 0,
            location,
            recommendation: None,
            value,
            diagnostics: &[],
        }
    }
}

impl<'a> Cause<'a> {
    pub fn decode(value: &'a [u8], offset: usize) -> Result<Cause<'a>> {
        let [o1, rest @ ..] = value else {
            return Err(invalid("Cause empty", offset));
        };
        let (recommendation, rest) = if o1 & 0x80 == 0 {
            match rest {
                [r, tail @ ..] => (Some(r & 0x7f), tail),
                [] => return Err(invalid("Cause truncated", offset)),
            }
        } else {
            (None, rest)
        };
        let [v, diagnostics @ ..] = rest else {
            return Err(invalid("Cause without cause value", offset));
        };
        Ok(Cause {
            coding_standard: (o1 >> 5) & 0x03,
            location: o1 & 0x0f,
            recommendation,
            value: v & 0x7f,
            diagnostics,
        })
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let head = ((self.coding_standard & 0x03) << 5) | (self.location & 0x0f);
        match self.recommendation {
            Some(r) => {
                out.push(head);
                out.push(0x80 | (r & 0x7f));
            }
            None => out.push(0x80 | head),
        }
        out.push(0x80 | (self.value & 0x7f));
        out.extend_from_slice(self.diagnostics);
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(2 + self.diagnostics.len());
        self.encode_into(&mut v);
        v
    }
}
