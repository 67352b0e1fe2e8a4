//! Running a whole suite in one session: cases with the configured concurrency, then the plan's
//! sequences, then the session's own cleanup, while stop signals are listened for.

use std::sync::Arc;

use super::outcome::Event;
use super::pacing::{each_operation_first, interleave};
use super::sequences::SequencePlan;
use super::session::Session;
use crate::case::Case;

impl Session {
    /// Run many cases with the configured concurrency, calling `on_event` in order of
    /// completion. A stop signal (Ctrl-C, SIGTERM, SIGHUP) stops new cases from starting; those
    /// in flight stop at their next wait and clean up, and so does the session.
    pub async fn run_all(
        self: &Arc<Self>,
        cases: Vec<Arc<Case>>,
        on_event: impl FnMut(Event),
    ) -> bool {
        self.run_suite(cases, &SequencePlan::default(), on_event)
            .await
    }

    /// [`Session::run_all`], then the plan's sequences (after every case: cases in flight would
    /// disturb their listings), before the session's own resources are removed.
    pub async fn run_suite(
        self: &Arc<Self>,
        cases: Vec<Arc<Case>>,
        sequences: &SequencePlan,
        mut on_event: impl FnMut(Event),
    ) -> bool {
        on_event(Event::Started {
            total: cases.len(),
            sequences: sequences.ids().len(),
            target: self.target().name.clone(),
            order: cases.iter().map(|c| c.id.clone()).collect(),
        });
        let cases = if self.config().interleave {
            interleave(cases)
        } else if self.config().each_operation_first {
            each_operation_first(cases)
        } else {
            cases
        };
        // Listening before the first case starts: a signal then always stops the run gracefully.
        let mut stop = super::signals::listen();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(
            self.config().concurrency.max(1),
        ));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let session = Arc::clone(self);
        let feeder = tokio::spawn(async move {
            let mut tasks = tokio::task::JoinSet::new();
            for case in cases {
                let Ok(permit) = Arc::clone(&semaphore).acquire_owned().await else {
                    break;
                };
                let session = Arc::clone(&session);
                let tx = tx.clone();
                tasks.spawn(async move {
                    let result = session.run_case(case).await;
                    drop(permit);
                    let _ = tx.send(result);
                });
            }
            while tasks.join_next().await.is_some() {}
        });
        let interrupter = {
            let session = Arc::clone(self);
            tokio::spawn(async move {
                stop.recv().await;
                session.interrupt();
            })
        };
        while let Some(result) = rx.recv().await {
            on_event(Event::Finished(result));
        }
        let _ = feeder.await;
        if !sequences.ids().is_empty() && !self.is_interrupted() {
            self.run_sequences(sequences, |result| {
                on_event(Event::Sequence(Box::new(result.clone())))
            })
            .await;
        }
        interrupter.abort();
        // An aborted task is dropped when the runtime gets to it: wait for that, so that its
        // handle on the session (and the ledger's lock) is gone when the suite returns.
        let _ = interrupter.await;
        self.finish().await;
        let interrupted = self.is_interrupted();
        on_event(Event::Done {
            interrupted,
            totals: self.totals(),
        });
        interrupted
    }
}
