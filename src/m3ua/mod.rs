//! M3UA (RFC 4666): the codec and the sans-IO peer state machines.

pub mod asp;
pub mod codec;

pub use codec::{Builder, ErrorCode, Kind, M3uaError, Message, ProtocolData};
