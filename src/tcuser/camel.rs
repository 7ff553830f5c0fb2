//! CAMEL (CAP) dialogues between the gsmSSF and scpd as gsmSCF (TS 23.078 §4.5, TS 29.078),
//! and the mapping between CAP and the protocol-neutral service model. This layer is a
//! TC-user: it sees TCAP dialogues, indications and components ([`crate::tcap::tc`]), never
//! wire formats; [`crate::tcap::sm::Tcap`] does the transaction and component sub-layers
//! (AC negotiation, P-Aborts, Rejects of malformed components, invoke timers, idle timeout).
//!
//! A TC-BEGIN carrying InitialDP becomes a service trigger. Unmonitored calls are answered
//! with Continue in a TC-END. Monitored calls get RequestReportBCSMEvent (answer, busy, no
//! answer and abandon as notifications; disconnect of either leg interrupted, so scpd decides
//! how the relationship ends) + Continue in a TC-CONTINUE; each EventReportBCSM is
//! published, and the interrupted disconnect is answered with Continue in a TC-END. A
//! dialogue that ends otherwise (TC-U-ABORT, TC-P-ABORT, TC-NOTICE, idle timeout) publishes
//! DIALOGUE_ABORTED or DIALOGUE_TIMED_OUT.
//!
//! Operation classes (TS 29.078 §6 ASN.1: which operations have RESULT / ERRORS):
//! RequestReportBCSMEvent and Connect are class 2 (errors only), Continue and ReleaseCall
//! class 4; of the received ones InitialDP and ApplyChargingReport are class 2,
//! EventReportBCSM and CallInformationReport class 4. No result is ever expected either
//! way, so an invoke timer running out (TC-L-CANCEL) means the operation succeeded.

use super::camel_map::{armed_events, to_state, to_trigger, write_argument};
use super::{Answering, Ctx, Dialogues, Fault, QueryUser, User};
use crate::ber::{Tlv, Writer};
use crate::camel::control::CallGapArg;
use crate::camel::{opcode, EventReportBcsmArg, InitialDpArg, Phase, RequestReportBcsmEventArg};
use crate::service::{CallState, Direction, Instruction};
use crate::tcap::sm::{EndKind, Invoke};
use crate::tcap::tc::{AppContext, Component, DialogueId, Indication, OpClass, Operation, Problem};
use std::time::Duration;

/// The CAMEL TC-user of one stack: the calls it follows and the triggers held for a decision.
pub struct Camel {
    dialogues: Dialogues<(), Held>,
    /// Invocation timer of the operations we send (TS 29.078 "short" timers).
    invoke_timeout: Duration,
    /// While a decision is pending, the Tssf ResetTimer sets (seconds).
    reset_seconds: u32,
    /// Overloaded: every InitialDP answered asks the switch to gap its service.
    gap: Option<Gap>,
}

/// The call gapping an overloaded SCP asks of the switch (CAP CallGap, TS 29.078 §6.1.1):
/// at most one call of the service per `interval_ms`, for `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub seconds: i32,
    pub interval_ms: i32,
}

impl Gap {
    /// As the embedded configuration has it (`[overload] gap_seconds`, `gap_interval_ms`).
    pub const DEFAULT: Gap = Gap {
        seconds: 10,
        interval_ms: 1000,
    };
}

/// Class of an operation the gsmSSF invokes (for the component sub-layer: none of them
/// expects a result from us).
pub fn class_of(op: &Operation) -> OpClass {
    match op {
        Operation::Local(v) if *v == i64::from(opcode::EVENT_REPORT_BCSM) => OpClass::Class4,
        Operation::Local(v) if *v == i64::from(opcode::CALL_INFORMATION_REPORT) => OpClass::Class4,
        _ => OpClass::Class2,
    }
}

fn local(op: u32) -> Operation {
    Operation::Local(i64::from(op))
}

fn is_op(op: &Operation, code: u32) -> bool {
    *op == local(code)
}

/// The Invoke carrying a final routing instruction.
fn instruction_invoke(timeout: Duration, instruction: Instruction) -> Invoke {
    let mut p = Vec::with_capacity(32);
    let (op, class) = match instruction {
        Instruction::Continue | Instruction::Monitor => (opcode::CONTINUE, OpClass::Class4),
        Instruction::Connect(_) => (opcode::CONNECT, OpClass::Class2),
        Instruction::Release(_) => (opcode::RELEASE_CALL, OpClass::Class4),
    };
    write_argument(&mut Writer::new(&mut p), instruction);
    Invoke {
        op: local(op),
        class,
        timeout,
        parameter: (!p.is_empty()).then_some(p),
        linked_id: None,
        last: true,
    }
}

