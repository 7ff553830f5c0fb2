//! `RoutingNumbers`: allocations committed to the store before they are handed out.

use super::{check_number, now_ms, Api};
use crate::proto::routing_numbers_server::RoutingNumbers;
use crate::proto::{
    AllocateRoutingNumberRequest, GetRoutingNumberRequest, ListRoutingNumbersRequest,
    ListRoutingNumbersResponse, ReleaseRoutingNumberRequest, ReleaseRoutingNumberResponse,
    RoutingNumber, RoutingNumberKind, RoutingNumberSource,
};
use crate::service::hlr::{HlrAnswer, HlrQuery};
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
        RoutingError::OthersPool(_) => Status::permission_denied(e.to_string()),
    }
}

impl Api {
    /// Allocate with source HLR: the target's MSRN, asked by SendRoutingInformation. The
    /// number is the visited network's: it expires as the VLR lets it, nothing is stored.
    async fn roaming_number(
        &self,
        caller: &super::Caller,
        req: Request<AllocateRoutingNumberRequest>,
    ) -> Result<Response<RoutingNumber>, Status> {
        const RPC: &str = "RoutingNumbers.Allocate";
        let r = req.get_ref();
        super::check_digits("target", &r.target)?;
        if r.target.len() > 15 {
            return Err(Status::invalid_argument(format!(
                "target {:?}: an MSISDN has at most 15 digits (E.164)",
                r.target
            )));
        }
        if !r.pool.is_empty() {
            return Err(Status::invalid_argument(
                "pool: an MSRN comes from the HLR, not from a pool (leave it empty)",
            ));
        }
        if r.call_id.len() > 128 || r.call_id.chars().any(char::is_control) {
            return Err(Status::invalid_argument(
                "call_id: at most 128 bytes, printable",
            ));
        }
        self.may_ask_hlr(caller, RPC, &r.target)?;
        let query = HlrQuery::Msrn {
            msisdn: r.target.clone(),
        };
        let answer = self.hlr.ask(&req, query).await;
        let r = req.into_inner();
        let roaming = match answer {
            Ok(HlrAnswer::Roaming(x)) => x,
            Ok(other) => return Err(Status::internal(format!("unexpected answer {other:?}"))),
            Err(e) => return Err(super::hlr::status(&e)),
        };
        let now = now_ms();
        caller.changed(RPC, &roaming.msrn);
        Ok(Response::new(RoutingNumber {
            number: roaming.msrn,
            target: r.target,
            expires_at_ms: now + self.hlr.msrn_lifetime.as_millis() as i64,
            call_id: r.call_id,
            pool: String::new(),
            kind: RoutingNumberKind::Trn as i32,
            allocated_at_ms: now,
            tenant: caller.tenant().unwrap_or_default().to_string(),
            source: RoutingNumberSource::Hlr as i32,
            imsi: roaming.imsi,
            vmsc_address: roaming.vmsc,
            map_version: u32::from(roaming.map_version),
        }))
    }

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
        const RPC: &str = "RoutingNumbers.Allocate";
        let caller = self.caller(&req)?;
        match RoutingNumberSource::try_from(req.get_ref().source) {
            Ok(RoutingNumberSource::Pool) => {}
            Ok(RoutingNumberSource::Hlr) => return self.roaming_number(&caller, req).await,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "source {}: want ROUTING_NUMBER_SOURCE_POOL or ROUTING_NUMBER_SOURCE_HLR",
                    req.get_ref().source
                )))
            }
        }
        let r = req.into_inner();
        caller.acts(RPC, &r.pool)?;
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
            .allocate_for(
                caller.tenant(),
                &r.pool,
                PoolKind::Trn,
                &r.target,
                i64::from(r.ttl_seconds) * 1000,
                &r.call_id,
                now_ms(),
            )
            .map_err(|e| match e {
                RoutingError::OthersPool(_) => caller.deny(RPC, &r.pool, &e.to_string()),
                e => routing_status(e),
            })?;
        if let Err(e) = self.writer.commit().await {
            // Not durable: it must not be used either.
            self.routing()?.release(&a.number);
            return Err(Status::unavailable(format!("store: {e}")));
        }
        caller.changed(RPC, &a.number);
        Ok(Response::new(RoutingNumber::from(&a)))
    }

    async fn release(
        &self,
        req: Request<ReleaseRoutingNumberRequest>,
    ) -> Result<Response<ReleaseRoutingNumberResponse>, Status> {
        const RPC: &str = "RoutingNumbers.Release";
        let caller = self.caller(&req)?;
        let n = req.into_inner().number;
        check_number(&n)?;
        caller.acts(RPC, &n)?;
        {
            let mut r = self.routing()?;
            match r.get(&n, now_ms()) {
                None => {
                    return Err(Status::not_found(format!(
                        "{n} is not a live routing number"
                    )))
                }
                Some(a) if !caller.sees(&a.tenant) => {
                    return Err(caller.deny(RPC, &n, "the number is another tenant's"))
                }
                Some(_) => drop(r.release(&n)),
            }
        }
        self.writer.commit().await.map_err(Status::unavailable)?;
        caller.changed(RPC, &n);
        Ok(Response::new(ReleaseRoutingNumberResponse {
            released: true,
        }))
    }

    async fn get(
        &self,
        req: Request<GetRoutingNumberRequest>,
    ) -> Result<Response<RoutingNumber>, Status> {
        let caller = self.caller(&req)?;
        let n = req.into_inner().number;
        check_number(&n)?;
        caller.acts("RoutingNumbers.Get", &n)?;
        let r = self.routing()?;
        let a = r
            .get(&n, now_ms())
            .ok_or_else(|| Status::not_found(format!("{n} is not a live routing number")))?;
        if !caller.sees(&a.tenant) {
            return Err(caller.deny("RoutingNumbers.Get", &n, "the number is another tenant's"));
        }
        Ok(Response::new(RoutingNumber::from(a)))
    }

    async fn list(
        &self,
        req: Request<ListRoutingNumbersRequest>,
    ) -> Result<Response<ListRoutingNumbersResponse>, Status> {
        let caller = self.caller(&req)?;
        let pool = req.into_inner().pool;
        if pool.len() > 64 {
            return Err(Status::invalid_argument("pool: at most 64 bytes"));
        }
        caller.acts("RoutingNumbers.List", &pool)?;
        let r = self.routing()?;
        if !pool.is_empty() && !r.has_pool(&pool) {
            return Err(Status::not_found(format!("no pool {pool:?}")));
        }
        let numbers = r
            .list(&pool, now_ms())
            .iter()
            .filter(|a| caller.sees(&a.tenant))
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
