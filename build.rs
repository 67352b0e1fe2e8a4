//! Embeds the spec table (`specs/`) in the crate, so the binary works after `cargo install`
//! from any directory and after the checkout moves: `Spec::load_default` reads these files
//! through the same loader as a directory (see `src/spec/source.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let specs = root.join("specs");
    // A directory here makes cargo rerun this script when any file under it changes, is added
    // or is removed: a new operation file is embedded without a `cargo clean`.
    println!("cargo:rerun-if-changed=specs");
    let mut files = Vec::new();
    collect_json(&specs, &mut files);
    // The vendored model and the importer's output are read from the checkout by `import-model`,
    // never by a run: the binary carries the table only.
    files.retain(|f| {
        !NOT_EMBEDDED
            .iter()
            .any(|dir| f.starts_with(specs.join(dir)))
    });
    files.sort();
    let mut out = String::from("&[\n");
    for file in &files {
        let relative = file
            .strip_prefix(&specs)
            .expect("under specs/")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        // Relative to the crate that compiles it, never an absolute path: checkouts that share
        // one target dir (CI reuses one outside the clone) share this generated file, and an
        // absolute path would embed, or fail on, another checkout's table.
        let included = format!("/specs/{relative}");
        let _ = writeln!(
            out,
            "    ({relative:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {included:?}))),"
        );
    }
    out.push_str("]\n");
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("embedded_specs.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
}

/// Folders of `specs/` that are not the table.
const NOT_EMBEDDED: [&str; 2] = ["model", "imported"];

/// Every `.json` file under `dir`, recursively.
fn collect_json(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            collect_json(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
}
