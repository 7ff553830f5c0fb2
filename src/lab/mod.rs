//! Lab tools: reading captured traces (decode, replay) apart from the live stack.
pub mod capture;
