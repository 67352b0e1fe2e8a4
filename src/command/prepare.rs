//! Everything before the network: the target chosen from the flags, its profile, its cases.

use std::sync::Arc;

use crate::case::Case;
use crate::client::endpoint_url::{check_endpoint_url, EndpointError};
use crate::client::{GateLimits, TargetKind};
use crate::exit;
use crate::explore::{regression_cases, RegressionError};
use crate::gate::PaceSettings;
use crate::generate::{self, Settings};
use crate::profile::{glob_match, Profile};
use crate::reference;
use crate::spec::{first_gate_difference, Spec, SpecSource};

use super::options::{RunOptions, ALLOW_VALUES};
use super::outputs::{result_files, Output};

/// Flags that do not fit together or name nothing.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// `--op` names no operation of the spec.
    #[error("--op {op}: unknown operation (known: {})", known.join(", "))]
    UnknownOperation {
        /// The value given.
        op: String,
        /// The operations of the spec.
        known: Vec<String>,
    },
    /// `--case` names no case of the selection.
    #[error("--case {0}: matches no case (see `ses-conformance list`)")]
    UnknownCase(String),
    /// `--sequence` names no sequence.
    #[error("--sequence {0}: a sequence id is `sequence::<n>` (see a run's output)")]
    UnknownSequence(String),
    /// `--allow` names no opt-in.
    #[error("--allow {value}: one of {}", ALLOW_VALUES.join(", "))]
    UnknownAllow {
        /// The value given.
        value: String,
    },
    /// Real SES without a verified identity.
    #[error("--target aws needs --identity NAME: a domain or address you verified in SES (the harness cannot verify one)")]
    NoIdentity,
    /// `--regressions` names a file that cannot be read or is not a regressions file.
    #[error(transparent)]
    Regressions(#[from] RegressionError),
    /// An endpoint URL (`--endpoint`, or the variable a profile reads) the harness refuses.
    #[error("{from}: {error}")]
    Endpoint {
        /// `--endpoint`, or the environment variable.
        from: String,
        /// Why.
        #[source]
        error: EndpointError,
    },
    /// `--specs` for `--target aws` with a table that differs from the embedded one in what
    /// steers safety.
    #[error("--specs with {command}: against real SES the embedded table's safety data is used, and this table differs from it beyond prose: {difference} (run with the embedded table, or change only summaries, sources and docs)")]
    SpecsSteerSafety {
        /// `--target aws` or `cleanup`.
        command: &'static str,
        /// The first difference, or why the table could not be compared.
        difference: String,
    },
    /// A named target with nowhere to connect.
    #[error("--target {name}: no --endpoint given{}", env.as_deref().map(|v| format!(" and {v} is not set")).unwrap_or_default())]
    NoEndpoint {
        /// The target.
        name: String,
        /// The environment variable its profile reads the URL from.
        env: Option<String>,
    },
}

/// Print an error the user can fix; the usage exit code.
pub(super) fn usage_error(message: impl std::fmt::Display) -> i32 {
    errln!("error: {message}");
    exit::USAGE_OR_SPEC
}

/// Check `--op` values against the spec.
pub fn check_ops(spec: &Spec, ops: &[String]) -> Result<(), UsageError> {
    match ops.iter().find(|op| spec.operation(op).is_none()) {
        Some(op) => Err(UsageError::UnknownOperation {
            op: op.clone(),
            known: spec.operations.keys().cloned().collect(),
        }),
        None => Ok(()),
    }
}

/// What `--target` and `--endpoint` chose, parsed once. Whether a target is real SES is decided
/// here, from the flag, and never by a profile file's contents: a profile only adds expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetChoice {
    /// No flag, or `--target reference`: the embedded reference.
    Reference,
    /// `--target aws`: real SES, behind the gate.
    Aws,
    /// `--target NAME`: an emulator, with its shipped profile if there is one.
    Named(String),
    /// `--endpoint URL` alone: an unnamed endpoint.
    Endpoint,
}

impl TargetChoice {
    /// The choice the flags make.
    pub fn from_flags(target: Option<&str>, endpoint: Option<&str>) -> TargetChoice {
        match (target, endpoint) {
            (Some("aws"), _) => TargetChoice::Aws,
            (Some("reference"), _) | (None, None) => TargetChoice::Reference,
            (Some(name), _) => TargetChoice::Named(name.to_string()),
            (None, Some(_)) => TargetChoice::Endpoint,
        }
    }

    /// The name a run reports under (and its profile's file name).
    pub fn name(&self) -> &str {
        match self {
            TargetChoice::Reference => "reference",
            TargetChoice::Aws => "aws",
            TargetChoice::Named(name) => name,
            TargetChoice::Endpoint => "endpoint",
        }
    }
}

/// `url`, when it is an endpoint the harness accepts; `from` says where it came from.
fn accepted_endpoint(from: &str, url: &str) -> Result<String, UsageError> {
    check_endpoint_url(url).map_err(|error| UsageError::Endpoint {
        from: from.to_string(),
        error,
    })?;
    Ok(url.to_string())
}

