//! The SCP's answers: every message the I/O loop reads, checked against its call's state
//! (transaction ids, phase, the operations expected), counted, timed, and for a monitored
//! call answered with the answer notification.

use super::camel::report;
use super::conn::{wrap, wrap_ssns};
use super::engine::{Engine, Phase, Proto};
use super::io::Inbox;
use super::{SimError, SimProtocol};
use crate::camel::{opcode, LegType, RequestReportBcsmEventArg};
use crate::lab::sim_ain::{self, AinAnswer, Outcome};
use crate::lab::sim_win::{self, WinAnswer};
use crate::m3ua::{Kind, Message};
use crate::sccp::Unitdata;
use crate::tcap::ansi::{self, PackageType};
use crate::tcap::itu::{self, Component, MessageType, TcMessage};
use std::time::Instant;

impl Engine {
    /// Handle every complete message `inbox` holds, received at `now`.
    pub(super) fn drain(&mut self, inbox: &mut Inbox, now: Instant) -> Result<(), SimError> {
        while let Some(m) = inbox.next()? {
            if let Err(e) = self.on_message(m, now) {
                self.error(e);
            }
        }
        Ok(())
    }

    /// Record the latency of an answer received at `now` to a request sent at `sent`.
    fn latency(&mut self, first: bool, sent: Instant, now: Instant) {
        let us = now.duration_since(sent).as_micros().max(1) as u64;
        if first {
            self.first.saturating_record(us);
        } else {
            self.end.saturating_record(us);
        }
    }

    fn on_message(&mut self, m: &[u8], now: Instant) -> Result<(), String> {
        let msg = Message::parse(m).map_err(|e| format!("M3UA: {e}"))?;
        match msg.kind() {
            Some(Kind::Data) => {}
            Some(Kind::Ntfy) | Some(Kind::BeatAck) => return Ok(()),
            Some(Kind::Err) => return Err(format!("M3UA ERR {:?}", msg.error_code())),
            other => return Err(format!("unexpected M3UA {other:?}")),
        }
        let pd = msg.protocol_data().map_err(|e| e.to_string())?;
        if (pd.opc, pd.dpc) != (self.cfg.dpc, self.cfg.opc) {
            return Err(format!("routing label {}→{} not swapped", pd.opc, pd.dpc));
        }
        let u =
            Unitdata::decode_variant(pd.data, self.variant).map_err(|e| format!("SCCP: {e}"))?;
        if u.is_service() {
            return Err(format!("SCCP {} cause {:?}", u.type_name(), u.return_cause));
        }
        // ANSI TCAP packages are private-class (E1–F6), ITU messages application-class.
        if u.data.first().is_some_and(|b| b & 0xc0 == 0xc0) {
            // A package for no call of ours is reported by the run's own protocol's check.
            let win = match self.ansi_call(u.data) {
                Some(proto) => proto == Proto::Win,
                None => self.load.protocol == SimProtocol::Win,
            };
            if win {
                self.on_win(u.data, now)
            } else {
                self.on_ain(u.data, now)
            }
        } else {
            self.on_itu(u.data, now)
        }
    }

    /// The protocol of the call an ANSI TCAP package answers (AIN and WIN share the
    /// package format): the one of our transaction its responding id (the last four
    /// octets of its transaction id, T1.114.3) names.
    fn ansi_call(&self, tcap: &[u8]) -> Option<Proto> {
        let (package, ids) = ansi::peek_transaction_id(tcap)?;
        if !package.has_responding_id() {
            return None;
        }
        let ours = <[u8; 4]>::try_from(ids.get(ids.len().checked_sub(4)?..)?).ok()?;
        self.calls.get(&u32::from_be_bytes(ours)).map(|c| c.proto)
    }

