//! `Reporters`: the one reader of the runner's events, which hands them on to the reporters a
//! command wired (see `events`).

use std::collections::{BTreeMap, HashMap};

use super::coverage::CoverageCounter;
use super::events::{Finished, ReportError, ReportEvent, Reporter};
use super::record::Record;
use crate::baseline::compare::Comparer;
use crate::run::{Event, Totals};

/// The reporters of one run, and what they need in common: each finished case's record (and,
/// for `diff`, its comparison with the baseline), made once, and the run's planned order.
#[derive(Default)]
pub struct Reporters {
    live: Vec<Slot>,
    ordered: Vec<Slot>,
    comparer: Option<Comparer>,
    coverage: Option<CoverageCounter>,
    target: String,
    position: HashMap<String, usize>,
    held: BTreeMap<usize, Finished>,
    stray: Vec<Finished>,
    next: usize,
    summary: Summary,
}

struct Slot {
    reporter: Box<dyn Reporter>,
    failed: bool,
}

/// What the reporters saw, for the exit code.
#[derive(Debug, Default)]
pub struct Summary {
    /// Finished cases.
    pub cases: usize,
    /// Of those and of the sequences, the ones that fail the run (see `Record::fails`).
    pub failing: usize,
    /// Finished sequences.
    pub sequences: usize,
    /// Of those, answers that differ from the baseline in a way the profile does not explain.
    pub unexplained: usize,
    /// Whether the run was interrupted.
    pub interrupted: bool,
    /// Reports that could not be written.
    pub errors: Vec<ReportError>,
}

impl Reporters {
    /// No reporter yet.
    pub fn new() -> Reporters {
        Reporters::default()
    }

    /// Add a reporter that sees cases as they finish (a live display).
    pub fn live(mut self, reporter: impl Reporter + 'static) -> Reporters {
        self.live.push(Slot::new(reporter));
        self
    }

    /// Add a reporter that sees cases in the run's planned order.
    pub fn ordered(mut self, reporter: impl Reporter + 'static) -> Reporters {
        self.ordered.push(Slot::new(reporter));
        self
    }

    /// Compare each finished case with a baseline (`diff`).
    pub fn compare_with(mut self, comparer: Comparer) -> Reporters {
        self.comparer = Some(comparer);
        self
    }

    /// Count constraint coverage over every finished case, for the `Done` event.
    pub fn count_coverage(mut self, counter: CoverageCounter) -> Reporters {
        self.coverage = Some(counter);
        self
    }

    /// Take one event of the runner.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Started {
                total,
                sequences,
                target,
                order,
            } => {
                self.position = order
                    .into_iter()
                    .enumerate()
                    .map(|(i, id)| (id, i))
                    .collect();
                self.target = target;
                let event = ReportEvent::Started {
                    total,
                    sequences,
                    target: &self.target,
                };
                deliver(&mut self.live, &mut self.summary.errors, &event);
                deliver(&mut self.ordered, &mut self.summary.errors, &event);
            }
            Event::Finished(result) => {
                let mut record = Record::of(&result, &self.target);
                let comparison = self.comparer.as_ref().and_then(|c| c.compare(&result));
                record.baseline = comparison.as_ref().map(|c| c.matched());
                let finished = Finished {
                    result,
                    record,
                    comparison,
                };
                deliver(
                    &mut self.live,
                    &mut self.summary.errors,
                    &ReportEvent::Finished(&finished),
                );
                match self.position.get(&finished.record.id) {
                    Some(&at) => {
                        self.held.insert(at, finished);
                        while let Some(next) = self.held.remove(&self.next) {
                            self.hand_on(next);
                            self.next += 1;
                        }
                    }
                    None => self.stray.push(finished),
                }
            }
            Event::Sequence(result) => {
                let record = Record::of_sequence(&result, &self.target);
                self.summary.sequences += 1;
                self.summary.failing += usize::from(record.fails());
                let event = ReportEvent::Sequence {
                    result: &result,
                    record: &record,
                };
                deliver(&mut self.live, &mut self.summary.errors, &event);
                deliver(&mut self.ordered, &mut self.summary.errors, &event);
            }
            Event::Done {
                interrupted,
                totals,
            } => {
                // Cases that never finished (an interrupted run) hold up no one any more.
                for finished in std::mem::take(&mut self.held).into_values() {
                    self.hand_on(finished);
                }
                for finished in std::mem::take(&mut self.stray) {
                    self.hand_on(finished);
                }
                self.summary.interrupted = interrupted;
                self.done(interrupted, &totals);
            }
        }
    }

    fn hand_on(&mut self, finished: Finished) {
        if let Some(counter) = &mut self.coverage {
            counter.add(&finished.result);
        }
        self.summary.cases += 1;
        self.summary.failing += usize::from(finished.record.fails());
        self.summary.unexplained +=
            usize::from(finished.comparison.as_ref().is_some_and(|c| !c.explained));
        deliver(
            &mut self.ordered,
            &mut self.summary.errors,
            &ReportEvent::Finished(&finished),
        );
    }

    fn done(&mut self, interrupted: bool, totals: &Totals) {
        let coverage = self.coverage.take().map(CoverageCounter::finish);
        let event = ReportEvent::Done {
            interrupted,
            totals,
            coverage: coverage.as_ref(),
        };
        deliver(&mut self.live, &mut self.summary.errors, &event);
        deliver(&mut self.ordered, &mut self.summary.errors, &event);
    }

    /// Let every reporter write what is left; what they saw, and what they could not write.
    pub fn finish(mut self) -> Summary {
        for slot in self.live.iter_mut().chain(self.ordered.iter_mut()) {
            if !slot.failed {
                if let Err(e) = slot.reporter.finish() {
                    slot.failed = true;
                    self.summary.errors.push(e);
                }
            }
        }
        self.summary
    }
}

