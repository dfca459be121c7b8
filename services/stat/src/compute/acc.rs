//! Accumulators: min/avg/max of a measurement, and the most common value.

use std::collections::HashMap;

use vc_protocol::stat::MinAvgMax;

/// Collects values; non-finite ones are ignored.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    n: u32,
    sum: f64,
    min: f64,
    max: f64,
}

impl Acc {
    pub fn push(&mut self, v: f64) {
        if !v.is_finite() {
            return;
        }
        if self.n == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.n += 1;
        self.sum += v;
    }

    pub fn push_opt(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.push(v);
        }
    }

    /// `None` when nothing was collected.
    pub fn finish(&self) -> Option<MinAvgMax> {
        (self.n > 0).then(|| MinAvgMax { min: self.min, avg: self.sum / f64::from(self.n), max: self.max })
    }
}

/// The most common value; on a tie the largest.
#[derive(Debug, Clone, Default)]
pub struct Mode {
    counts: HashMap<u32, u32>,
}

impl Mode {
    pub fn push(&mut self, v: u32) {
        *self.counts.entry(v).or_default() += 1;
    }

    pub fn finish(&self) -> Option<u32> {
        self.counts.iter().max_by_key(|(v, n)| (**n, **v)).map(|(v, _)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_avg_max_skips_nothing_but_non_finite() {
        let mut a = Acc::default();
        assert_eq!(a.finish(), None);
        for v in [2.0, 4.0, f64::NAN, 0.0] {
            a.push(v);
        }
        assert_eq!(a.finish(), Some(MinAvgMax { min: 0.0, avg: 2.0, max: 4.0 }));
    }

    #[test]
    fn mode_prefers_the_most_common_then_the_largest() {
        let mut m = Mode::default();
        assert_eq!(m.finish(), None);
        for v in [640, 1280, 640, 1280, 320] {
            m.push(v);
        }
        assert_eq!(m.finish(), Some(1280));
        m.push(640);
        assert_eq!(m.finish(), Some(640));
    }
}
