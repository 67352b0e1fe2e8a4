//! Inclusive bounds, the row of every kind that counts something (`length`, `bytes`, `range`,
//! `items`, `mime_line_length`): the model, the loader's sanity check, and the bounds of each
//! edition.

use serde::{Deserialize, Serialize};

use super::{Problem, Row};
use crate::spec::Edition;

/// Inclusive bounds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Smallest allowed value (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest allowed value (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Where the documentation states it.
    pub source: String,
    /// Error types a target may answer with; defaults to `BadRequestException`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// A remark for the reader (how the documented text was turned into numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A bound documented later than the seed. The seed's bound stays the contract; a target
    /// profile may declare that it follows the later one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later: Option<LaterBounds>,
    /// Present when SES certainly enforces this rule before acting on a request today (a member
    /// the current model requires, a value SES cannot deserialize, an enum value outside the
    /// current model's set); says why, with its source. Only a request breaking such a rule may go
    /// to an opt-in operation on real SES without `--allow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforced: Option<String>,
}

/// A bound documented after the seed text.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LaterBounds {
    /// Later minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Later maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Where the later bound is documented.
    pub source: String,
}

impl Row for Bounds {
    fn source(&self) -> &str {
        &self.source
    }
    fn errors(&self) -> &[String] {
        &self.errors
    }
    fn enforced(&self) -> Option<&String> {
        self.enforced.as_ref()
    }
    /// A bound only the current API documents has no seed bound: under the seed every value is
    /// valid, so it has no cases.
    fn in_seed(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }
}

impl Bounds {
    /// The loader's check: some bound is given, and none is impossible.
    pub fn check(&self) -> Result<(), Problem> {
        // A bound only documented after the seed has no seed bound, but its later bound says
        // something.
        let later_says_something = self
            .later
            .as_ref()
            .is_some_and(|l| l.min.is_some() || l.max.is_some());
        if self.min.is_none() && self.max.is_none() && !later_says_something {
            return Err(Problem::new("bounds with neither min nor max"));
        }
        if let (Some(min), Some(max)) = (self.min, self.max) {
            if min > max {
                return Err(Problem::new(format!(
                    "impossible bounds: min {min} > max {max}"
                )));
            }
        }
        if let Some(later) = &self.later {
            if let (Some(min), Some(max)) = (later.min.or(self.min), later.max.or(self.max)) {
                if min > max {
                    return Err(Problem::at(
                        ".later",
                        format!("impossible later bounds: min {min} > max {max}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The bounds of `edition`: the seed's, or the later ones where the documentation moved.
    pub fn in_edition(&self, edition: Edition) -> Bounds {
        match (edition, &self.later) {
            (Edition::Current, Some(later)) => Bounds {
                min: later.min.or(self.min),
                max: later.max.or(self.max),
                ..self.clone()
            },
            _ => self.clone(),
        }
    }

    /// Why `n` (counted in `unit`) is outside the bounds of `edition`, if it is.
    pub fn violated_by(&self, edition: Edition, n: i64, unit: &str) -> Option<String> {
        let b = self.in_edition(edition);
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        if let Some(min) = b.min {
            if n < min {
                return Some(format!("{n}{unit} is below the minimum {min}"));
            }
        }
        if let Some(max) = b.max {
            if n > max {
                return Some(format!("{n}{unit} is above the maximum {max}"));
            }
        }
        None
    }

    /// The seed's minimum (0 when none is documented) and maximum.
    pub fn seed_range(&self) -> (i64, Option<i64>) {
        (self.min.unwrap_or(0), self.max)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Bounds with a later form, as the table writes them.
    pub(crate) fn bounds(min: Option<i64>, max: Option<i64>, later: Option<LaterBounds>) -> Bounds {
        Bounds {
            min,
            max,
            source: "test".into(),
            errors: vec![],
            note: None,
            later,
            enforced: None,
        }
    }

    fn later(min: Option<i64>, max: Option<i64>) -> Option<LaterBounds> {
        Some(LaterBounds {
            min,
            max,
            source: "later".into(),
        })
    }

    #[test]
    fn bounds_need_a_min_or_a_max_in_some_edition() {
        assert!(bounds(None, None, None).check().is_err());
        assert!(bounds(None, None, later(None, Some(5))).check().is_ok());
    }

    #[test]
    fn impossible_bounds_are_refused_and_later_ones_name_later() {
        assert_eq!(
            bounds(Some(5), Some(1), None).check().err(),
            Some(Problem::new("impossible bounds: min 5 > max 1"))
        );
        let later_too_low = bounds(Some(1), Some(10), later(Some(20), None)).check();
        assert_eq!(later_too_low.err().map(|p| p.at).as_deref(), Some(".later"));
    }

    #[test]
    fn the_current_edition_follows_the_later_bound() {
        let b = bounds(Some(1), Some(10), later(None, Some(100)));
        assert_eq!(
            b.violated_by(Edition::Seed, 11, "items").as_deref(),
            Some("11 items is above the maximum 10")
        );
        assert_eq!(b.violated_by(Edition::Current, 11, "items"), None);
        assert_eq!(
            b.violated_by(Edition::Current, 0, "").as_deref(),
            Some("0 is below the minimum 1")
        );
    }

    #[test]
    fn a_bound_only_documented_later_is_not_in_the_seed() {
        assert!(!bounds(None, None, later(None, Some(5))).in_seed());
        assert!(bounds(None, Some(5), None).in_seed());
    }
}
