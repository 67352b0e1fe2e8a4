//! A target that is not SES at all (a static web server, the wrong port, a proxy's error page):
//! when none of the first answers of a run has the shape of an SES answer, the run stops and
//! says so (exit 3) instead of reporting every case against it. An emulator that answers some
//! errors with an HTML page (moto does, for what it lacks) is not stopped: one SES-shaped
//! answer among the first is enough.

use crate::run::{Event, Outcome};

/// How many answered cases the run looks at before it decides.
pub const FIRST_ANSWERS: usize = 20;

/// What the first answers looked like when none of them was SES-shaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSes {
    /// Answers looked at.
    pub answers: usize,
    /// One of them, short: status, content type and the body's first characters.
    pub example: String,
}

impl std::fmt::Display for NotSes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "none of the first {} answers could come from SES v2 (a JSON body, an error type in x-amzn-ErrorType, or an empty success); e.g. {}",
            self.answers, self.example
        )
    }
}

/// Watches a run's first answers; off when the user asked to go on (`--keep-going`).
#[derive(Debug, Default)]
pub struct ShapeWatch {
    on: bool,
    answers: usize,
    ses_shaped: usize,
    example: Option<String>,
    decided: Option<NotSes>,
}

impl ShapeWatch {
    pub fn new(on: bool) -> ShapeWatch {
        ShapeWatch {
            on,
            ..ShapeWatch::default()
        }
    }

    /// Look at an event; `true` exactly once, when the first answers turn out not SES-shaped
    /// (the caller stops the run then).
    pub fn trips_on(&mut self, event: &Event) -> bool {
        if !self.on || self.decided.is_some() || self.answers >= FIRST_ANSWERS {
            return false;
        }
        let Event::Finished(result) = event else {
            return false;
        };
        let Outcome::Ran { observation, .. } = &result.outcome else {
            return false;
        };
        // No answer at all (a reset, a timeout) says nothing about the server's shape.
        let Some(shaped) = observation.is_ses_shaped() else {
            return false;
        };
        self.answers += 1;
        if shaped {
            self.ses_shaped += 1;
        } else if self.example.is_none() {
            self.example = Some(observation.short());
        }
        if self.answers == FIRST_ANSWERS && self.ses_shaped == 0 {
            self.decided = Some(NotSes {
                answers: self.answers,
                example: self.example.clone().unwrap_or_default(),
            });
            return true;
        }
        false
    }

    /// What stopped the run, if the watch did.
    pub fn verdict(&self) -> Option<&NotSes> {
        self.decided.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::check::{Known, Observation, Verdict};
    use crate::run::CaseResult;

    fn answered(status: u16, body: Option<serde_json::Value>, excerpt: Option<&str>) -> Event {
        let spec = crate::spec::Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let case = crate::generate::generate(&spec, &crate::generate::Settings::default())
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("a case"));
        let mut observation = Observation::failed(String::new());
        observation.status = Some(status);
        observation.body = body;
        observation.body_excerpt = excerpt.map(str::to_string);
        Event::Finished(CaseResult {
            case: Arc::new(case),
            outcome: Outcome::Ran {
                verdict: Verdict::Conforms,
                observation: Box::new(observation),
                known: Known::NotListed,
            },
            duration: Duration::ZERO,
        })
    }

    fn html() -> Event {
        answered(404, None, Some("<html><body>Not Found</body></html>"))
    }

    #[test]
    fn twenty_html_answers_trip_it_once() {
        let mut watch = ShapeWatch::new(true);
        let trips: Vec<bool> = (0..FIRST_ANSWERS + 5)
            .map(|_| watch.trips_on(&html()))
            .collect();
        assert_eq!(trips.iter().filter(|t| **t).count(), 1);
        assert!(trips[FIRST_ANSWERS - 1]);
        let verdict = watch.verdict().unwrap_or_else(|| panic!("a verdict"));
        assert!(verdict.example.contains("404"), "{verdict}");
    }

    #[test]
    fn one_answer_that_could_be_ses_among_the_first_keeps_the_run_going() {
        for could_be_ses in [
            answered(200, Some(serde_json::json!({})), None),
            answered(200, None, None),
            answered(
                400,
                Some(serde_json::json!({"type": "BadRequestException"})),
                None,
            ),
        ] {
            let mut watch = ShapeWatch::new(true);
            assert!(!watch.trips_on(&could_be_ses));
            assert!((0..FIRST_ANSWERS * 2).all(|_| !watch.trips_on(&html())));
            assert!(watch.verdict().is_none());
        }
    }

    #[test]
    fn no_answer_is_not_counted_and_keep_going_turns_it_off() {
        let mut watch = ShapeWatch::new(true);
        let mut none = answered(200, None, None);
        if let Event::Finished(result) = &mut none {
            if let Outcome::Ran { observation, .. } = &mut result.outcome {
                observation.status = None;
            }
        }
        assert!((0..FIRST_ANSWERS * 2).all(|_| !watch.trips_on(&none)));
        assert!(!(0..FIRST_ANSWERS - 1).any(|_| watch.trips_on(&html())));
        assert!(watch.trips_on(&html()));
        let mut off = ShapeWatch::new(false);
        assert!((0..FIRST_ANSWERS * 2).all(|_| !off.trips_on(&html())));
    }
}
