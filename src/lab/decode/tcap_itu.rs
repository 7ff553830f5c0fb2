//! ITU TCAP (Q.773): the message, its dialogue portion and components, the dialogue it
//! belongs to and the application (CAP by phase, INAP CS-1, MAP by version, or by SSN),
//! with CAP, INAP and MAP arguments and errors (and MAP results) named.

use super::dialogues::{AcApp, Step};
use super::input::State;
use super::line::{Line, Problem};
use super::tcap_ansi::ansi_layer;
use super::{App, Totals};
use crate::ber::{BerError, Tlv};
use crate::camel::Phase;
use crate::lab::decode_args::ItuApp;
use crate::lab::json::{count, count_fmt, Small, J};
use crate::map::Version;
use crate::tcap::itu::{Component, DialoguePdu, MessageType, TcMessage};
use std::fmt::Write as _;

/// An application context name in dotted form, else as hex.
fn oid(j: &mut J, ac: &[u8]) {
    if !j.is_on() {
        return;
    }
    let mut s = Small::new();
    let dotted = !ac.is_empty() && ac[ac.len() - 1] & 0x80 == 0 && {
        let (mut arc, mut first, mut ok) = (0u64, true, true);
        for &b in ac {
            if arc > (u64::MAX >> 7) {
                ok = false;
                break;
            }
            arc = (arc << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                let r = if first {
                    first = false;
                    let (a, b) = match arc {
                        0..=39 => (0, arc),
                        40..=79 => (1, arc - 40),
                        _ => (2, arc - 80),
                    };
                    write!(s, "{a}.{b}")
                } else {
                    write!(s, ".{arc}")
                };
                ok &= r.is_ok();
                arc = 0;
            }
        }
        ok
    };
    if dotted {
        j.str(s.as_str());
    } else if let Some(text) = crate::ber::oid_to_string(ac) {
        j.str(&text); // longer than the stack buffer
    } else {
        j.hex(ac);
    }
}

