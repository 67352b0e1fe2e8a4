//! The `ses-conformance` command line: parses flags and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use ses_conformance::client::region::resolve_region;
use ses_conformance::command::durations::{DurationError, OLDER_THAN, TIME, TIMEOUT};
use ses_conformance::command::{self, CleanupOptions, ExploreFlags, RunOptions};
use ses_conformance::errln;
use ses_conformance::exit;
use ses_conformance::generate;
use ses_conformance::report::console::Detail;
use ses_conformance::spec::Spec;

#[derive(Parser)]
#[command(
    name = "ses-conformance",
    version,
    about = "Property-based conformance harness for the Amazon SES v2 API"
)]
struct Cli {
    /// The spec directory (default: the one shipped with the crate).
    #[arg(long, global = true, env = "SES_CONFORMANCE_SPECS")]
    specs: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print every case id, one per line (no network).
    List {
        /// Only this operation (repeatable).
        #[arg(long = "op")]
        ops: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Global seed mixed into every case's seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Random cases per variant on top of the boundary case.
        #[arg(long, default_value_t = generate::DEFAULT_RANDOM_CASES)]
        cases: usize,
    },
    /// Run the cases against a target and judge every answer.
    Run {
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        console: ConsoleArgs,
    },
    /// Search a target with requests drawn from the spec, shrink each divergence to its
    /// simplest request, and keep it as a regression case for `run --regressions`.
    Explore(ExploreArgs),
    /// Run the cases once and store their answers as a baseline (plain JSON files).
    Record {
        #[command(flatten)]
        run: RunArgs,
        /// The baseline directory, e.g. baselines/aws-eu-west-1.
        #[arg(long)]
        out: PathBuf,
        /// Only re-record cases recorded more than this many days ago (or never); from 0 (every
        /// case) to 3650.
        #[arg(long, value_parser = older_than_days, allow_negative_numbers = true)]
        older_than: Option<f64>,
        /// Record into a baseline of another target or region, replacing its cases.
        #[arg(long)]
        overwrite: bool,
    },
    /// Replay a baseline's cases against a target and compare the answers with the baseline.
    Diff {
        #[command(flatten)]
        run: RunArgs,
        /// The baseline directory.
        #[arg(long)]
        baseline: PathBuf,
    },
    /// Convert the vendored SES v2 model (specs/model/) to spec files (specs/imported/) and say
    /// what changed, where the table and the model differ, and which operations still need a
    /// reviewed safety class.
    ImportModel {
        /// The vendored model's folder, with its PROVENANCE.json.
        #[arg(long, default_value = "specs/model")]
        model: PathBuf,
        /// Where the imported files are written.
        #[arg(long, default_value = "specs/imported")]
        out: PathBuf,
        /// Write nothing: say what an import would change, and exit 1 if anything would.
        #[arg(long)]
        check: bool,
    },
    /// Before upgrading aws-sdk-sesv2: replay a baseline through the SDK, snapshot its wire
    /// requests, check the spec against its model, and say what changed.
    SdkCheck {
        /// The baseline to replay (default: baselines/reference).
        #[arg(long)]
        baseline: Option<PathBuf>,
    },
    /// Remove what a crashed run left behind, from its ledger (default: every unfinished
    /// ledger in the state directory).
    Cleanup {
        /// The ledger file the run wrote.
        ledger: Option<PathBuf>,
        /// The endpoint to connect to; only entries recorded at it are removed (default:
        /// AWS_ENDPOINT_URL_SESV2, then AWS_ENDPOINT_URL, as AWS SDKs read them; else real SES
        /// in --region).
        #[arg(long)]
        endpoint: Option<String>,
        /// Region: real SES's, or the one to sign for at --endpoint (default: AWS_REGION, then
        /// AWS_DEFAULT_REGION, then the profile's region, then us-east-1).
        #[arg(long)]
        region: Option<String>,
        /// Per-request timeout in seconds (more than 0, at most 600).
        #[arg(long, default_value_t = 10.0, value_parser = timeout_seconds, allow_negative_numbers = true)]
        timeout: f64,
        /// A run you vouch for, copied from its own output (`run <id>: …`): how a ledger made
        /// on another machine (a CI artifact) is cleaned up (repeatable).
        #[arg(long = "run-id")]
        run_ids: Vec<String>,
        /// The installation key of the machine that made a ledger
        /// (`~/.local/state/ses-conformance/key` there), vouching for its runs (repeatable).
        #[arg(long = "key-file")]
        key_files: Vec<PathBuf>,
        /// sends-mail: delete identities of real SES a run added under that opt-in (the run's
        /// ledger proves them; nothing else deletes an identity).
        #[arg(long, value_delimiter = ',')]
        allow: Vec<String>,
    },
    /// Serve the embedded reference on a local port until stopped: a target for other tools, or
    /// (with --sandbox) a stand-in for real SES to try `--target aws` against.
    Serve {
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Answer the way real SES answers today in a sandbox account (see README).
        #[arg(long)]
        sandbox: bool,
        /// Enforce the documented rate limits.
        #[arg(long)]
        throttle: bool,
        /// An identity that exists, verified, from the start (repeatable).
        #[arg(long = "identity")]
        identities: Vec<String>,
        /// A deliberate fault, to see the harness catch it (repeatable; kebab-case names of
        /// `src/target/reference/faults.rs`, e.g. update-template-ignored).
        #[arg(long = "fault")]
        faults: Vec<String>,
    },
    /// Render a Markdown conformance matrix from result files written by `run --json`.
    Report {
        /// Result files (JSON lines).
        #[arg(required = true)]
        results: Vec<PathBuf>,
    },
}