fn continue_invoke(timeout: Duration) -> Invoke {
    Invoke {
        op: local(opcode::CONTINUE),
        class: OpClass::Class4,
        timeout,
        parameter: None,
        linked_id: None,
        last: true,
    }
}

/// What answering an InitialDP later needs of it (while the data-session server decides).
#[derive(Debug, Clone, Copy)]
pub struct Held {
    direction: Direction,
    phase: Option<Phase>,
    service_key: u32,
}

impl Held {
    /// Whether the gsmSSF's Tssf can be reset: ResetTimer exists from CAP v2 on.
    fn can_reset_timer(&self) -> bool {
        self.phase.is_some_and(|p| p.allows(opcode::RESET_TIMER))
    }
}

/// What the switch waits for after a TC-CONTINUE of a followed call: an EventReportBCSM in
/// request mode (EDP-R) suspends call processing until the gsmSCF instructs (TS 23.078
/// §4.6.2.2); for a disconnect that ends the relationship, so the answer is Continue in a
/// TC-END.
#[derive(PartialEq)]
enum Wait {
    Continue,
    End,
}

impl Camel {
    /// `decision_deadline`: how long a `decide` trigger waits; `reset_timer`: ResetTimer
    /// after this long, setting Tssf to `.1` seconds (TS 23.078 §4.6.1.2: Tssf guards the
    /// gsmSSF waiting for instructions).
    pub fn new(
        invoke_timeout: Duration,
        decision_deadline: Duration,
        reset_timer: Option<(Duration, u32)>,
    ) -> Camel {
        Camel {
            dialogues: Dialogues::new(
                User::Camel,
                decision_deadline,
                reset_timer.map(|(after, _)| after),
            ),
            invoke_timeout,
            reset_seconds: reset_timer.map_or(0, |(_, s)| s),
            gap: None,
        }
    }

    /// New decision timing (a configuration reload), as [`Camel::new`] takes it.
    pub fn set_timing(
        &mut self,
        decision_deadline: Duration,
        reset_timer: Option<(Duration, u32)>,
    ) {
        self.dialogues
            .set_timing(decision_deadline, reset_timer.map(|(after, _)| after));
        self.reset_seconds = reset_timer.map_or(0, |(_, s)| s);
    }

    /// Calls followed.
    pub fn followed(&self) -> usize {
        self.dialogues.followed()
    }

    /// Triggers waiting for a decision.
    pub fn pending(&self) -> usize {
        self.dialogues.pending()
    }

    /// When [`Camel::on_timeout`] next has something to do.
    pub fn next_deadline(&self) -> Option<std::time::Instant> {
        self.dialogues.next_deadline()
    }

    /// One TCAP indication for the CAMEL SSN. `rejects_queued`: the component sub-layer
    /// found components of this dialogue wrong and queued Rejects for its next message.
    pub fn indication(
        &mut self,
        ctx: &mut Ctx<'_>,
        ind: &Indication,
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        match ind {
            Indication::Begin {
                dialogue,
                ac,
                components,
                ..
            } => self.begin(ctx, *dialogue, ac.as_ref(), components, rejects_queued),
            Indication::Continue {
                dialogue,
                components,
                ..
            } => self.subsequent(ctx, *dialogue, components, false, rejects_queued),
            Indication::End {
                dialogue,
                components,
            } => self.subsequent(ctx, *dialogue, components, true, false),
            Indication::Uni { .. } => Err(Fault::Ignored("Unidirectional")),
            other => {
                self.ended(ctx, other);
                Ok(())
            }
        }
    }

