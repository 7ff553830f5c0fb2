//! `scpd decode`: every message in a capture or hex file becomes one JSON line with each
//! layer decoded (M3UA or MTP3, SCCP, TCAP, CAP), plus the dialogue it belongs to. A message
//! that fails becomes a line with an `error` object naming the layer, offset and reason, and
//! decoding goes on.
//!
//! * SCCP is read in the variant that goes with `--mtp3` ([`sccp_variant`]).
//! * XUDT/LUDT segments are reassembled across packets (Q.714 §4.1.2.2) with the node's own
//!   [`Reassembler`], timed by the capture's clock; the line of the last segment carries
//!   the whole message's TCAP (`sccp.reassembled` says from how many segments).
//! * Dialogues are numbered per input in order of appearance: a Begin (ANSI: Query) opens
//!   one under its OTID, the peer's first Continue (Conversation) adds its own OTID, End and
//!   Abort (Response, Abort) close it (Q.774 §3.2.1). Every TCAP line carries `dialogue`
//!   (that number); `--summary` counts how dialogues ended.
//! * The application (CAP, MAP, AIN, INAP) follows from the dialogue's application context,
//!   else from the SSN (`--ssn 146=camel`, `--cap-ssn`, ... like tshark's `*.tcap.ssn`).

use super::capture::{self, CaptureOptions, Mtp3Variant, Payload};
use crate::ber::{hex, oid_to_string};
use crate::camel::{self, Phase};
use crate::m3ua::{Kind, Message};
use crate::sccp::segment::{Reassembler, ReassemblyConfig, SegmentOutcome};
use crate::sccp::{Address, Unitdata};
use crate::tcap::itu::{Component, DialoguePdu, MessageType, TcMessage};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

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

/// A TC-user application, for naming operations when the AC does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    Camel,
    Map,
    Ain,
    Inap,
}

