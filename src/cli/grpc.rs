//! The gRPC client commands (`scpd events`, `scpd subscriber`, `scpd routing-number`) and
//! the channel setup they share (plaintext, or TLS with an optional client certificate),
//! so operators can reach a running scpd without grpcurl or code of their own.

use super::out::{self, Failure};
use crate::proto;
use clap::{Args, Subcommand, ValueEnum};
use std::pin::Pin;
use std::process::ExitCode;
use std::task::Poll;
use std::time::Duration;

// How a client command reaches a running scpd's gRPC: plaintext, or TLS with --tls-ca.
// (A plain comment: a doc comment here would be clap's text for the commands that flatten
// it.) Its options are listed apart from the command's own under "Connection".
#[derive(Args)]
#[command(next_help_heading = "Connection")]
pub(super) struct GrpcConn {
    /// scpd's gRPC address (a host name is resolved).
    #[arg(
        long,
        default_value = "127.0.0.1:50051",
        value_name = "HOST:PORT",
        env = "SCPD_GRPC",
        value_parser = parse_grpc_addr
    )]
    grpc: String,
    /// Use TLS, accepting the daemon's certificate only if this CA (PEM) signed it.
    #[arg(long = "tls-ca", value_name = "FILE", env = "SCPD_TLS_CA")]
    tls_ca: Option<std::path::PathBuf>,
    /// Client certificate (PEM) for a daemon that requires one (grpc.tls_client_ca).
    #[arg(long = "tls-cert", value_name = "FILE", env = "SCPD_TLS_CERT",
          requires_all = ["tls_key", "tls_ca"])]
    tls_cert: Option<std::path::PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(
        long = "tls-key",
        value_name = "FILE",
        env = "SCPD_TLS_KEY",
        requires = "tls_cert"
    )]
    tls_key: Option<std::path::PathBuf>,
    /// Name the daemon's certificate must carry (default: the host of --grpc).
    #[arg(long = "tls-domain", value_name = "NAME", requires = "tls_ca")]
    tls_domain: Option<String>,
    /// Bearer token of a [[tenants]] entry (sent as `authorization: Bearer TOKEN`).
    #[arg(long, value_name = "TOKEN", env = "SCPD_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

/// Adds the `--token` to every request.
#[derive(Clone)]
pub(super) struct Bearer(Option<tonic::metadata::AsciiMetadataValue>);

impl tonic::service::Interceptor for Bearer {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(v) = &self.0 {
            req.metadata_mut().insert("authorization", v.clone());
        }
        Ok(req)
    }
}

/// A connection to the daemon, with the caller's token.
type Conn = tonic::service::interceptor::InterceptedService<tonic::transport::Channel, Bearer>;

#[derive(Args)]
pub(super) struct EventsArgs {
    #[command(flatten)]
    conn: GrpcConn,
    /// Resume after this sequence (0: from the oldest retained event).
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// Keep following live events; without it, stop after the journal is replayed.
    #[arg(long)]
    follow: bool,
    /// Only events of this kind (trigger, answered, disconnected, busy, ...); repeatable.
    #[arg(long = "kind", value_name = "KIND", value_parser = event_kind)]
    kinds: Vec<i32>,
    /// Only events of calls of this enrolled number; repeatable.
    #[arg(long = "subscriber", value_name = "NUMBER")]
    subscribers: Vec<String>,
    /// Only events of this protocol (camel, ain, inap, win); repeatable.
    #[arg(long = "protocol", value_name = "PROTOCOL", value_parser = protocol)]
    protocols: Vec<i32>,
    /// Read as this durable consumer: start after the last event it acknowledged (unless
    /// --from is given), and acknowledge each event once it is written out.
    #[arg(long, value_name = "NAME")]
    consumer: Option<String>,
}

/// An EventKind by its proto name, in any case (`no_answer`, `NO_ANSWER`).
fn event_kind(s: &str) -> Result<i32, String> {
    match proto::EventKind::from_str_name(&s.to_ascii_uppercase()) {
        Some(k) if k != proto::EventKind::Unspecified => Ok(k as i32),
        _ => Err(format!(
            "{s} is not an event kind (trigger, answered, disconnected, ...)"
        )),
    }
}

