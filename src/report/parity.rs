//! The parity summary of a run: how much of what ran conforms (per target, per operation, per
//! constraint kind), and the failures grouped by root cause, the group whose fix fixes the most
//! failures first. The console renders it; everything here is computed from the same records
//! (and recorded answers) every other report reads, so it prints nothing a record does not hold.
//!
//! A root cause that spans operations is read off what was observed, never off a target's
//! name: the same harness error, the same unreadable error answer, the same wrong status, the
//! same refusal of valid requests, or the very same answer to requests that needed different
//! ones, seen in several operations. What no such cause explains is grouped by operation,
//! verdict class and constraint kind; sequences by the first step that diverged.

use std::collections::{BTreeMap, BTreeSet};

use super::record::{Record, RecordVerdict};
use crate::check::{DivergenceClass, Known, VerdictName};

/// A symptom must be seen in this many operations to count as one cause that spans them: two
/// operations can share an answer by coincidence (two deletes both answer an empty 200), and a
/// fault in a target's shared code shows wherever that code runs.
pub const SPANS_AT_LEAST: usize = 3;

/// One record as the summary reads it: the record, and a short print of the answer's body
/// (`None` when no answer came), so that "the same answer to everything" can be seen without
/// keeping or printing the body itself.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The record, as every report reads it.
    pub record: Record,
    /// [`body_print`] of the answer the record's `observed` comes from.
    pub body: Option<String>,
}

/// A body as the summary may name it: whether it is empty, `{}`, or else only its size and a
/// hash. A body can hold an account's own data (GetAccount's details): the summary compares
/// bodies but never shows one.
pub fn body_print(body: &str) -> String {
    match body.trim() {
        "" => "an empty body".into(),
        "{}" => "the body {}".into(),
        text => format!(
            "the same {}-byte body (#{:06x})",
            text.len(),
            crate::case::stable_hash(text) & 0xff_ffff
        ),
    }
}

/// Conforming, judged and left-out counts of a set of records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Judged and conforming (a stale known divergence that now conforms counts here).
    pub conforming: usize,
    /// Judged: conforming, diverging (known or not) and harness errors. Unsupported and
    /// skipped ones are not judged and stay out of the score.
    pub judged: usize,
    /// Of the judged, divergences the target's profile lists (they count as not conforming:
    /// a profile explains a divergence, it does not make it parity).
    pub known: usize,
    /// The target said it does not implement the operation.
    pub unsupported: usize,
    /// Not sent.
    pub skipped: usize,
}

impl Tally {
    /// The tally of these records.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Record>) -> Tally {
        let mut tally = Tally::default();
        for record in records {
            tally.add(record);
        }
        tally
    }

    fn add(&mut self, record: &Record) {
        match record.verdict {
            RecordVerdict::Skipped => self.skipped += 1,
            RecordVerdict::Ran(VerdictName::Unsupported) => self.unsupported += 1,
            RecordVerdict::Ran(name) => {
                self.judged += 1;
                self.conforming += usize::from(name == VerdictName::Conforms);
                self.known +=
                    usize::from(name == VerdictName::Diverges && record.known_as_listed());
            }
        }
    }

    /// Add another tally's counts.
    pub fn merge(&mut self, other: &Tally) {
        self.conforming += other.conforming;
        self.judged += other.judged;
        self.known += other.known;
        self.unsupported += other.unsupported;
        self.skipped += other.skipped;
    }

    /// The share of judged records that conform, in tenths of a percent rounded down (so that
    /// 999 of 1000 never shows as 100%); `None` when nothing was judged.
    pub fn permille(&self) -> Option<usize> {
        (self.judged > 0).then(|| self.conforming * 1000 / self.judged)
    }

    /// `97.3%`, `100%` or `n/a`.
    pub fn score(&self) -> String {
        match self.permille() {
            None => "n/a".into(),
            Some(1000) => "100%".into(),
            Some(p) => format!("{}.{}%", p / 10, p % 10),
        }
    }

    /// `97.3% (146/150)`.
    pub fn score_with_counts(&self) -> String {
        format!("{} ({}/{})", self.score(), self.conforming, self.judged)
    }
}

