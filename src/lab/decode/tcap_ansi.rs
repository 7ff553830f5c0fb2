//! ANSI TCAP (T1.114): packages and components, the dialogue they belong to, and the
//! operations AIN (GR-1299) and WIN (TIA/EIA-41 family 9) define named, with their
//! arguments and, for WIN, results.

use super::dialogues::{Dialogues, Step};
use super::line::Line;
use super::Totals;
use crate::lab::json::{count, count_fmt, Small};
use std::fmt::Write as _;

/// ANSI T1.114 packages; private operation codes that AIN defines are named (GR-1299).
pub(super) fn ansi_layer(
    b: &[u8],
    returned: bool,
    line: &mut Line,
    dl: &mut Dialogues,
    totals: &mut Totals,
) {
    use crate::tcap::ansi::{AnsiComponent, AnsiMessage, OpCode, PackageType};
    let msg = match AnsiMessage::decode(b) {
        Ok(m) => m,
        Err(e) => {
            line.tcap.open().key("variant").str("ansi").close();
            line.error.set("tcap", 0, e);
            return;
        }
    };
    let package = msg.package.name();
    count_fmt(&mut totals.tcap_types, format_args!("ANSI {package}"));
    let ids = msg.ids;
    // T1.114 §3.1: the originating id is the sender's, the responding id the peer's.
    let step = match msg.package {
        PackageType::Unidirectional => Step::Uni,
        PackageType::QueryWithPermission | PackageType::QueryWithoutPermission => Step::Begin,
        PackageType::ConversationWithPermission | PackageType::ConversationWithoutPermission => {
            Step::Continue
        }
        PackageType::Response => Step::End,
        PackageType::Abort => Step::Abort,
    };
    let (o, r) = (ids.originating, ids.responding);
    let n = if returned {
        0
    } else {
        let n = dl.track(
            step,
            o.as_ref().map(|x| &x[..]),
            r.as_ref().map(|x| &x[..]),
            totals,
        );
        line.dialogue = Some(n);
        n
    };
    // The name of an operation code, and which application defines it.
    let op_name = |op: OpCode| -> (Small, Option<&'static str>) {
        let code = op.value() & 0x7fff;
        let mut s = Small::new();
        let win = crate::win::Operation::from_code(code).map(|o| o.name());
        let app = match (op.is_private(), crate::ain::operation_name(code), win) {
            (true, Some(n), _) => {
                let _ = s.write_str(n);
                Some("AIN")
            }
            (true, None, Some(n)) => {
                let _ = s.write_str(n);
                Some("WIN")
            }
            (true, None, None) => {
                let _ = write!(s, "private {code:#06x}");
                None
            }
            (false, ..) => {
                let _ = write!(s, "national {code:#06x}");
                None
            }
        };
        (s, app)
    };
    let mut app = None;
    let t = &mut line.tcap;
    t.open();
    let mut any = false;
    for c in msg.components() {
        if !any {
            t.key("components").open_array();
            any = true;
        }
        match c {
            Ok(AnsiComponent::Invoke {
                last,
                invoke_id,
                correlation_id,
                opcode,
                parameter,
            }) => {
                let (name, is_app) = op_name(opcode);
                let name = name.as_str();
                app = app.or(is_app);
                count_fmt(&mut totals.operations, format_args!("invoke {name}"));
                if let (Some(id), Some(i)) = (invoke_id, dl.info.get_mut(&n)) {
                    i.ansi_invokes.retain(|(x, _)| *x != id);
                    i.ansi_invokes.push((id, opcode));
                }
                t.open();
                let mut bad = Vec::new();
                let at = parameter.map_or(0, |p| p.offset);
                match is_app {
                    Some("AIN") => match crate::ain::ain_lenient(opcode, parameter, &mut bad) {
                        Ok(m) => {
                            crate::lab::decode_args::ain_argument(t.key("argument"), &m.arg, &bad)
                        }
                        Err(e) => line.error.set("ain", at, format_args!("{name}: {e}")),
                    },
                    Some(_) => match crate::win::decode_invoke_lenient(opcode, parameter, &mut bad)
                    {
                        Ok(m) => {
                            crate::lab::decode_args::win_params(t.key("argument"), &m.params, &bad)
                        }
                        Err(e) => line.error.set("win", at, format_args!("{name}: {e}")),
                    },
                    None => {}
                }
                t.key("component")
                    .str(if last { "invokeLast" } else { "invokeNotLast" });
                if let Some(c) = correlation_id {
                    t.key("correlation_id").num(c);
                }
                t.key("family").num(opcode.family());
                if let Some(i) = invoke_id {
                    t.key("invoke_id").num(i);
                }
                t.key("opcode").num(opcode.value());
                t.key("operation").str(name);
                if let Some(p) = parameter {
                    t.key("parameter").hex(p.raw);
                }
                t.key("specifier").num(opcode.specifier()).close();
            }
            Ok(AnsiComponent::ReturnResult {
                last,
                correlation_id,
                parameter,
            }) => {
                // The operation is the one of the Invoke it answers (by correlation id).
                let op = dl.info.get_mut(&n).and_then(|i| {
                    let k = i
                        .ansi_invokes
                        .iter()
                        .position(|(x, _)| *x == correlation_id)?;
                    let op = i.ansi_invokes[k].1;
                    if last {
                        i.ansi_invokes.swap_remove(k);
                    }
                    Some(op)
                });
                let name = op.map(|v| op_name(v).0);
                let name = name.as_ref().map_or("", |s| s.as_str());
                count_fmt(&mut totals.operations, format_args!("returnResult {name}"));
                t.open().key("component").str(if last {
                    "returnResultLast"
                } else {
                    "returnResultNotLast"
                });
                t.key("correlation_id").num(correlation_id);
                if let Some(op) = op {
                    t.key("opcode").num(op.value());
                    t.key("operation").str(name);
                }
                // A WIN result's parameters, read as the operation it answers defines them.
                let win = op
                    .filter(|o| {
                        o.is_private() && crate::ain::operation_name(o.value() & 0x7fff).is_none()
                    })
                    .and_then(|o| crate::win::Operation::from_code(o.value() & 0x7fff));
                if let Some(w) = win {
                    let mut bad = Vec::new();
                    match crate::win::decode_result_lenient(w, parameter, &mut bad) {
                        Ok(m) => {
                            crate::lab::decode_args::win_params(t.key("result"), &m.params, &bad);
                            app = app.or(Some("WIN"));
                        }
                        Err(e) => line.error.set(
                            "win",
                            parameter.map_or(0, |p| p.offset),
                            format_args!("{name} result: {e}"),
                        ),
                    }
                }
                t.close();
            }
            Ok(AnsiComponent::ReturnError {
                correlation_id,
                error,
                ..
            }) => {
                count(&mut totals.operations, "returnError");
                t.open().key("component").str("returnError");
                t.key("correlation_id").num(correlation_id);
                t.key("error").display(format_args!("{error:?}")).close();
            }
            Ok(AnsiComponent::Reject {
                correlation_id,
                problem,
                ..
            }) => {
                count(&mut totals.operations, "reject");
                t.open().key("component").str("reject");
                t.key("correlation_id").opt_num(correlation_id);
                t.key("problem").open_array().num(problem.kind);
                t.num(problem.code).close_array().close();
            }
            Err(f) => {
                t.open().key("reject_reason").display(&f.error).close();
                line.error.set(
                    "tcap",
                    f.error.offset,
                    format_args!("component: {}", f.error),
                );
            }
        }
    }
    if any {
        t.close_array();
    }
    if let Some(o) = ids.originating {
        t.key("originating_id").hex(&o);
    }
    t.key("package").str(package);
    if let Some(r) = ids.responding {
        t.key("responding_id").hex(&r);
    }
    t.key("variant").str("ansi").close();
    if !returned {
        dl.close(n, step, totals);
    }
    if app.is_some() {
        line.application = app;
    }
}