/// Where to connect and the rules every request obeys: what `run`, `record`, `diff` and
/// `explore` share.
#[derive(clap::Args)]
struct TargetArgs {
    /// Endpoint URL of the target (default: AWS_ENDPOINT_URL_SESV2, then AWS_ENDPOINT_URL, as
    /// AWS SDKs read them; else the embedded reference, or the target's own variable).
    #[arg(long)]
    endpoint: Option<String>,
    /// Target name: reference, moto, aws-ses-v2-local, aws, or any name (selects the profile in specs/targets/).
    #[arg(long)]
    target: Option<String>,
    /// Region to sign for (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's
    /// region, then us-east-1: the AWS CLI's order).
    #[arg(long)]
    region: Option<String>,
    /// Per-request timeout in seconds (more than 0, at most 600).
    #[arg(long, default_value_t = 10.0, value_parser = timeout_seconds, allow_negative_numbers = true)]
    timeout: f64,
    /// Real SES: an identity (domain or address) you verified; the harness never verifies one.
    #[arg(long)]
    identity: Option<String>,
    /// Real SES: your account id, for ARNs in policy documents (never printed).
    #[arg(long)]
    account_id: Option<String>,
    /// Real SES: opt in to valid calls that reach beyond the harness's resources
    /// (account-change, sends-mail, billable; comma-separated).
    #[arg(long, value_delimiter = ',')]
    allow: Vec<String>,
    /// Most requests the run may send (cases, fixtures, removals and retries all count).
    #[arg(long)]
    max_requests: Option<u64>,
    /// Real SES: most recipients the run may mail (default: half of what is left of the
    /// account's 24-hour quota; never more than what is left).
    #[arg(long)]
    max_sends: Option<u64>,
    /// Record every resource before creating it (always on for real SES).
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// The embedded reference enforces the documented rate limits.
    #[arg(long)]
    throttle: bool,
    /// Pace calls at the documented rate limits (always on for real SES).
    #[arg(long)]
    pace: bool,
    /// Run every case even when none of the first 20 answers looks like SES (by default the run
    /// stops then, exit 3: the endpoint is probably not an SES v2 endpoint).
    #[arg(long)]
    keep_going: bool,
}

