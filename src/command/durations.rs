//! Duration flags (`--timeout`, `--time`, `--older-than`): each a finite number greater than 0
//! (`--older-than` takes 0 too: everything) and at most its maximum, in its unit. Anything else
//! (`inf`, `NaN`, `1e300`, `-1`) is a usage error naming the flag, before anything is converted
//! to a `Duration` (which panics on such values) or sent.

use std::time::Duration;

/// One duration flag: its name, its unit and the most it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationFlag {
    /// The flag, e.g. `--timeout`.
    pub name: &'static str,
    /// Its unit, in words (`seconds`, `days`).
    pub unit: &'static str,
    /// Seconds in one unit.
    pub unit_seconds: f64,
    /// The most it takes, in its unit.
    pub max: f64,
    /// Whether 0 means something (`--older-than 0`: every case).
    pub zero: bool,
}

/// `--timeout` of `run`, `record`, `diff`, `explore` and `cleanup`: seconds per request, at most
/// 10 minutes.
pub const TIMEOUT: DurationFlag = DurationFlag {
    name: "--timeout",
    unit: "seconds",
    unit_seconds: 1.0,
    max: 600.0,
    zero: false,
};

/// `explore --time`: seconds of drawing, at most a week.
pub const TIME: DurationFlag = DurationFlag {
    name: "--time",
    unit: "seconds",
    unit_seconds: 1.0,
    max: 604_800.0,
    zero: false,
};

/// `record --older-than`: days, at most ten years; 0 re-records every case.
pub const OLDER_THAN: DurationFlag = DurationFlag {
    name: "--older-than",
    unit: "days",
    unit_seconds: 86_400.0,
    max: 3_650.0,
    zero: true,
};

/// A duration flag's value out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{flag} takes a number of {unit} {least} and at most {max}, not {value}")]
pub struct DurationError {
    /// The flag.
    pub flag: &'static str,
    /// `greater than 0`, or `from 0`.
    pub least: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// Its maximum.
    pub max: f64,
    /// What was given.
    pub value: String,
}

impl DurationFlag {
    /// Read the flag's text (what clap calls with).
    pub fn parse(&self, text: &str) -> Result<f64, DurationError> {
        text.trim()
            .parse::<f64>()
            .map_err(|_| self.error(text))
            .and_then(|value| self.check(value).map_err(|_| self.error(text)))
    }

    /// The value, when it is in range.
    pub fn check(&self, value: f64) -> Result<f64, DurationError> {
        let above_least = value > 0.0 || (self.zero && value == 0.0);
        if value.is_finite() && above_least && value <= self.max {
            Ok(value)
        } else {
            Err(self.error(&value.to_string()))
        }
    }

    /// The value as a `Duration`, when it is in range.
    pub fn duration(&self, value: f64) -> Result<Duration, DurationError> {
        let value = self.check(value)?;
        Duration::try_from_secs_f64(value * self.unit_seconds)
            .map_err(|_| self.error(&value.to_string()))
    }

    fn error(&self, value: &str) -> DurationError {
        DurationError {
            flag: self.name,
            least: if self.zero {
                "from 0"
            } else {
                "greater than 0"
            },
            unit: self.unit,
            max: self.max,
            value: value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_is_finite_positive_and_within_its_maximum() {
        assert_eq!(TIMEOUT.parse("10"), Ok(10.0));
        assert_eq!(TIMEOUT.parse("0.5"), Ok(0.5));
        assert_eq!(TIMEOUT.parse("600"), Ok(600.0));
        for text in ["inf", "-inf", "NaN", "1e300", "0", "-1", "600.5", "", "ten"] {
            let e = TIMEOUT.parse(text);
            assert!(e.is_err(), "{text:?}: {e:?}");
        }
        assert_eq!(
            TIME.parse("inf").map_err(|e| e.to_string()),
            Err(
                "--time takes a number of seconds greater than 0 and at most 604800, not inf"
                    .into()
            )
        );
    }

    #[test]
    fn a_duration_in_range_converts_and_one_out_of_range_never_panics() {
        assert_eq!(TIMEOUT.duration(10.0), Ok(Duration::from_secs(10)));
        assert_eq!(
            OLDER_THAN.duration(2.0),
            Ok(Duration::from_secs(2 * 86_400))
        );
        for value in [f64::INFINITY, f64::NAN, 1e300, -1.0, f64::MAX] {
            assert!(TIMEOUT.duration(value).is_err(), "{value}");
            assert!(OLDER_THAN.duration(value).is_err(), "{value}");
        }
        assert!(
            TIMEOUT.duration(0.0).is_err(),
            "a timeout of 0 would fail every request"
        );
        assert_eq!(
            OLDER_THAN.duration(0.0),
            Ok(Duration::ZERO),
            "--older-than 0 re-records everything"
        );
    }
}
