//! The switch's side of an M3UA association: connecting, bringing the ASP up and active
//! (RFC 4666 §4.3.4), and framing TCAP into SCCP UDT in M3UA DATA. [`asp_up`] and [`Conn`]
//! serve `scpd replay`, over TCP or kernel SCTP (the daemon's own [`crate::transport`]).

use super::{SimConfig, SimError};
use crate::config::Endpoint;
use crate::m3ua::{self, Builder, Kind, Message, ProtocolData};
use crate::sccp::{self, Address, Unitdata, Variant};
use crate::transport::{LinkReader, LinkWriter};
use std::time::Duration;
use tokio::net::TcpStream;

/// An active M3UA association, as the switch side (ASP) sees it.
pub(crate) struct Conn {
    pub(crate) wr: LinkWriter,
    pub(crate) rd: LinkReader,
}

/// The next message of `rd`, copied; `None` when the SCP closed the association.
pub(crate) async fn next_message(rd: &mut LinkReader) -> Result<Option<Vec<u8>>, SimError> {
    let framing = |e: crate::transport::tcp::FrameError| SimError::M3ua(e.to_string());
    if !rd.ready().await.map_err(framing)? {
        return Ok(None);
    }
    Ok(rd.take().map_err(framing)?.map(|m| m.bytes.to_vec()))
}

impl Conn {
    async fn send(&mut self, b: &[u8]) -> Result<(), SimError> {
        self.wr.send(b).await?;
        Ok(())
    }
    /// Next message, skipping nothing; errors on timeout.
    async fn recv(&mut self, timeout: Duration, what: &'static str) -> Result<Vec<u8>, SimError> {
        match tokio::time::timeout(timeout, next_message(&mut self.rd)).await {
            Ok(Ok(Some(m))) => Ok(m),
            Ok(Ok(None)) => Err(closed()),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(SimError::Timeout(what)),
        }
    }
    /// Wait for a message of `kind`, skipping NTFY; ERR fails.
    async fn expect(&mut self, kind: Kind, timeout: Duration) -> Result<(), SimError> {
        loop {
            let m = self.recv(timeout, kind.name()).await?;
            if is_ack(&m, kind)? {
                return Ok(());
            }
        }
    }
}

pub(super) fn closed() -> SimError {
    SimError::M3ua("SCP closed the association".into())
}

/// Whether `m` is the `kind` we wait for during ASP activation: `false` for a NTFY (to be
/// skipped), an error for anything else.
pub(super) fn is_ack(m: &[u8], kind: Kind) -> Result<bool, SimError> {
    let msg = Message::parse(m).map_err(|e| SimError::M3ua(e.to_string()))?;
    match msg.kind() {
        Some(k) if k == kind => Ok(true),
        Some(Kind::Ntfy) => Ok(false),
        other => Err(SimError::M3ua(format!(
            "expected {}, got {other:?} (error code {:?})",
            kind.name(),
            msg.error_code().ok().flatten()
        ))),
    }
}

/// ASPUP, and ASPAC asking for loadshare (what the embedded default serves) with `rc` if
/// given (RFC 4666 §4.3.4.1–3).
pub(super) fn asp_up_msg(b: &mut Vec<u8>) {
    Builder::new(b, Kind::AspUp).finish();
}

pub(super) fn asp_ac_msg(b: &mut Vec<u8>, rc: Option<u32>) {
    let mut ac = Builder::new(b, Kind::AspAc).param_u32(m3ua::codec::tag::TRAFFIC_MODE_TYPE, 2);
    if let Some(rc) = rc {
        ac = ac.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    ac.finish();
}

pub(super) async fn tcp_connect(to: std::net::SocketAddr) -> Result<TcpStream, SimError> {
    let s = TcpStream::connect(to)
        .await
        .map_err(|e| SimError::Connect(to, e))?;
    s.set_nodelay(true)?;
    Ok(s)
}

/// Connect to `to` and bring our ASP up and active (loadshare, with `rc` if given):
/// ASPUP → ASPUP_ACK, ASPAC → ASPAC_ACK (RFC 4666 §4.3.4.1–3); NTFYs in between are skipped.
pub(crate) async fn asp_up(
    to: &Endpoint,
    rc: Option<u32>,
    timeout: Duration,
) -> Result<Conn, SimError> {
    let first = match to {
        Endpoint::Tcp(a) => *a,
        Endpoint::Sctp(a) => a[0],
    };
    let (rd, wr) = crate::transport::connect(to)
        .await
        .map_err(|e| SimError::Connect(first, e))?
        .split();
    let mut c = Conn { wr, rd };
    let mut b = Vec::new();
    asp_up_msg(&mut b);
    c.send(&b).await?;
    c.expect(Kind::AspUpAck, timeout).await?;
    b.clear();
    asp_ac_msg(&mut b, rc);
    c.send(&b).await?;
    c.expect(Kind::AspAcAck, timeout).await?;
    Ok(c)
}

/// The M3UA DATA carrying `tcap` in a UDT from our subsystem `ssn` to the SCP's, in the
/// SCCP `variant` (ANSI addresses carry the national indicator, T1.112 §3.4.2.3).
pub(super) fn wrap(
    cfg: &SimConfig,
    variant: Variant,
    ssn: u8,
    tcap: &[u8],
    sls: u8,
    out: &mut Vec<u8>,
) {
    wrap_ssns(cfg, variant, (ssn, ssn), tcap, sls, out)
}

/// [`wrap`] from our subsystem `ssns.0` to the SCP's `ssns.1`, which differ for WIN (an
/// MSC on 8, the SCP on 14).
pub(super) fn wrap_ssns(
    cfg: &SimConfig,
    variant: Variant,
    (ours, theirs): (u8, u8),
    tcap: &[u8],
    sls: u8,
    out: &mut Vec<u8>,
) {
    let national = variant == Variant::Ansi;
    let msc = Address {
        national,
        ..Address::ssn_pc(cfg.opc, ours)
    };
    let scp = Address {
        national,
        ..Address::ssn_pc(cfg.dpc, theirs)
    };
    let mut udt = Vec::with_capacity(tcap.len() + 16);
    if variant == Variant::Itu {
        sccp::encode_udt(&mut udt, 0x81, &scp, &msc, tcap);
    } else if let Err(e) = Unitdata::udt(0x81, scp, msc, tcap).encode(&mut udt, variant) {
        // Point codes are checked against the variant when the run starts.
        tracing::error!("SCCP encode: {e}");
        return;
    }
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