pub(super) fn tcap_layer(
    b: &[u8],
    ssn_app: Option<App>,
    returned: bool,
    line: &mut Line,
    d: &mut State<'_>,
    totals: &mut Totals,
) {
    if matches!(b.first(), Some(0xe1..=0xe6 | 0xf6)) {
        ansi_layer(b, returned, line, &mut d.dialogues, totals);
        return;
    }
    let repaired;
    let msg = match TcMessage::decode(b) {
        Ok(m) => m,
        // Like Wireshark, read a message whose outer length overstates what the SCCP data
        // carries as far as it goes, with a warning (only this error path copies).
        Err(_)
            if {
                repaired = clamp_outer_length(b);
                repaired
                    .as_ref()
                    .is_some_and(|r| TcMessage::decode(&r.0).is_ok())
            } =>
        {
            let Some(r) = repaired.as_ref() else {
                return;
            };
            line.warning.set(
                "tcap",
                0,
                format_args!(
                    "message length {} exceeds the {} octets carried; decoded what is there",
                    r.1,
                    r.0.len() - r.2
                ),
            );
            match TcMessage::decode(&r.0) {
                Ok(m) => m,
                Err(_) => return,
            }
        }
        Err(e) => {
            let offset = match &e {
                crate::tcap::itu::TcapError::BadlyFormatted(be)
                | crate::tcap::itu::TcapError::Dialogue(be) => be.offset,
                _ => 0,
            };
            line.error.set("tcap", offset, e);
            return;
        }
    };
    count(&mut totals.tcap_types, msg.kind.name());
    let ac = msg.application_context();
    // Which dialogue, and which application: the dialogue's AC (learned at its Begin or
    // first answer), else the SSN.
    let step = match msg.kind {
        MessageType::Begin => Step::Begin,
        MessageType::Continue => Step::Continue,
        MessageType::End => Step::End,
        MessageType::Abort => Step::Abort,
        MessageType::Unidirectional => Step::Uni,
    };
    let dl = &mut d.dialogues;
    let n = if returned {
        0
    } else {
        dl.track(step, msg.otid, msg.dtid, totals)
    };
    // `track` forgets a dialogue that ends: read what it learned first.
    let learned = ac.map(AcApp::of);
    let known = learned.or_else(|| dl.info.get(&n).and_then(|i| i.ac));
    if let (Some(a), Some(i)) = (learned, dl.info.get_mut(&n)) {
        i.ac = Some(a);
    }
    let app = match known {
        Some(AcApp::Cap(_)) => Some(App::Camel),
        Some(AcApp::Inap) => Some(App::Inap),
        Some(AcApp::Map(_)) => Some(App::Map),
        // An AC of another application: what the SSN says, but not CAP.
        Some(AcApp::Other) => ssn_app.filter(|a| *a != App::Camel),
        None => ssn_app,
    };
    // Whose names the components get; MAP in the AC's version, v3 when it is not known.
    let named = match app {
        Some(App::Camel) => Some(ItuApp::Cap),
        Some(App::Inap) => Some(ItuApp::Inap),
        Some(App::Map) => Some(ItuApp::Map(match known {
            Some(AcApp::Map(Some(v))) => v,
            _ => Version::V3,
        })),
        Some(App::Ain) | None => None,
    };
    if !returned {
        line.dialogue = Some(n);
    }
    let t = &mut line.tcap;
    t.open();
    let mut any = false;
    for c in msg.components() {
        if !any {
            t.key("components").open_array();
            any = true;
        }
        match c {
            Ok(c) => component(t, &c, named, totals, &mut line.error),
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
    if let Some(pdu) = msg.dialogue {
        let kind = match pdu {
            DialoguePdu::Aarq { .. } => "AARQ",
            DialoguePdu::Aare { .. } => "AARE",
            DialoguePdu::Abrt { .. } => "ABRT",
            DialoguePdu::Audt { .. } => "AUDT",
        };
        t.key("dialogue").open();
        if let Some(ac) = ac {
            oid(t.key("application_context"), ac);
        }
        if let DialoguePdu::Aare { diagnostic, .. } = pdu {
            t.key("diagnostic").open_array();
            t.num(diagnostic.0).num(diagnostic.1).close_array();
        }
        t.key("pdu").str(kind);
        if let DialoguePdu::Aare { result, .. } = pdu {
            t.key("result").num(result);
        }
        t.close();
    }
    if let Some(x) = msg.dtid {
        t.key("dtid").hex(x);
    }
    t.key("message").str(msg.kind.name());
    if let Some(o) = msg.otid {
        t.key("otid").hex(o);
    }
    if let Some(c) = msg.p_abort {
        t.key("p_abort_cause").num(c);
    }
    t.close();
    if !returned {
        d.dialogues.close(n, step, totals);
    }
    if let Some(a) = app {
        line.application = Some(match (a, known) {
            (App::Camel, Some(AcApp::Cap(Phase::Cap1))) => "CAP v1",
            (App::Camel, Some(AcApp::Cap(Phase::Cap2))) => "CAP v2",
            (App::Camel, Some(AcApp::Cap(Phase::Cap3))) => "CAP v3",
            (App::Camel, Some(AcApp::Cap(Phase::Cap4))) => "CAP v4",
            (App::Inap, Some(AcApp::Inap)) => "INAP CS-1",
            (App::Map, Some(AcApp::Map(Some(Version::V2)))) => "MAP v2",
            (App::Map, Some(AcApp::Map(Some(Version::V3)))) => "MAP v3",
            (a, _) => a.name(),
        });
    }
}

/// `b` with its outer BER length replaced by what follows it (definite form), when that is
/// shorter than stated: (bytes, stated length, header length).
fn clamp_outer_length(b: &[u8]) -> Option<(Vec<u8>, usize, usize)> {
    let (&tag, rest) = b.split_first()?;
    let (&l0, rest) = rest.split_first()?;
    let (stated, rest) = match l0 {
        0..=0x7f => (usize::from(l0), rest),
        0x81..=0x84 => {
            let n = usize::from(l0 & 0x7f);
            let v = rest.get(..n)?;
            (
                v.iter().fold(0usize, |a, &x| a << 8 | usize::from(x)),
                &rest[n..],
            )
        }
        _ => return None,
    };
    if stated <= rest.len() || tag & 0x20 == 0 {
        return None;
    }
    let mut out = Vec::with_capacity(rest.len() + 6);
    let mut w = crate::ber::Writer::new(&mut out);
    w.primitive(crate::ber::Tag::app(0, false), rest);
    // Same tag octet as the original (constructed application tag of the message type).
    out[0] = tag;
    let header = out.len() - rest.len();
    Some((out, stated, header))
}

/// One ITU component (Q.773 §3), counted in `totals`; an argument or result that does
/// not decode is shown raw and noted in `error`. Operations, arguments and errors are named
/// for CAP, INAP and MAP (CAP's and INAP's local operation codes are the same numbers, so
/// `app` decides), MAP results too.
fn component(
    j: &mut J,
    c: &Component<'_>,
    app: Option<ItuApp>,
    totals: &mut Totals,
    error: &mut Problem,
) {
    let name = |op: u32| -> Small {
        let mut s = Small::new();
        let _ = match app.and_then(|a| a.operation_name(op)) {
            Some(n) => s.write_str(n),
            None => write!(s, "op{op}"),
        };
        s
    };
    match *c {
        Component::Invoke {
            invoke_id,
            linked_id,
            opcode,
            parameter,
        } => {
            let op = name(opcode);
            let op = op.as_str();
            count_fmt(&mut totals.operations, format_args!("invoke {op}"));
            j.open();
            if let Some(p) = parameter {
                let r = shown(j, "argument", p, |j| match app {
                    Some(a) => a.argument(j, opcode, p),
                    None => raw(j, p),
                });
                if let (Err(e), Some(a)) = (r, app) {
                    error.set(a.layer(), e.offset, format_args!("{op}: {}", e.kind));
                }
            }
            j.key("component").str("invoke");
            j.key("invoke_id").num(invoke_id);
            if let Some(l) = linked_id {
                j.key("linked_id").num(l);
            }
            j.key("opcode").num(opcode);
            j.key("operation").str(op).close();
        }
        Component::ReturnResult {
            invoke_id,
            last,
            opcode,
            parameter,
        } => {
            let op = opcode.map(name);
            let op = op.as_ref().map(Small::as_str);
            count_fmt(
                &mut totals.operations,
                format_args!("returnResult {}", op.unwrap_or_default()),
            );
            j.open().key("component").str(if last {
                "returnResultLast"
            } else {
                "returnResultNotLast"
            });
            j.key("invoke_id").num(invoke_id);
            j.key("opcode").opt_num(opcode);
            match op {
                Some(op) => j.key("operation").str(op),
                None => j.key("operation").null(),
            };
            if let (Some(a), Some(code), Some(p)) = (app, opcode, parameter) {
                if a.shows_results() {
                    if let Err(e) = shown(j, "result", p, |j| a.result(j, code, p)) {
                        let op = op.unwrap_or_default();
                        error.set(a.layer(), e.offset, format_args!("{op} result: {}", e.kind));
                    }
                }
            }
            j.close();
        }
        Component::ReturnError {
            invoke_id,
            error_code,
            parameter,
        } => {
            count_fmt(
                &mut totals.operations,
                format_args!("returnError {error_code}"),
            );
            j.open().key("component").str("returnError");
            if let Some(a) = app {
                a.error_name(j.key("error"), error_code.into(), parameter);
            }
            j.key("error_code").num(error_code);
            j.key("invoke_id").num(invoke_id);
            if let Some(a) = app {
                a.error_parameter(j, error_code.into(), parameter);
            }
            j.close();
        }
        Component::Reject { invoke_id, problem } => {
            count(&mut totals.operations, "reject");
            j.open().key("component").str("reject");
            j.key("invoke_id").opt_num(invoke_id);
            j.key("problem").open_array().num(problem.0);
            j.num(problem.1).close_array().close();
        }
    }
}

/// The member `key`: the value `f` writes, or when it fails (`f`'s error returned) the
/// parameter raw.
fn shown(
    j: &mut J,
    key: &str,
    p: Tlv<'_>,
    f: impl FnOnce(&mut J) -> Result<(), BerError>,
) -> Result<(), BerError> {
    j.key(key);
    let m = j.mark();
    let r = f(j);
    if r.is_err() {
        j.reset(m);
        let _ = raw(j, p);
    }
    r
}

/// A parameter no table names: `{"raw": hex}`.
fn raw(j: &mut J, p: Tlv<'_>) -> Result<(), BerError> {
    j.open().key("raw").hex(p.raw).close();
    Ok(())
}
