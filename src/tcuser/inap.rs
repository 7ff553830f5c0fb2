//! INAP CS-1 dialogues between a fixed-network SSP and scpd as SCF (ETS 300 374-1), built
//! like the CAMEL TC-user ([`super::camel`]) on the shared query-dialogue core: a TC-BEGIN
//! carrying InitialDP becomes a service trigger; unmonitored calls are answered with
//! Continue, Connect or ReleaseCall in a TC-END; monitored calls get RequestReportBCSMEvent
//! (answer, busy, no answer, route-select failure and abandon as notifications, disconnect
//! of either leg interrupted) + Continue in a TC-CONTINUE; each EventReportBCSM is
//! published, and the interrupted disconnect is answered with Continue in a TC-END.
//!
//! The dialogue comes with a Core INAP CS-1 AC, or with no dialogue portion at all (many
//! CS-1 switches send none): the SSN it arrived on says INAP, TCAP accepts it by the SSN's
//! policy. Operation classes as in CAP (ETS 300 374-1 §9: RequestReportBCSMEvent, Connect,
//! ResetTimer class 2; Continue, ReleaseCall class 4; EventReportBCSM and
//! CallInformationReport received as class 4), so no result is ever expected either way.

use super::camel::Gap;
use super::inap_map::{armed_events, to_trigger, write_argument};
use super::{Answering, Ctx, Dialogues, Fault, QueryUser, User};
use crate::ber::{Tlv, Writer};
use crate::inap::{
    opcode, CallGapArg, EventReportBcsmArg, InitialDpArg, RequestReportBcsmEventArg,
};
use crate::service::{CallState, Direction, Instruction};
use crate::tcap::sm::{EndKind, Invoke};
use crate::tcap::tc::{Component, DialogueId, Indication, OpClass, Operation, Problem};
use std::time::Duration;

/// The INAP TC-user of one stack.
pub struct Inap {
    dialogues: Dialogues<(), Held>,
    /// Invocation timer of the operations we send.
    invoke_timeout: Duration,
    /// While a decision is pending, the value ResetTimer gives the SSF's Tssf (seconds).
    reset_seconds: u32,
    /// Overloaded: every InitialDP answered asks the SSF to gap its service.
    gap: Option<Gap>,
}

/// What answering an InitialDP later needs of it.
#[derive(Debug, Clone, Copy)]
pub struct Held {
    direction: Direction,
    service_key: u32,
}

/// Class of an operation the SSF invokes (none expects a result from us).
pub fn class_of(op: &Operation) -> OpClass {
    super::camel::class_of(op)
}

fn local(op: u32) -> Operation {
    Operation::Local(i64::from(op))
}

fn invoke(op: u32, class: OpClass, timeout: Duration, parameter: Option<Vec<u8>>) -> Invoke {
    Invoke {
        op: local(op),
        class,
        timeout,
        parameter,
        linked_id: None,
        last: true,
    }
}

/// The Invoke carrying a final routing instruction.
fn instruction_invoke(timeout: Duration, instruction: Instruction) -> Invoke {
    let (op, class) = match instruction {
        Instruction::Continue | Instruction::Monitor => (opcode::CONTINUE, OpClass::Class4),
        Instruction::Connect(_) => (opcode::CONNECT, OpClass::Class2),
        Instruction::Release(_) => (opcode::RELEASE_CALL, OpClass::Class4),
    };
    let mut p = Vec::with_capacity(32);
    write_argument(&mut Writer::new(&mut p), instruction);
    invoke(op, class, timeout, (!p.is_empty()).then_some(p))
}

impl Inap {
    /// As [`super::camel::Camel::new`]: `reset_timer` sends ResetTimer after `.0`, setting
    /// Tssf to `.1` seconds, while a decision is pending.
    pub fn new(
        invoke_timeout: Duration,
        decision_deadline: Duration,
        reset_timer: Option<(Duration, u32)>,
    ) -> Inap {
        Inap {
            dialogues: Dialogues::new(
                User::Inap,
                decision_deadline,
                reset_timer.map(|(after, _)| after),
            ),
            invoke_timeout,
            reset_seconds: reset_timer.map_or(0, |(_, s)| s),
            gap: None,
        }
    }

