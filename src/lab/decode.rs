//! `scpd decode`: every message in a capture or hex file becomes one JSON line with each
//! layer decoded (M3UA or MTP3, SCCP, TCAP, CAP), plus the dialogue it belongs to. A message
//! that fails becomes a line with an `error` object naming the layer, offset and reason, and
//! decoding goes on.

use super::capture::{self, CaptureOptions, Mtp3Variant, Payload};
use crate::ber::{hex, oid_to_string, Tlv};
use crate::camel::{self, Phase};
use crate::m3ua::{Kind, Message};
use crate::sccp::{Address, Unitdata};
use crate::tcap::itu::{Component, DialoguePdu, TcMessage};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Auto,
    Hex,
    Pcap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexLayer {
    Auto,
    M3ua,
    Sccp,
    Tcap,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: InputFormat,
    pub layer: HexLayer,
    pub mtp3: Mtp3Variant,
    /// SSNs whose TCAP is CAP when the dialogue's application context was not seen (like
    /// tshark's `camel.tcap.ssn`).
    pub cap_ssns: Vec<u8>,
}

/// Counts for `--summary`.
#[derive(Debug, Default)]
pub struct Totals {
    pub messages: u64,
    pub errors: u64,
    pub operations: BTreeMap<String, u64>,
    pub tcap_types: BTreeMap<String, u64>,
}

impl Totals {
    pub fn table(&self) -> String {
        let mut s = format!("messages {}\nerrors   {}\n", self.messages, self.errors);
        s.push_str("\nTCAP message types\n");
        for (k, v) in &self.tcap_types {
            s.push_str(&format!("  {v:>8}  {k}\n"));
        }
        s.push_str("\noperations\n");
        for (k, v) in &self.operations {
            s.push_str(&format!("  {v:>8}  {k}\n"));
        }
        s
    }
}

/// Application of each dialogue, learned from the Begin's application context.
#[derive(Default)]
struct Dialogues {
    by_tid: HashMap<Vec<u8>, Option<Phase>>,
    cap_ssns: Vec<u8>,
}

/// The SCCP variant that goes with an MTP3 point-code variant: ANSI T1.112 for ANSI, the
/// ITU layout with 24-bit point codes for China (GF 001-9001). Japan's TTC JT-Q.713 uses the
/// ITU layout with 16-bit point codes, which the ITU decoder reads as 14-bit plus 2 spare
/// bits: the layout is right, only a point code with either top bit set is shown masked.
pub fn sccp_variant(mtp3: Mtp3Variant) -> crate::sccp::Variant {
    match mtp3 {
        Mtp3Variant::Itu | Mtp3Variant::Japanese => crate::sccp::Variant::Itu,
        Mtp3Variant::Ansi => crate::sccp::Variant::Ansi,
        Mtp3Variant::Chinese => crate::sccp::Variant::Chinese,
    }
}

fn err(layer: &str, offset: usize, reason: impl ToString) -> Value {
    json!({"layer": layer, "offset": offset, "reason": reason.to_string()})
}

