//! TCAP: the ITU transaction and component sub-layers (Q.771–Q.775) and the dialogue table.
//! ANSI T1.114 joins here as a sibling codec; users see dialogues and components.

pub mod ansi;
pub mod dialogues;
pub mod itu;
pub mod sm;
pub mod tc;
