//! Realism controls: injected latency and faults for API calls, read-after-write lag and the
//! durations of asynchronous work. Set by command-line flags, the library config and
//! `/_admin/realism`; never applied to `/_admin/` itself.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// Settings that make the emulator slow, flaky or eventually consistent. Rates are probabilities
/// from 0.0 to 1.0 applied to each API call, and durations are milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Realism {
    /// Delay added before every API call is handled.
    pub latency_ms: u64,
    /// Share of calls rejected with `Throttling.User` (HTTP 400).
    pub throttle_rate: f64,
    /// Share of calls failed with `ServiceUnavailable` (HTTP 503).
    pub server_error_rate: f64,
    /// Share of calls whose connection is closed before anything is done or sent.
    pub drop_rate: f64,
    /// Share of calls that are applied and committed, and whose connection is then closed
    /// without a response.
    pub lost_response_rate: f64,
    /// How long a new object stays invisible to Get/List/Describe calls.
    pub read_lag_ms: u64,
    /// How long a VPC build link stays `CREATING`.
    pub link_create_ms: u64,
    /// How long a deleted VPC build link stays `DELETING`.
    pub link_delete_ms: u64,
    /// How long a build stays `PENDING` before `BUILDING`.
    pub build_pending_ms: u64,
    /// How long a build stays `BUILDING` before it ends.
    pub build_running_ms: u64,
    /// The `x-acs-retry-after` value (milliseconds) sent with every second throttled response.
    pub retry_after_ms: u64,
}

impl Default for Realism {
    fn default() -> Self {
        Realism {
            latency_ms: 0,
            throttle_rate: 0.0,
            server_error_rate: 0.0,
            drop_rate: 0.0,
            lost_response_rate: 0.0,
            read_lag_ms: 0,
            link_create_ms: 2_000,
            link_delete_ms: 1_000,
            build_pending_ms: 500,
            build_running_ms: 2_000,
            retry_after_ms: 200,
        }
    }
}

impl Realism {
    /// No faults and no waiting: asynchronous objects are ready at once. For fast tests.
    pub fn instant() -> Realism {
        Realism {
            link_create_ms: 0,
            link_delete_ms: 0,
            build_pending_ms: 0,
            build_running_ms: 0,
            ..Realism::default()
        }
    }

    /// Checks that every rate is a probability.
    pub fn validate(&self) -> Result<(), String> {
        let rates = [
            ("throttle_rate", self.throttle_rate),
            ("server_error_rate", self.server_error_rate),
            ("drop_rate", self.drop_rate),
            ("lost_response_rate", self.lost_response_rate),
        ];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!(
                    "{name} is {rate}; a rate must be between 0.0 and 1.0"
                ));
            }
        }
        Ok(())
    }
}

/// The fault chosen for one API call before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    Throttle,
    ServerError,
    Drop,
    /// Apply the call, then close the connection without a response.
    LoseResponse,
}

/// Draws the fault for one call. Each rate is tried in turn, so rates of 1.0 pick the first.
pub fn draw_fault(realism: &Realism) -> Fault {
    let mut rng = rand::rng();
    let mut hit = |rate: f64| rate > 0.0 && rng.random::<f64>() < rate;
    if hit(realism.throttle_rate) {
        Fault::Throttle
    } else if hit(realism.server_error_rate) {
        Fault::ServerError
    } else if hit(realism.drop_rate) {
        Fault::Drop
    } else if hit(realism.lost_response_rate) {
        Fault::LoseResponse
    } else {
        Fault::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_throttle_always_throttles() {
        let realism = Realism {
            throttle_rate: 1.0,
            ..Realism::instant()
        };
        assert_eq!(draw_fault(&realism), Fault::Throttle);
    }

    #[test]
    fn no_rates_no_fault() {
        assert_eq!(draw_fault(&Realism::instant()), Fault::None);
    }

    #[test]
    fn rate_above_one_invalid() {
        let realism = Realism {
            drop_rate: 1.5,
            ..Realism::default()
        };
        assert!(realism.validate().is_err());
    }
}