/// A Protocol by its proto name, in any case.
fn protocol(s: &str) -> Result<i32, String> {
    match proto::Protocol::from_str_name(&s.to_ascii_uppercase()) {
        Some(p) if p != proto::Protocol::Unspecified => Ok(p as i32),
        _ => Err(format!("{s} is not a protocol (camel, ain, inap, win)")),
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum PolicyArg {
    /// Report the trigger only.
    Pass,
    /// Report the trigger and arm answer/disconnect events.
    Monitor,
    /// Route the call via an anchor number so the call control system is in the path.
    Anchor,
    /// Ask the data-session server (Decisions.Session).
    Decide,
}

/// `--grpc`: HOST:PORT with a port, so `--grpc 127.0.0.1` is refused up front instead of
/// failing later as a connection to port 80.
fn parse_grpc_addr(s: &str) -> Result<String, String> {
    let port = if let Some(rest) = s.strip_prefix('[') {
        rest.split_once("]:").map(|(_, p)| p)
    } else {
        s.rsplit_once(':')
            .filter(|(h, _)| !h.is_empty() && !h.contains(':'))
            .map(|(_, p)| p)
    };
    match port.map(str::parse::<u16>) {
        Some(Ok(p)) if p > 0 => Ok(s.to_string()),
        _ => Err("want HOST:PORT, e.g. 127.0.0.1:50051 ([::1]:50051 for IPv6)".into()),
    }
}

/// `ID[=LABEL]`: a terminal of the subscriber's user.
fn parse_terminal(s: &str) -> Result<proto::Terminal, String> {
    let (id, label) = s.split_once('=').unwrap_or((s, ""));
    if id.is_empty() {
        return Err("want ID[=LABEL]".into());
    }
    Ok(proto::Terminal {
        id: id.into(),
        label: label.into(),
    })
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum SourceArg {
    /// scpd's own pool: the transfer leg triggers back into scpd.
    Pool,
    /// The target's HLR (an MSRN): the leg routes straight to the visited MSC.
    Hlr,
}

#[derive(Subcommand)]
pub(super) enum RoutingNumberCmd {
    /// Allocate a temporary routing number bound to TARGET; prints it as JSON.
    Allocate {
        #[command(flatten)]
        conn: GrpcConn,
        /// Digits of the circuit-switched phone (international format, no '+').
        target: String,
        /// How long the number stays bound to TARGET.
        #[arg(long, default_value_t = 60)]
        ttl_seconds: u32,
        /// The call the transfer belongs to.
        #[arg(long, default_value = "")]
        call_id: String,
        /// Pool name (default: the first TRN pool).
        #[arg(long, default_value = "")]
        pool: String,
        /// Where the number comes from: scpd's pool, or TARGET's HLR (an MSRN; needs
        /// [hlr]; --ttl-seconds and --pool do not apply).
        #[arg(long, value_enum, default_value = "pool")]
        source: SourceArg,
    },
    /// Release a routing number before its time runs out.
    Release {
        #[command(flatten)]
        conn: GrpcConn,
        /// The routing number (digits) to free.
        number: String,
    },
    /// Show one routing number as JSON.
    Get {
        #[command(flatten)]
        conn: GrpcConn,
        /// The routing number (digits).
        number: String,
    },
    /// List the routing numbers allocated (of one pool with --pool), as JSON lines.
    List {
        #[command(flatten)]
        conn: GrpcConn,
        /// Only this pool's numbers (default: every pool).
        #[arg(long, default_value = "")]
        pool: String,
    },
}

#[derive(Subcommand)]
pub(super) enum SubscriberCmd {
    /// Enrol (or update) a subscriber.
    Add {
        #[command(flatten)]
        conn: GrpcConn,
        /// MSISDN or directory number, digits only.
        number: String,
        /// What scpd does with the subscriber's calls.
        #[arg(long, value_enum, default_value = "monitor")]
        policy: PolicyArg,
        /// The user the number belongs to.
        #[arg(long, default_value = "")]
        user: String,
        /// A terminal of the user, ID[=LABEL]; repeatable.
        #[arg(long = "terminal", value_name = "ID[=LABEL]", value_parser = parse_terminal)]
        terminals: Vec<proto::Terminal>,
        /// Fail if the number is enrolled already, instead of replacing it.
        #[arg(long)]
        new: bool,
    },
    /// Show one subscriber as JSON.
    Get {
        #[command(flatten)]
        conn: GrpcConn,
        /// The subscriber's number (MSISDN or directory number, digits only).
        number: String,
    },
    /// List every subscriber, as JSON lines.
    List {
        #[command(flatten)]
        conn: GrpcConn,
    },
    /// Ask the subscriber's HLR where it is and whether it is reachable (MAP
    /// AnyTimeInterrogation; needs [hlr]); prints the answer as JSON.
    Locate {
        #[command(flatten)]
        conn: GrpcConn,
        /// The subscriber's MSISDN (international digits).
        number: String,
        /// Have the VLR page the mobile for its location now (currentLocation).
        #[arg(long)]
        current: bool,
    },
    /// Remove a subscriber: its calls are no longer reported.
    Remove {
        #[command(flatten)]
        conn: GrpcConn,
        /// The subscriber's number (MSISDN or directory number, digits only).
        number: String,
    },
}

async fn grpc_channel(c: &GrpcConn) -> Result<Conn, String> {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let read = |flag: &str, p: &std::path::Path| {
        std::fs::read(p).map_err(|e| format!("{flag} {}: {e}", p.display()))
    };
    let addr = &c.grpc;
    let scheme = if c.tls_ca.is_some() { "https" } else { "http" };
    let mut ep = tonic::transport::Endpoint::from_shared(format!("{scheme}://{addr}"))
        .map_err(|e| format!("--grpc {addr}: {e}"))?
        .connect_timeout(Duration::from_secs(5));
    if let Some(ca) = &c.tls_ca {
        let mut tls =
            ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read("--tls-ca", ca)?));
        if let (Some(cert), Some(key)) = (&c.tls_cert, &c.tls_key) {
            tls = tls.identity(Identity::from_pem(
                read("--tls-cert", cert)?,
                read("--tls-key", key)?,
            ));
        }
        if let Some(d) = &c.tls_domain {
            tls = tls.domain_name(d.clone());
        }
        ep = ep
            .tls_config(tls)
            .map_err(|e| format!("TLS: {}", crate::api::chain(&e)))?;
    }
    let bearer = match &c.token {
        Some(t) => Some(
            format!("Bearer {t}")
                .parse()
                .map_err(|_| "--token: printable ASCII only".to_string())?,
        ),
        None => None,
    };
    let channel = ep.connect().await.map_err(|e| {
        format!(
            "cannot reach scpd's gRPC at {addr}: {} (is scpd running there? the address \
             comes from --grpc or SCPD_GRPC)",
            causes(&e)
        )
    })?;
    Ok(tonic::service::interceptor::InterceptedService::new(
        channel,
        Bearer(bearer),
    ))
}

/// An error and its sources in one line, each text once: tonic and hyper wrap the same
/// cause in layers that print it again ("tcp connect error: tcp connect error: ...").
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(c) = next {
        let t = c.to_string();
        if !t.is_empty() && !parts.iter().any(|p| p.contains(&t)) {
            // A wrapper that repeats its cause's text is dropped for the cause.
            parts.retain(|p| !t.contains(p.as_str()));
            parts.push(t);
        }
        next = c.source();
    }
    parts.join(": ")
}

