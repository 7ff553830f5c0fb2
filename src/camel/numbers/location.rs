//! Location identities (TS 29.002 CellGlobalIdOrServiceAreaIdFixedLength, LAIFixedLength)
//! and the TS 24.008 PLMN identity inside them, as CAP's LocationInformation carries them.

use super::invalid;
use crate::ber::Result;
use std::fmt;

/// A PLMN identity (MCC + MNC) in the 3-octet TS 24.008 layout used by CGI/LAI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Plmn {
    /// Mobile country code, 0–999.
    pub mcc: u16,
    /// Mobile network code, 0–999.
    pub mnc: u16,
    /// MNC written with 3 digits (`false`: 2 digits, encoded with a 1111 filler).
    pub mnc_3_digits: bool,
}

impl Plmn {
    fn decode(v: &[u8; 3], offset: usize) -> Result<Plmn> {
        let d = [
            v[0] & 0x0f,
            v[0] >> 4,
            v[1] & 0x0f,
            v[1] >> 4,
            v[2] & 0x0f,
            v[2] >> 4,
        ];
        // d: MCC1 MCC2 MCC3 MNC3 MNC1 MNC2
        let digit = |n: u8| -> Result<u16> {
            if n <= 9 {
                Ok(u16::from(n))
            } else {
                Err(invalid("PLMN identity digit", offset))
            }
        };
        let mcc = digit(d[0])? * 100 + digit(d[1])? * 10 + digit(d[2])?;
        let mnc12 = digit(d[4])? * 10 + digit(d[5])?;
        let (mnc, mnc_3_digits) = if d[3] == 0xf {
            (mnc12, false)
        } else {
            (mnc12 * 10 + digit(d[3])?, true)
        };
        Ok(Plmn {
            mcc,
            mnc,
            mnc_3_digits,
        })
    }

    fn encode(&self) -> [u8; 3] {
        let mcc = [self.mcc / 100 % 10, self.mcc / 10 % 10, self.mcc % 10].map(|x| x as u8);
        let (m1, m2, m3) = if self.mnc_3_digits {
            (self.mnc / 100 % 10, self.mnc / 10 % 10, self.mnc % 10)
        } else {
            (self.mnc / 10 % 10, self.mnc % 10, 0xf)
        };
        [
            mcc[0] | (mcc[1] << 4),
            mcc[2] | ((m3 as u8) << 4),
            (m1 as u8) | ((m2 as u8) << 4),
        ]
    }
}

impl fmt::Display for Plmn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mnc_3_digits {
            write!(f, "{:03}-{:03}", self.mcc, self.mnc)
        } else {
            write!(f, "{:03}-{:02}", self.mcc, self.mnc)
        }
    }
}

/// TS 29.002 CellGlobalIdOrServiceAreaIdOrLAI contents: a 7-octet cell global identity or
/// service area identity (MCC, MNC, LAC, CI/SAC) or a 5-octet location area identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellIdOrLai {
    /// CellGlobalIdOrServiceAreaIdFixedLength. `ci` is the service area code when the
    /// containing LocationInformation has sai-Present.
    CellId { plmn: Plmn, lac: u16, ci: u16 },
    /// LAIFixedLength.
    Lai { plmn: Plmn, lac: u16 },
}

impl CellIdOrLai {
    /// Decode 7 octets (CGI/SAI) or 5 octets (LAI).
    pub fn decode(value: &[u8], offset: usize) -> Result<CellIdOrLai> {
        match value {
            [a, b, c, l1, l2, c1, c2] => Ok(CellIdOrLai::CellId {
                plmn: Plmn::decode(&[*a, *b, *c], offset)?,
                lac: u16::from_be_bytes([*l1, *l2]),
                ci: u16::from_be_bytes([*c1, *c2]),
            }),
            [a, b, c, l1, l2] => Ok(CellIdOrLai::Lai {
                plmn: Plmn::decode(&[*a, *b, *c], offset)?,
                lac: u16::from_be_bytes([*l1, *l2]),
            }),
            _ => Err(invalid("cell id / LAI length (7 or 5 octets)", offset)),
        }
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            CellIdOrLai::CellId { plmn, lac, ci } => {
                out.extend_from_slice(&plmn.encode());
                out.extend_from_slice(&lac.to_be_bytes());
                out.extend_from_slice(&ci.to_be_bytes());
            }
            CellIdOrLai::Lai { plmn, lac } => {
                out.extend_from_slice(&plmn.encode());
                out.extend_from_slice(&lac.to_be_bytes());
            }
        }
    }

    pub fn plmn(&self) -> Plmn {
        match self {
            CellIdOrLai::CellId { plmn, .. } | CellIdOrLai::Lai { plmn, .. } => *plmn,
        }
    }
    pub fn lac(&self) -> u16 {
        match self {
            CellIdOrLai::CellId { lac, .. } | CellIdOrLai::Lai { lac, .. } => *lac,
        }
    }
}