impl App {
    pub fn name(self) -> &'static str {
        match self {
            App::Camel => "CAP",
            App::Map => "MAP",
            App::Ain => "AIN",
            App::Inap => "INAP",
        }
    }

    /// `camel`/`cap`, `map`/`gsm_map`, `ain`, `inap`.
    pub fn parse(s: &str) -> Option<App> {
        Some(match s.to_ascii_lowercase().as_str() {
            "camel" | "cap" => App::Camel,
            "map" | "gsm_map" => App::Map,
            "ain" => App::Ain,
            "inap" => App::Inap,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: InputFormat,
    pub layer: HexLayer,
    pub mtp3: Mtp3Variant,
    /// SSNs whose TCAP is CAP when the dialogue's application context was not seen (like
    /// tshark's `camel.tcap.ssn`).
    pub cap_ssns: Vec<u8>,
    /// Further SSN → application mappings (later entries win over earlier ones and over
    /// `cap_ssns`).
    pub ssn_apps: Vec<(u8, App)>,
}

impl Options {
    fn app_of_ssn(&self, ssn: u8) -> Option<App> {
        self.ssn_apps
            .iter()
            .rev()
            .find(|(s, _)| *s == ssn)
            .map(|(_, a)| *a)
            .or_else(|| self.cap_ssns.contains(&ssn).then_some(App::Camel))
    }
}

/// Counts for `--summary`.
#[derive(Debug, Default)]
pub struct Totals {
    pub messages: u64,
    pub errors: u64,
    pub operations: BTreeMap<String, u64>,
    pub tcap_types: BTreeMap<String, u64>,
    /// Dialogues by how they ended (`ended`, `aborted`, `open at end of input`, ...).
    pub dialogues: BTreeMap<&'static str, u64>,
    /// Errors by layer and reason.
    pub error_kinds: BTreeMap<String, u64>,
}

impl Totals {
    pub fn table(&self) -> String {
        let mut s = format!("messages {}\nerrors   {}\n", self.messages, self.errors);
        let mut section = |title: &str, rows: Vec<(String, u64)>| {
            s.push_str(&format!("\n{title}\n"));
            if rows.is_empty() {
                s.push_str("         -\n");
            }
            for (k, v) in rows {
                s.push_str(&format!("  {v:>8}  {k}\n"));
            }
        };
        let rows = |m: &BTreeMap<String, u64>| m.iter().map(|(k, v)| (k.clone(), *v)).collect();
        section("TCAP message types", rows(&self.tcap_types));
        section("operations", rows(&self.operations));
        section(
            "dialogues",
            self.dialogues
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
        );
        section("errors", rows(&self.error_kinds));
        s
    }
}

/// Dialogue numbering and each dialogue's application (Q.774 §3.2.1 transaction ids).
#[derive(Default)]
struct Dialogues {
    next: u64,
    /// Every open dialogue's transaction ids (either side's) → its number.
    open: HashMap<Vec<u8>, u64>,
    /// Per open dialogue: its tids, the application learned from its AC (`Some(None)`: an
    /// AC that is not CAP), and whether its start was not in the input.
    info: HashMap<u64, DialogueInfo>,
}

#[derive(Default)]
struct DialogueInfo {
    tids: Vec<Vec<u8>>,
    phase: Option<Option<Phase>>,
    /// ANSI: operation codes of the Invokes awaiting a result, by invoke id (T1.114 results
    /// carry no operation code; the correlation id names the Invoke).
    ansi_invokes: Vec<(u8, crate::tcap::ansi::OpCode)>,
}

/// What a TC message does to its dialogue.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Begin,
    Continue,
    End,
    Abort,
    Uni,
}

impl Dialogues {
    fn open_new(&mut self) -> u64 {
        self.next += 1;
        self.info.insert(self.next, DialogueInfo::default());
        self.next
    }

    fn bind(&mut self, n: u64, tid: &[u8]) {
        self.open.insert(tid.to_vec(), n);
        if let Some(i) = self.info.get_mut(&n) {
            if !i.tids.iter().any(|t| t == tid) {
                i.tids.push(tid.to_vec());
            }
        }
    }

    /// The dialogue a message belongs to, opening or closing it; outcomes go to `totals`.
    fn track(
        &mut self,
        step: Step,
        otid: Option<&[u8]>,
        dtid: Option<&[u8]>,
        totals: &mut Totals,
    ) -> u64 {
        let known = dtid.and_then(|d| self.open.get(d).copied());
        let n = match (step, known) {
            (Step::Begin | Step::Uni, _) => self.open_new(),
            (_, Some(n)) => n,
            (_, None) => {
                *totals
                    .dialogues
                    .entry("begun before the input")
                    .or_default() += 1;
                let n = self.open_new();
                if let Some(d) = dtid {
                    self.bind(n, d);
                }
                n
            }
        };
        match step {
            Step::Begin | Step::Continue => {
                if let Some(o) = otid {
                    self.bind(n, o);
                }
            }
            Step::Uni => {
                *totals.dialogues.entry("unidirectional").or_default() += 1;
                self.info.remove(&n);
            }
            // Closed by `close` once the message has been read.
            Step::End | Step::Abort => {}
        }
        n
    }

    /// After an End or Abort (Response, Abort) of dialogue `n` has been read: forget it.
    fn close(&mut self, n: u64, step: Step, totals: &mut Totals) {
        if !matches!(step, Step::End | Step::Abort) {
            return;
        }
        *totals
            .dialogues
            .entry(if step == Step::End {
                "ended"
            } else {
                "aborted"
            })
            .or_default() += 1;
        if let Some(i) = self.info.remove(&n) {
            for t in i.tids {
                if self.open.get(&t) == Some(&n) {
                    self.open.remove(&t);
                }
            }
        }
    }

    /// End of one input: what is still open.
    fn finish(&mut self, totals: &mut Totals) {
        let open = self.info.len() as u64;
        if open > 0 {
            *totals.dialogues.entry("open at end of input").or_default() += open;
        }
        self.open.clear();
        self.info.clear();
    }
}

/// The decoder's state across one input.
struct State<'o> {
    opts: &'o Options,
    variant: crate::sccp::Variant,
    dialogues: Dialogues,
    reassembler: Reassembler,
    /// The capture clock mapped onto [`Instant`] for the reassembly timer.
    clock: Option<(Instant, i64)>,
}

