//! ASP State Maintenance messages (RFC 4666 §3.5): ASPUP, ASPDN, BEAT and their ACKs.

/// ASPUP and ASPUP ACK (§3.5.1, §3.5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AspUp<'a> {
    pub asp_id: Option<u32>,
    pub info: Option<&'a [u8]>,
}

/// ASPDN and ASPDN ACK (§3.5.3, §3.5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AspDn<'a> {
    pub info: Option<&'a [u8]>,
}

/// BEAT and BEAT ACK (§3.5.5, §3.5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Beat<'a> {
    pub data: Option<&'a [u8]>,
}
