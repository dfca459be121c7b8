//! The fakes of the internet services vc-msg talks to, each driven with a
//! plain client (reqwest, lettre): correct requests get the provider's
//! documented answers and no violations, malformed ones are flagged, and
//! scripted failures come back exactly as the provider sends them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod smsc;
mod smtp;
mod telegram;
mod webhook;