impl State<'_> {
    fn now(&mut self, ts_ns: i64) -> Instant {
        let (base, t0) = *self.clock.get_or_insert((Instant::now(), ts_ns));
        base + Duration::from_nanos(ts_ns.saturating_sub(t0).max(0) as u64)
    }
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
    let variant = sccp_variant(opts.mtp3);
    let mut d = State {
        opts,
        variant,
        dialogues: Dialogues::default(),
        // T(reass) at the top of Q.714's 10-20 s range: captures are not real time.
        reassembler: Reassembler::new(
            variant,
            ReassemblyConfig {
                timeout_ms: 20_000,
                ..ReassemblyConfig::default()
            },
        ),
        clock: None,
    };
    let dialogues = &mut d;
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
            let now = dialogues.now(m.ts_ns);
            match m.payload {
                Payload::M3ua(b) => m3ua_layer(b, now, &mut line, dialogues, totals),
                Payload::Mtp3(msu) => {
                    line.insert(
                        "mtp3".into(),
                        json!({"opc": msu.opc, "dpc": msu.dpc, "si": msu.si, "ni": msu.ni, "sls": msu.sls}),
                    );
                    if msu.si == 3 {
                        sccp_layer(msu.data, msu.opc, now, &mut line, dialogues, totals);
                    }
                }
                Payload::Sccp(b) => sccp_layer(b, 0, now, &mut line, dialogues, totals),
            }
            finish(line, totals, &mut emit);
        })
        .map_err(|e| e.to_string())?;
        d.dialogues.finish(totals);
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
                let now = dialogues.now(0);
                match layer {
                    HexLayer::M3ua => m3ua_layer(&bytes, now, &mut line, dialogues, totals),
                    HexLayer::Sccp => sccp_layer(&bytes, 0, now, &mut line, dialogues, totals),
                    _ => tcap_layer(&bytes, None, false, &mut line, dialogues, totals),
                }
            }
        }
        finish(line, totals, &mut emit);
    }
    d.dialogues.finish(totals);
    Ok(())
}

fn finish(line: Map<String, Value>, totals: &mut Totals, emit: &mut impl FnMut(&str)) {
    totals.messages += 1;
    if let Some(e) = line.get("error") {
        totals.errors += 1;
        let layer = e["layer"].as_str().unwrap_or("?");
        // The reason without offsets and numbers, so like errors group together.
        let reason: String = e["reason"]
            .as_str()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect();
        *totals
            .error_kinds
            .entry(format!("{layer}: {reason}"))
            .or_default() += 1;
    }
    emit(&Value::Object(line).to_string());
}

