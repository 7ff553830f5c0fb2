//! `Subscribers`: enrolment through the store first, then the shared table the engines read.

use super::{check_number, Api};
use crate::proto::subscribers_server::Subscribers;
use crate::proto::{
    GetSubscriberRequest, ListSubscribersRequest, ListSubscribersResponse, Policy,
    RemoveSubscriberRequest, RemoveSubscriberResponse, Subscriber,
};
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
    async fn put(&self, mut s: Subscriber, create_only: bool) -> Result<Subscriber, Status> {
        check_subscriber(&mut s)?;
        let enrolled = Arc::new(crate::service::Subscriber::from(s.clone()));
        match self
            .writer
            .put_subscriber((*enrolled).clone(), create_only)
            .await
        {
            Ok(()) => {}
            Err(e) if e == store::EXISTS => {
                return Err(Status::already_exists(format!(
                    "subscriber {} is enrolled (Add replaces)",
                    s.number
                )))
            }
            Err(e) => return Err(Status::internal(e)),
        }
        self.subscribers
            .write()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .insert(s.number.clone(), enrolled);
        Ok(s)
    }
}

#[tonic::async_trait]
impl Subscribers for Api {
    async fn add(&self, req: Request<Subscriber>) -> Result<Response<Subscriber>, Status> {
        self.put(req.into_inner(), false).await.map(Response::new)
    }

    async fn create(&self, req: Request<Subscriber>) -> Result<Response<Subscriber>, Status> {
        self.put(req.into_inner(), true).await.map(Response::new)
    }

    async fn get(
        &self,
        req: Request<GetSubscriberRequest>,
    ) -> Result<Response<Subscriber>, Status> {
        let n = req.into_inner().number;
        check_number(&n)?;
        self.subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .get(&n)
            .map(|s| Response::new(Subscriber::from(&**s)))
            .ok_or_else(|| Status::not_found(format!("no subscriber {n}")))
    }

    async fn list(
        &self,
        _: Request<ListSubscribersRequest>,
    ) -> Result<Response<ListSubscribersResponse>, Status> {
        let mut subscribers: Vec<Subscriber> = self
            .subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .values()
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
        let n = req.into_inner().number;
        check_number(&n)?;
        let removed = self
            .writer
            .remove_subscriber(n.clone())
            .await
            .map_err(Status::internal)?;
        self.subscribers
            .write()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .remove(&n);
        Ok(Response::new(RemoveSubscriberResponse { removed }))
    }
}
