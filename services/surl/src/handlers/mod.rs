//! One file per endpoint.

pub mod link_opens;
pub mod open_link;