/// Decode one input (a whole file's bytes).
pub fn decode_input(
    name: &str,
    data: &[u8],
    opts: &Options,
    totals: &mut Totals,
    mut emit: impl FnMut(&str),
) -> Result<(), String> {
    let is_capture = matches!(
        data.get(..4),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x0a, 0x0d, 0x0d, 0x0a]
        )
    );
    let mut dialogues = Dialogues {
        cap_ssns: opts.cap_ssns.clone(),
        ..Dialogues::default()
    };
    let format = match opts.format {
        InputFormat::Auto if is_capture => InputFormat::Pcap,
        InputFormat::Auto => InputFormat::Hex,
        f => f,
    };
    if format == InputFormat::Pcap {
        capture::read_capture(data, &CaptureOptions { mtp3: opts.mtp3 }, |m| {
            let mut line = Map::new();
            line.insert("file".into(), json!(name));
            line.insert("frame".into(), json!(m.frame));
            line.insert("ts_ns".into(), json!(m.ts_ns));
            match m.payload {
                Payload::M3ua(b) => m3ua_layer(b, &mut line, &mut dialogues, totals),
                Payload::Mtp3(msu) => {
                    line.insert(
                        "mtp3".into(),
                        json!({"opc": msu.opc, "dpc": msu.dpc, "si": msu.si, "ni": msu.ni, "sls": msu.sls}),
                    );
                    if msu.si == 3 {
                        sccp_layer(msu.data, &mut line, &mut dialogues, totals);
                    }
                }
                Payload::Sccp(b) => sccp_layer(b, &mut line, &mut dialogues, totals),
            }
            finish(line, totals, &mut emit);
        })
        .map_err(|e| e.to_string())?;
        return Ok(());
    }
    let text =
        std::str::from_utf8(data).map_err(|_| "neither a capture nor hex text".to_string())?;
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let mut line = Map::new();
        line.insert("file".into(), json!(name));
        line.insert("line".into(), json!(i + 1));
        match crate::ber::from_hex(l) {
            Err(e) => {
                line.insert("error".into(), err("hex", 0, e));
            }
            Ok(bytes) => {
                let layer = match opts.layer {
                    HexLayer::Auto => match bytes.first() {
                        Some(1) if bytes.len() >= 8 => HexLayer::M3ua,
                        Some(0x09..=0x14) => HexLayer::Sccp,
                        _ => HexLayer::Tcap,
                    },
                    l => l,
                };
                match layer {
                    HexLayer::M3ua => m3ua_layer(&bytes, &mut line, &mut dialogues, totals),
                    HexLayer::Sccp => sccp_layer(&bytes, &mut line, &mut dialogues, totals),
                    _ => tcap_layer(&bytes, false, &mut line, &mut dialogues, totals),
                }
            }
        }
        finish(line, totals, &mut emit);
    }
    Ok(())
}

fn finish(line: Map<String, Value>, totals: &mut Totals, emit: &mut impl FnMut(&str)) {
    totals.messages += 1;
    if line.contains_key("error") {
        totals.errors += 1;
    }
    emit(&Value::Object(line).to_string());
}

fn m3ua_layer(b: &[u8], line: &mut Map<String, Value>, d: &mut Dialogues, totals: &mut Totals) {
    let msg = match Message::parse(b) {
        Ok(m) => m,
        Err(e) => {
            line.insert("error".into(), err("m3ua", 0, e));
            return;
        }
    };
    let name = msg.kind().map_or_else(
        || format!("class {} type {}", msg.class, msg.msg_type),
        |k| k.name().to_string(),
    );
    let mut m = json!({"message": name});
    if let Ok(Some(rcs)) = msg.routing_contexts() {
        m["routing_context"] = json!(rcs.iter().collect::<Vec<_>>());
    }
    if let Ok(Some(code)) = msg.error_code() {
        m["error_code"] = json!(code);
    }
    if let Ok(Some((t, i))) = msg.status() {
        m["status"] = json!({"type": t, "info": i});
    }
    if msg.kind() == Some(Kind::Data) {
        match msg.protocol_data() {
            Ok(pd) => {
                m["protocol_data"] =
                    json!({"opc": pd.opc, "dpc": pd.dpc, "si": pd.si, "ni": pd.ni, "sls": pd.sls});
                line.insert("m3ua".into(), m);
                if pd.si == 3 {
                    sccp_layer(pd.data, line, d, totals);
                }
                return;
            }
            Err(e) => {
                line.insert("m3ua".into(), m);
                line.insert("error".into(), err("m3ua", 8, e));
                return;
            }
        }
    }
    line.insert("m3ua".into(), m);
}