    /// A WIN answer: the Response to a trigger query or to a disconnect report (each its own
    /// transaction, see [`sim_win`]); a monitored call's answer is reported at once.
    fn on_win(&mut self, tcap: &[u8], now: Instant) -> Result<(), String> {
        let calls = &self.calls;
        let (tid, ans) = sim_win::answer(tcap, |t| {
            calls.get(&t).map(|c| {
                let end = matches!(c.phase, Phase::WaitEnd);
                let op = if end {
                    sim_win::report_op(c.terminating, false)
                } else {
                    sim_win::trigger_op(c.terminating)
                };
                (op, c.terminating)
            })
        })?;
        let Some(st) = self.calls.get(&tid) else {
            return Err(format!("WIN answer for unknown transaction {tid:#x}"));
        };
        let (sent, n, terminating) = (st.sent, st.n, st.terminating);
        match (&st.phase, ans) {
            (_, WinAnswer::Refused(why)) => {
                self.calls.remove(&tid);
                return Err(format!("WIN {why}"));
            }
            (Phase::WaitFirst, WinAnswer::Done(o)) => {
                self.calls.remove(&tid);
                self.latency(true, sent, now);
                match o {
                    Outcome::Continued => self.rep.continued += 1,
                    Outcome::Connected => self.rep.connected += 1,
                    Outcome::Released => self.rep.released += 1,
                }
                self.rep.completed += 1;
            }
            (Phase::WaitFirst, WinAnswer::Monitored) => {
                // Answered: a notification in a Unidirectional package (no transaction, no
                // result); the disconnect follows after the hold time.
                if let Err(e) =
                    self.win_report(n, terminating, true, PackageType::Unidirectional, None)
                {
                    self.calls.remove(&tid);
                    return Err(e);
                }
                wrap_ssns(
                    &self.cfg,
                    self.variant,
                    self.ssns(Proto::Win),
                    &self.tcap,
                    (tid % 16) as u8,
                    &mut self.out,
                );
                if let Some(st) = self.calls.get_mut(&tid) {
                    st.phase = Phase::Held;
                }
                self.latency(true, sent, now);
                self.rep.monitored += 1;
                self.held.push_back((now + self.cfg.hold, tid));
            }
            (Phase::WaitEnd, WinAnswer::Done(Outcome::Continued)) => {
                self.calls.remove(&tid);
                self.latency(false, sent, now);
                self.rep.completed += 1;
            }
            (phase, ans) => {
                let e = format!("unexpected WIN {ans:?} while {phase:?}");
                self.calls.remove(&tid);
                return Err(e);
            }
        }
        Ok(())
    }

    fn on_ain(&mut self, tcap: &[u8], now: Instant) -> Result<(), String> {
        let calls = &self.calls;
        let (tid, ans) = sim_ain::answer(tcap, |t| calls.get(&t).map(|c| c.terminating))?;
        let Some(st) = self.calls.get_mut(&tid) else {
            return Err(format!("AIN answer for unknown transaction {tid:#x}"));
        };
        let (sent, n, terminating) = (st.sent, st.n, st.terminating);
        match (&st.phase, ans) {
            (Phase::WaitFirst, AinAnswer::Done(o)) => {
                self.calls.remove(&tid);
                self.latency(true, sent, now);
                match o {
                    Outcome::Continued => self.rep.continued += 1,
                    Outcome::Connected => self.rep.connected += 1,
                    Outcome::Released => self.rep.released += 1,
                }
                self.rep.completed += 1;
            }
            (Phase::WaitFirst, AinAnswer::Monitored { scp }) => {
                st.phase = Phase::Held;
                st.scp_tid = (scp, 4);
                self.latency(true, sent, now);
                self.rep.monitored += 1;
                // Answered: an EDP-N, in a conversation that keeps the SCP from ending the
                // transaction (it has nothing to say to a notification).
                let p = self.ain_parties(n, terminating)?;
                self.tcap.clear();
                sim_ain::package(
                    &mut self.tcap,
                    PackageType::ConversationWithoutPermission,
                    tid.to_be_bytes(),
                    Some(scp),
                    &sim_ain::event(&p, terminating, true),
                )?;
                wrap(
                    &self.cfg,
                    self.variant,
                    self.load.ain_ssn,
                    &self.tcap,
                    (tid % 16) as u8,
                    &mut self.out,
                );
                self.held.push_back((now + self.cfg.hold, tid));
            }
            (Phase::WaitEnd, AinAnswer::Done(Outcome::Continued | Outcome::Released)) => {
                self.calls.remove(&tid);
                self.latency(false, sent, now);
                self.rep.completed += 1;
            }
            (phase, ans) => {
                let e = format!("unexpected AIN {ans:?} while {phase:?}");
                self.calls.remove(&tid);
                return Err(e);
            }
        }
        Ok(())
    }

