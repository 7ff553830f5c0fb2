//! TS 29.078 TimeAndTimezone: BCD date and time with a TS 23.040 time zone.

use super::invalid;
use crate::ber::Result;

/// TS 29.078 TimeAndTimezone: 7 octets of swapped BCD date and time (YYYY MM DD hh mm ss)
/// and one octet of time zone in TS 23.040 form (quarter hours from GMT, swapped BCD, sign in
/// bit 4 of the first digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeAndTimezone {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset from GMT in quarter hours (−79..=79).
    pub tz_quarter_hours: i8,
}

impl TimeAndTimezone {
    pub fn decode(value: &[u8], offset: usize) -> Result<TimeAndTimezone> {
        let &[y1, y2, mo, d, h, mi, s, tz] = value else {
            return Err(invalid("TimeAndTimezone length (8 octets)", offset));
        };
        let bcd = |b: u8, i: usize| -> Result<u8> {
            let (lo, hi) = (b & 0x0f, b >> 4);
            if lo > 9 || hi > 9 {
                Err(invalid("TimeAndTimezone BCD digit", offset + i))
            } else {
                Ok(lo * 10 + hi)
            }
        };
        let tz_tens = tz & 0x07;
        let tz_units = tz >> 4;
        if tz_units > 9 {
            return Err(invalid("time zone BCD digit", offset + 7));
        }
        let q = (tz_tens * 10 + tz_units) as i8;
        Ok(TimeAndTimezone {
            year: u16::from(bcd(y1, 0)?) * 100 + u16::from(bcd(y2, 1)?),
            month: bcd(mo, 2)?,
            day: bcd(d, 3)?,
            hour: bcd(h, 4)?,
            minute: bcd(mi, 5)?,
            second: bcd(s, 6)?,
            tz_quarter_hours: if tz & 0x08 != 0 { -q } else { q },
        })
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let bcd = |v: u8| (v / 10 % 10) | ((v % 10) << 4);
        let q = self.tz_quarter_hours.unsigned_abs().min(79);
        let tz = (q / 10) | ((q % 10) << 4) | if self.tz_quarter_hours < 0 { 0x08 } else { 0 };
        out.extend_from_slice(&[
            bcd((self.year / 100 % 100) as u8),
            bcd((self.year % 100) as u8),
            bcd(self.month),
            bcd(self.day),
            bcd(self.hour),
            bcd(self.minute),
            bcd(self.second),
            tz,
        ]);
    }
}