#[derive(clap::Args)]
struct RunArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Only this operation (repeatable).
    #[arg(long = "op")]
    ops: Vec<String>,
    /// Only this case id, or the ids this pattern matches (`*` matches any run of characters,
    /// e.g. 'list_email_templates::invalid::*'); repeatable.
    #[arg(long = "case")]
    cases_only: Vec<String>,
    /// Model-based sequences to run after the cases (default 80; 4 against real SES, where each
    /// step is paced; 0 for none).
    #[arg(long)]
    sequences: Option<usize>,
    /// Run only this sequence (`sequence::<n>`) and no case: how a failing one is reproduced.
    #[arg(long)]
    sequence: Option<String>,
    /// Global seed mixed into every case's seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Random cases per constraint on top of the boundaries.
    #[arg(long, default_value_t = generate::DEFAULT_RANDOM_CASES)]
    cases: usize,
    /// Write one JSON record per case to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write JUnit XML to this file.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Cases in flight at once, at least 1 (default: 1, or 8 when calls are paced, as against
    /// real SES).
    #[arg(long, value_parser = cases_in_flight, allow_negative_numbers = true)]
    concurrency: Option<usize>,
    /// Print what would be sent, created and removed; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replay every finding kept in this regressions file (written by `explore`) as a case
    /// `<operation>::regression::<hash>`; a missing file holds none.
    #[arg(long)]
    regressions: Option<PathBuf>,
}

/// How much `run` prints once it is over.
#[derive(clap::Args)]
struct ConsoleArgs {
    /// Print every failing case in full, the per-operation table and every group of failures
    /// (by default: the parity summary and the largest groups of failures).
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Print the summary line only (and no line per failing case while the run goes).
    #[arg(short, long)]
    quiet: bool,
}

impl ConsoleArgs {
    fn detail(&self) -> Detail {
        match (self.verbose, self.quiet) {
            (true, _) => Detail::Verbose,
            (_, true) => Detail::Quiet,
            _ => Detail::Summary,
        }
    }
}

#[derive(clap::Args)]
struct ExploreArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Only this operation (repeatable).
    #[arg(long = "op")]
    ops: Vec<String>,
    /// Most requests of the explored operations, shrink steps included (default: 500 unless
    /// --time is given).
    #[arg(long, conflicts_with = "time")]
    budget: Option<usize>,
    /// Stop drawing after this many seconds (more than 0, at most 604800: a week).
    #[arg(long, value_parser = time_seconds, allow_negative_numbers = true)]
    time: Option<f64>,
    /// The seed of the search (default: one is picked and printed).
    #[arg(long)]
    seed: Option<u64>,
    /// Write one JSON line per finding (run's record plus the original request and the shrink
    /// steps) and a coverage line to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Keep the findings in this file (default: regressions/<target>.json).
    #[arg(long)]
    regressions: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// `--timeout`: refused, naming the flag, unless a finite number of seconds in (0, 600].
fn timeout_seconds(text: &str) -> Result<f64, DurationError> {
    TIMEOUT.parse(text)
}

/// `--concurrency`: a whole number of cases in flight, at least 1.
fn cases_in_flight(text: &str) -> Result<usize, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if n >= 1 => usize::try_from(n).map_err(|e| e.to_string()),
        Ok(n) => Err(format!(
            "{n} cases in flight would run nothing: give at least 1"
        )),
        Err(_) => Err(format!("`{text}` is not a whole number of cases in flight")),
    }
}

/// `explore --time`: refused unless a finite number of seconds in (0, a week].
fn time_seconds(text: &str) -> Result<f64, DurationError> {
    TIME.parse(text)
}