fn address_json(a: &Address<'_>) -> Value {
    let mut v = json!({"route_on": if a.route_on_ssn { "ssn" } else { "gt" }});
    if let Some(pc) = a.pc {
        v["pc"] = json!(pc);
    }
    if let Some(ssn) = a.ssn {
        v["ssn"] = json!(ssn);
    }
    if let Some(g) = a.gt {
        v["gt"] = json!({"gti": g.gti, "tt": g.tt, "np": g.np, "nai": g.nai, "digits": g.digits().as_str()});
    }
    v
}

fn sccp_layer(b: &[u8], line: &mut Map<String, Value>, d: &mut Dialogues, totals: &mut Totals) {
    let u = match Unitdata::decode(b) {
        Ok(u) => u,
        Err(e) => {
            let t = b.first().copied().unwrap_or(0);
            line.insert("sccp".into(), json!({"message": crate::sccp::type_name(t)}));
            line.insert("error".into(), err("sccp", 0, e));
            return;
        }
    };
    let mut s = json!({
        "message": u.type_name(),
        "called": address_json(&u.called),
        "calling": address_json(&u.calling),
    });
    if !u.is_service() {
        s["class"] = json!(u.protocol_class & 0x0f);
        s["return_on_error"] = json!(u.return_on_error());
    }
    if let Some(c) = u.return_cause {
        s["return_cause"] = json!(c);
    }
    if let Some(seg) = u.segmentation {
        s["segmentation"] = json!({"first": seg.first, "remaining": seg.remaining, "local_reference": seg.local_reference});
    }
    line.insert("sccp".into(), s);
    let segmented = u
        .segmentation
        .is_some_and(|s| !(s.first && s.remaining == 0));
    if segmented || u.data.is_empty() {
        // A lone segment cannot be decoded further until reassembly (issue #3).
        line.insert("sccp_data".into(), json!(hex(u.data)));
        return;
    }
    let cap_ssn = [u.called.ssn, u.calling.ssn]
        .into_iter()
        .flatten()
        .any(|s| d.cap_ssns.contains(&s));
    tcap_layer(u.data, cap_ssn, line, d, totals);
}

fn tcap_layer(
    b: &[u8],
    cap_ssn: bool,
    line: &mut Map<String, Value>,
    d: &mut Dialogues,
    totals: &mut Totals,
) {
    if matches!(b.first(), Some(0xe1..=0xe6 | 0xf6)) {
        ansi_layer(b, line, totals);
        return;
    }
    let msg = match TcMessage::decode(b) {
        Ok(m) => m,
        Err(e) => {
            let offset = match &e {
                crate::tcap::itu::TcapError::BadlyFormatted(be)
                | crate::tcap::itu::TcapError::Dialogue(be) => be.offset,
                _ => 0,
            };
            line.insert("error".into(), err("tcap", offset, e));
            return;
        }
    };
    *totals.tcap_types.entry(msg.kind.name().into()).or_default() += 1;
    let mut t = json!({"message": msg.kind.name()});
    if let Some(o) = msg.otid {
        t["otid"] = json!(hex(o));
    }
    if let Some(x) = msg.dtid {
        t["dtid"] = json!(hex(x));
    }
    if let Some(c) = msg.p_abort {
        t["p_abort_cause"] = json!(c);
    }
    let ac = msg.application_context();
    if let Some(pdu) = msg.dialogue {
        let kind = match pdu {
            DialoguePdu::Aarq { .. } => "AARQ",
            DialoguePdu::Aare { .. } => "AARE",
            DialoguePdu::Abrt { .. } => "ABRT",
            DialoguePdu::Audt { .. } => "AUDT",
        };
        let mut dj = json!({"pdu": kind});
        if let Some(ac) = ac {
            dj["application_context"] = json!(oid_to_string(ac).unwrap_or_else(|| hex(ac)));
        }
        if let DialoguePdu::Aare {
            result, diagnostic, ..
        } = pdu
        {
            dj["result"] = json!(result);
            dj["diagnostic"] = json!([diagnostic.0, diagnostic.1]);
        }
        t["dialogue"] = dj;
    }
    // Which application: the dialogue's AC (learned at its Begin/first answer), else SSN.
    let known = msg
        .otid
        .and_then(|o| d.by_tid.get(o))
        .or_else(|| msg.dtid.and_then(|x| d.by_tid.get(x)))
        .copied();
    let phase = ac.map(Phase::from_ac).or(known);
    let is_cap = phase.flatten().is_some() || (phase.is_none() && cap_ssn);
    if let Some(p) = phase {
        for tid in [msg.otid, msg.dtid].into_iter().flatten() {
            d.by_tid.insert(tid.to_vec(), p);
        }
    }
    let dialogue_key = match (msg.otid, msg.dtid) {
        (Some(o), None) => hex(o),
        (None, Some(x)) => hex(x),
        (Some(o), Some(x)) => format!("{}/{}", hex(o), hex(x)),
        (None, None) => String::new(),
    };
    line.insert("dialogue".into(), json!(dialogue_key));
    let mut comps = Vec::new();
    for c in msg.components() {
        match c {
            Ok(c) => comps.push(component_json(&c, is_cap, totals, line)),
            Err(f) => {
                comps.push(json!({"reject_reason": f.error.to_string()}));
                line.insert(
                    "error".into(),
                    err("tcap", f.error.offset, format!("component: {}", f.error)),
                );
            }
        }
    }
    if !comps.is_empty() {
        t["components"] = json!(comps);
    }
    line.insert("tcap".into(), t);
    if is_cap {
        line.insert(
            "application".into(),
            json!(match phase.flatten() {
                Some(Phase::Cap1) => "CAP v1",
                Some(Phase::Cap2) => "CAP v2",
                Some(Phase::Cap3) => "CAP v3",
                Some(Phase::Cap4) => "CAP v4",
                None => "CAP",
            }),
        );
    }
}

