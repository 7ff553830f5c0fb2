//! Transfer messages (RFC 4666 §3.3): DATA.

use super::List;
use crate::m3ua::codec::ProtocolData;

/// DATA (§3.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Data<'a> {
    pub na: Option<u32>,
    /// One value per the RFC; kept as a list because senders put several.
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub pd: Option<ProtocolData<'a>>,
    pub correlation_id: Option<u32>,
}
