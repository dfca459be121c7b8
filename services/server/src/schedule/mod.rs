//! Booked calls (docs/scheduling.md): an interaction with a `schedule`,
//! created for a client at a date and time; its link goes out `lead_minutes`
//! before, the agent is reminded, a call nobody joined is marked missed.
//! The scheduler ([`worker`]) does each step once across instances and
//! restarts.

pub mod config;
pub(crate) mod notify;
pub(crate) mod rules;
pub(crate) mod store;
pub(crate) mod worker;

pub use config::ScheduleSettings;
pub(crate) use store::Schedules;
