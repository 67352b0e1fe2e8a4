//! The mailbox-simulator guard against hostile input: raw messages and address strings no one
//! here wrote (folded lines, groups, comments, display names with `@` and `<`, encoded words,
//! control characters, look-alike domains). It never panics, and whatever it lets through mails
//! no one but the simulator, by an independent reading of the same text.

mod common;

use base64::Engine as _;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::json;
use ses_conformance::gate::recipients;

const SIMULATOR: &str = "simulator.amazonses.com";

fn address() -> impl Strategy<Value = String> {
    let local = prop::sample::select(vec![
        "success",
        "bounce",
        "ceo",
        "a.b",
        "x+conf1-y",
        "\"q@x\"",
    ]);
    let domain = prop::sample::select(vec![
        SIMULATOR,
        "SIMULATOR.AMAZONSES.COM",
        "example.com",
        "simulator.amazonses.com.evil.example",
        "simulatör.amazonses.com",
        "simulator.amazonses.com.",
        "evil.example",
    ]);
    (local, domain).prop_map(|(l, d)| format!("{l}@{d}"))
}

fn mailbox() -> impl Strategy<Value = String> {
    prop_oneof![
        address(),
        address().prop_map(|a| format!("Someone <{a}>")),
        (address(), address()).prop_map(|(a, b)| format!("\"{a}\" <{b}>")),
        address().prop_map(|a| format!("{a} (comment ceo@example.com)")),
        address().prop_map(|a| format!("=?utf-8?q?Name?= <{a}>")),
    ]
}

fn address_list() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(mailbox(), 1..4).prop_map(|v| v.join(", ")),
        prop::collection::vec(mailbox(), 1..3).prop_map(|v| format!("team: {};", v.join(", "))),
        prop::collection::vec(mailbox(), 2..4).prop_map(|v| v.join(",\r\n ")),
        ".*".prop_map(|s: String| s),
    ]
}

fn header() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "To",
        "Cc",
        "Bcc",
        "Reply-To",
        "Resent-To",
        "Resent-Bcc",
        "Disposition-Notification-To",
        "Return-Path",
        "X-Forward-To",
        "Subject",
        "Message-ID",
        "From",
        "Sender",
        "to",
        "CC",
    ]);
    (name, address_list()).prop_map(|(n, v)| format!("{n}: {v}"))
}

fn message() -> impl Strategy<Value = String> {
    (prop::collection::vec(header(), 0..6), any::<bool>()).prop_map(|(headers, blank)| {
        let mut m = headers.join("\r\n");
        if blank {
            m.push_str("\r\n\r\nbody");
        }
        m
    })
}

/// Whether the text of a value names only the simulator, read independently of the guard: the
/// header block unfolded, every `@` word of every header but the originator's and message ids.
fn only_simulator(message: &str) -> bool {
    let headers = message.split("\r\n\r\n").next().unwrap_or_default();
    let unfolded = headers.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().all(|line| {
        let lower = line.to_ascii_lowercase();
        if ["from:", "sender:", "message-id:", "subject:"]
            .iter()
            .any(|h| lower.starts_with(h))
        {
            return true;
        }
        line.split(|c: char| c.is_whitespace() || ",;<>\"()".contains(c))
            .filter(|w| w.contains('@'))
            .all(|w| {
                w.to_ascii_lowercase().ends_with("@simulator.amazonses.com")
                    && w.matches('@').count() == 1
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_raw_message_passes_only_if_it_mails_the_simulator_alone(message in message()) {
        let spec = common::spec();
        let op = spec.operation("SendEmail").unwrap_or_else(|| panic!("SendEmail"));
        let request = json!({"Content": {"Raw": {"Data": base64::engine::general_purpose::STANDARD.encode(&message)}}});
        if recipients::check(&spec, op, &request).is_ok() {
            prop_assert!(only_simulator(&message), "let through: {:?}", message);
        }
    }

    #[test]
    fn an_address_value_passes_only_if_it_names_the_simulator_alone(list in address_list()) {
        let spec = common::spec();
        let op = spec.operation("SendEmail").unwrap_or_else(|| panic!("SendEmail"));
        let request = json!({"Destination": {"ToAddresses": [list.clone()]}, "ReplyToAddresses": [list.clone()]});
        if recipients::check(&spec, op, &request).is_ok() {
            prop_assert!(only_simulator(&format!("To: {list}")), "let through: {:?}", list);
        }
    }

    #[test]
    fn any_bytes_are_judged_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let spec = common::spec();
        let op = spec.operation("SendEmail").unwrap_or_else(|| panic!("SendEmail"));
        let request = json!({"Content": {"Raw": {"Data": base64::engine::general_purpose::STANDARD.encode(&bytes)}}});
        let _ = recipients::check(&spec, op, &request);
    }
}

/// The fuzzing is not vacuous: the generators do produce messages the guard lets through and
/// ones it refuses.
#[test]
fn the_generators_reach_both_outcomes() {
    let spec = common::spec();
    let op = spec
        .operation("SendEmail")
        .unwrap_or_else(|| panic!("SendEmail"));
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut passed, mut refused) = (0, 0);
    for _ in 0..500 {
        let m = message()
            .new_tree(&mut runner)
            .map(|t| t.current())
            .unwrap_or_default();
        let request = json!({"Content": {"Raw": {"Data": base64::engine::general_purpose::STANDARD.encode(&m)}}});
        match recipients::check(&spec, op, &request) {
            Ok(_) => passed += 1,
            Err(_) => refused += 1,
        }
    }
    assert!(
        passed > 20 && refused > 20,
        "{passed} passed, {refused} refused"
    );
}
