//! M3UA (RFC 4666): the codec, typed messages and the sans-IO state machines.

pub mod asp;
pub mod client;
pub mod codec;
pub mod endpoint;
pub mod ipsp;
pub mod pdu;
pub mod routing;
pub mod sg;

pub use codec::{Builder, ErrorCode, Kind, M3uaError, Message, ProtocolData};
pub use pdu::Pdu;
