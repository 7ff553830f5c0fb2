//! `Subscribers`: enrolment through the store first, then the shared table the engines read.

use super::{check_number, Api, Caller};
use crate::proto::subscribers_server::Subscribers;
use crate::proto::{
    GetSubscriberRequest, ListSubscribersRequest, ListSubscribersResponse, LocateRequest, Policy,
    RemoveSubscriberRequest, RemoveSubscriberResponse, Subscriber, SubscriberLocation,
};
use crate::service::hlr::{HlrAnswer, HlrQuery};
use crate::store;
use std::sync::Arc;
use tonic::{Request, Response, Status};

fn check_subscriber(s: &mut Subscriber) -> Result<(), Status> {
    check_number(&s.number)?;
    if s.user.chars().count() > 256 || s.user.chars().any(char::is_control) {
        return Err(Status::invalid_argument(
            "user: at most 256 printable characters",
        ));
    }
    match Policy::try_from(s.policy) {
        Ok(Policy::Unspecified) => s.policy = Policy::Pass as i32,
        Ok(_) => {}
        Err(_) => {
            return Err(Status::invalid_argument(format!(
                "policy {}: want PASS, MONITOR, ANCHOR or DECIDE",
                s.policy
            )))
        }
    }
    if s.terminals.len() > 32 {
        return Err(Status::invalid_argument("terminals: at most 32"));
    }
    let mut ids = std::collections::HashSet::new();
    for (i, t) in s.terminals.iter().enumerate() {
        let n = t.id.chars().count();
        if n == 0 || n > 128 || t.id.chars().any(char::is_control) {
            return Err(Status::invalid_argument(format!(
                "terminals[{i}].id: want 1 to 128 printable characters"
            )));
        }
        if t.label.chars().count() > 128 || t.label.chars().any(char::is_control) {
            return Err(Status::invalid_argument(format!(
                "terminals[{i}].label: at most 128 printable characters"
            )));
        }
        if !ids.insert(t.id.as_str()) {
            return Err(Status::invalid_argument(format!(
                "terminals[{i}].id {:?} is given twice",
                t.id
            )));
        }
    }
    Ok(())
}

impl Api {
    async fn put(
        &self,
        caller: &Caller,
        rpc: &str,
        mut s: Subscriber,
        create: bool,
    ) -> Result<Subscriber, Status> {
        check_subscriber(&mut s)?;
        caller.acts(rpc, &s.number)?;
        let put = match caller.tenant() {
            Some(t) => {
                if s.tenant.is_empty() {
                    s.tenant = t.to_string();
                } else if s.tenant != t {
                    return Err(caller.deny(rpc, &s.number, "a tenant enrols its own numbers"));
                }
                if self.owner(&s.number)?.is_some_and(|o| o != t) {
                    return Err(caller.deny(rpc, &s.number, "the number is another tenant's"));
                }
                if create {
                    store::Put::Create
                } else {
                    store::Put::ReplaceOwn
                }
            }
            None => {
                if !s.tenant.is_empty() && !self.auth.is_tenant(&s.tenant) {
                    return Err(Status::invalid_argument(format!(
                        "tenant {:?}: no [[tenants]] entry has that name",
                        s.tenant
                    )));
                }
                if create {
                    store::Put::Create
                } else {
                    store::Put::Replace
                }
            }
        };
        let enrolled = Arc::new(crate::service::Subscriber::from(s.clone()));
        match self.writer.put_subscriber((*enrolled).clone(), put).await {
            Ok(()) => {}
            Err(e) if e == store::EXISTS => {
                return Err(Status::already_exists(format!(
                    "subscriber {} is enrolled (Add replaces)",
                    s.number
                )))
            }
            Err(e) if e == store::OTHERS => {
                return Err(caller.deny(rpc, &s.number, "the number is another tenant's"))
            }
            Err(e) => return Err(Status::internal(e)),
        }
        self.subscribers
            .write()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .insert(s.number.clone(), enrolled);
        caller.changed(rpc, &s.number);
        Ok(s)
    }

