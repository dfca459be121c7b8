//! vc-stat's REST handlers, one file each.

pub mod get_metrics;