/// ANSI T1.114 packages; private operation codes that AIN defines are named (GR-1299).
fn ansi_layer(b: &[u8], line: &mut Map<String, Value>, totals: &mut Totals) {
    use crate::tcap::ansi::{AnsiComponent, AnsiMessage, OpCode};
    let msg = match AnsiMessage::decode(b) {
        Ok(m) => m,
        Err(e) => {
            line.insert("tcap".into(), json!({"variant": "ansi"}));
            line.insert("error".into(), err("tcap", 0, e));
            return;
        }
    };
    let package = msg.package.name();
    *totals
        .tcap_types
        .entry(format!("ANSI {package}"))
        .or_default() += 1;
    let mut t = json!({"variant": "ansi", "package": package});
    let ids = msg.ids;
    if let Some(o) = ids.originating {
        t["originating_id"] = json!(hex(&o));
    }
    if let Some(r) = ids.responding {
        t["responding_id"] = json!(hex(&r));
    }
    let key = [ids.originating, ids.responding]
        .into_iter()
        .flatten()
        .map(|i| hex(&i))
        .collect::<Vec<_>>()
        .join("/");
    line.insert("dialogue".into(), json!(key));
    let op_name = |op: OpCode| -> (String, bool) {
        let code = op.value() & 0x7fff;
        match (op.is_private(), crate::ain::operation_name(code)) {
            (true, Some(n)) => (n.to_string(), true),
            (true, None) => (format!("private {code:#06x}"), false),
            (false, _) => (format!("national {code:#06x}"), false),
        }
    };
    let mut ain = false;
    let mut comps = Vec::new();
    for c in msg.components() {
        match c {
            Ok(AnsiComponent::Invoke {
                last,
                invoke_id,
                correlation_id,
                opcode,
                parameter,
            }) => {
                let (name, is_ain) = op_name(opcode);
                ain |= is_ain;
                *totals
                    .operations
                    .entry(format!("invoke {name}"))
                    .or_default() += 1;
                let mut v = json!({"component": if last { "invokeLast" } else { "invokeNotLast" }, "operation": name, "family": opcode.family(), "specifier": opcode.specifier()});
                if let Some(i) = invoke_id {
                    v["invoke_id"] = json!(i);
                }
                if let Some(c) = correlation_id {
                    v["correlation_id"] = json!(c);
                }
                if let Some(p) = parameter {
                    v["parameter"] = json!(hex(p.raw));
                }
                comps.push(v);
            }
            Ok(AnsiComponent::ReturnResult {
                last,
                correlation_id,
                ..
            }) => {
                *totals.operations.entry("returnResult".into()).or_default() += 1;
                comps.push(json!({"component": if last { "returnResultLast" } else { "returnResultNotLast" }, "correlation_id": correlation_id}));
            }
            Ok(AnsiComponent::ReturnError {
                correlation_id,
                error,
                ..
            }) => {
                *totals.operations.entry("returnError".into()).or_default() += 1;
                comps.push(json!({"component": "returnError", "correlation_id": correlation_id, "error": format!("{error:?}")}));
            }
            Ok(AnsiComponent::Reject {
                correlation_id,
                problem,
                ..
            }) => {
                *totals.operations.entry("reject".into()).or_default() += 1;
                comps.push(json!({"component": "reject", "correlation_id": correlation_id, "problem": [problem.kind, problem.code]}));
            }
            Err(f) => {
                comps.push(json!({"reject_reason": f.error.to_string()}));
                line.insert(
                    "error".into(),
                    err("tcap", f.error.offset, format!("component: {}", f.error)),
                );
            }
        }
    }
    if !comps.is_empty() {
        t["components"] = json!(comps);
    }
    line.insert("tcap".into(), t);
    if ain {
        line.insert("application".into(), json!("AIN"));
    }
}

