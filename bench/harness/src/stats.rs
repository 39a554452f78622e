//! Duration samples and the few statistics the report prints.

use std::time::Duration;

/// Durations of repeated runs of one measurement.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    values: Vec<Duration>,
}

impl Samples {
    pub fn push(&mut self, value: Duration) {
        self.values.push(value);
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The median; for an even count, the mean of the two middle values.
    pub fn median(&self) -> Duration {
        let mut sorted = self.values.clone();
        sorted.sort();
        match sorted.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        }
    }

    pub fn min(&self) -> Duration {
        self.values.iter().min().copied().unwrap_or_default()
    }

    pub fn max(&self) -> Duration {
        self.values.iter().max().copied().unwrap_or_default()
    }
}

/// `numerator / denominator` of two medians; 0 when the denominator is zero.
pub fn ratio(numerator: Duration, denominator: Duration) -> f64 {
    if denominator.is_zero() {
        0.0
    } else {
        numerator.as_secs_f64() / denominator.as_secs_f64()
    }
}

/// Milliseconds with one decimal, for tables.
pub fn ms(value: Duration) -> String {
    format!("{:.1}", value.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(ms: &[u64]) -> Samples {
        let mut out = Samples::default();
        for value in ms {
            out.push(Duration::from_millis(*value));
        }
        out
    }

    #[test]
    fn median_odd() {
        assert_eq!(samples(&[5, 1, 3]).median(), Duration::from_millis(3));
    }

    #[test]
    fn median_even() {
        assert_eq!(samples(&[4, 1, 3, 2]).median(), Duration::from_micros(2500));
    }

    #[test]
    fn ratio_zero_denominator() {
        assert_eq!(ratio(Duration::from_secs(1), Duration::ZERO), 0.0);
    }
}
