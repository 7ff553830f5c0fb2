//! SS7 Signalling Network Management messages (RFC 4666 §3.4): DUNA, DAVA, DAUD, SCON, DUPU
//! and DRST.

use super::{List, MaskedPc};

/// DUPU User/Cause (§3.4.5): unavailability cause and MTP3-User identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserCause {
    /// 0 unknown, 1 unequipped remote user, 2 inaccessible remote user.
    pub cause: u16,
    /// Service indicator of the user part (3 = SCCP, 5 = ISUP, ...).
    pub user: u16,
}

/// DUNA, DAVA, DAUD and DRST (§3.4.1–§3.4.3, §3.4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ssnm<'a> {
    pub na: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub apc: Option<List<'a, MaskedPc>>,
    pub info: Option<&'a [u8]>,
}

/// SCON (§3.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scon<'a> {
    pub na: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub apc: Option<List<'a, MaskedPc>>,
    /// The concerned destination's point code (24 bits).
    pub concerned: Option<u32>,
    /// Congestion level 0–3 (national options may use more).
    pub congestion: Option<u8>,
    pub info: Option<&'a [u8]>,
}

/// DUPU (§3.4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dupu<'a> {
    pub na: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub apc: Option<List<'a, MaskedPc>>,
    /// Mandatory.
    pub user_cause: Option<UserCause>,
    pub info: Option<&'a [u8]>,
}
