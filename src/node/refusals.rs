//! Why TCAP refused a message rather than handing it to its TC-user, read from its
//! counters (for the node's [`super::Fault`] and logs).

use crate::tcap::itu;
use crate::tcap::sm::Counters;
use crate::tcap::tc::PAbortCause;
use crate::tcuser::Fault as TcFault;

/// The TCAP counters that tell a message was refused rather than handed to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Refusals {
    ac_refused: u64,
    discarded: u64,
    /// P-Abort answers, all causes.
    p_aborts: u64,
}

impl Refusals {
    pub(super) fn of(c: &Counters) -> Refusals {
        Refusals {
            ac_refused: c.ac_refused,
            discarded: c.discarded,
            p_aborts: c.p_abort_answers.values().sum(),
        }
    }

    /// The fault of a message (`data`) TCAP refused since `before`, if it did.
    pub(super) fn since(&self, before: &Refusals, c: &Counters, data: &[u8]) -> Option<TcFault> {
        if self == before {
            return None;
        }
        if self.ac_refused != before.ac_refused {
            return Some(TcFault::Cap(
                "dialogue refused in application-context negotiation".into(),
            ));
        }
        let unknown_tid =
            || TcFault::UnknownTransaction(crate::ber::hex(salvage_dtid(data).unwrap_or_default()));
        if self.p_aborts != before.p_aborts {
            return Some(match c.last_p_abort_answer {
                Some(PAbortCause::UnrecognizedTransactionId) | None => unknown_tid(),
                Some(cause) => TcFault::PAbort(cause),
            });
        }
        Some(match salvage_dtid(data) {
            Some(_) => unknown_tid(),
            None => TcFault::Ignored("undecodable TCAP without transaction id"),
        })
    }
}

/// Our transaction id in a TCAP message, if its first elements can be read: the ITU
/// destination id, or the ANSI responding id (the last four octets of the Transaction ID).
fn salvage_dtid(data: &[u8]) -> Option<&[u8]> {
    if let Some((Some(p), ids)) = crate::tcap::ansi::salvage_transaction_id(data) {
        return (p.has_responding_id() && ids.len() >= 4).then(|| &ids[ids.len() - 4..]);
    }
    let (top, _) = crate::ber::Tlv::parse(data, 0).ok()?;
    if !top.tag.constructed {
        return None;
    }
    let mut r = crate::ber::Reader::new(top.value);
    for _ in 0..2 {
        match r.next_tlv() {
            Ok(Some(t)) if t.tag.is(itu::tags::DTID) => return Some(t.value),
            Ok(Some(t)) if t.tag.is(itu::tags::OTID) => continue,
            _ => return None,
        }
    }
    None
}
