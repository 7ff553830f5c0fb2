//! `scpd sim`: an MSC (gsmSSF) simulator that plays CAMEL calls against a running SCP over
//! M3UA/TCP. Each call opens with InitialDP; if the SCP arms events, the simulator reports
//! answer (notification) and disconnect (request) like a real MSC and expects the SCP to
//! close the dialogue. It checks every answer's transaction ids and counts the outcomes.

use crate::ber::Tlv;
use crate::camel::{
    ac, numbers::nature, opcode, AddressString, CellIdOrLai, EventReportBcsmArg, EventSpecificInfo,
    EventTypeBcsm, InitialDpArg, IsupNumber, LegType, LocationInformation, Plmn,
    RequestReportBcsmEventArg,
};
use crate::m3ua::{self, Builder, Kind, Message, ProtocolData};
use crate::sccp::{self, Address, Unitdata};
use crate::tcap::itu::{self, Component, DialogueOut, MessageType, TcMessage};
use crate::transport::tcp::FrameReader;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// What to play.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub to: std::net::SocketAddr,
    pub calls: u32,
    pub concurrency: u32,
    /// Calling party (originating) — the served subscriber of an O-CSI trigger.
    pub calling: String,
    pub called: String,
    pub imsi: String,
    pub terminating: bool,
    /// Point codes and SSN.
    pub opc: u32,
    pub dpc: u32,
    pub ssn: u8,
    pub routing_context: Option<u32>,
    pub service_key: u32,
    /// How long a monitored call is "connected" before disconnect is reported.
    pub hold: Duration,
    pub timeout: Duration,
}

/// The outcome counts, printed as JSON by the CLI.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SimReport {
    pub calls: u32,
    pub continued: u32,
    pub monitored: u32,
    pub connected: u32,
    pub released: u32,
    pub completed: u32,
    pub errors: u32,
    pub error_samples: Vec<String>,
    pub elapsed_ms: u64,
    pub first_answer_p50_us: u64,
    pub first_answer_max_us: u64,
}

#[derive(Debug)]
enum Phase {
    WaitFirst,
    Held { until: Instant, scp_tid: Vec<u8> },
    WaitEnd,
}

struct CallState {
    started: Instant,
    phase: Phase,
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("connect {0}: {1}")]
    Connect(std::net::SocketAddr, std::io::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("M3UA: {0}")]
    M3ua(String),
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
}

/// An active M3UA association over TCP, as the switch side (ASP) sees it.
pub(crate) struct Conn {
    pub(crate) wr: tokio::net::tcp::OwnedWriteHalf,
    pub(crate) rd: FrameReader<tokio::net::tcp::OwnedReadHalf>,
}

impl Conn {
    async fn send(&mut self, b: &[u8]) -> Result<(), SimError> {
        self.wr.write_all(b).await?;
        Ok(())
    }
    /// Next message, skipping nothing; errors on timeout.
    async fn recv(&mut self, timeout: Duration, what: &'static str) -> Result<Vec<u8>, SimError> {
        match tokio::time::timeout(timeout, self.rd.next()).await {
            Ok(Ok(Some(m))) => Ok(m.to_vec()),
            Ok(Ok(None)) => Err(SimError::M3ua("SCP closed the association".into())),
            Ok(Err(e)) => Err(SimError::M3ua(e.to_string())),
            Err(_) => Err(SimError::Timeout(what)),
        }
    }
    /// Wait for a message of `kind`, skipping NTFY; ERR fails.
    async fn expect(&mut self, kind: Kind, timeout: Duration) -> Result<(), SimError> {
        loop {
            let m = self.recv(timeout, kind.name()).await?;
            let msg = Message::parse(&m).map_err(|e| SimError::M3ua(e.to_string()))?;
            match msg.kind() {
                Some(k) if k == kind => return Ok(()),
                Some(Kind::Ntfy) => continue,
                other => {
                    return Err(SimError::M3ua(format!(
                        "expected {}, got {other:?} (error code {:?})",
                        kind.name(),
                        msg.error_code().ok().flatten()
                    )))
                }
            }
        }
    }
}

/// Bring the ASP up and active (RFC 4666 §4.3.4.1–3).
async fn connect(cfg: &SimConfig) -> Result<Conn, SimError> {
    asp_up(cfg.to, cfg.routing_context, cfg.timeout).await
}

