//! `[stat]`: vc-stat's settings.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StatSettings {
    /// Seconds to wait after a call ended before computing its metrics, so
    /// the gateway's last samples arrive first.
    pub settle_secs: u64,
    /// How often (and once at start) vc-stat retries what is unfinished:
    /// computations not done, summaries vc-server has not taken, samples
    /// nobody computed.
    pub sweep_interval_secs: u64,
    /// Samples of a room that got nothing newer for this long are looked
    /// at by the sweep: computed if the call is over (its end was missed),
    /// deleted if it was already computed or vc-server does not know it.
    pub orphan_after_secs: u64,
}

impl Default for StatSettings {
    fn default() -> Self {
        Self { settle_secs: 3, sweep_interval_secs: 60, orphan_after_secs: 600 }
    }
}

impl StatSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.sweep_interval_secs == 0 {
            return Err("stat.sweep_interval_secs must be at least 1".into());
        }
        if self.settle_secs > 300 {
            return Err("stat.settle_secs must be at most 300".into());
        }
        if self.orphan_after_secs < 60 {
            return Err("stat.orphan_after_secs must be at least 60".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_zero_sweeps_are_not() {
        assert_eq!(StatSettings::default().validate(), Ok(()));
        let bad = StatSettings { sweep_interval_secs: 0, ..Default::default() };
        assert!(bad.validate().is_err());
    }
}
