//! The `ses-conformance` command line: parses flags and calls the library.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use ses_conformance::exit;
use ses_conformance::gen::{self, Settings};
use ses_conformance::spec::Spec;

#[derive(Parser)]
#[command(name = "ses-conformance", version, about = "Property-based conformance harness for the Amazon SES v2 API")]
struct Cli {
    /// The spec directory (default: the one shipped with the crate).
    #[arg(long, global = true, env = "SES_CONFORMANCE_SPECS")]
    specs: Option<std::path::PathBuf>,
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
        #[arg(long, default_value_t = gen::DEFAULT_RANDOM_CASES)]
        cases: usize,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let spec = match cli.specs.as_deref().map(Spec::load).unwrap_or_else(Spec::load_default) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE_OR_SPEC as u8);
        }
    };
    match cli.command {
        Command::List { ops, format, seed, cases } => list(&spec, ops, format, seed, cases),
    }
}

fn check_ops(spec: &Spec, ops: &[String]) -> Result<(), String> {
    for op in ops {
        if spec.operation(op).is_none() {
            return Err(format!(
                "--op {op}: unknown operation (known: {})",
                spec.operations.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(())
}

fn list(spec: &Spec, ops: Vec<String>, format: Format, seed: u64, cases: usize) -> ExitCode {
    if let Err(e) = check_ops(spec, &ops) {
        eprintln!("error: {e}");
        return ExitCode::from(exit::USAGE_OR_SPEC as u8);
    }
    let settings = Settings { global_seed: seed, random_cases: cases, operations: ops };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for case in gen::generate(spec, &settings) {
        let line = match format {
            Format::Text => case.id,
            Format::Json => case.listing().to_string(),
        };
        if writeln!(out, "{line}").is_err() {
            // A closed pipe (`| head`) is not an error.
            return ExitCode::SUCCESS;
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}
