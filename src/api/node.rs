//! `Node.Status`: what the running node is doing, for `scpd status` and monitoring
//! scripts. The runtime gathers it ([`StatusSource`]); this is only the gRPC face. It
//! tells of every tenant's traffic, so with `[[tenants]]` only admins may ask.

use crate::proto::node_server::Node;
use crate::proto::{StatusRequest, StatusResponse};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// Gathers a [`StatusResponse`] (the runtime implements it).
pub trait StatusSource: Send + Sync + 'static {
    fn status(&self) -> Pin<Box<dyn Future<Output = StatusResponse> + Send + '_>>;
}

/// The `Node` service over a [`StatusSource`].
#[derive(Clone)]
pub struct NodeService(pub Arc<dyn StatusSource>);

#[tonic::async_trait]
impl Node for NodeService {
    async fn status(
        &self,
        req: Request<StatusRequest>,
    ) -> Result<Response<StatusResponse>, Status> {
        // The interceptor put the caller there (no tenants: the operator).
        if let Some(c) = req.extensions().get::<super::Caller>() {
            if c.tenant().is_some() {
                return Err(c.deny("Node.Status", "", "the node's status is for admins"));
            }
        }
        Ok(Response::new(self.0.status().await))
    }
}
