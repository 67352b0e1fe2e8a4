//! `import-model`: the vendored SES v2 model to spec files (`specs/imported/`), and what changed.

use std::path::{Path, PathBuf};

use crate::exit;
use crate::spec::import::{self, Change, Imported};
use crate::spec::Spec;

/// Where `import-model` reads and writes, and whether it writes.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The vendored model's folder (with `PROVENANCE.json`).
    pub model: PathBuf,
    /// Where the imported files go.
    pub out: PathBuf,
    /// Only say what an import would change; write nothing, exit 1 if anything would.
    pub check: bool,
}

/// `import-model`: convert every operation of the model, print what changed against the files
/// in `out`, where the hand-written table and the model differ, the model rules the table cannot
/// hold yet, and the operations still without a reviewed safety class.
pub fn import_model(spec: &Spec, options: ImportOptions) -> i32 {
    let mut imported = match import::import(&options.model) {
        Ok(imported) => imported,
        Err(e) => {
            errln!("error: {e}");
            return exit::USAGE_OR_SPEC;
        }
    };
    if let Err(e) = imported.keep_reviews(&options.out) {
        errln!("error: {e}");
        return exit::USAGE_OR_SPEC;
    }
    let changes = import::changes(&imported, &options.out);
    outln!(
        "{} {}: {} operations, {} shapes, {} error types",
        imported.provenance.package,
        imported.provenance.version,
        imported.operations.len(),
        imported.shapes.len(),
        imported.errors.len()
    );
    print_changes(&options.out, &changes);
    print_table_differences(spec, &imported);
    print_unheld(&imported);
    print_unclassified(spec, &imported);
    if options.check {
        return if changes.is_empty() {
            exit::OK
        } else {
            exit::DIVERGED
        };
    }
    match imported.write(&options.out) {
        Ok(()) => {
            outln!("wrote {}", options.out.display());
            exit::OK
        }
        Err(e) => {
            errln!("error: {e}");
            exit::IO_FAILURE
        }
    }
}

fn print_changes(out: &Path, changes: &[Change]) {
    if changes.is_empty() {
        outln!("no change against {}", out.display());
        return;
    }
    outln!("{} files change against {}:", changes.len(), out.display());
    for change in changes {
        match change {
            Change::Added(file) => outln!("  added    {file}"),
            Change::Removed(file) => outln!("  removed  {file}"),
            Change::Changed(file, paths) => outln!("  changed  {file}: {}", paths.join(", ")),
        }
    }
}

fn print_table_differences(spec: &Spec, imported: &Imported) {
    let differences = import::table_differences(spec, imported);
    outln!(
        "{} differences between the table's {} operations and the model (the table's rule stays; cite the model in a `later` row where today's SES follows it):",
        differences.len(),
        spec.operations.len() + spec.setup.len()
    );
    for d in &differences {
        outln!(
            "  {}: {}: table {}, model {}",
            d.at,
            d.what,
            d.table,
            d.model
        );
    }
}

fn print_unheld(imported: &Imported) {
    if imported.unheld.is_empty() {
        return;
    }
    outln!(
        "{} model rules the table has no kind for yet (not imported):",
        imported.unheld.len()
    );
    for u in &imported.unheld {
        outln!("  {}: {}", u.at, u.rule);
    }
}

fn print_unclassified(spec: &Spec, imported: &Imported) {
    let unclassified: Vec<&str> = imported
        .operations
        .iter()
        .filter(|(name, file)| {
            spec.operation_or_setup(name).is_none() && file.get("safety").is_none()
        })
        .map(|(name, _)| name.as_str())
        .collect();
    if !unclassified.is_empty() {
        outln!(
            "{} operations have no reviewed safety class (the gate refuses every request to them): {}",
            unclassified.len(),
            unclassified.join(", ")
        );
    }
}
