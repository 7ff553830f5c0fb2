//! The component sub-layer on receipt: which received components are delivered, which are
//! rejected, and which of our invocations they end.
//!
//! # Component sub-layer (Q.774 §3.2.2; T1.114.4 §4)
//!
//! | received component | condition | Reject sent (next message) | to the TC-user |
//! | --- | --- | --- | --- |
//! | undecodable | codec fault | the codec's problem (general/mistyped/…) | TC-L-REJECT |
//! | Invoke | id of a received invocation still awaiting our answer | invoke duplicateInvokeID | TC-L-REJECT |
//! | Invoke | ITU: linked id names no invocation of ours in progress | invoke unrecognizedLinkedID | TC-L-REJECT |
//! | ReturnResult(L/NL) | id names no invocation of ours | returnResult unrecognizedInvokeID | TC-L-REJECT |
//! | ReturnResult | our invocation is class 2 or 4 | returnResult returnResultUnexpected | TC-L-REJECT |
//! | ReturnError | id names no invocation of ours | returnError unrecognizedInvokeID | TC-L-REJECT |
//! | ReturnError | our invocation is class 3 or 4 | returnError returnErrorUnexpected | TC-L-REJECT |
//! | Reject | — | — | TC-R-REJECT (the named invocation of ours ends) |
//! | (invoke timer) | no final answer within the timeout | — | TC-L-CANCEL |
//!
//! Rejects found in a TC-END [Response] cannot be sent; only TC-L-REJECT is given. A received
//! Invoke's class comes from [`SsnPolicy::class_of`](super::SsnPolicy::class_of); classes 1
//! and 3 are remembered until we answer them (return result last, return error or reject) so
//! that duplicates are caught.
//!
//! An ANSI correlation id is not checked against our invocations in progress: a GR-1299
//! SSP may correlate an event report with the Request_Report_BCM_Event that armed it,
//! whose invoke timer ran out long before the call ended.

use super::Tcap;
use crate::tcap::tc::*;

impl<A: Clone> Tcap<A> {
    /// Component sub-layer on receipt: the components to deliver, and the TC-L-REJECT /
    /// TC-R-REJECT indications that follow them. Rejects to send are queued on the
    /// dialogue unless `closing`.
    pub(super) fn process_components(
        &mut self,
        local: u32,
        comps: Vec<Result<Component, (Option<i8>, Problem)>>,
        closing: bool,
    ) -> (Vec<Component>, Vec<Indication>) {
        let dialogue = DialogueId(local);
        let mut out = Vec::with_capacity(comps.len());
        let mut extra = Vec::new();
        let ssn = self.table.get(local).expect("live").user.ssn;
        let class_of = self.policy(ssn).class_of;
        let itu = self.cfg.variant == Variant::Itu;
        let mut cancel_timers = Vec::new();
        {
            let d = &mut self.table.get_mut(local).expect("live").user;
            for c in comps {
                let problem = match &c {
                    Err((id, p)) => Some((*id, *p)),
                    Ok(Component::Invoke {
                        invoke_id,
                        linked_id,
                        op,
                        ..
                    }) => {
                        if itu && linked_id.is_some_and(|l| !d.sent.iter().any(|s| s.id == l)) {
                            Some((*invoke_id, Problem::UnrecognizedLinkedId))
                        } else if invoke_id.is_some_and(|i| d.received.iter().any(|r| r.0 == i)) {
                            Some((*invoke_id, Problem::DuplicateInvokeId))
                        } else {
                            if let Some(i) = invoke_id {
                                if class_of(op).result_expected() && !closing {
                                    d.received.push((*i, op.clone()));
                                }
                            }
                            None
                        }
                    }
                    Ok(Component::ReturnResult {
                        invoke_id, last, ..
                    }) => match d.sent.iter().position(|s| s.id == *invoke_id) {
                        None => Some((Some(*invoke_id), Problem::ResultUnrecognizedInvokeId)),
                        Some(i) if !d.sent[i].class.result_expected() => {
                            cancel_timers.push(d.sent.swap_remove(i));
                            Some((Some(*invoke_id), Problem::ReturnResultUnexpected))
                        }
                        Some(i) => {
                            if *last {
                                cancel_timers.push(d.sent.swap_remove(i));
                            }
                            None
                        }
                    },
                    Ok(Component::ReturnError { invoke_id, .. }) => {
                        match d.sent.iter().position(|s| s.id == *invoke_id) {
                            None => Some((Some(*invoke_id), Problem::ErrorUnrecognizedInvokeId)),
                            Some(i) if !d.sent[i].class.error_expected() => {
                                cancel_timers.push(d.sent.swap_remove(i));
                                Some((Some(*invoke_id), Problem::ReturnErrorUnexpected))
                            }
                            Some(i) => {
                                cancel_timers.push(d.sent.swap_remove(i));
                                None
                            }
                        }
                    }
                    Ok(Component::Reject { invoke_id, problem }) => {
                        if problem.names_an_invoke() {
                            if let Some(i) =
                                invoke_id.and_then(|id| d.sent.iter().position(|s| s.id == id))
                            {
                                cancel_timers.push(d.sent.swap_remove(i));
                            }
                        }
                        *self.counters.rejected_remote.entry(*problem).or_default() += 1;
                        extra.push(Indication::RReject {
                            dialogue,
                            invoke_id: *invoke_id,
                            problem: *problem,
                        });
                        continue;
                    }
                };
                match problem {
                    None => out.push(c.expect("checked")),
                    Some((invoke_id, problem)) => {
                        *self.counters.rejected_local.entry(problem).or_default() += 1;
                        if !closing {
                            d.pending.push(Component::Reject { invoke_id, problem });
                        }
                        extra.push(Indication::LReject {
                            dialogue,
                            invoke_id,
                            problem,
                        });
                    }
                }
            }
        }
        for s in cancel_timers {
            if let Some(t) = s.deadline {
                self.timers.remove(&(t, local, s.id));
            }
        }
        (out, extra)
    }
}