    /// TC-BEGIN: the gsmSSF opens with InitialDP (TS 29.078 §14.1).
    fn begin(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        ac: Option<&AppContext>,
        components: &[Component],
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        // TCAP accepted the AC by the SSN's policy; no AC is CAP v1.
        let phase = match ac {
            Some(AppContext::Oid(o)) => Phase::from_ac(o),
            _ => None,
        };
        let mut idp = None;
        let mut fault: Option<(Option<i8>, Problem, String)> = None;
        for c in components {
            match c {
                Component::Invoke {
                    invoke_id,
                    op,
                    parameter,
                    ..
                } if is_op(op, opcode::INITIAL_DP) && idp.is_none() => {
                    match parameter
                        .as_deref()
                        .map(|p| Tlv::parse_single(p).map(InitialDpArg::decode))
                    {
                        Some(Ok(Ok(a))) => idp = Some(a),
                        Some(Ok(Err(e))) => {
                            fault =
                                Some((*invoke_id, Problem::InvokeMistypedParameter, e.to_string()))
                        }
                        Some(Err(e)) => {
                            fault =
                                Some((*invoke_id, Problem::InvokeMistypedParameter, e.to_string()))
                        }
                        None => {
                            fault = Some((
                                *invoke_id,
                                Problem::InvokeMistypedParameter,
                                "InitialDP without argument".into(),
                            ))
                        }
                    }
                }
                Component::Invoke { invoke_id, op, .. } => {
                    fault = Some((
                        *invoke_id,
                        Problem::UnrecognizedOperation,
                        format!("operation {op:?} in TC-BEGIN"),
                    ))
                }
                other => {
                    fault = Some((
                        None,
                        Problem::UnrecognizedComponent,
                        format!("{other:?} in TC-BEGIN"),
                    ))
                }
            }
            if fault.is_some() {
                break;
            }
        }
        let Some(idp) = idp.filter(|_| fault.is_none()) else {
            let reason = match fault {
                Some((invoke_id, problem, reason)) => {
                    ctx.tcap.reject(d, invoke_id, problem)?;
                    reason
                }
                None if rejects_queued => "TC-BEGIN with a malformed component".into(),
                None => {
                    ctx.tcap.reject(d, None, Problem::UnrecognizedComponent)?;
                    "TC-BEGIN without InitialDP".into()
                }
            };
            // TC-END with the AARE and the Reject.
            ctx.tcap.end(d, EndKind::Basic, ctx.now)?;
            return Err(Fault::Cap(reason));
        };

        let trigger = to_trigger(&idp, phase);
        let held = Held {
            direction: trigger.direction,
            phase,
            service_key: idp.service_key,
        };
        match self
            .dialogues
            .trigger(ctx, d, trigger, held, held.can_reset_timer())
        {
            Some((call, instruction)) => self.answer_cap(ctx, (d, call, instruction, held)),
            None => Ok(()),
        }
    }

    /// Ask (`Some`) or stop asking every switch whose InitialDP is answered to gap.
    pub fn set_gap(&mut self, gap: Option<Gap>) {
        self.gap = gap;
    }

    /// Answer an InitialDP with its instruction: Monitor arms the call-state reports and
    /// continues in a TC-CONTINUE; anything else goes in a TC-END, after a CallGap for the
    /// service when overloaded and the phase has it (CAP v3+).
    fn answer_cap(
        &mut self,
        ctx: &mut Ctx<'_>,
        (d, call, instruction, held): Answering<Held>,
    ) -> Result<(), Fault> {
        if instruction == Instruction::Monitor {
            let (events, n) = armed_events(held.direction, held.phase);
            let mut p = Vec::with_capacity(96);
            RequestReportBcsmEventArg::encode_events(&events[..n], None, &mut Writer::new(&mut p));
            let rrb = Invoke {
                op: local(opcode::REQUEST_REPORT_BCSM_EVENT),
                class: OpClass::Class2,
                timeout: self.invoke_timeout,
                parameter: Some(p),
                linked_id: None,
                last: true,
            };
            ctx.tcap.invoke(d, rrb)?;
            ctx.tcap.invoke(d, continue_invoke(self.invoke_timeout))?;
            ctx.tcap.continue_(d, ctx.now)?;
            self.dialogues.follow(d, call, ());
            return Ok(());
        }
        if let Some(g) = self.gap {
            if held.phase.is_some_and(|p| p.allows(opcode::CALL_GAP)) {
                let mut p = Vec::with_capacity(24);
                CallGapArg::overloaded(held.service_key, g.seconds, g.interval_ms)
                    .encode(&mut Writer::new(&mut p));
                let gap = Invoke {
                    op: local(opcode::CALL_GAP),
                    class: OpClass::Class4,
                    timeout: self.invoke_timeout,
                    parameter: Some(p),
                    linked_id: None,
                    last: true,
                };
                ctx.tcap.invoke(d, gap)?;
            }
        }
        ctx.tcap
            .invoke(d, instruction_invoke(self.invoke_timeout, instruction))?;
        ctx.tcap.end(d, EndKind::Basic, ctx.now)?;
        Ok(())
    }