/// The variables AWS SDKs and the CLI read an SES v2 endpoint from, service-specific first.
pub const ENDPOINT_VARIABLES: [&str; 2] = ["AWS_ENDPOINT_URL_SESV2", "AWS_ENDPOINT_URL"];

/// The endpoint to connect to, when one is set and accepted: `--endpoint`, else the first of
/// [`ENDPOINT_VARIABLES`] that is set, as AWS tools read them. `--target reference` names the
/// embedded reference, so no variable moves it.
pub(super) fn endpoint_flag(endpoint: Option<&str>) -> Result<Option<String>, UsageError> {
    endpoint_setting(endpoint, None, None, &|var| std::env::var(var).ok())
}

/// [`endpoint_flag`] for a target, with the environment given.
pub(super) fn endpoint_setting(
    endpoint: Option<&str>,
    target: Option<&str>,
    target_variable: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, UsageError> {
    if let Some(url) = endpoint {
        return accepted_endpoint("--endpoint", url).map(Some);
    }
    if target == Some("reference") {
        return Ok(None);
    }
    // The named target's own variable (SES_CONFORMANCE_MOTO_URL) is more specific than the AWS
    // variables a shell may set for another tool: the profile's endpoint is read from it later.
    if target_variable.is_some_and(|var| env(var).is_some_and(|v| !v.trim().is_empty())) {
        return Ok(None);
    }
    for var in ENDPOINT_VARIABLES {
        if let Some(url) = env(var).filter(|v| !v.trim().is_empty()) {
            return accepted_endpoint(var, &url).map(Some);
        }
    }
    Ok(None)
}

/// Resolve what to connect to from the flags (and the profile's endpoint variable).
fn target_kind(
    options: &RunOptions,
    endpoint: Option<String>,
    choice: &TargetChoice,
    profile: &Profile,
) -> Result<TargetKind, UsageError> {
    if *choice == TargetChoice::Aws {
        let identity = options.identity.clone().ok_or(UsageError::NoIdentity)?;
        return Ok(TargetKind::Aws {
            url: endpoint,
            identity,
            account_id: options.account_id.clone(),
        });
    }
    if let Some(url) = endpoint {
        return Ok(TargetKind::Local { url });
    }
    if *choice == TargetChoice::Reference {
        return Ok(TargetKind::Reference(reference::Options {
            throttle: options.reference_throttle,
            ..Default::default()
        }));
    }
    let name = choice.name();
    let from_env = profile
        .endpoint_env
        .as_deref()
        .and_then(|var| Some((var, std::env::var(var).ok()?)));
    match from_env {
        Some((var, url)) => Ok(TargetKind::Local {
            url: accepted_endpoint(var, &url)?,
        }),
        None => Err(UsageError::NoEndpoint {
            name: name.to_string(),
            env: profile.endpoint_env.clone(),
        }),
    }
}

/// Select the cases of a run: the generated ones, then the regressions kept in
/// `--regressions` (of the selected operations), then `--case`, which may name either.
fn select_cases(spec: &Arc<Spec>, options: &RunOptions) -> Result<Vec<Case>, UsageError> {
    check_ops(spec, &options.ops)?;
    let settings = Settings {
        global_seed: options.seed,
        random_cases: options.random_cases,
        operations: options.ops.clone(),
    };
    if let Some(id) = &options.sequence {
        check_sequence_id(id)?;
        return Ok(Vec::new());
    }
    let mut cases = generate::generate(spec, &settings);
    if let Some(path) = &options.regressions {
        let selected = |c: &Case| options.ops.is_empty() || options.ops.contains(&c.operation);
        cases.extend(regression_cases(spec, path)?.into_iter().filter(selected));
    }
    if !options.case_ids.is_empty() {
        // Each `--case` is an id or a pattern (`*`): one that selects nothing is a usage error,
        // so a typo never runs an empty suite that passes.
        let selects = |pattern: &String, case: &Case| glob_match(pattern, &case.id);
        if let Some(pattern) = options
            .case_ids
            .iter()
            .find(|p| !cases.iter().any(|c| selects(p, c)))
        {
            return Err(UsageError::UnknownCase(pattern.clone()));
        }
        cases.retain(|c| options.case_ids.iter().any(|p| selects(p, c)));
    }
    Ok(cases)
}

/// `sequence::<n>`, as `--sequence` needs it.
fn check_sequence_id(id: &str) -> Result<(), UsageError> {
    let well_formed = id
        .strip_prefix("sequence::")
        .is_some_and(|n| n.parse::<usize>().is_ok());
    if well_formed {
        Ok(())
    } else {
        Err(UsageError::UnknownSequence(id.to_string()))
    }
}

/// A target chosen and its cases selected: everything before the network.
pub(super) struct Prepared {
    pub name: String,
    pub profile: Profile,
    /// Whether the profile is a shipped file (else a bare one: nothing is known of the target).
    pub profiled: bool,
    pub kind: TargetKind,
    pub cases: Vec<Case>,
    /// The files the command writes, checked before it connects (the ledger is added then).
    pub outputs: Vec<Output>,
    /// The endpoint `--endpoint` or an AWS endpoint variable set, repeated by reproductions.
    pub endpoint: Option<String>,
}

impl Prepared {
    /// The `--endpoint` a reproduction command repeats: none for the embedded reference.
    pub fn endpoint_flag(&self) -> Option<String> {
        match self.kind {
            TargetKind::Reference(_) => None,
            _ => self.endpoint.clone(),
        }
    }
}

/// Choose the target and select the cases; on a usage error, say so and return the exit code.
pub(super) fn prepare(spec: &Arc<Spec>, options: &RunOptions) -> Result<Prepared, i32> {
    let mut prepared = prepare_target(spec, options)?;
    prepared.cases = select_cases(spec, options).map_err(usage_error)?;
    Ok(prepared)
}

/// Choose the target from the flags, with no cases yet (`explore` draws its own).
pub(super) fn prepare_target(spec: &Spec, options: &RunOptions) -> Result<Prepared, i32> {
    if let Some(a) = options
        .allow
        .iter()
        .find(|a| !ALLOW_VALUES.contains(&a.as_str()))
    {
        return Err(usage_error(UsageError::UnknownAllow { value: a.clone() }));
    }
    let env = |var: &str| std::env::var(var).ok();
    let named = match options.target.as_deref() {
        Some(name) => Profile::shipped(spec, name).map_err(usage_error)?,
        None => None,
    };
    let endpoint = endpoint_setting(
        options.endpoint.as_deref(),
        options.target.as_deref(),
        named.as_ref().and_then(|p| p.endpoint_env.as_deref()),
        &env,
    )
    .map_err(usage_error)?;
    let choice = TargetChoice::from_flags(options.target.as_deref(), endpoint.as_deref());
    if choice == TargetChoice::Aws {
        embedded_safety_data(spec, "--target aws").map_err(usage_error)?;
    }
    let name = choice.name().to_string();
    let shipped = match (named, options.target.as_deref()) {
        (Some(profile), Some(target)) if target == name => Some(profile),
        _ => Profile::shipped(spec, &name).map_err(usage_error)?,
    };
    let (profile, profiled) = match shipped {
        Some(p) => (p, true),
        None => (Profile::bare(&name), false),
    };
    let kind = target_kind(options, endpoint.clone(), &choice, &profile).map_err(usage_error)?;
    Ok(Prepared {
        name,
        profile,
        profiled,
        kind,
        cases: Vec::new(),
        outputs: result_files(options),
        endpoint,
    })
}

/// Against real SES the embedded table's safety data wins: a `--specs` table is accepted only
/// when it says the same beyond prose (see [`first_gate_difference`]).
pub(super) fn embedded_safety_data(spec: &Spec, command: &'static str) -> Result<(), UsageError> {
    if spec.source == SpecSource::Embedded {
        return Ok(());
    }
    let refused = |difference: String| UsageError::SpecsSteerSafety {
        command,
        difference,
    };
    match first_gate_difference(&SpecSource::Embedded, &spec.source) {
        Ok(None) => Ok(()),
        Ok(Some(difference)) => Err(refused(difference.to_string())),
        Err(e) => Err(refused(e.to_string())),
    }
}

/// The async runtime a command runs on.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| usage_error(format!("cannot start the async runtime: {e}")))
}

