//! scpd: an IN/CAMEL Service Control Point adapter.
//!
//! Layers, each a module with one job (see DESIGN.md): `transport` moves bytes, `m3ua`,
//! `sccp` and `tcap` are sans-IO protocol cores, `camel` and `ain` are the application
//! protocols, `service` is the protocol-neutral call model, `store` and `api` are adapters
//! around it, `lab` holds the decode, replay and simulation tools, and `cli` is the
//! `scpd` command line over all of them.

pub mod ain;
pub mod api;
pub mod ber;
pub mod camel;
pub mod cli;
pub mod config;
pub mod digits;
pub mod lab;
pub mod m3ua;
pub mod node;
pub mod sccp;
pub mod service;
pub mod store;
pub mod tcap;
pub mod tcuser;
pub mod transport;

pub mod proto;
pub mod runtime;
