//! Management messages (RFC 4666 §3.8): ERR and NTFY, and NTFY's Status.

use super::{List, MaskedPc};
use crate::m3ua::codec::ErrorCode;

/// NTFY Status (§3.8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub status_type: u16,
    pub info: u16,
}

/// Status Type and Status Information values (§3.8.2).
pub mod status {
    pub const TYPE_AS_STATE_CHANGE: u16 = 1;
    pub const TYPE_OTHER: u16 = 2;
    // Type 1 (AS state change); 1 is reserved.
    pub const AS_INACTIVE: u16 = 2;
    pub const AS_ACTIVE: u16 = 3;
    pub const AS_PENDING: u16 = 4;
    // Type 2 (other).
    pub const INSUFFICIENT_ASP_RESOURCES: u16 = 1;
    pub const ALTERNATE_ASP_ACTIVE: u16 = 2;
    pub const ASP_FAILURE: u16 = 3;
}

impl Status {
    pub const fn new(status_type: u16, info: u16) -> Status {
        Status { status_type, info }
    }
    pub const fn as_state(info: u16) -> Status {
        Status::new(status::TYPE_AS_STATE_CHANGE, info)
    }
    pub const fn other(info: u16) -> Status {
        Status::new(status::TYPE_OTHER, info)
    }
    pub(super) fn to_u32(self) -> u32 {
        (u32::from(self.status_type) << 16) | u32::from(self.info)
    }
}

/// ERR (§3.8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErrMsg<'a> {
    /// Mandatory. Raw value; [`ErrMsg::error_code`] names it.
    pub code: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    pub na: Option<u32>,
    pub apc: Option<List<'a, MaskedPc>>,
    pub diagnostic: Option<&'a [u8]>,
}

impl ErrMsg<'_> {
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.and_then(ErrorCode::from_u32)
    }
}

/// NTFY (§3.8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ntfy<'a> {
    /// Mandatory.
    pub status: Option<Status>,
    pub asp_id: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    pub info: Option<&'a [u8]>,
}