/// `record --older-than`: refused unless a finite number of days in [0, 3650].
fn older_than_days(text: &str) -> Result<f64, DurationError> {
    OLDER_THAN.parse(text)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() {
                exit::USAGE_OR_SPEC
            } else {
                exit::OK
            };
            return ExitCode::from(code as u8);
        }
    };
    let spec = match cli
        .specs
        .as_deref()
        .map(Spec::load)
        .unwrap_or_else(Spec::load_default)
    {
        Ok(spec) => Arc::new(spec),
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(exit::USAGE_OR_SPEC as u8);
        }
    };
    if writes_json_to_stdout(&cli.command) {
        ses_conformance::output::human_output_on_stderr();
    }
    let code = match cli.command {
        Command::List {
            ops,
            format,
            seed,
            cases,
        } => command::list(&spec, ops, matches!(format, Format::Json), seed, cases),
        Command::Run { run, console } => command::run(
            spec,
            RunOptions {
                console: console.detail(),
                ..run_options(run)
            },
        ),
        Command::Explore(args) => command::explore(spec, explore_flags(args)),
        Command::Record {
            run,
            out,
            older_than,
            overwrite,
        } => command::record(spec, run_options(run), out, older_than, overwrite),
        Command::Diff { run, baseline } => command::diff(spec, run_options(run), baseline),
        Command::SdkCheck { baseline } => command::sdk_check(baseline),
        Command::ImportModel { model, out, check } => {
            command::import_model(&spec, command::ImportOptions { model, out, check })
        }
        Command::Cleanup {
            ledger,
            endpoint,
            region,
            timeout,
            run_ids,
            key_files,
            allow,
        } => command::cleanup(
            spec,
            CleanupOptions {
                ledger,
                endpoint,
                region: resolve_region(region).name,
                timeout_secs: timeout,
                run_ids,
                key_files,
                allow,
            },
        ),
        Command::Report { results } => command::report(&results),
        Command::Serve {
            port,
            sandbox,
            throttle,
            identities,
            faults,
        } => command::serve(spec, port, sandbox, throttle, identities, faults),
    };
    ExitCode::from(code as u8)
}

/// `--json -`: the JSON lines go to stdout, so everything people read goes to stderr.
fn writes_json_to_stdout(command: &Command) -> bool {
    let json = match command {
        Command::Run { run: a, .. }
        | Command::Record { run: a, .. }
        | Command::Diff { run: a, .. } => &a.json,
        Command::Explore(a) => &a.json,
        _ => return false,
    };
    json.as_deref()
        .is_some_and(ses_conformance::output::is_stdout)
}

/// The options of a run on the target the flags name; everything else at its default.
fn target_options(t: TargetArgs) -> RunOptions {
    let region = resolve_region(t.region);
    RunOptions {
        endpoint: t.endpoint,
        target: t.target,
        region: region.name,
        region_from: region.from,
        timeout_secs: t.timeout,
        identity: t.identity,
        account_id: t.account_id,
        allow: t.allow,
        max_requests: t.max_requests,
        max_sends: t.max_sends,
        ledger: t.ledger,
        reference_throttle: t.throttle,
        pace: t.pace,
        keep_going: t.keep_going,
        ..RunOptions::default()
    }
}

fn run_options(a: RunArgs) -> RunOptions {
    RunOptions {
        ops: a.ops,
        case_ids: a.cases_only,
        sequences: a.sequences,
        sequence: a.sequence,
        seed: a.seed,
        random_cases: a.cases,
        json: a.json,
        junit: a.junit,
        concurrency: a.concurrency,
        dry_run: a.dry_run,
        regressions: a.regressions,
        ..target_options(a.target)
    }
}

fn explore_flags(a: ExploreArgs) -> ExploreFlags {
    ExploreFlags {
        run: RunOptions {
            ops: a.ops,
            json: a.json,
            regressions: a.regressions,
            ..target_options(a.target)
        },
        budget: a.budget,
        time_secs: a.time,
        seed: a.seed,
    }
}