/// What the target's gate enforces, from the flags and the profile. Real SES is always paced:
/// each operation at its documented rate, and 1 per second where none is documented.
pub(super) fn gate_limits(options: &RunOptions, profile: &Profile, real_aws: bool) -> GateLimits {
    GateLimits {
        allow: options.allow.clone(),
        max_requests: options.max_requests,
        pace: PaceSettings {
            per_operation: options.pace || real_aws || profile.rate_limits,
            default_rate: real_aws.then_some(1.0),
            send_rate: None,
        },
        shared_pacer: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_flag_then_the_targets_own_variable_then_the_aws_variables() {
        let vars: &'static [(&str, &str)] = &[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
            ("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:4567"),
            ("SES_CONFORMANCE_MOTO_URL", "http://127.0.0.1:5055"),
        ];
        let env = env_of(vars);
        let moto = Some("SES_CONFORMANCE_MOTO_URL");
        let flag = endpoint_setting(Some("http://127.0.0.1:9"), Some("moto"), moto, &env);
        assert_eq!(flag.ok().flatten().as_deref(), Some("http://127.0.0.1:9"));
        // moto's own variable wins: the profile reads it when the endpoint is resolved.
        let own = endpoint_setting(None, Some("moto"), moto, &env);
        assert_eq!(own.ok().flatten(), None);
        let sesv2 = endpoint_setting(None, Some("mystub"), None, &env);
        assert_eq!(
            sesv2.ok().flatten().as_deref(),
            Some("http://127.0.0.1:4567")
        );
        let generic = endpoint_setting(None, None, None, &env_of(&vars[..1]));
        assert_eq!(
            generic.ok().flatten().as_deref(),
            Some("http://127.0.0.1:4566")
        );
        // The embedded reference never reads them.
        let reference = endpoint_setting(None, Some("reference"), None, &env);
        assert_eq!(reference.ok().flatten(), None);
    }
}
