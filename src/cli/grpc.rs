//! The gRPC client commands (`scpd events`, `scpd subscriber`, `scpd routing-number`) and
//! the channel setup they share (plaintext, or TLS with an optional client certificate),
//! so operators can reach a running scpd without grpcurl or code of their own.

use crate::proto;
use clap::{Args, Subcommand, ValueEnum};
use std::pin::Pin;
use std::process::ExitCode;
use std::task::Poll;
use std::time::Duration;

/// How a client command reaches a running scpd's gRPC: plaintext, or TLS with --tls-ca.
#[derive(Args)]
pub(super) struct GrpcConn {
    /// scpd's gRPC address.
    #[arg(long, default_value = "127.0.0.1:50051", value_name = "HOST:PORT")]
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
}

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

#[derive(Subcommand)]
pub(super) enum RoutingNumberCmd {
    /// Allocate a temporary routing number bound to TARGET; prints it as JSON.
    Allocate {
        #[command(flatten)]
        conn: GrpcConn,
        /// Digits of the circuit-switched phone (international format, no '+').
        target: String,
        #[arg(long, default_value_t = 60)]
        ttl_seconds: u32,
        /// The call the transfer belongs to.
        #[arg(long, default_value = "")]
        call_id: String,
        /// Pool name (default: the first TRN pool).
        #[arg(long, default_value = "")]
        pool: String,
    },
    /// Release a routing number before its time runs out.
    Release {
        #[command(flatten)]
        conn: GrpcConn,
        number: String,
    },
    /// Show one routing number as JSON.
    Get {
        #[command(flatten)]
        conn: GrpcConn,
        number: String,
    },
    /// List the routing numbers allocated (of one pool with --pool), as JSON lines.
    List {
        #[command(flatten)]
        conn: GrpcConn,
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
        number: String,
    },
    /// List every subscriber, as JSON lines.
    List {
        #[command(flatten)]
        conn: GrpcConn,
    },
    /// Remove a subscriber: its calls are no longer reported.
    Remove {
        #[command(flatten)]
        conn: GrpcConn,
        number: String,
    },
}

async fn grpc_channel(c: &GrpcConn) -> Result<tonic::transport::Channel, String> {
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
    ep.connect()
        .await
        .map_err(|e| format!("gRPC {addr}: {}", crate::api::chain(&e)))
}

/// The stream's next item if it has arrived already; nothing is awaited (`now_or_never`
/// without the futures crate).
async fn ready<S: tokio_stream::Stream + Unpin>(s: &mut S) -> Poll<Option<S::Item>> {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *s).poll_next(cx))).await
}

pub(super) async fn cmd_events(a: EventsArgs) -> Result<ExitCode, String> {
    use proto::call_events_client::CallEventsClient;
    use std::io::Write;
    let mut client = CallEventsClient::new(grpc_channel(&a.conn).await?);
    let mut stream = client
        .subscribe(proto::SubscribeRequest {
            from_sequence: a.from,
        })
        .await
        .map_err(|e| format!("gRPC {}: {:?}: {}", a.conn.grpc, e.code(), e.message()))?
        .into_inner();
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
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e.to_string()),
        }
    };
    // The lines before an error are printed before it is.
    let _ = out.flush();
    end.map(|()| ExitCode::SUCCESS)
}

pub(super) async fn cmd_subscriber(c: SubscriberCmd) -> Result<ExitCode, String> {
    use proto::subscribers_client::SubscribersClient;
    let print = |s: &proto::Subscriber| {
        println!(
            "{}",
            serde_json::json!({
                "number": s.number,
                "user": s.user,
                "policy": crate::store::policy_name(s.policy().into()),
                "terminals": s.terminals.iter()
                    .map(|t| serde_json::json!({"id": t.id, "label": t.label}))
                    .collect::<Vec<_>>(),
            })
        )
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
            };
            let s = if new {
                client.create(sub).await
            } else {
                client.add(sub).await
            }
            .map_err(|e| e.message().to_string())?;
            print(s.get_ref());
        }
        SubscriberCmd::Get { conn, number } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let s = client
                .get(proto::GetSubscriberRequest { number })
                .await
                .map_err(|e| e.message().to_string())?;
            print(s.get_ref());
        }
        SubscriberCmd::List { conn } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let l = client
                .list(proto::ListSubscribersRequest {})
                .await
                .map_err(|e| e.message().to_string())?;
            l.get_ref().subscribers.iter().for_each(print);
        }
        SubscriberCmd::Remove { conn, number } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let r = client
                .remove(proto::RemoveSubscriberRequest {
                    number: number.clone(),
                })
                .await
                .map_err(|e| e.message().to_string())?;
            if !r.get_ref().removed {
                return Err(format!("no subscriber {number}"));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn cmd_routing_number(c: RoutingNumberCmd) -> Result<ExitCode, String> {
    use proto::routing_numbers_client::RoutingNumbersClient;
    let print = |n: &proto::RoutingNumber| {
        println!(
            "{}",
            serde_json::json!({
                "number": n.number,
                "target": n.target,
                "expires_at_ms": n.expires_at_ms,
                "allocated_at_ms": n.allocated_at_ms,
                "call_id": n.call_id,
                "pool": n.pool,
                "kind": n.kind().as_str_name(),
            })
        )
    };
    let err = |e: tonic::Status| format!("{:?}: {}", e.code(), e.message());
    match c {
        RoutingNumberCmd::Allocate {
            conn,
            target,
            ttl_seconds,
            call_id,
            pool,
        } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let n = client
                .allocate(proto::AllocateRoutingNumberRequest {
                    target,
                    ttl_seconds,
                    call_id,
                    pool,
                })
                .await
                .map_err(err)?;
            print(n.get_ref());
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
            print(n.get_ref());
        }
        RoutingNumberCmd::List { conn, pool } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let l = client
                .list(proto::ListRoutingNumbersRequest { pool })
                .await
                .map_err(err)?;
            l.get_ref().numbers.iter().for_each(print);
        }
    }
    Ok(ExitCode::SUCCESS)
}