    /// New decision timing (a configuration reload), as [`Inap::new`] takes it.
    pub fn set_timing(
        &mut self,
        decision_deadline: Duration,
        reset_timer: Option<(Duration, u32)>,
    ) {
        self.dialogues
            .set_timing(decision_deadline, reset_timer.map(|(after, _)| after));
        self.reset_seconds = reset_timer.map_or(0, |(_, s)| s);
    }

    pub fn followed(&self) -> usize {
        self.dialogues.followed()
    }

    pub fn pending(&self) -> usize {
        self.dialogues.pending()
    }

    pub fn next_deadline(&self) -> Option<std::time::Instant> {
        self.dialogues.next_deadline()
    }

    /// One TCAP indication for the INAP SSN. `rejects_queued`: the component sub-layer
    /// queued Rejects for this dialogue's next message.
    pub fn indication(
        &mut self,
        ctx: &mut Ctx<'_>,
        ind: &Indication,
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        match ind {
            Indication::Begin {
                dialogue,
                components,
                ..
            } => self.begin(ctx, *dialogue, components, rejects_queued),
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

    /// TC-BEGIN: the SSF opens with InitialDP. Anything else, or an InitialDP whose
    /// argument does not decode, gets a Reject in a TC-END (Q.774 §3.2.2.2).
    fn begin(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        components: &[Component],
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        let mut idp = None;
        let mut fault: Option<(Option<i8>, Problem, String)> = None;
        for c in components {
            match c {
                Component::Invoke {
                    invoke_id,
                    op,
                    parameter,
                    ..
                } if *op == local(opcode::INITIAL_DP) && idp.is_none() => {
                    let decoded = parameter
                        .as_deref()
                        .map(|p| Tlv::parse_single(p).and_then(InitialDpArg::decode));
                    match decoded {
                        Some(Ok(a)) => idp = Some(a),
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
            ctx.tcap.end(d, EndKind::Basic, ctx.now)?;
            return Err(Fault::Inap(reason));
        };
        let trigger = to_trigger(&idp);
        let held = Held {
            direction: trigger.direction,
            service_key: idp.service_key,
        };
        match self.dialogues.trigger(ctx, d, trigger, held, true) {
            Some((call, instruction)) => self.answer_inap(ctx, (d, call, instruction, held)),
            None => Ok(()),
        }
    }

    /// Ask (`Some`) or stop asking every SSF whose InitialDP is answered to gap.
    pub fn set_gap(&mut self, gap: Option<Gap>) {
        self.gap = gap;
    }

    /// Answer an InitialDP: Monitor arms the call-state reports and continues in a
    /// TC-CONTINUE; anything else goes in a TC-END, after a CallGap for the service when
    /// overloaded (CS-1 CallGap, ETS 300 374-1: an SCP's way to make the SSF back off;
    /// its argument is CAP's, tag for tag).
    fn answer_inap(
        &mut self,
        ctx: &mut Ctx<'_>,
        (d, call, instruction, held): Answering<Held>,
    ) -> Result<(), Fault> {
        if instruction == Instruction::Monitor {
            let (events, n) = armed_events(held.direction);
            let mut p = Vec::with_capacity(96);
            RequestReportBcsmEventArg::encode_events(&events[..n], None, &mut Writer::new(&mut p));
            let t = self.invoke_timeout;
            ctx.tcap.invoke(
                d,
                invoke(
                    opcode::REQUEST_REPORT_BCSM_EVENT,
                    OpClass::Class2,
                    t,
                    Some(p),
                ),
            )?;
            ctx.tcap
                .invoke(d, invoke(opcode::CONTINUE, OpClass::Class4, t, None))?;
            ctx.tcap.continue_(d, ctx.now)?;
            self.dialogues.follow(d, call, ());
            return Ok(());
        }
        if let Some(g) = self.gap {
            let mut p = Vec::with_capacity(24);
            CallGapArg::overloaded(held.service_key, g.seconds, g.interval_ms)
                .encode(&mut Writer::new(&mut p));
            let t = self.invoke_timeout;
            ctx.tcap
                .invoke(d, invoke(opcode::CALL_GAP, OpClass::Class4, t, Some(p)))?;
        }
        ctx.tcap
            .invoke(d, instruction_invoke(self.invoke_timeout, instruction))?;
        ctx.tcap.end(d, EndKind::Basic, ctx.now)?;
        Ok(())
    }

    /// TC-CONTINUE or TC-END (`end`) of a followed call: EventReportBCSM published; an
    /// interrupted report answered with Continue (in a TC-END when the call ended).
    fn subsequent(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        components: &[Component],
        end: bool,
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        let Some(c) = self.dialogues.get_mut(d) else {
            if !end {
                ctx.tcap.u_abort(d, None, ctx.now)?;
            }
            return Err(Fault::UnknownTransaction(format!("{:08x}", d.0)));
        };
        // None: nothing to answer; Some(true): answer and end.
        let mut answer: Option<bool> = None;
        let mut rejected = false;
        for comp in components {
            let Component::Invoke {
                invoke_id,
                op,
                parameter,
                ..
            } = comp
            else {
                if let Component::ReturnError {
                    invoke_id, error, ..
                } = comp
                {
                    tracing::warn!(call_id = %c.call.id(), invoke_id, ?error, "SSP returned an error");
                }
                continue;
            };
            if *op == local(opcode::EVENT_REPORT_BCSM) {
                let er = parameter
                    .as_deref()
                    .map(|p| Tlv::parse_single(p).and_then(EventReportBcsmArg::decode));
                match er {
                    Some(Ok(er)) => {
                        let state = super::camel_map::to_state(&er);
                        if let Some(s) = state {
                            ctx.report(&mut c.call, s);
                        }
                        if er.is_request() {
                            let ends = matches!(
                                state,
                                Some(CallState::Disconnected(_) | CallState::Abandoned)
                            );
                            answer = Some(ends || answer == Some(true));
                        }
                    }
                    _ if end => {}
                    _ => {
                        ctx.tcap
                            .reject(d, *invoke_id, Problem::InvokeMistypedParameter)?;
                        rejected = true;
                    }
                }
            } else if *op == local(opcode::APPLY_CHARGING_REPORT)
                || *op == local(opcode::CALL_INFORMATION_REPORT)
            {
                // Reports scpd does not use yet are accepted silently.
            } else if !end {
                ctx.tcap
                    .reject(d, *invoke_id, Problem::UnrecognizedOperation)?;
                rejected = true;
            }
        }
        if end {
            self.dialogues.unfollow(d);
            return Ok(());
        }
        match answer {
            Some(ends) => {
                ctx.tcap.invoke(
                    d,
                    invoke(opcode::CONTINUE, OpClass::Class4, self.invoke_timeout, None),
                )?;
                if ends {
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

impl QueryUser for Inap {
    type State = ();
    type Held = Held;
    const PEER: &'static str = "SSP";

    fn core(&mut self) -> &mut Dialogues<(), Held> {
        &mut self.dialogues
    }

    fn answer(&mut self, ctx: &mut Ctx<'_>, a: Answering<Held>) -> Result<(), Fault> {
        self.answer_inap(ctx, a)
    }

    /// ResetTimer (ETS 300 374-1 §9, opcode 33) setting the SSF's Tssf, in a TC-CONTINUE.
    fn reset_timer(&mut self, ctx: &mut Ctx<'_>, d: DialogueId) -> Result<(), Fault> {
        let mut p = Vec::with_capacity(8);
        crate::inap::ResetTimerArg::tssf(self.reset_seconds).encode(&mut Writer::new(&mut p));
        ctx.tcap.invoke(
            d,
            invoke(
                opcode::RESET_TIMER,
                OpClass::Class2,
                self.invoke_timeout,
                Some(p),
            ),
        )?;
        ctx.tcap.continue_(d, ctx.now)?;
        Ok(())
    }

    /// A basic TC-END: the SSF continues the call without us.
    fn end_at_shutdown(&mut self, ctx: &mut Ctx<'_>, d: DialogueId) {
        if let Err(e) = ctx.tcap.end(d, EndKind::Basic, ctx.now) {
            tracing::warn!(error = %e, dialogue = d.0, "not ended at shutdown");
        }
    }
}
