//! Invoke timers (TC-L-CANCEL when one of ours gets no final answer in time) and the idle
//! timer (a quiet dialogue is closed, the peer told with an Abort if configured), and
//! closing a dialogue, which stops its timers.

use super::{ansi_tid, Dlg, Tcap, Transmit};
use crate::tcap::ansi;
use crate::tcap::itu::{self, DialogueOut, MessageType};
use crate::tcap::tc::*;
use std::time::Instant;

impl<A: Clone> Tcap<A> {
    /// Expire invoke timers and idle dialogues due at `now`.
    pub fn on_timeout(&mut self, now: Instant) {
        while let Some(&(t, local, id)) = self.timers.first() {
            if t > now {
                break;
            }
            self.timers.pop_first();
            if let Some(d) = self.table.get_mut(local) {
                d.user.sent.retain(|s| s.id != id);
            }
            self.counters.invoke_timeouts += 1;
            self.indications.push_back(Indication::LCancel {
                dialogue: DialogueId(local),
                invoke_id: id,
            });
        }
        for d in self.table.expire(now) {
            self.forget_timers(d.local, &d.user);
            self.counters.timed_out += 1;
            if self.cfg.abort_on_idle && d.peer.is_known() {
                let mut data = Vec::with_capacity(48);
                match self.cfg.variant {
                    Variant::Itu => itu::encode(
                        &mut data,
                        MessageType::Abort,
                        None,
                        Some(d.peer.as_bytes()),
                        d.user.structured.then_some(DialogueOut::Abrt { source: 0 }),
                        |_| {},
                    ),
                    Variant::Ansi => ansi::encode_abort(&mut data, ansi_tid(d.peer), None, None),
                }
                self.transmits.push_back(Transmit {
                    to: d.user.to,
                    data,
                });
            }
            self.indications.push_back(Indication::Timeout {
                dialogue: DialogueId(d.local),
            });
        }
    }

    fn forget_timers(&mut self, local: u32, d: &Dlg<A>) {
        for s in &d.sent {
            if let Some(t) = s.deadline {
                self.timers.remove(&(t, local, s.id));
            }
        }
    }

    pub(super) fn close(
        &mut self,
        local: u32,
    ) -> Option<crate::tcap::dialogues::Dialogue<Box<Dlg<A>>>> {
        let d = self.table.close(local)?;
        self.forget_timers(local, &d.user);
        Some(d)
    }
}
