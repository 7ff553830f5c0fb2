//! Q.763 §3.45 Redirection information, as CAP's RedirectionInformation (TS 29.078).

use super::invalid;
use crate::ber::Result;

/// Q.763 §3.45 Redirection information (CAP RedirectionInformation, 2 octets).
///
/// Octet 1: original redirection reason (bits 8–5), spare, redirecting indicator (bits 3–1);
/// octet 2: redirecting reason (bits 8–5), spare, redirection counter (bits 3–1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RedirectionInformation {
    /// 0 no redirection, 1 call rerouted, 3 call diverted, 4 call diverted all redirection
    /// information presentation restricted, ...
    pub redirecting_indicator: u8,
    /// 0 unknown, 1 user busy, 2 no reply, 3 unconditional.
    pub original_redirection_reason: u8,
    /// 1..5 redirections so far.
    pub redirection_counter: u8,
    /// 0 unknown, 1 user busy, 2 no reply, 3 unconditional, 4 deflection during alerting,
    /// 5 deflection immediate response, 6 mobile subscriber not reachable.
    pub redirecting_reason: u8,
    /// Spare bit 4 of each octet, kept so a relayed value re-encodes unchanged.
    pub spare: [bool; 2],
}

impl RedirectionInformation {
    pub fn decode(value: &[u8], offset: usize) -> Result<RedirectionInformation> {
        let &[o1, o2] = value else {
            return Err(invalid("RedirectionInformation length (2 octets)", offset));
        };
        Ok(RedirectionInformation {
            redirecting_indicator: o1 & 0x07,
            original_redirection_reason: o1 >> 4,
            redirection_counter: o2 & 0x07,
            redirecting_reason: o2 >> 4,
            spare: [o1 & 0x08 != 0, o2 & 0x08 != 0],
        })
    }

    pub fn encode(&self) -> [u8; 2] {
        [
            (self.original_redirection_reason << 4)
                | (u8::from(self.spare[0]) << 3)
                | (self.redirecting_indicator & 0x07),
            (self.redirecting_reason << 4)
                | (u8::from(self.spare[1]) << 3)
                | (self.redirection_counter & 0x07),
        ]
    }
}