    /// ResetTimer (TS 29.078 §8.?, resetTimer, CAP v2+) setting the gsmSSF's Tssf, in a
    /// TC-CONTINUE: the decision takes longer than the switch would wait.
    fn reset_timer_cap(&mut self, ctx: &mut Ctx<'_>, d: DialogueId) -> Result<(), Fault> {
        let mut p = Vec::with_capacity(8);
        crate::camel::ResetTimerArg::tssf(self.reset_seconds).encode(&mut Writer::new(&mut p));
        ctx.tcap.invoke(
            d,
            Invoke {
                op: local(opcode::RESET_TIMER),
                class: OpClass::Class2,
                timeout: self.invoke_timeout,
                parameter: Some(p),
                linked_id: None,
                last: true,
            },
        )?;
        ctx.tcap.continue_(d, ctx.now)?;
        Ok(())
    }

    /// TC-CONTINUE or TC-END (`end`) of a followed call.
    fn subsequent(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        components: &[Component],
        end: bool,
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        let Some(c) = self.dialogues.get_mut(d) else {
            // Not a call we follow (cannot happen: unfollowed dialogues end at once).
            if !end {
                ctx.tcap.u_abort(d, None, ctx.now)?;
            }
            return Err(Fault::UnknownTransaction(format!("{:08x}", d.0)));
        };
        let mut waiting: Option<Wait> = None;
        let mut rejected = false;
        for comp in components {
            let Component::Invoke {
                invoke_id,
                op,
                parameter,
                ..
            } = comp
            else {
                // Results of class 2/4 operations were refused by the component sub-layer;
                // Rejects came as TC-R-REJECT.
                if let Component::ReturnError {
                    invoke_id, error, ..
                } = comp
                {
                    tracing::warn!(
                        call_id = %c.call.id(),
                        invoke_id,
                        ?error,
                        "switch returned an error"
                    );
                }
                continue;
            };
            if is_op(op, opcode::EVENT_REPORT_BCSM) {
                let er = parameter
                    .as_deref()
                    .and_then(|p| Tlv::parse_single(p).ok())
                    .map(EventReportBcsmArg::decode);
                match er {
                    Some(Ok(er)) => {
                        let state = to_state(&er);
                        if let Some(s) = state {
                            ctx.report(&mut c.call, s);
                        }
                        if er.is_request() {
                            let ends = matches!(
                                state,
                                Some(CallState::Disconnected(_) | CallState::Abandoned)
                            );
                            waiting = Some(if ends || waiting == Some(Wait::End) {
                                Wait::End
                            } else {
                                Wait::Continue
                            });
                        }
                    }
                    _ if end => {}
                    _ => {
                        ctx.tcap
                            .reject(d, *invoke_id, Problem::InvokeMistypedParameter)?;
                        rejected = true;
                    }
                }
            } else if is_op(op, opcode::APPLY_CHARGING_REPORT)
                || is_op(op, opcode::CALL_INFORMATION_REPORT)
            {
                // Reports scpd does not use yet are accepted silently.
            } else if !end {
                ctx.tcap
                    .reject(d, *invoke_id, Problem::UnrecognizedOperation)?;
                rejected = true;
            }
        }
        if end {
            // The gsmSSF closed the relationship; nothing can be answered.
            self.dialogues.unfollow(d);
            return Ok(());
        }
        match waiting {
            Some(w) => {
                ctx.tcap.invoke(d, continue_invoke(self.invoke_timeout))?;
                if w == Wait::End {
                    self.dialogues.unfollow(d);
                    ctx.tcap.end(d, EndKind::Basic, ctx.now)?;
                } else {
                    ctx.tcap.continue_(d, ctx.now)?;
                }
            }
            None if rejected || rejects_queued => ctx.tcap.continue_(d, ctx.now)?,
            None => {}
        }
        Ok(())
    }
}

impl QueryUser for Camel {
    type State = ();
    type Held = Held;
    const PEER: &'static str = "gsmSSF";

    fn core(&mut self) -> &mut Dialogues<(), Held> {
        &mut self.dialogues
    }

    fn answer(&mut self, ctx: &mut Ctx<'_>, a: Answering<Held>) -> Result<(), Fault> {
        self.answer_cap(ctx, a)
    }

    fn reset_timer(&mut self, ctx: &mut Ctx<'_>, d: DialogueId) -> Result<(), Fault> {
        self.reset_timer_cap(ctx, d)
    }

    /// A basic TC-END: the switch continues the call without us (TS 23.078 §4.5.2).
    fn end_at_shutdown(&mut self, ctx: &mut Ctx<'_>, d: DialogueId) {
        if let Err(e) = ctx.tcap.end(d, EndKind::Basic, ctx.now) {
            tracing::warn!(error = %e, dialogue = d.0, "not ended at shutdown");
        }
    }
}