    /// A CAMEL or INAP answer: CS-1 and CAP share the operation codes and the arguments
    /// checked here (RequestReportBCSMEvent, EventReportBCSM), so one flow plays both.
    fn on_itu(&mut self, tcap: &[u8], now: Instant) -> Result<(), String> {
        let tc = TcMessage::decode(tcap).map_err(|e| format!("TCAP: {e}"))?;
        let dtid = tc
            .dtid
            .and_then(|d| <[u8; 4]>::try_from(d).ok())
            .map(u32::from_be_bytes)
            .ok_or("answer without a 4-octet dtid")?;
        let Some(st) = self.calls.get_mut(&dtid) else {
            return Err(format!("answer for unknown dtid {dtid:#x}"));
        };
        let (sent, terminating, proto) = (st.sent, st.terminating, st.proto);
        let ssn = self.itu_ssn(proto);
        let Some(st) = self.calls.get_mut(&dtid) else {
            return Err(format!("answer for unknown dtid {dtid:#x}"));
        };
        let mut cont = false;
        let mut connect = false;
        let mut release = false;
        let mut rr = None;
        for c in tc.components() {
            if let Ok(Component::Invoke {
                opcode, parameter, ..
            }) = c
            {
                match opcode {
                    opcode::CONTINUE => cont = true,
                    opcode::CONNECT => connect = true,
                    opcode::RELEASE_CALL => release = true,
                    opcode::REQUEST_REPORT_BCSM_EVENT => rr = parameter,
                    _ => {}
                }
            }
        }
        match (&st.phase, tc.kind) {
            (Phase::WaitFirst, MessageType::End) => {
                self.calls.remove(&dtid);
                self.latency(true, sent, now);
                if cont {
                    self.rep.continued += 1;
                } else if connect {
                    self.rep.connected += 1;
                } else if release {
                    self.rep.released += 1;
                } else {
                    return Err("TC-END without Continue/Connect/ReleaseCall".into());
                }
                self.rep.completed += 1;
            }
            (Phase::WaitFirst, MessageType::Continue) => {
                let answer_ev = if terminating { 15 } else { 7 };
                let checked = rr
                    .ok_or_else(|| "TC-CONTINUE without RequestReportBCSMEvent".to_string())
                    .and_then(|rr| {
                        RequestReportBcsmEventArg::decode(rr).map_err(|e| format!("RRBCSM: {e}"))
                    })
                    .and_then(|rr| {
                        if rr.events.iter().any(|e| e.event_type.0 == answer_ev) {
                            Ok(())
                        } else {
                            Err(format!("answer event {answer_ev} not armed"))
                        }
                    })
                    .and_then(|()| {
                        let o = tc.otid.ok_or("TC-CONTINUE without otid")?;
                        let mut b = [0u8; 4];
                        let n = o.len().min(4);
                        b[..n].copy_from_slice(&o[..n]);
                        Ok((b, n as u8))
                    });
                let scp_tid = match checked {
                    Ok(t) => t,
                    Err(e) => {
                        self.calls.remove(&dtid);
                        return Err(e);
                    }
                };
                st.phase = Phase::Held;
                st.scp_tid = scp_tid;
                self.latency(true, sent, now);
                self.rep.monitored += 1;
                // The call is answered: report it now (notification), disconnect after hold.
                self.tcap.clear();
                itu::encode(
                    &mut self.tcap,
                    MessageType::Continue,
                    Some(&dtid.to_be_bytes()),
                    Some(&scp_tid.0[..usize::from(scp_tid.1)]),
                    None,
                    |w| report(answer_ev, LegType::LEG2, true, None, 1, w),
                );
                wrap(
                    &self.cfg,
                    self.variant,
                    ssn,
                    &self.tcap,
                    (dtid % 16) as u8,
                    &mut self.out,
                );
                self.held.push_back((now + self.cfg.hold, dtid));
            }
            (Phase::WaitEnd, MessageType::End) if cont || release => {
                self.calls.remove(&dtid);
                self.latency(false, sent, now);
                self.rep.completed += 1;
            }
            (phase, kind) => {
                let e = format!("unexpected TC-{} while {phase:?}", kind.name());
                self.calls.remove(&dtid);
                return Err(e);
            }
        }
        Ok(())
    }
}
