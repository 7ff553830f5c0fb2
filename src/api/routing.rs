//! `RoutingNumbers`: allocations committed to the store before they are handed out.

use super::{check_number, now_ms, Api};
use crate::proto::routing_numbers_server::RoutingNumbers;
use crate::proto::{
    AllocateRoutingNumberRequest, GetRoutingNumberRequest, ListRoutingNumbersRequest,
    ListRoutingNumbersResponse, ReleaseRoutingNumberRequest, ReleaseRoutingNumberResponse,
    RoutingNumber,
};
use crate::service::routing::{PoolKind, RoutingError, RoutingTable};
use tonic::{Request, Response, Status};

/// Longest TTL a routing number may have (a day: a transfer is set up in seconds).
pub const MAX_TTL_SECONDS: u32 = 86_400;

fn routing_status(e: RoutingError) -> Status {
    match e {
        RoutingError::Exhausted(_) => Status::resource_exhausted(e.to_string()),
        RoutingError::NoPool(_) => Status::not_found(e.to_string()),
        RoutingError::NoPoolOfKind(_) => Status::failed_precondition(e.to_string()),
        RoutingError::BadPool(..) => Status::internal(e.to_string()),
    }
}

impl Api {
    fn routing(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, crate::service::routing::Allocator>, Status> {
        self.routing
            .lock()
            .map_err(|_| Status::internal("routing table poisoned"))
    }
}

#[tonic::async_trait]
impl RoutingNumbers for Api {
    /// The number is committed to the store before it is returned: once the caller has it,
    /// a crash neither forgets nor reissues it.
    async fn allocate(
        &self,
        req: Request<AllocateRoutingNumberRequest>,
    ) -> Result<Response<RoutingNumber>, Status> {
        let r = req.into_inner();
        if r.target.is_empty()
            || r.target.len() > 24
            || !r.target.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Status::invalid_argument(format!(
                "target {:?}: want 1 to 24 digits (international format, no '+')",
                r.target
            )));
        }
        if r.ttl_seconds == 0 || r.ttl_seconds > MAX_TTL_SECONDS {
            return Err(Status::invalid_argument(format!(
                "ttl_seconds {}: want 1 to {MAX_TTL_SECONDS}",
                r.ttl_seconds
            )));
        }
        if r.call_id.len() > 128 || r.call_id.chars().any(char::is_control) {
            return Err(Status::invalid_argument(
                "call_id: at most 128 bytes, printable",
            ));
        }
        if r.pool.len() > 64 {
            return Err(Status::invalid_argument("pool: at most 64 bytes"));
        }
        let a = self
            .routing()?
            .allocate(
                &r.pool,
                PoolKind::Trn,
                &r.target,
                i64::from(r.ttl_seconds) * 1000,
                &r.call_id,
                now_ms(),
            )
            .map_err(routing_status)?;
        if let Err(e) = self.writer.commit().await {
            // Not durable: it must not be used either.
            self.routing()?.release(&a.number);
            return Err(Status::unavailable(format!("store: {e}")));
        }
        Ok(Response::new(RoutingNumber::from(&a)))
    }

    async fn release(
        &self,
        req: Request<ReleaseRoutingNumberRequest>,
    ) -> Result<Response<ReleaseRoutingNumberResponse>, Status> {
        let n = req.into_inner().number;
        check_number(&n)?;
        if self.routing()?.release(&n).is_none() {
            return Err(Status::not_found(format!(
                "{n} is not a live routing number"
            )));
        }
        self.writer.commit().await.map_err(Status::unavailable)?;
        Ok(Response::new(ReleaseRoutingNumberResponse {
            released: true,
        }))
    }

    async fn get(
        &self,
        req: Request<GetRoutingNumberRequest>,
    ) -> Result<Response<RoutingNumber>, Status> {
        let n = req.into_inner().number;
        check_number(&n)?;
        self.routing()?
            .get(&n, now_ms())
            .map(|a| Response::new(RoutingNumber::from(a)))
            .ok_or_else(|| Status::not_found(format!("{n} is not a live routing number")))
    }

    async fn list(
        &self,
        req: Request<ListRoutingNumbersRequest>,
    ) -> Result<Response<ListRoutingNumbersResponse>, Status> {
        let pool = req.into_inner().pool;
        if pool.len() > 64 {
            return Err(Status::invalid_argument("pool: at most 64 bytes"));
        }
        let r = self.routing()?;
        if !pool.is_empty() && !r.has_pool(&pool) {
            return Err(Status::not_found(format!("no pool {pool:?}")));
        }
        let numbers = r
            .list(&pool, now_ms())
            .iter()
            .map(RoutingNumber::from)
            .collect();
        Ok(Response::new(ListRoutingNumbersResponse { numbers }))
    }
}

pub async fn sweep_routing_numbers(
    routing: RoutingTable,
    every: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut iv = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = iv.tick() => {}
            _ = stop.changed() => return,
        }
        let n = routing.lock().map(|mut r| r.expire(now_ms())).unwrap_or(0);
        if n > 0 {
            tracing::info!(numbers = n, "routing numbers expired");
        }
    }
}
