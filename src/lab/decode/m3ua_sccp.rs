//! The layers below TCAP: M3UA, SCCP (with segment reassembly and the messages SCCP
//! returns) and SCCP management.

use super::input::State;
use super::line::Line;
use super::tcap_itu::tcap_layer;
use super::{App, Totals};
use crate::lab::json::J;
use crate::m3ua::{Kind, Message};
use crate::sccp::segment::SegmentOutcome;
use crate::sccp::{Address, Unitdata};
use std::time::Instant;

pub(super) fn m3ua_layer(
    b: &[u8],
    now: Instant,
    line: &mut Line,
    d: &mut State<'_>,
    totals: &mut Totals,
) {
    let msg = match Message::parse(b) {
        Ok(m) => m,
        Err(e) => {
            line.error.set("m3ua", 0, e);
            return;
        }
    };
    let j = &mut line.m3ua;
    j.open();
    if let Ok(Some(code)) = msg.error_code() {
        j.key("error_code").num(code);
    }
    match msg.kind() {
        Some(k) => j.key("message").str(k.name()),
        None => j
            .key("message")
            .display(format_args!("class {} type {}", msg.class, msg.msg_type)),
    };
    let mut data = None;
    if msg.kind() == Some(Kind::Data) {
        match msg.protocol_data() {
            Ok(pd) => {
                j.key("protocol_data").open().key("dpc").num(pd.dpc);
                j.key("ni").num(pd.ni).key("opc").num(pd.opc);
                j.key("si").num(pd.si).key("sls").num(pd.sls).close();
                data = Some(Ok(pd));
            }
            Err(e) => data = Some(Err(e)),
        }
    }
    if let Ok(Some(rcs)) = msg.routing_contexts() {
        j.key("routing_context").open_array();
        for rc in rcs.iter() {
            j.num(rc);
        }
        j.close_array();
    }
    if let Ok(Some((t, i))) = msg.status() {
        j.key("status").open().key("info").num(i);
        j.key("type").num(t).close();
    }
    j.close();
    match data {
        Some(Ok(pd)) if pd.si == 3 => sccp_layer(pd.data, pd.opc, now, line, d, totals),
        Some(Err(e)) => line.error.set("m3ua", 8, e),
        _ => {}
    }
}

fn address(j: &mut J, a: &Address<'_>) {
    j.open();
    if let Some(g) = a.gt {
        j.key("gt").open().key("digits").str(g.digits().as_str());
        j.key("gti").num(g.gti).key("nai").num(g.nai);
        j.key("np").num(g.np).key("tt").num(g.tt).close();
    }
    if let Some(pc) = a.pc {
        j.key("pc").num(pc);
    }
    j.key("route_on")
        .str(if a.route_on_ssn { "ssn" } else { "gt" });
    if let Some(ssn) = a.ssn {
        j.key("ssn").num(ssn);
    }
    j.close();
}

pub(super) fn sccp_layer(
    b: &[u8],
    opc: u32,
    now: Instant,
    line: &mut Line,
    d: &mut State<'_>,
    totals: &mut Totals,
) {
    let u = match Unitdata::decode_variant(b, d.variant) {
        Ok(u) => u,
        Err(e) => {
            let t = b.first().copied().unwrap_or(0);
            line.sccp
                .open()
                .key("message")
                .str(crate::sccp::type_name(t))
                .close();
            line.error.set("sccp", 0, e);
            return;
        }
    };
    let s = &mut line.sccp;
    s.open();
    address(s.key("called"), &u.called);
    address(s.key("calling"), &u.calling);
    if !u.is_service() {
        s.key("class").num(u.protocol_class & 0x0f);
    }
    s.key("message").str(u.type_name());
    let ssn_app = [u.called.ssn, u.calling.ssn]
        .into_iter()
        .flatten()
        .find_map(|s| d.opts.app_of_ssn(s));
    let segmented = u
        .segmentation
        .is_some_and(|s| !(s.first && s.remaining == 0));
    // Q.714 §4.1.2.2: hold the segment; the last one yields the whole message.
    let outcome = segmented.then(|| d.reassembler.receive(opc, b, now));
    match &outcome {
        Some(Ok(Some(SegmentOutcome::Complete(r)))) => {
            s.key("reassembled").open().key("length").num(r.data.len());
            s.key("segments").num(r.segments).close();
        }
        Some(Ok(Some(SegmentOutcome::Failed(_))) | Err(_)) => {}
        Some(Ok(_)) => {
            s.key("reassembly").str("pending");
        }
        None => {}
    }
    if let Some(c) = u.return_cause {
        s.key("return_cause").num(c);
    }
    if !u.is_service() {
        s.key("return_on_error").bool(u.return_on_error());
    }
    if let Some(seg) = u.segmentation {
        s.key("segmentation").open().key("first").bool(seg.first);
        s.key("local_reference").num(seg.local_reference);
        s.key("remaining").num(seg.remaining).close();
    }
    s.close();
    if let Some(outcome) = outcome {
        match outcome {
            Ok(Some(SegmentOutcome::Complete(r))) => {
                if u.is_service() {
                    returned(&r.data, ssn_app, line, d);
                } else {
                    tcap_layer(&r.data, ssn_app, false, line, d, totals);
                }
            }
            Ok(Some(SegmentOutcome::Failed(f))) => {
                line.sccp_data.hex(u.data);
                line.error
                    .set("sccp", 0, format_args!("reassembly: {}", f.reason));
            }
            Ok(_) => {
                line.sccp_data.hex(u.data);
            }
            Err(e) => line.error.set("sccp", 0, e),
        }
        return;
    }
    if u.data.is_empty() {
        return;
    }
    if u.is_service() {
        // The message SCCP returns (Q.714 §4.2) is a copy of one already sent: decoded under
        // `returned`, outside the counts and the dialogues.
        returned(u.data, ssn_app, line, d);
        return;
    }
    if u.called.ssn == Some(crate::sccp::scmg::SSN_SCMG) {
        // SCCP management (Q.713 §5), not a TC user.
        match crate::sccp::scmg::ScmgMessage::decode(u.data, d.variant) {
            Ok(m) => {
                let j = &mut line.scmg;
                j.open().key("affected_pc").num(m.affected_pc);
                j.key("affected_ssn").num(m.affected_ssn);
                if let Some(c) = m.congestion_level {
                    j.key("congestion_level").num(c);
                }
                j.key("message").str(m.type_name());
                j.key("multiplicity").num(m.multiplicity).close();
            }
            Err(e) => line.error.set("scmg", 0, e),
        }
        return;
    }
    tcap_layer(u.data, ssn_app, false, line, d, totals);
}

/// A message SCCP returned: its TCAP under `returned`, counted nowhere.
fn returned(b: &[u8], ssn_app: Option<App>, line: &mut Line, d: &mut State<'_>) {
    let mut inner = line
        .inner
        .take()
        .unwrap_or_else(|| Box::new(Line::new(line.on)));
    inner.clear();
    tcap_layer(b, ssn_app, true, &mut inner, d, &mut Totals::default());
    inner.write(&mut line.returned, None);
    line.inner = Some(inner);
}
