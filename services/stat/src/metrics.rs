//! vc-stat's Prometheus metrics (prefixed `vc_` by the registry).

use prometheus::{IntCounter, IntCounterVec, Opts};
use vc_protocol::stat::QualityRating;
use vc_runtime::Metrics;

#[derive(Clone)]
pub struct StatMetrics {
    /// `vc_stat_calls_computed_total{rating}`
    pub computed: IntCounterVec,
    /// `vc_stat_samples_total`
    pub samples: IntCounter,
}

impl StatMetrics {
    pub fn register(m: &Metrics) -> Result<Self, prometheus::Error> {
        let computed = IntCounterVec::new(
            Opts::new("stat_calls_computed_total", "Calls whose metrics were computed, by quality rating"),
            &["rating"],
        )?;
        let samples = IntCounter::new("stat_samples_total", "Gateway stats samples stored")?;
        m.registry().register(Box::new(computed.clone()))?;
        m.registry().register(Box::new(samples.clone()))?;
        // Every series from the start, so dashboards see zeros, not gaps.
        for r in [QualityRating::Unknown, QualityRating::Good, QualityRating::Fair, QualityRating::Poor] {
            computed.with_label_values(&[r.as_str()]);
        }
        Ok(Self { computed, samples })
    }
}