/// A status from the daemon in words: its code's name and message.
fn status(e: tonic::Status) -> String {
    if e.code() == tonic::Code::Unavailable {
        return format!(
            "scpd's gRPC is unavailable: {} (is scpd running?)",
            e.message()
        );
    }
    match e.code() {
        tonic::Code::Unknown => e.message().to_string(),
        c => format!("{}: {}", c.description(), e.message()),
    }
}

/// The stream's next item if it has arrived already; nothing is awaited (`now_or_never`
/// without the futures crate).
async fn ready<S: tokio_stream::Stream + Unpin>(s: &mut S) -> Poll<Option<S::Item>> {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *s).poll_next(cx))).await
}

#[derive(Args)]
pub(super) struct StatusArgs {
    #[command(flatten)]
    conn: GrpcConn,
}

/// `scpd status`: the node's associations, dialogues, subscribers, journal position and
/// overload state, as one JSON object.
pub(super) async fn cmd_status(a: StatusArgs) -> Result<ExitCode, Failure> {
    use proto::node_client::NodeClient;
    let mut client = NodeClient::new(grpc_channel(&a.conn).await?);
    let s = client
        .status(proto::StatusRequest {})
        .await
        .map_err(status)?
        .into_inner();
    out::line(serde_json::json!({
        "version": s.version,
        "uptime_seconds": s.uptime_seconds,
        "associations": s.associations.iter().map(|x| serde_json::json!({
            "side": x.side,
            "active": x.active,
        })).collect::<Vec<_>>(),
        "dialogues_open": s.dialogues_open,
        "subscribers": s.subscribers,
        "journal_sequence": s.journal_sequence,
        "shards": s.shards,
        "event_streams": s.event_streams,
    }))?;
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn cmd_events(a: EventsArgs) -> Result<ExitCode, Failure> {
    use proto::call_events_client::CallEventsClient;
    use std::io::Write;
    let mut client = CallEventsClient::new(grpc_channel(&a.conn).await?);
    let mut stream = client
        .subscribe(proto::SubscribeRequest {
            from_sequence: a.from,
            kinds: a.kinds,
            subscribers: a.subscribers,
            protocols: a.protocols,
            consumer: a.consumer.clone().unwrap_or_default(),
        })
        .await
        .map_err(|e| format!("gRPC {}: {}", a.conn.grpc, status(e)))?
        .into_inner();
    // A durable consumer acknowledges what reached stdout, after each flush: at least once.
    let (mut written, mut acked) = (0u64, 0u64);
    let mut ack = async |written: u64, acked: &mut u64| -> Result<(), String> {
        let Some(consumer) = a.consumer.clone().filter(|_| written > *acked) else {
            return Ok(());
        };
        client
            .ack(proto::AckRequest {
                consumer,
                sequence: written,
            })
            .await
            .map_err(status)?;
        *acked = written;
        Ok(())
    };
    // Under load this runs beside the daemon, so an event costs its decoding and a copy into
    // one reused line buffer, and the events that arrived together leave in one write:
    // stdout is flushed only when the stream has nothing ready, which keeps --follow live.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
    let mut line = crate::lab::json::J::new();
    let end = loop {
        let next = match ready(&mut stream).await {
            Poll::Ready(r) => r.transpose(),
            Poll::Pending => {
                if out.flush().is_err() {
                    break Ok(());
                }
                if let Err(e) = ack(written, &mut acked).await {
                    break Err(e);
                }
                if a.follow {
                    stream.message().await
                } else {
                    // Without --follow, stop once the stream has been quiet (journal replayed).
                    match tokio::time::timeout(Duration::from_millis(500), stream.message()).await {
                        Ok(r) => r,
                        Err(_) => break Ok(()),
                    }
                }
            }
        };
        match next {
            Ok(Some(ev)) => {
                line.clear();
                crate::lab::write_event_json(&mut line, &ev);
                line.newline();
                if out.write_all(line.bytes()).is_err() {
                    break Ok(());
                }
                written = ev.sequence;
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(status(e)),
        }
    };
    // The lines before an error are printed before it is, and acknowledged once out.
    let end = match out.flush() {
        Ok(()) => match ack(written, &mut acked).await {
            Ok(()) => end,
            Err(e) => end.and(Err(e)),
        },
        Err(_) => end,
    };
    end.map(|()| ExitCode::SUCCESS).map_err(Failure::from)
}

pub(super) async fn cmd_subscriber(c: SubscriberCmd) -> Result<ExitCode, Failure> {
    use proto::subscribers_client::SubscribersClient;
    let print = |s: &proto::Subscriber| {
        out::line(serde_json::json!({
            "number": s.number,
            "user": s.user,
            "policy": crate::store::policy_name(s.policy().into()),
            "terminals": s.terminals.iter()
                .map(|t| serde_json::json!({"id": t.id, "label": t.label}))
                .collect::<Vec<_>>(),
            "tenant": s.tenant,
        }))
    };
    match c {
        SubscriberCmd::Add {
            conn,
            number,
            policy,
            user,
            terminals,
            new,
        } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let sub = proto::Subscriber {
                number,
                user,
                policy: match policy {
                    PolicyArg::Pass => proto::Policy::Pass,
                    PolicyArg::Monitor => proto::Policy::Monitor,
                    PolicyArg::Anchor => proto::Policy::Anchor,
                    PolicyArg::Decide => proto::Policy::Decide,
                } as i32,
                terminals,
                tenant: String::new(),
            };
            let s = if new {
                client.create(sub).await
            } else {
                client.add(sub).await
            }
            .map_err(status)?;
            print(s.get_ref())?;
        }
        SubscriberCmd::Get { conn, number } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let s = client
                .get(proto::GetSubscriberRequest { number })
                .await
                .map_err(status)?;
            print(s.get_ref())?;
        }
        SubscriberCmd::Locate {
            conn,
            number,
            current,
        } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let l = client
                .locate(proto::LocateRequest {
                    number,
                    current_location: current,
                })
                .await
                .map_err(status)?;
            let l = l.get_ref();
            out::line(serde_json::json!({
                "number": l.number,
                "state": l.state().as_str_name(),
                "not_reachable_reason": l.not_reachable_reason,
                "location": l.location.as_ref().map(|c| serde_json::json!({
                    "mcc": c.mcc, "mnc": c.mnc, "lac": c.lac, "cell_id": c.cell_id,
                    "vlr_number": c.vlr_number,
                })),
                "age_minutes": l.age_minutes,
                "geographical": l.geographical.as_ref().map(|g| serde_json::json!({
                    "latitude": g.latitude, "longitude": g.longitude,
                    "uncertainty_meters": g.uncertainty_meters,
                })),
                "msc_number": l.msc_number,
                "current_location_retrieved": l.current_location_retrieved,
                "retrieved_at_ms": l.retrieved_at_ms,
            }))?;
        }
        SubscriberCmd::List { conn } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let l = client
                .list(proto::ListSubscribersRequest {})
                .await
                .map_err(status)?;
            l.get_ref().subscribers.iter().try_for_each(print)?;
        }
        SubscriberCmd::Remove { conn, number } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let r = client
                .remove(proto::RemoveSubscriberRequest {
                    number: number.clone(),
                })
                .await
                .map_err(status)?;
            if !r.get_ref().removed {
                return Err(format!("no subscriber {number}").into());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn cmd_routing_number(c: RoutingNumberCmd) -> Result<ExitCode, Failure> {
    use proto::routing_numbers_client::RoutingNumbersClient;
    let print = |n: &proto::RoutingNumber| {
        out::line(serde_json::json!({
            "number": n.number,
            "target": n.target,
            "expires_at_ms": n.expires_at_ms,
            "allocated_at_ms": n.allocated_at_ms,
            "call_id": n.call_id,
            "pool": n.pool,
            "kind": n.kind().as_str_name(),
            "tenant": n.tenant,
            "source": n.source().as_str_name(),
            "imsi": n.imsi,
            "vmsc_address": n.vmsc_address,
            "map_version": n.map_version,
        }))
    };
    let err = status;
    match c {
        RoutingNumberCmd::Allocate {
            conn,
            target,
            ttl_seconds,
            call_id,
            pool,
            source,
        } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let source = match source {
                SourceArg::Pool => proto::RoutingNumberSource::Pool,
                SourceArg::Hlr => proto::RoutingNumberSource::Hlr,
            };
            let n = client
                .allocate(proto::AllocateRoutingNumberRequest {
                    target,
                    ttl_seconds,
                    call_id,
                    pool,
                    source: source as i32,
                })
                .await
                .map_err(err)?;
            print(n.get_ref())?;
        }
        RoutingNumberCmd::Release { conn, number } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            client
                .release(proto::ReleaseRoutingNumberRequest { number })
                .await
                .map_err(err)?;
        }
        RoutingNumberCmd::Get { conn, number } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let n = client
                .get(proto::GetRoutingNumberRequest { number })
                .await
                .map_err(err)?;
            print(n.get_ref())?;
        }
        RoutingNumberCmd::List { conn, pool } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let l = client
                .list(proto::ListRoutingNumbersRequest { pool })
                .await
                .map_err(err)?;
            l.get_ref().numbers.iter().try_for_each(print)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