fn m3ua_layer(
    b: &[u8],
    now: Instant,
    line: &mut Map<String, Value>,
    d: &mut State<'_>,
    totals: &mut Totals,
) {
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
                    sccp_layer(pd.data, pd.opc, now, line, d, totals);
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

fn sccp_layer(
    b: &[u8],
    opc: u32,
    now: Instant,
    line: &mut Map<String, Value>,
    d: &mut State<'_>,
    totals: &mut Totals,
) {
    let u = match Unitdata::decode_variant(b, d.variant) {
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
    let ssn_app = [u.called.ssn, u.calling.ssn]
        .into_iter()
        .flatten()
        .find_map(|s| d.opts.app_of_ssn(s));
    let segmented = u
        .segmentation
        .is_some_and(|s| !(s.first && s.remaining == 0));
    if segmented {
        // Q.714 §4.1.2.2: hold the segment; the last one yields the whole message.
        match d.reassembler.receive(opc, b, now) {
            Ok(Some(SegmentOutcome::Complete(r))) => {
                s["reassembled"] = json!({"segments": r.segments, "length": r.data.len()});
                line.insert("sccp".into(), s);
                let returned = u.is_service();
                let mut inner = Map::new();
                let mut scratch = Totals::default();
                let (l, t) = if returned {
                    (&mut inner, &mut scratch)
                } else {
                    (&mut *line, &mut *totals)
                };
                tcap_layer(&r.data, ssn_app, returned, l, d, t);
                if returned {
                    line.insert("returned".into(), Value::Object(inner));
                }
            }
            Ok(Some(SegmentOutcome::Failed(f))) => {
                line.insert("sccp".into(), s);
                line.insert("sccp_data".into(), json!(hex(u.data)));
                line.insert(
                    "error".into(),
                    err("sccp", 0, format!("reassembly: {}", f.reason)),
                );
            }
            Ok(_) => {
                s["reassembly"] = json!("pending");
                line.insert("sccp".into(), s);
                line.insert("sccp_data".into(), json!(hex(u.data)));
            }
            Err(e) => {
                line.insert("sccp".into(), s);
                line.insert("error".into(), err("sccp", 0, e));
            }
        }
        return;
    }
    line.insert("sccp".into(), s);
    if u.data.is_empty() {
        return;
    }
    if u.is_service() {
        // The message SCCP returns (Q.714 §4.2) is a copy of one already sent: decoded under
        // `returned`, outside the counts and the dialogues.
        let mut inner = Map::new();
        tcap_layer(u.data, ssn_app, true, &mut inner, d, &mut Totals::default());
        line.insert("returned".into(), Value::Object(inner));
        return;
    }
    if !u.is_service() && u.called.ssn == Some(crate::sccp::scmg::SSN_SCMG) {
        // SCCP management (Q.713 §5), not a TC user.
        match crate::sccp::scmg::ScmgMessage::decode(u.data, d.variant) {
            Ok(m) => {
                let mut v = json!({"message": m.type_name(), "affected_ssn": m.affected_ssn, "affected_pc": m.affected_pc, "multiplicity": m.multiplicity});
                if let Some(c) = m.congestion_level {
                    v["congestion_level"] = json!(c);
                }
                line.insert("scmg".into(), v);
            }
            Err(e) => {
                line.insert("error".into(), err("scmg", 0, e));
            }
        }
        return;
    }
    tcap_layer(u.data, ssn_app, false, line, d, totals);
}

fn tcap_layer(
    b: &[u8],
    ssn_app: Option<App>,
    returned: bool,
    line: &mut Map<String, Value>,
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
            let r = repaired.as_ref().expect("checked");
            line.insert(
                "warning".into(),
                err(
                    "tcap",
                    0,
                    format!(
                        "message length {} exceeds the {} octets carried; decoded what is there",
                        r.1,
                        r.0.len() - r.2
                    ),
                ),
            );
            TcMessage::decode(&r.0).expect("checked")
        }
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
    let known = dl.info.get(&n).and_then(|i| i.phase);
    let phase = ac.map(Phase::from_ac).or(known);
    if let (Some(p), Some(i)) = (ac.map(Phase::from_ac), dl.info.get_mut(&n)) {
        i.phase = Some(p);
    }
    let app = match phase {
        Some(Some(_)) => Some(App::Camel),
        // An AC that is not CAP's: a MAP AC (0.4.0.0.1.0.x), else what the SSN says.
        Some(None) if ac.is_some_and(|a| a.starts_with(&[0x04, 0x00, 0x00, 0x01, 0x00])) => {
            Some(App::Map)
        }
        Some(None) => ssn_app.filter(|a| *a != App::Camel),
        None => ssn_app,
    };
    let is_cap = app == Some(App::Camel);
    if !returned {
        line.insert("dialogue".into(), json!(n));
    }
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
    if !returned {
        d.dialogues.close(n, step, totals);
    }
    if let Some(a) = app {
        line.insert(
            "application".into(),
            json!(match (a, phase.flatten()) {
                (App::Camel, Some(Phase::Cap1)) => "CAP v1",
                (App::Camel, Some(Phase::Cap2)) => "CAP v2",
                (App::Camel, Some(Phase::Cap3)) => "CAP v3",
                (App::Camel, Some(Phase::Cap4)) => "CAP v4",
                (a, _) => a.name(),
            }),
        );
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

/// ANSI T1.114 packages; private operation codes that AIN defines are named (GR-1299).
fn ansi_layer(
    b: &[u8],
    returned: bool,
    line: &mut Map<String, Value>,
    dl: &mut Dialogues,
    totals: &mut Totals,
) {
    use crate::tcap::ansi::{AnsiComponent, AnsiMessage, OpCode, PackageType};
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
        line.insert("dialogue".into(), json!(n));
        n
    };
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
                if let (Some(id), Some(i)) = (invoke_id, dl.info.get_mut(&n)) {
                    i.ansi_invokes.retain(|(x, _)| *x != id);
                    i.ansi_invokes.push((id, opcode));
                }
                let mut v = json!({"component": if last { "invokeLast" } else { "invokeNotLast" }, "operation": name, "opcode": opcode.value(), "family": opcode.family(), "specifier": opcode.specifier()});
                if let Some(i) = invoke_id {
                    v["invoke_id"] = json!(i);
                }
                if let Some(c) = correlation_id {
                    v["correlation_id"] = json!(c);
                }
                if let Some(p) = parameter {
                    v["parameter"] = json!(hex(p.raw));
                }
                if is_ain {
                    match crate::ain::ain(opcode, parameter) {
                        Ok(m) => v["argument"] = super::decode_args::ain_argument(&m.arg),
                        Err(e) => {
                            line.insert(
                                "error".into(),
                                err(
                                    "ain",
                                    parameter.map_or(0, |p| p.offset),
                                    format!("{name}: {e}"),
                                ),
                            );
                        }
                    }
                }
                comps.push(v);
            }
            Ok(AnsiComponent::ReturnResult {
                last,
                correlation_id,
                ..
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
                *totals
                    .operations
                    .entry(format!("returnResult {}", name.clone().unwrap_or_default()))
                    .or_default() += 1;
                let mut v = json!({"component": if last { "returnResultLast" } else { "returnResultNotLast" }, "correlation_id": correlation_id});
                if let Some(op) = op {
                    v["opcode"] = json!(op.value());
                    v["operation"] = json!(name);
                }
                comps.push(v);
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
    if !returned {
        dl.close(n, step, totals);
    }
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
                    super::decode_args::cap_argument(opcode, p)
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
            json!({"component": if last { "returnResultLast" } else { "returnResultNotLast" }, "invoke_id": invoke_id, "opcode": opcode, "operation": op})
        }
        Component::ReturnError {
            invoke_id,
            error_code,
            parameter,
        } => {
            *totals
                .operations
                .entry(format!("returnError {error_code}"))
                .or_default() += 1;
            let mut v = json!({"component": "returnError", "invoke_id": invoke_id, "error_code": error_code});
            if is_cap {
                let e = super::decode_args::cap_error(error_code.into(), parameter);
                v["error"] = e["error"].clone();
                if let Some(p) = e.get("parameter") {
                    v["parameter"] = p.clone();
                }
            }
            v
        }
        Component::Reject { invoke_id, problem } => {
            *totals.operations.entry("reject".into()).or_default() += 1;
            json!({"component": "reject", "invoke_id": invoke_id, "problem": [problem.0, problem.1]})
        }
    }
}
