//! The parity summary (`parity`) as the console shows it: the score, the scores by constraint
//! kind and by operation worst first, and the groups of failures, the largest first, each with
//! an example and the command that reproduces it. Sized for one screen by default.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::console::Detail;
use super::parity::{Group, Parity, Tally};

/// Groups shown in full by default: with the score and the summary line they fit one screen;
/// the rest are counted, and `--verbose` shows them all.
pub const GROUPS_SHOWN: usize = 5;

/// Lines the per-operation and per-kind scores may take by default, each.
const SCORE_LINES: usize = 2;

/// Characters of a line of scores before it wraps.
const SCORE_WIDTH: usize = 100;

/// Characters of an example's expected and observed line: a long answer is in `--verbose`.
const EXAMPLE_CHARS: usize = 160;

/// A failing record's example, made while its result is at hand: its id and verdict, what was
/// expected and what came back, and its reproduction.
pub struct Example {
    /// `<id> [<verdict>]`.
    pub title: String,
    /// What was expected and what came back (a sequence: its detail).
    pub what: String,
    /// The command that reproduces it.
    pub reproduce: String,
}

/// `1 case`, `3 cases and 2 sequences`, `1 sequence`.
fn cases_and_sequences(cases: usize, sequences: usize) -> String {
    match (cases, sequences) {
        (_, 0) => counted(cases, "case"),
        (0, s) => counted(s, "sequence"),
        (c, s) => format!("{} and {}", counted(c, "case"), counted(s, "sequence")),
    }
}

/// `1 group`, `2 groups`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A target's parity: the score, the scores by constraint kind and by operation (worst first),
/// and its failures by cause, the largest first; by default the first [`GROUPS_SHOWN`] groups
/// in full and the rest counted.
pub fn parity_report(p: &Parity, examples: &BTreeMap<usize, Example>, detail: Detail) -> String {
    let verbose = detail == Detail::Verbose;
    let o = &p.overall;
    let mut out = format!(
        "parity of {} with the SES v2 contract: {} ({} of {} judged cases and sequences conform",
        p.target,
        o.score(),
        o.conforming,
        o.judged
    );
    if o.known > 0 {
        let _ = write!(
            out,
            "; {} of the rest are known divergences of its profile",
            o.known
        );
    }
    let _ = writeln!(
        out,
        "); not judged, so not in the score: {} unsupported, {} skipped",
        o.unsupported, o.skipped
    );
    out.push_str(&score_lines("by constraint kind", &p.by_kind, verbose));
    out.push_str(&score_lines("by operation", &p.by_operation, verbose));
    if p.groups.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{} failing, in {} by cause; the group that fixes the most first:",
        p.failing,
        counted(p.groups.len(), "group")
    );
    let shown = if verbose {
        p.groups.len()
    } else {
        GROUPS_SHOWN
    };
    for (n, group) in p.groups.iter().take(shown).enumerate() {
        out.push_str(&group_lines(n + 1, group, examples));
    }
    let rest = &p.groups[shown.min(p.groups.len())..];
    if !rest.is_empty() {
        let failing: usize = rest.iter().map(|g| g.members.len()).sum();
        let _ = writeln!(
            out,
            "  and {} more ({failing} failing): run again with --verbose for every group and every failing case, or read them all from --json",
            counted(rest.len(), "group")
        );
    }
    out
}

/// One group: how many it would fix and where, the cause, an example and its reproduction.
fn group_lines(n: usize, group: &Group, examples: &BTreeMap<usize, Example>) -> String {
    let cases = group.members.len() - group.sequences;
    let mut out = format!(
        "{n:>3}. {} in {}: {}\n",
        cases_and_sequences(cases, group.sequences),
        counted(group.operations, "operation"),
        group.cause.describe()
    );
    if let Some(example) = group.members.first().and_then(|i| examples.get(i)) {
        let _ = writeln!(out, "     e.g. {}", example.title);
        let _ = writeln!(
            out,
            "          {}",
            crate::output::abbreviate(&example.what, EXAMPLE_CHARS)
        );
        let _ = writeln!(out, "     reproduce: {}", example.reproduce);
    }
    out
}

/// Scores by kind or by operation, worst first, wrapped. By default only those below 100%, on
/// at most [`SCORE_LINES`] lines, the rest counted; `--verbose` lists every one.
fn score_lines(title: &str, tallies: &BTreeMap<String, Tally>, verbose: bool) -> String {
    let mut judged: Vec<(&String, &Tally)> = tallies.iter().filter(|(_, t)| t.judged > 0).collect();
    judged.sort_by_key(|(name, t)| (t.permille(), usize::MAX - t.judged, name.as_str()));
    let (below, at_parity): (Vec<_>, Vec<_>) = judged
        .into_iter()
        .partition(|(_, t)| t.permille() != Some(1000));
    let not_judged = tallies.values().filter(|t| t.judged == 0).count();
    let listed: Vec<_> = if verbose {
        below.iter().chain(&at_parity).collect()
    } else {
        below.iter().collect()
    };
    let items: Vec<String> = listed
        .iter()
        .map(|(name, t)| format!("{name} {}", t.score_with_counts()))
        .collect();
    let mut lines = wrap(&format!("{title}, worst first:"), &items, SCORE_WIDTH);
    let mut dropped = 0;
    if !verbose && lines.len() > SCORE_LINES {
        let kept: usize = lines[..SCORE_LINES].iter().map(|l| l.items).sum();
        dropped = items.len() - kept;
        lines.truncate(SCORE_LINES);
    }
    let mut tail = Vec::new();
    if dropped > 0 {
        tail.push(format!("{dropped} more below 100%, listed with --verbose"));
    }
    if !verbose && !at_parity.is_empty() {
        tail.push(format!("{} at 100%", at_parity.len()));
    }
    if not_judged > 0 {
        tail.push(format!("{not_judged} with nothing judged"));
    }
    let mut out = String::new();
    if items.is_empty() {
        let _ = writeln!(out, "{title}: {}", tail.join(", "));
        return out;
    }
    for line in &lines {
        let _ = writeln!(out, "{}", line.text);
    }
    if !tail.is_empty() {
        let _ = writeln!(out, "  ({})", tail.join(", "));
    }
    out
}

/// A wrapped line and how many items it holds.
struct Wrapped {
    text: String,
    items: usize,
}

/// `head` then the items, comma-separated, in lines of about `width` characters (the
/// following lines indented).
fn wrap(head: &str, items: &[String], width: usize) -> Vec<Wrapped> {
    let mut lines = vec![Wrapped {
        text: head.to_string(),
        items: 0,
    }];
    for (i, item) in items.iter().enumerate() {
        let last = i + 1 == items.len();
        let piece = if last {
            item.clone()
        } else {
            format!("{item},")
        };
        let Some(line) = lines.last_mut() else { break };
        if line.items > 0 && line.text.chars().count() + 1 + piece.chars().count() > width {
            lines.push(Wrapped {
                text: format!("  {piece}"),
                items: 1,
            });
        } else {
            line.text.push(' ');
            line.text.push_str(&piece);
            line.items += 1;
        }
    }
    lines
}
