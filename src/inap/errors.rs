//! INAP CS-1 errors (ETS 300 374-1 §9 IN-CS1-Errors): the same local codes and parameters
//! as CAP's, which inherited them (cancelled 0 ... unknownLegID 17), plus unknownResource
//! 18; CAP's GPRS-era unknownPDPID and unknownCSID are not INAP.

use crate::ber::{Result, Tlv, Writer};
use crate::camel::errors::CapError;
use std::fmt;

/// unknownResource (CS-1 only).
pub const UNKNOWN_RESOURCE: u32 = 18;

/// An INAP error with its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InapError {
    /// An error CS-1 shares with CAP (code and parameter).
    Common(CapError),
    UnknownResource,
}

impl InapError {
    pub fn code(&self) -> i64 {
        match self {
            InapError::Common(e) => e.code(),
            InapError::UnknownResource => i64::from(UNKNOWN_RESOURCE),
        }
    }

    /// The ASN.1 name as ETS 300 374-1 spells it.
    pub fn name(&self) -> &'static str {
        match self {
            InapError::Common(CapError::Other(_)) => "unknown",
            InapError::Common(e) => e.name(),
            InapError::UnknownResource => "unknownResource",
        }
    }

    pub fn has_parameter(&self) -> bool {
        matches!(self, InapError::Common(e) if e.has_parameter())
    }

    /// Decode a ReturnError's code and parameter.
    pub fn decode(code: i64, parameter: Option<Tlv<'_>>) -> Result<InapError> {
        Ok(match code {
            18 => InapError::UnknownResource,
            // CAP-only codes.
            50 | 51 => InapError::Common(CapError::Other(code)),
            _ => InapError::Common(CapError::decode(code, parameter)?),
        })
    }

    pub fn decode_bytes(code: i64, parameter: Option<&[u8]>) -> Result<InapError> {
        let p = parameter.map(Tlv::parse_single).transpose()?;
        InapError::decode(code, p)
    }

    /// Write the parameter, for the errors that have one.
    pub fn encode_parameter(&self, w: &mut Writer<'_>) {
        if let InapError::Common(e) = self {
            e.encode_parameter(w);
        }
    }
}

impl fmt::Display for InapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}
