//! ASP Traffic Maintenance messages (RFC 4666 §3.7): ASPAC, ASPIA and their ACKs, and the
//! Traffic Mode Type they carry.

use super::List;

/// Traffic Mode Type values (§3.8.2 ASPAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum TrafficMode {
    Override = 1,
    /// The default where nothing says otherwise (our configuration, a routing key without
    /// a Traffic Mode Type).
    #[default]
    Loadshare = 2,
    Broadcast = 3,
}

impl TrafficMode {
    pub fn from_u32(v: u32) -> Option<TrafficMode> {
        match v {
            1 => Some(TrafficMode::Override),
            2 => Some(TrafficMode::Loadshare),
            3 => Some(TrafficMode::Broadcast),
            _ => None,
        }
    }
}

/// ASPAC, ASPAC ACK, ASPIA and ASPIA ACK (§3.7); the inactive pair carries no traffic mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AspTm<'a> {
    pub traffic_mode: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    pub info: Option<&'a [u8]>,
}