fn component_json(
    c: &Component<'_>,
    is_cap: bool,
    totals: &mut Totals,
    line: &mut Map<String, Value>,
) -> Value {
    let name = |op: u32| -> String {
        if is_cap {
            camel::operation_name(op).map_or_else(|| format!("op{op}"), str::to_string)
        } else {
            format!("op{op}")
        }
    };
    match *c {
        Component::Invoke {
            invoke_id,
            linked_id,
            opcode,
            parameter,
        } => {
            let op = name(opcode);
            *totals.operations.entry(format!("invoke {op}")).or_default() += 1;
            let mut v = json!({"component": "invoke", "invoke_id": invoke_id, "opcode": opcode, "operation": op});
            if let Some(l) = linked_id {
                v["linked_id"] = json!(l);
            }
            if let Some(p) = parameter {
                let arg = if is_cap {
                    cap_argument(opcode, p)
                } else {
                    Ok(json!({"raw": hex(p.raw)}))
                };
                match arg {
                    Ok(a) => v["argument"] = a,
                    Err(e) => {
                        v["argument"] = json!({"raw": hex(p.raw)});
                        line.insert(
                            "error".into(),
                            err("cap", e.offset, format!("{op}: {}", e.kind)),
                        );
                    }
                }
            }
            v
        }
        Component::ReturnResult {
            invoke_id,
            last,
            opcode,
            ..
        } => {
            let op = opcode.map(name);
            *totals
                .operations
                .entry(format!("returnResult {}", op.clone().unwrap_or_default()))
                .or_default() += 1;
            json!({"component": if last { "returnResultLast" } else { "returnResultNotLast" }, "invoke_id": invoke_id, "operation": op})
        }
        Component::ReturnError {
            invoke_id,
            error_code,
            ..
        } => {
            *totals
                .operations
                .entry(format!("returnError {error_code}"))
                .or_default() += 1;
            json!({"component": "returnError", "invoke_id": invoke_id, "error_code": error_code})
        }
        Component::Reject { invoke_id, problem } => {
            *totals.operations.entry("reject".into()).or_default() += 1;
            json!({"component": "reject", "invoke_id": invoke_id, "problem": [problem.0, problem.1]})
        }
    }
}