/// What a group of failures has in common: a cause that spans operations, or the operation,
/// verdict and constraint kind (or sequence step) they share.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// No answer to judge, for the same reason, in many operations (a fixture or the run's
    /// identity that could not be made, a refused connection).
    SameHarnessError {
        /// The harness error, run-specific names masked.
        detail: String,
    },
    /// Error answers with no readable error type (no `x-amzn-ErrorType`, `__type` or `code`).
    ErrorWithoutType,
    /// Error answers whose body the protocol cannot read (not JSON, not an object, empty).
    UnreadableErrorBody {
        /// How, e.g. `HTTP 400 error body is not JSON (text/html)`.
        problem: String,
    },
    /// The right error type (or a success) with one status whatever the documented one.
    OneStatus {
        /// The status every one of them came with.
        status: u16,
    },
    /// Valid requests refused with the same answer.
    SameRefusal {
        /// The refusal, in words.
        answer: String,
    },
    /// The very same answer to requests that needed different ones (valid and invalid alike).
    SameAnswer {
        /// The answer, in words.
        answer: String,
    },
    /// Cases of one operation, verdict and constraint kind.
    Cases {
        /// The operation.
        operation: String,
        /// The divergence class, or `harness-error`.
        verdict: String,
        /// The constraint kind (`length`, `required`, `request`, `behaviour`, ...).
        kind: String,
    },
    /// An operation the target said it lacks, which its profile does not list.
    Unsupported {
        /// The operation.
        operation: String,
    },
    /// A known divergence of the profile that no longer happens.
    StaleKnown {
        /// The entry's `cases` pattern and the class it expects.
        entry: String,
    },
    /// Sequences whose first diverging step is of one kind and diverged one way.
    Sequences {
        /// The step's kind (`UpdateEmailTemplate`, `ListEmailTemplates`, ...).
        step: String,
        /// The divergence class, or `harness-error`.
        verdict: String,
    },
}

impl Cause {
    /// Whether the cause is one that spans operations.
    pub fn spans_operations(&self) -> bool {
        matches!(
            self,
            Cause::SameHarnessError { .. }
                | Cause::ErrorWithoutType
                | Cause::UnreadableErrorBody { .. }
                | Cause::OneStatus { .. }
                | Cause::SameRefusal { .. }
                | Cause::SameAnswer { .. }
        )
    }

    /// The cause in words, as the console shows it.
    pub fn describe(&self) -> String {
        match self {
            Cause::SameHarnessError { detail } => format!("no answer to judge: {detail}"),
            Cause::ErrorWithoutType => "error answers without a readable error type (no x-amzn-ErrorType header, no __type or code in the body)".into(),
            Cause::UnreadableErrorBody { problem } => format!("unreadable error answers: {problem}"),
            Cause::OneStatus { status } if (200..300).contains(status) => {
                format!("successes answered with HTTP {status}, not the documented 200")
            }
            Cause::OneStatus { status } => {
                format!("errors answered with HTTP {status} whatever their documented status")
            }
            Cause::SameRefusal { answer } => format!("valid requests refused: {answer}"),
            Cause::SameAnswer { answer } => {
                format!("the same answer to valid and invalid requests: {answer}")
            }
            Cause::Cases {
                operation,
                verdict,
                kind,
            } => format!("{operation}: {verdict} on {kind} cases"),
            Cause::Unsupported { operation } => {
                format!("{operation}: unsupported, and the target's profile does not say so")
            }
            Cause::StaleKnown { entry } => {
                format!("known divergence no longer happens: {entry}")
            }
            Cause::Sequences { step, verdict } if step == NO_STEP => {
                format!("sequences that stopped before their first step: {verdict}")
            }
            Cause::Sequences { step, verdict } => {
                format!("sequences first diverging at a {step} step: {verdict}")
            }
        }
    }
}

/// Failures that share a cause; `members` index the run's records, in run order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// What they share.
    pub cause: Cause,
    /// The failing records, by index, in run order: the first is the group's example.
    pub members: Vec<usize>,
    /// How many distinct operations they are of.
    pub operations: usize,
    /// How many of them are sequences.
    pub sequences: usize,
}

/// One target's parity: the score overall, per operation and per constraint kind, and its
/// failures grouped, the group that fixes the most first.
#[derive(Debug, Clone)]
pub struct Parity {
    /// The target.
    pub target: String,
    /// Every case and sequence.
    pub overall: Tally,
    /// Per operation (sequences under `sequence`).
    pub by_operation: BTreeMap<String, Tally>,
    /// Per constraint kind (sequences under `sequence`).
    pub by_kind: BTreeMap<String, Tally>,
    /// The failing records grouped: every failing record in exactly one group.
    pub groups: Vec<Group>,
    /// How many records fail.
    pub failing: usize,
}

/// The parity of each target the records are of, in name order.
pub fn parity(seen: &[Seen]) -> Vec<Parity> {
    let mut targets: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in seen.iter().enumerate() {
        targets.entry(&s.record.target).or_default().push(i);
    }
    targets
        .into_iter()
        .map(|(target, indexes)| parity_of(target, seen, &indexes))
        .collect()
}