    /// The tenant `number` is enrolled with, if it is.
    fn owner(&self, number: &str) -> Result<Option<String>, Status> {
        Ok(self
            .subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .get(number)
            .map(|s| s.tenant.clone()))
    }
}

#[tonic::async_trait]
impl Subscribers for Api {
    async fn add(&self, req: Request<Subscriber>) -> Result<Response<Subscriber>, Status> {
        let caller = self.caller(&req)?;
        self.put(&caller, "Subscribers.Add", req.into_inner(), false)
            .await
            .map(Response::new)
    }

    async fn create(&self, req: Request<Subscriber>) -> Result<Response<Subscriber>, Status> {
        let caller = self.caller(&req)?;
        self.put(&caller, "Subscribers.Create", req.into_inner(), true)
            .await
            .map(Response::new)
    }

    /// Where the subscriber is, asked of its HLR by AnyTimeInterrogation.
    async fn locate(
        &self,
        req: Request<LocateRequest>,
    ) -> Result<Response<SubscriberLocation>, Status> {
        const RPC: &str = "Subscribers.Locate";
        let caller = self.caller(&req)?;
        let n = req.get_ref().number.clone();
        check_number(&n)?;
        if n.len() > 15 {
            return Err(Status::invalid_argument(format!(
                "number {n:?}: an MSISDN has at most 15 digits (E.164)"
            )));
        }
        self.may_ask_hlr(&caller, RPC, &n)?;
        let query = HlrQuery::Locate {
            msisdn: n.clone(),
            current: req.get_ref().current_location,
        };
        match self.hlr.ask(&req, query).await {
            Ok(HlrAnswer::Whereabouts(w)) => Ok(Response::new(SubscriberLocation::of(
                &n,
                &w,
                super::now_ms(),
            ))),
            Ok(other) => Err(Status::internal(format!("unexpected answer {other:?}"))),
            Err(e) => Err(super::hlr::status(&e)),
        }
    }

    async fn get(
        &self,
        req: Request<GetSubscriberRequest>,
    ) -> Result<Response<Subscriber>, Status> {
        let caller = self.caller(&req)?;
        let n = req.into_inner().number;
        check_number(&n)?;
        caller.acts("Subscribers.Get", &n)?;
        let s = self
            .subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .get(&n)
            .cloned()
            .ok_or_else(|| Status::not_found(format!("no subscriber {n}")))?;
        if !caller.sees(&s.tenant) {
            return Err(caller.deny("Subscribers.Get", &n, "the number is another tenant's"));
        }
        Ok(Response::new(Subscriber::from(&*s)))
    }

    async fn list(
        &self,
        req: Request<ListSubscribersRequest>,
    ) -> Result<Response<ListSubscribersResponse>, Status> {
        let caller = self.caller(&req)?;
        caller.acts("Subscribers.List", "")?;
        let mut subscribers: Vec<Subscriber> = self
            .subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .values()
            .filter(|s| caller.sees(&s.tenant))
            .map(|s| Subscriber::from(&**s))
            .collect();
        subscribers.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(Response::new(ListSubscribersResponse { subscribers }))
    }

    /// `removed` false when the number was not enrolled (kept from the first release rather
    /// than NOT_FOUND, so existing clients keep working).
    async fn remove(
        &self,
        req: Request<RemoveSubscriberRequest>,
    ) -> Result<Response<RemoveSubscriberResponse>, Status> {
        const RPC: &str = "Subscribers.Remove";
        let caller = self.caller(&req)?;
        let n = req.into_inner().number;
        check_number(&n)?;
        caller.acts(RPC, &n)?;
        let tenant = caller.tenant().map(str::to_string);
        if let (Some(t), Some(o)) = (&tenant, self.owner(&n)?) {
            if *t != o {
                return Err(caller.deny(RPC, &n, "the number is another tenant's"));
            }
        }
        let removed = self
            .writer
            .remove_subscriber(n.clone(), tenant)
            .await
            .map_err(Status::internal)?;
        if removed {
            self.subscribers
                .write()
                .map_err(|_| Status::internal("subscriber table poisoned"))?
                .remove(&n);
            caller.changed(RPC, &n);
        }
        Ok(Response::new(RemoveSubscriberResponse { removed }))
    }
}