fn isup(n: &camel::IsupNumber) -> Value {
    json!({"digits": n.digits.as_str(), "nature": n.nature, "plan": n.plan, "presentation": n.presentation})
}

fn addr(a: &camel::AddressString) -> Value {
    json!({"digits": a.digits.as_str(), "nature": a.nature, "plan": a.plan})
}

/// CAP arguments with ASN.1 member names; operations without a model yet are shown raw.
fn cap_argument(opcode: u32, p: Tlv<'_>) -> Result<Value, crate::ber::BerError> {
    use camel::opcode as op;
    Ok(match opcode {
        op::INITIAL_DP => {
            let a = camel::InitialDpArg::decode(p)?;
            let mut v = json!({"serviceKey": a.service_key});
            if let Some(n) = &a.called_party_number {
                v["calledPartyNumber"] = isup(n);
            }
            if let Some(n) = &a.calling_party_number {
                v["callingPartyNumber"] = isup(n);
            }
            if let Some(n) = &a.called_party_bcd_number {
                v["calledPartyBCDNumber"] = addr(n);
            }
            if let Some(e) = a.event_type_bcsm {
                v["eventTypeBCSM"] = json!(e.name().unwrap_or("unknown"));
            }
            if let Some(i) = &a.imsi {
                v["iMSI"] = json!(i.as_str());
            }
            if let Some(m) = &a.msc_address {
                v["mscAddress"] = addr(m);
            }
            if let Some(r) = a.call_reference_number {
                v["callReferenceNumber"] = json!(hex(r));
            }
            if let Some(n) = &a.original_called_party_id {
                v["originalCalledPartyID"] = isup(n);
            }
            if let Some(n) = &a.redirecting_party_id {
                v["redirectingPartyID"] = isup(n);
            }
            if let Some(l) = &a.location_information {
                let mut lj = json!({});
                if let Some(c) = l.cell_id_or_lai {
                    let p = c.plmn();
                    lj["mcc"] = json!(format!("{:03}", p.mcc));
                    lj["mnc"] = json!(if p.mnc_3_digits {
                        format!("{:03}", p.mnc)
                    } else {
                        format!("{:02}", p.mnc)
                    });
                    lj["lac"] = json!(c.lac());
                    if let camel::CellIdOrLai::CellId { ci, .. } = c {
                        lj["cellId"] = json!(ci);
                    }
                }
                if let Some(vl) = &l.vlr_number {
                    lj["vlr-number"] = addr(vl);
                }
                v["locationInformation"] = lj;
            }
            v
        }
        op::EVENT_REPORT_BCSM => {
            let a = camel::EventReportBcsmArg::decode(p)?;
            let mut v = json!({"eventTypeBCSM": a.event_type.name().unwrap_or("unknown"), "messageType": if a.is_request() { "request" } else { "notification" }});
            if let Some(c) = a
                .event_specific_information
                .as_ref()
                .and_then(|i| i.cause())
            {
                v["cause"] = json!(c.value);
            }
            v
        }
        op::REQUEST_REPORT_BCSM_EVENT => {
            let a = camel::RequestReportBcsmEventArg::decode(p)?;
            json!({"bcsmEvents": a.events.iter().map(|e| json!({
                "eventTypeBCSM": e.event_type.name().unwrap_or("unknown"),
                "monitorMode": format!("{:?}", e.monitor_mode),
            })).collect::<Vec<_>>()})
        }
        op::CONNECT => {
            let a = camel::ConnectArg::decode(p)?;
            json!({"destinationRoutingAddress": isup(&a.destination_routing_address)})
        }
        op::RELEASE_CALL => {
            let a = camel::ReleaseCallArg::decode(p)?;
            json!({"cause": a.cause().value})
        }
        _ => json!({"raw": hex(p.raw)}),
    })
}
