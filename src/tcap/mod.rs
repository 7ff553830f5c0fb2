//! TCAP: codecs for ITU (Q.773, [`itu`]) and ANSI (T1.114, [`ansi`]), the dialogue table
//! ([`dialogues`]), and above them the variant-neutral TC-user API ([`tc`]) served by one
//! sans-IO transaction + component state machine ([`sm`]): users see dialogues and
//! components, not wire formats.

pub mod ansi;
pub mod dialogues;
pub mod itu;
pub mod sm;
pub mod tc;
pub mod tid;