/// Connect to `to` and bring our ASP up and active (override mode, with `rc` if given):
/// ASPUP → ASPUP_ACK, ASPAC → ASPAC_ACK (RFC 4666 §4.3.4.1–3); NTFYs in between are skipped.
pub(crate) async fn asp_up(
    to: std::net::SocketAddr,
    rc: Option<u32>,
    timeout: Duration,
) -> Result<Conn, SimError> {
    let s = TcpStream::connect(to)
        .await
        .map_err(|e| SimError::Connect(to, e))?;
    s.set_nodelay(true)?;
    let (rd, wr) = s.into_split();
    let mut c = Conn {
        wr,
        rd: FrameReader::new(rd),
    };
    let mut b = Vec::new();
    Builder::new(&mut b, Kind::AspUp).finish();
    c.send(&b).await?;
    c.expect(Kind::AspUpAck, timeout).await?;
    b.clear();
    let mut ac =
        Builder::new(&mut b, Kind::AspAc).param_u32(m3ua::codec::tag::TRAFFIC_MODE_TYPE, 1);
    if let Some(rc) = rc {
        ac = ac.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    ac.finish();
    c.send(&b).await?;
    c.expect(Kind::AspAcAck, timeout).await?;
    Ok(c)
}

fn wrap(cfg: &SimConfig, tcap: &[u8], sls: u8, out: &mut Vec<u8>) {
    let msc = Address::ssn_pc(cfg.opc, cfg.ssn);
    let scp = Address::ssn_pc(cfg.dpc, cfg.ssn);
    let mut udt = Vec::with_capacity(tcap.len() + 16);
    sccp::encode_udt(&mut udt, 0x81, &scp, &msc, tcap);
    let mut b = Builder::new(out, Kind::Data);
    if let Some(rc) = cfg.routing_context {
        b = b.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    b.protocol_data(&ProtocolData {
        opc: cfg.opc,
        dpc: cfg.dpc,
        si: 3,
        ni: 2,
        mp: 0,
        sls,
        data: &udt,
    })
    .finish();
}

/// Encode the TC-BEGIN with InitialDP for call `n`.
pub fn initial_dp_begin(cfg: &SimConfig, otid: &[u8], out: &mut Vec<u8>) {
    let parse_isup = |s: &str| s.parse().unwrap_or_default();
    let mut idp = InitialDpArg {
        service_key: cfg.service_key,
        calling_party_number: Some(IsupNumber {
            screening: 3,
            ..IsupNumber::e164(nature::INTERNATIONAL, parse_isup(&cfg.calling))
        }),
        calling_partys_category: Some(0x0a),
        imsi: cfg.imsi.parse().ok(),
        msc_address: Some(AddressString::international(
            "491720000000".parse().unwrap_or_default(),
        )),
        location_information: Some(LocationInformation {
            age_of_location_information: Some(0),
            vlr_number: Some(AddressString::international(
                "491720000001".parse().unwrap_or_default(),
            )),
            cell_id_or_lai: Some(CellIdOrLai::CellId {
                plmn: Plmn {
                    mcc: 262,
                    mnc: 1,
                    mnc_3_digits: false,
                },
                lac: 0x1234,
                ci: 0x5678,
            }),
            ..Default::default()
        }),
        call_reference_number: Some(otid),
        ..Default::default()
    };
    if cfg.terminating {
        idp.event_type_bcsm = Some(EventTypeBcsm(12));
        idp.called_party_number = Some(IsupNumber::e164(
            nature::INTERNATIONAL,
            parse_isup(&cfg.called),
        ));
    } else {
        idp.event_type_bcsm = Some(EventTypeBcsm(2));
        idp.called_party_bcd_number = Some(AddressString::international(
            cfg.called.parse().unwrap_or_default(),
        ));
    }
    itu::encode(
        out,
        MessageType::Begin,
        Some(otid),
        None,
        Some(DialogueOut::Aarq {
            ac: ac::CAP_V2_GSMSSF_TO_GSMSCF,
        }),
        |w| itu::invoke(w, 1, opcode::INITIAL_DP, |w| idp.encode(w)),
    );
}

fn report(
    event: u8,
    leg: LegType,
    notification: bool,
    cause: Option<u8>,
    invoke_id: i8,
    w: &mut crate::ber::Writer<'_>,
) {
    let mut er = EventReportBcsmArg::new(EventTypeBcsm(event), leg);
    er.misc_call_info = Some(if notification {
        crate::camel::ops::MiscCallInfo::NOTIFICATION
    } else {
        crate::camel::ops::MiscCallInfo::REQUEST
    });
    let cause_bytes;
    if let Some(c) = cause {
        cause_bytes = crate::camel::Cause::new(0, c).to_vec();
        let c = crate::camel::Cause::decode(&cause_bytes, 0).expect("encoded above");
        er.event_specific_information = Some(if event == 9 {
            EventSpecificInfo::ODisconnect {
                release_cause: Some(c),
            }
        } else {
            EventSpecificInfo::TDisconnect {
                release_cause: Some(c),
            }
        });
    }
    itu::invoke(w, invoke_id, opcode::EVENT_REPORT_BCSM, |w| er.encode(w));
}

/// Play the calls; returns the report (errors are counted, not fatal).
pub async fn run(cfg: SimConfig) -> Result<SimReport, SimError> {
    let mut conn = connect(&cfg).await?;
    let mut rep = SimReport::default();
    let start = Instant::now();
    let mut calls: HashMap<u32, CallState> = HashMap::new();
    let mut started = 0u32;
    let mut latencies = Vec::new();
    let mut out = Vec::with_capacity(4096);
    let mut tcap = Vec::with_capacity(512);
    let otid_base: u32 = 0x5100_0000;
    let (answer_ev, disc_ev) = if cfg.terminating { (15, 17) } else { (7, 9) };

    loop {
        out.clear();
        // Start calls up to the concurrency window.
        while started < cfg.calls && (calls.len() as u32) < cfg.concurrency {
            let otid = otid_base + started;
            tcap.clear();
            initial_dp_begin(&cfg, &otid.to_be_bytes(), &mut tcap);
            wrap(&cfg, &tcap, (started % 16) as u8, &mut out);
            calls.insert(
                otid,
                CallState {
                    started: Instant::now(),
                    phase: Phase::WaitFirst,
                },
            );
            started += 1;
        }
        // Report disconnects of held calls that are due.
        let now = Instant::now();
        for (otid, st) in calls.iter_mut() {
            if let Phase::Held { until, scp_tid } = &st.phase {
                if *until <= now {
                    tcap.clear();
                    let scp = scp_tid.clone();
                    itu::encode(
                        &mut tcap,
                        MessageType::Continue,
                        Some(&otid.to_be_bytes()),
                        Some(&scp),
                        None,
                        |w| report(disc_ev, LegType::LEG1, false, Some(16), 2, w),
                    );
                    wrap(&cfg, &tcap, (*otid % 16) as u8, &mut out);
                    st.phase = Phase::WaitEnd;
                }
            }
        }
        if !out.is_empty() {
            conn.send(&out).await?;
        }
        if calls.is_empty() && started >= cfg.calls {
            break;
        }
        // Wait for the next answer, or for the next held call to come due.
        let next_due = calls
            .values()
            .filter_map(|s| match &s.phase {
                Phase::Held { until, .. } => Some(*until),
                _ => None,
            })
            .min();
        let wait = next_due.map_or(cfg.timeout, |d| d.saturating_duration_since(Instant::now()));
        let m = match conn
            .recv(wait.max(Duration::from_millis(1)), "an answer")
            .await
        {
            Ok(m) => m,
            Err(SimError::Timeout(_)) if next_due.is_some() => continue,
            Err(SimError::Timeout(what)) => {
                rep.errors += calls.len() as u32;
                rep.error_samples.push(format!(
                    "{} call(s) got no answer: timed out waiting for {what}",
                    calls.len()
                ));
                break;
            }
            Err(e) => return Err(e),
        };
        if let Err(e) = handle_answer(
            &cfg,
            &m,
            &mut calls,
            &mut rep,
            &mut latencies,
            answer_ev,
            &mut conn,
        )
        .await
        {
            rep.errors += 1;
            if rep.error_samples.len() < 10 {
                rep.error_samples.push(e);
            }
        }
    }
    rep.calls = started;
    rep.elapsed_ms = start.elapsed().as_millis() as u64;
    latencies.sort_unstable();
    rep.first_answer_p50_us = latencies.get(latencies.len() / 2).copied().unwrap_or(0);
    rep.first_answer_max_us = latencies.last().copied().unwrap_or(0);
    Ok(rep)
}

async fn handle_answer(
    cfg: &SimConfig,
    m: &[u8],
    calls: &mut HashMap<u32, CallState>,
    rep: &mut SimReport,
    latencies: &mut Vec<u64>,
    answer_ev: u8,
    conn: &mut Conn,
) -> Result<(), String> {
    let msg = Message::parse(m).map_err(|e| format!("M3UA: {e}"))?;
    match msg.kind() {
        Some(Kind::Data) => {}
        Some(Kind::Ntfy) | Some(Kind::BeatAck) => return Ok(()),
        Some(Kind::Err) => return Err(format!("M3UA ERR {:?}", msg.error_code())),
        other => return Err(format!("unexpected M3UA {other:?}")),
    }
    let pd = msg.protocol_data().map_err(|e| e.to_string())?;
    if (pd.opc, pd.dpc) != (cfg.dpc, cfg.opc) {
        return Err(format!("routing label {}→{} not swapped", pd.opc, pd.dpc));
    }
    let u = Unitdata::decode(pd.data).map_err(|e| format!("SCCP: {e}"))?;
    if u.is_service() {
        return Err(format!("SCCP {} cause {:?}", u.type_name(), u.return_cause));
    }
    let tc = TcMessage::decode(u.data).map_err(|e| format!("TCAP: {e}"))?;
    let dtid = tc
        .dtid
        .and_then(|d| <[u8; 4]>::try_from(d).ok())
        .map(u32::from_be_bytes)
        .ok_or("answer without a 4-octet dtid")?;
    let Some(st) = calls.get_mut(&dtid) else {
        return Err(format!("answer for unknown dtid {dtid:#x}"));
    };
    let ops: Vec<(u32, Option<Tlv<'_>>)> = tc
        .components()
        .filter_map(|c| match c {
            Ok(Component::Invoke {
                opcode, parameter, ..
            }) => Some((opcode, parameter)),
            _ => None,
        })
        .collect();
    let has = |op| ops.iter().any(|(o, _)| *o == op);
    match (&st.phase, tc.kind) {
        (Phase::WaitFirst, MessageType::End) => {
            latencies.push(st.started.elapsed().as_micros() as u64);
            if has(opcode::CONTINUE) {
                rep.continued += 1;
            } else if has(opcode::CONNECT) {
                rep.connected += 1;
            } else if has(opcode::RELEASE_CALL) {
                rep.released += 1;
            } else {
                calls.remove(&dtid);
                return Err("TC-END without Continue/Connect/ReleaseCall".into());
            }
            rep.completed += 1;
            calls.remove(&dtid);
        }
        (Phase::WaitFirst, MessageType::Continue) => {
            latencies.push(st.started.elapsed().as_micros() as u64);
            let rr = ops
                .iter()
                .find(|(o, _)| *o == opcode::REQUEST_REPORT_BCSM_EVENT)
                .and_then(|(_, p)| *p)
                .ok_or("TC-CONTINUE without RequestReportBCSMEvent")?;
            let rr = RequestReportBcsmEventArg::decode(rr).map_err(|e| format!("RRBCSM: {e}"))?;
            if !rr.events.iter().any(|e| e.event_type.0 == answer_ev) {
                return Err(format!("answer event {answer_ev} not armed"));
            }
            let scp_tid = tc.otid.ok_or("TC-CONTINUE without otid")?.to_vec();
            rep.monitored += 1;
            // The call is answered: report it now (notification), disconnect after hold.
            let mut tcap = Vec::new();
            itu::encode(
                &mut tcap,
                MessageType::Continue,
                Some(&dtid.to_be_bytes()),
                Some(&scp_tid),
                None,
                |w| report(answer_ev, LegType::LEG2, true, None, 1, w),
            );
            let mut out = Vec::new();
            wrap(cfg, &tcap, (dtid % 16) as u8, &mut out);
            conn.send(&out).await.map_err(|e| e.to_string())?;
            st.phase = Phase::Held {
                until: Instant::now() + cfg.hold,
                scp_tid,
            };
        }
        (Phase::WaitEnd, MessageType::End)
            if has(opcode::CONTINUE) || has(opcode::RELEASE_CALL) =>
        {
            rep.completed += 1;
            calls.remove(&dtid);
        }
        (phase, kind) => {
            let e = format!("unexpected TC-{} while {phase:?}", kind.name());
            calls.remove(&dtid);
            return Err(e);
        }
    }
    Ok(())
}