impl Slot {
    fn new(reporter: impl Reporter + 'static) -> Slot {
        Slot {
            reporter: Box::new(reporter),
            failed: false,
        }
    }
}

fn deliver(slots: &mut [Slot], errors: &mut Vec<ReportError>, event: &ReportEvent<'_>) {
    for slot in slots.iter_mut().filter(|s| !s.failed) {
        if let Err(e) = slot.reporter.on_event(event) {
            slot.failed = true;
            errors.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::sync::Arc;
    use std::time::Duration;

    use crate::run::{CaseResult, Outcome};

    /// Writes down the ids it sees.
    struct Seen(Rc<RefCell<Vec<String>>>);

    impl Reporter for Seen {
        fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
            let line = match event {
                ReportEvent::Started { .. } => "started".to_string(),
                ReportEvent::Finished(f) => f.record.id.clone(),
                ReportEvent::Sequence { record, .. } => record.id.clone(),
                ReportEvent::Done { .. } => "done".to_string(),
            };
            self.0.borrow_mut().push(line);
            Ok(())
        }
    }

    fn finished(id: &str) -> Event {
        let spec = crate::spec::Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let mut case = crate::generate::generate(&spec, &crate::generate::Settings::default())
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no case"));
        case.id = id.into();
        Event::Finished(CaseResult {
            case: Arc::new(case),
            outcome: Outcome::Skipped {
                reason: "test".into(),
            },
            duration: Duration::ZERO,
        })
    }

    #[test]
    fn ordered_reporters_see_the_planned_order_as_soon_as_it_is_known() {
        let (live, ordered) = (Rc::default(), Rc::default());
        let mut reporters = Reporters::new()
            .live(Seen(Rc::clone(&live)))
            .ordered(Seen(Rc::clone(&ordered)));
        reporters.on_event(Event::Started {
            total: 4,
            sequences: 0,
            target: "t".into(),
            order: ["a", "b", "c", "d"].map(String::from).to_vec(),
        });
        reporters.on_event(finished("b"));
        assert_eq!(*ordered.borrow(), ["started"], "b waits for a");
        reporters.on_event(finished("a"));
        assert_eq!(*ordered.borrow(), ["started", "a", "b"]);
        // `c` never finishes (the run was interrupted): `d` waits until the run is over.
        reporters.on_event(finished("d"));
        assert_eq!(ordered.borrow().len(), 3);
        reporters.on_event(Event::Done {
            interrupted: true,
            totals: Totals::default(),
        });
        assert_eq!(*ordered.borrow(), ["started", "a", "b", "d", "done"]);
        assert_eq!(*live.borrow(), ["started", "b", "a", "d", "done"]);
        let summary = reporters.finish();
        assert_eq!((summary.cases, summary.failing), (3, 0));
        assert!(summary.interrupted);
    }

    /// Writes down how many constraints the `Done` event's coverage holds.
    struct CoverageSeen(Rc<RefCell<Option<usize>>>);

    impl Reporter for CoverageSeen {
        fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
            if let ReportEvent::Done { coverage, .. } = event {
                *self.0.borrow_mut() = coverage.map(|c| c.constraints.len());
            }
            Ok(())
        }
    }

    #[test]
    fn coverage_counted_over_the_cases_comes_with_done() {
        let spec = crate::spec::Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let seen = Rc::default();
        let mut reporters = Reporters::new()
            .ordered(CoverageSeen(Rc::clone(&seen)))
            .count_coverage(CoverageCounter::new(&spec, &[]));
        reporters.on_event(Event::Started {
            total: 1,
            sequences: 0,
            target: "t".into(),
            order: vec!["a".into()],
        });
        reporters.on_event(finished("a"));
        reporters.on_event(Event::Done {
            interrupted: false,
            totals: Totals::default(),
        });
        let constraints = *seen.borrow();
        assert!(constraints.is_some_and(|n| n > 0), "{constraints:?}");
    }

    struct Failing;

    impl Reporter for Failing {
        fn on_event(&mut self, _: &ReportEvent<'_>) -> Result<(), ReportError> {
            Err(ReportError::Write {
                what: "--json",
                path: "x".into(),
                source: std::io::Error::other("disk full"),
            })
        }
    }

    #[test]
    fn a_failing_reporter_is_reported_once_and_the_others_go_on() {
        let seen = Rc::default();
        let mut reporters = Reporters::new()
            .ordered(Failing)
            .ordered(Seen(Rc::clone(&seen)));
        reporters.on_event(Event::Started {
            total: 1,
            sequences: 0,
            target: "t".into(),
            order: vec!["a".into()],
        });
        reporters.on_event(finished("a"));
        reporters.on_event(Event::Done {
            interrupted: false,
            totals: Totals::default(),
        });
        let summary = reporters.finish();
        assert_eq!(summary.errors.len(), 1);
        assert_eq!(*seen.borrow(), ["started", "a", "done"]);
    }
}
