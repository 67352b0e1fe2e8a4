//! The JSON result file: one record per line.

use std::io::{BufRead, Write};
use std::path::Path;

use super::record::Record;

/// Write records as JSON lines.
pub fn write(path: &Path, records: &[Record]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for record in records {
        serde_json::to_writer(&mut out, record)?;
        writeln!(out)?;
    }
    out.flush()
}

/// Read a result file written by `write`, naming the file and line of anything unreadable.
pub fn read(path: &Path) -> Result<Vec<Record>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line)
            .map_err(|e| format!("{}: line {}: {e}", path.display(), i + 1))?;
        out.push(record);
    }
    Ok(out)
}
