//! scpd: an IN/CAMEL Service Control Point adapter.
//!
//! Layers, each a module with one job (docs/ARCHITECTURE.md): `transport` moves bytes,
//! `m3ua`, `sccp` and `tcap` are sans-IO protocol cores, `camel`, `ain`, `inap` and `win`
//! the application protocols' codecs, `tcuser` their TC-users on one query-dialogue core,
//! `node` one stack of them, `service` the protocol-neutral call model, `store` and `api`
//! adapters around it (through `proto`), `metrics` what the daemon counts and its
//! Prometheus exposition, `runtime` the only async part (shards, associations, batches),
//! `lab` the decode, replay and simulation tools, and `cli` the `scpd` command line.

pub mod ain;
pub mod api;
pub mod ber;
pub mod camel;
pub mod cli;
pub mod config;
pub mod digits;
pub mod inap;
pub mod lab;
pub mod m3ua;
pub mod map;
pub mod metrics;
pub mod node;
pub mod sccp;
pub mod service;
pub mod store;
pub mod tcap;
pub mod tcuser;
pub mod transport;
pub mod win;

pub mod proto;
pub mod runtime;