fn parity_of(target: &str, seen: &[Seen], indexes: &[usize]) -> Parity {
    let mut parity = Parity {
        target: target.to_string(),
        overall: Tally::default(),
        by_operation: BTreeMap::new(),
        by_kind: BTreeMap::new(),
        groups: Vec::new(),
        failing: 0,
    };
    for &i in indexes {
        let r = &seen[i].record;
        parity.overall.add(r);
        parity
            .by_operation
            .entry(r.operation.clone())
            .or_default()
            .add(r);
        parity
            .by_kind
            .entry(constraint_kind(r).to_string())
            .or_default()
            .add(r);
    }
    let failing: Vec<usize> = indexes
        .iter()
        .copied()
        .filter(|&i| seen[i].record.fails())
        .collect();
    parity.failing = failing.len();
    parity.groups = group_failures(seen, &failing);
    parity
}

/// The kind of a record's constraint: `PageSize.range` is `range`, `behaviour:...` is
/// `behaviour`, a valid case's `request` is `request`; a sequence is `sequence`.
pub fn constraint_kind(record: &Record) -> &str {
    if record.kind == "sequence" {
        return "sequence";
    }
    let c = record.constraint.as_str();
    if c.starts_with("behaviour:") {
        return "behaviour";
    }
    c.rsplit_once('.').map_or(c, |(_, kind)| kind)
}

/// The operation a failure is of: a sequence's is the operation of the call that diverged.
fn operation_of(record: &Record) -> &str {
    if record.kind == "sequence" {
        &record.constraint
    } else {
        &record.operation
    }
}

/// Every failing record in one group, chosen greedily: the candidate cause that explains the
/// most failures not yet explained goes first, so the first group is the fix that fixes the
/// most, and no failure is counted twice. A cause that spans operations stays a candidate only
/// while what is left of it still spans them.
fn group_failures(seen: &[Seen], failing: &[usize]) -> Vec<Group> {
    let mut candidates: BTreeMap<Cause, Vec<usize>> = BTreeMap::new();
    for &i in failing {
        for cause in causes_of(&seen[i]) {
            candidates.entry(cause).or_default().push(i);
        }
    }
    let mut explained: BTreeSet<usize> = BTreeSet::new();
    let mut groups = Vec::new();
    while explained.len() < failing.len() {
        let best = candidates
            .iter()
            .map(|(cause, members)| {
                let left: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|i| !explained.contains(i))
                    .collect();
                group(seen, cause, left)
            })
            .filter(|g| !g.members.is_empty() && holds(seen, g))
            .max_by(|a, b| {
                (a.members.len(), a.cause.spans_operations())
                    .cmp(&(b.members.len(), b.cause.spans_operations()))
                    // Ties go to the first cause in order, so the grouping never depends on
                    // map iteration: max_by keeps the last maximum, hence the reversal.
                    .then_with(|| b.cause.cmp(&a.cause))
            });
        // Every failure has a cause of its own operation, which always holds.
        let Some(best) = best else { break };
        explained.extend(best.members.iter().copied());
        candidates.remove(&best.cause);
        groups.push(best);
    }
    groups
}

fn group(seen: &[Seen], cause: &Cause, members: Vec<usize>) -> Group {
    let operations = members
        .iter()
        .map(|&i| operation_of(&seen[i].record))
        .collect::<BTreeSet<_>>()
        .len();
    let sequences = members
        .iter()
        .filter(|&&i| seen[i].record.kind == "sequence")
        .count();
    Group {
        cause: cause.clone(),
        members,
        operations,
        sequences,
    }
}

/// Whether a candidate group is the cause it claims: one that spans operations must be seen in
/// enough of them; "the same answer" must have been given where the contract asks for a
/// success and where it asks for an error alike (an empty 200 to many invalid deletes is each
/// delete's own missing check, not one answer given to everything).
fn holds(seen: &[Seen], group: &Group) -> bool {
    if !group.cause.spans_operations() {
        return true;
    }
    if group.operations < SPANS_AT_LEAST {
        return false;
    }
    match group.cause {
        Cause::SameAnswer { .. } => {
            let expects: BTreeSet<&str> = group
                .members
                .iter()
                .map(|&i| seen[i].record.expect.as_str())
                .collect();
            expects.contains("accept") && expects.contains("reject")
        }
        _ => true,
    }
}

/// The causes a failing record could share with others: the ones read off its answer that may
/// span operations, and the one of its own operation (or sequence step).
fn causes_of(seen: &Seen) -> Vec<Cause> {
    let r = &seen.record;
    if let Known::Stale { pattern, expected } = &r.known {
        // Only the profile can fix a stale entry.
        return vec![Cause::StaleKnown {
            entry: format!("{pattern} expects {expected}"),
        }];
    }
    if r.verdict == RecordVerdict::UNSUPPORTED {
        return vec![Cause::Unsupported {
            operation: r.operation.clone(),
        }];
    }
    let mut causes: Vec<Cause> = symptom_of(r).into_iter().collect();
    causes.extend(same_answer(seen));
    causes.push(own_cause(r));
    causes
}

