//! gRPC adapter (tonic): CallEvents.Subscribe, Subscribers, RoutingNumbers, Decisions,
//! health and reflection, all on one port. It reads and writes through the store, the shared
//! subscriber and routing-number tables and the decision broker; it never touches protocol
//! state, and it is where service types become gRPC types (`crate::proto`). Every request
//! is validated first: INVALID_ARGUMENT names the field and what it wants, NOT_FOUND /
//! ALREADY_EXISTS / RESOURCE_EXHAUSTED / FAILED_PRECONDITION say what the state refused.

mod auth;
mod decisions;
mod events;
mod hlr;
mod node;
mod routing;
mod subscribers;
#[cfg(test)]
mod tests;

pub use auth::{token_sha256, Auth, Caller};
pub use decisions::{Broker, Client, DecisionCounts};
pub use events::Streams;
pub use hlr::{Hlr, HlrCount};
pub use node::{NodeService, StatusSource};
pub use routing::{sweep_routing_numbers, MAX_TTL_SECONDS};

use crate::proto::call_events_server::CallEventsServer;
use crate::proto::decisions_server::DecisionsServer;
use crate::proto::routing_numbers_server::RoutingNumbersServer;
use crate::proto::subscribers_server::SubscribersServer;
use crate::service::routing::RoutingTable;
use crate::service::SubscriberTable;
use crate::store;
use std::sync::Arc;
use tonic::Status;

#[derive(Clone)]
pub struct Api {
    pub writer: store::Writer,
    pub subscribers: SubscriberTable,
    pub routing: RoutingTable,
    pub decisions: Arc<Broker>,
    /// Turns true at shutdown: event streams end so the server can close gracefully.
    pub stop: tokio::sync::watch::Receiver<bool>,
    /// The open event streams (for metrics).
    pub streams: Arc<Streams>,
    /// Who may call, as `[[tenants]]` says.
    pub auth: Arc<Auth>,
    /// The subscribers' HLRs, through the MAP client.
    pub hlr: Arc<Hlr>,
}

impl Api {
    /// May `caller` ask the HLR about `number`: an operator about any, a tenant about its
    /// own subscribers only (where a phone is, and calls to it, are theirs to know).
    pub(crate) fn may_ask_hlr(
        &self,
        caller: &Caller,
        rpc: &str,
        number: &str,
    ) -> Result<(), Status> {
        caller.acts(rpc, number)?;
        let Some(t) = caller.tenant() else {
            return Ok(());
        };
        let owner = self
            .subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .get(number)
            .map(|s| s.tenant.clone());
        if owner.as_deref() != Some(t) {
            return Err(caller.deny(
                rpc,
                number,
                "a tenant asks the HLR about its own subscribers",
            ));
        }
        Ok(())
    }
}

pub(crate) fn check_number(n: &str) -> Result<(), Status> {
    check_digits("number", n)
}

/// `field` holds 1 to 32 decimal digits: the form numbers are enrolled and allocated in.
pub(crate) fn check_digits(field: &str, n: &str) -> Result<(), Status> {
    if n.is_empty() || n.len() > 32 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Status::invalid_argument(format!(
            "{field} {n:?}: want 1 to 32 digits, no '+' (nature of address is not part of it)"
        )));
    }
    Ok(())
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// A TLS handshake not done in this time is dropped, so idle connections cannot hold the
/// acceptor.
const TLS_HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// An error with its causes (tonic's and rustls' errors say what went wrong only there).
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

/// The gRPC server for `[grpc]`: TLS when `tls_cert`/`tls_key` are set, requiring a client
/// certificate signed by `tls_client_ca` when that is set, plaintext otherwise. Everything
/// is checked here, before anything listens: unreadable or non-PEM files and a key that does
/// not belong to the certificate are errors naming the configuration key. Plaintext on an
/// address other than loopback is served (a private network may want it) but logged as a
/// warning, since anyone who reaches the port can then enrol subscribers and take decisions.
pub fn grpc_server(cfg: &crate::config::Config) -> Result<tonic::transport::Server, String> {
    use tonic::transport::{Certificate, Identity, ServerTlsConfig};
    let addr = cfg.grpc_addr().map_err(|e| e.to_string())?;
    let builder = tonic::transport::Server::builder();
    let Some(tls) = cfg.grpc.load_tls().map_err(|e| e.to_string())? else {
        if !addr.ip().is_loopback() {
            tracing::warn!(
                %addr,
                "gRPC is served WITHOUT TLS on a non-loopback address: anyone who can reach \
                 it can read call events, change subscribers and answer decisions; set \
                 grpc.tls_cert and grpc.tls_key (and grpc.tls_client_ca) or listen on \
                 127.0.0.1"
            );
        }
        return Ok(builder);
    };
    let mut t = ServerTlsConfig::new()
        .identity(Identity::from_pem(&tls.cert, &tls.key))
        .timeout(TLS_HANDSHAKE_TIMEOUT);
    match &tls.client_ca {
        // With [[tenants]] a client may instead bring a bearer token: the certificate is
        // then asked for but not required, and the tenants' check refuses whoever has
        // neither (api::auth).
        Some(ca) => {
            t = t
                .client_ca_root(Certificate::from_pem(ca))
                .client_auth_optional(!cfg.tenants.is_empty())
        }
        None if !addr.ip().is_loopback() => tracing::warn!(
            %addr,
            "gRPC over TLS without client certificates (grpc.tls_client_ca): any client \
             that reaches it is served"
        ),
        None => {}
    }
    let mutual = tls.client_ca.is_some();
    let b = builder.tls_config(t).map_err(|e| {
        format!(
            "grpc.tls_cert / grpc.tls_key ({} / {}): {}",
            cfg.grpc.tls_cert.as_deref().unwrap_or_default(),
            cfg.grpc.tls_key.as_deref().unwrap_or_default(),
            chain(&e)
        )
    })?;
    tracing::info!(%addr, client_certificates = mutual, "gRPC over TLS");
    Ok(b)
}

/// Serve on `listener` with `server` (from [`grpc_server`]) until `shutdown` resolves.
pub async fn serve(
    api: Api,
    node: NodeService,
    mut server: tonic::transport::Server,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<CallEventsServer<Api>>().await;
    health.set_serving::<SubscribersServer<Api>>().await;
    health.set_serving::<RoutingNumbersServer<Api>>().await;
    health.set_serving::<DecisionsServer<Api>>().await;
    health
        .set_serving::<crate::proto::node_server::NodeServer<NodeService>>()
        .await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("embedded descriptor sets are valid");
    // Every service but health and reflection behind the caller's identification.
    use tonic::service::interceptor::InterceptedService;
    let who = auth::interceptor(api.auth.clone());
    server
        .add_service(health_service)
        .add_service(reflection)
        .add_service(InterceptedService::new(
            CallEventsServer::new(api.clone()).max_decoding_message_size(MAX_REQUEST_BYTES),
            who.clone(),
        ))
        .add_service(InterceptedService::new(
            SubscribersServer::new(api.clone()).max_decoding_message_size(MAX_REQUEST_BYTES),
            who.clone(),
        ))
        .add_service(InterceptedService::new(
            RoutingNumbersServer::new(api.clone()).max_decoding_message_size(MAX_REQUEST_BYTES),
            who.clone(),
        ))
        .add_service(InterceptedService::new(
            DecisionsServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES),
            who.clone(),
        ))
        .add_service(InterceptedService::new(
            crate::proto::node_server::NodeServer::new(node),
            who,
        ))
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            shutdown,
        )
        .await
}
