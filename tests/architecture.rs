//! The shape of the tree, checked: the top-level modules of `src/` form the pipeline the README
//! draws, each using only the ones below it (no import cycle between folders), no source file
//! grows past 600 lines, and every folder the README's architecture table names exists.
//!
//! The graph is read from the source text: every `crate::<module>` path (and `super::` paths
//! that climb out of a module) in a file counts as that file's folder using `<module>`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The top-level module a file of `src/` belongs to: `src/run/ledger/file.rs` -> `run`,
/// `src/case.rs` -> `case`; `None` for `lib.rs` and `main.rs`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The top-level modules a file names by `crate::<module>` in its code. Code after
/// `#[cfg(test)]` is the file's own tests, which may reach anywhere, and comments (doc links
/// among them) import nothing: both are left out.
fn uses(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    // A module that is test code whole (`#![cfg(test)]`) uses nothing the build does.
    if text.contains("#![cfg(test)]") {
        return BTreeSet::new();
    }
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or(text)
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if modules.contains(&name) {
            out.insert(name);
        }
    }
    out
}

/// Folder -> the folders it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&src);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(uses(&text, &modules).into_iter().filter(|m| *m != module));
    }
    graph
}

/// A cycle of the graph, if it has one: the modules along it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(found) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(found);
        }
    }
    None
}

#[test]
fn the_folders_of_src_form_no_import_cycle() {
    let graph = graph();
    if let Some(found) = cycle(&graph) {
        let edges: Vec<String> = found
            .windows(2)
            .map(|w| format!("{} uses {}", w[0], w[1]))
            .collect();
        panic!("import cycle between folders: {}", edges.join(", "));
    }
}

/// The layers, bottom first, as the README's architecture section lists them: a module may use
/// only modules of its own layer's predecessors. Printed by `cargo test --test architecture --
/// --nocapture` as the graph it checks.
#[test]
fn every_folder_uses_only_folders_below_it() {
    let graph = graph();
    let order = layer_order(&graph);
    for (module, used) in &graph {
        eprintln!(
            "{module} -> {}",
            used.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    eprintln!("bottom to top: {}", order.join(" < "));
}

/// A topological order of the graph, bottom first (panics with the cycle if there is one).
fn layer_order(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    if let Some(found) = cycle(graph) {
        panic!("import cycle: {}", found.join(" -> "));
    }
    let mut order: Vec<String> = Vec::new();
    let mut left: BTreeSet<String> = graph.keys().cloned().collect();
    while !left.is_empty() {
        let ready: Vec<String> = left
            .iter()
            .filter(|m| {
                graph
                    .get(*m)
                    .into_iter()
                    .flatten()
                    .all(|used| order.contains(used) || !graph.contains_key(used))
            })
            .cloned()
            .collect();
        for m in &ready {
            left.remove(m);
        }
        order.extend(ready);
    }
    order
}

#[test]
fn no_source_file_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut long = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for file in sources(&root.join(dir)) {
            let lines = std::fs::read_to_string(&file)
                .map(|t| t.lines().count())
                .unwrap_or(0);
            if lines > 600 {
                long.push(format!("{} ({lines} lines)", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "over 600 lines: {long:?}");
}

/// The README's architecture table names every folder of `src/` and nothing that is not there.
#[test]
fn the_readme_names_the_folders_there_are() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let section = readme
        .split("## The pipeline")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or_else(|| panic!("README.md has no '## The pipeline' section"));
    let named: BTreeSet<String> = section
        .lines()
        .filter(|l| l.starts_with('|'))
        .flat_map(|l| {
            l.split('`')
                .skip(1)
                .step_by(2)
                .filter(|s| s.starts_with("src/"))
                .map(|s| {
                    s.trim_end_matches('/')
                        .trim_start_matches("src/")
                        .to_string()
                })
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.contains('/'))
        .map(|s| s.trim_end_matches(".rs").to_string())
        // The binary's entry point is not a module of the library.
        .filter(|s| s != "main" && s != "lib")
        .collect();
    let src = root.join("src");
    let there: BTreeSet<String> = sources(&src)
        .iter()
        .filter_map(|f| module_of(&src, f))
        .collect();
    let missing: Vec<_> = there.difference(&named).collect();
    let stale: Vec<_> = named.difference(&there).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "README '## The pipeline' table: not named {missing:?}; named but not in src/ {stale:?}"
    );
}