/// What the verdict says went wrong, where the same thing in many operations is one fault.
fn symptom_of(r: &Record) -> Option<Cause> {
    let o = &r.observed;
    match (r.verdict, r.class) {
        (RecordVerdict::HARNESS_ERROR, _) => Some(Cause::SameHarnessError {
            detail: masked(r.detail.as_deref().unwrap_or("no detail")),
        }),
        (_, Some(DivergenceClass::MalformedError)) if o.error_type.is_none() => {
            Some(Cause::ErrorWithoutType)
        }
        (_, Some(DivergenceClass::MalformedError)) => Some(Cause::UnreadableErrorBody {
            // `HTTP 400 error body is not JSON (text/html): "<html>..."`: the part before the
            // excerpt names the fault; the excerpt varies with the request.
            problem: r
                .detail
                .as_deref()
                .map(|d| d.split_once(": ").map_or(d, |(head, _)| head))
                .unwrap_or("unreadable error body")
                .to_string(),
        }),
        (_, Some(DivergenceClass::WrongStatus)) => {
            o.status.map(|status| Cause::OneStatus { status })
        }
        (_, Some(DivergenceClass::RejectedValid)) => Some(Cause::SameRefusal {
            answer: answer_words(r, None),
        }),
        _ => None,
    }
}

/// The answer itself, when one came: status, error type, message and body print.
fn same_answer(seen: &Seen) -> Option<Cause> {
    let body = seen.body.as_deref()?;
    seen.record.observed.status?;
    Some(Cause::SameAnswer {
        answer: answer_words(&seen.record, Some(body)),
    })
}

/// `HTTP 400, no error type, message "no", the same 16-byte body (#a1b2c3)`.
fn answer_words(r: &Record, body: Option<&str>) -> String {
    let o = &r.observed;
    let mut words = vec![o
        .status
        .map_or_else(|| "no answer".to_string(), |s| format!("HTTP {s}"))];
    words.push(match &o.error_type {
        Some(t) => t.clone(),
        None => "no error type".into(),
    });
    if let Some(m) = &o.message {
        words.push(format!(
            "message {:?}",
            crate::output::abbreviate(&masked(m), 80)
        ));
    }
    words.extend(body.map(str::to_string));
    words.join(", ")
}

/// The group of the record's own operation, verdict and constraint kind, or for a sequence the
/// first step that diverged (or could not be judged).
fn own_cause(r: &Record) -> Cause {
    let verdict = r
        .class
        .map_or_else(|| r.verdict.to_string(), |c| c.to_string());
    if r.kind == "sequence" {
        return Cause::Sequences {
            step: first_departing_step(r).unwrap_or_else(|| NO_STEP.into()),
            verdict,
        };
    }
    Cause::Cases {
        operation: r.operation.clone(),
        verdict,
        kind: constraint_kind(r).to_string(),
    }
}

/// The step of a sequence that stopped before any (the run's identity could not be made, say).
const NO_STEP: &str = "(none)";

/// The kind of the first step of a sequence's record that departed or could not be judged:
/// the first word of its description (`UpdateEmailTemplate t1 (content 2)` is
/// `UpdateEmailTemplate`).
fn first_departing_step(r: &Record) -> Option<String> {
    let steps = r.sequence.as_ref()?.get("steps")?.as_array()?;
    let step = steps
        .iter()
        .find(|s| s.get("finding").is_some() || s.get("inconclusive").is_some())?;
    let words = step.get("step")?.as_str()?;
    let first = words.split_whitespace().next()?.trim_end_matches(',');
    Some(first.to_string())
}

/// Text with what differs from case to case masked: the names a run gives (`sc<run id>-...`)
/// and the numbers in them, so that "fixture sc000000000000-abc could not be made" is one
/// cause whatever the fixture's name.
fn masked(text: &str) -> String {
    text.split(' ')
        .map(|word| if holds_run_name(word) { "<name>" } else { word })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a word holds a name a run gave: `sc`, a run id's length of letters and digits (the
/// placeholder's zeros too), and a dash.
fn holds_run_name(word: &str) -> bool {
    let bytes = word.as_bytes();
    let name_len = crate::names::NAME_PREFIX.len() + crate::names::RUN_ID_LEN + 1;
    bytes.windows(name_len).any(|w| {
        w.starts_with(crate::names::NAME_PREFIX.as_bytes())
            && w[name_len - 1] == b'-'
            && w[crate::names::NAME_PREFIX.len()..name_len - 1]
                .iter()
                .all(u8::is_ascii_alphanumeric)
    })
}

#[cfg(test)]
#[path = "parity_tests.rs"]
mod tests;
