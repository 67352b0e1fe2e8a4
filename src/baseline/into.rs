//! Whether `record` may write into a directory that already holds a baseline: re-recording the
//! same target, region and settings (all cases, or the stale ones with `--older-than`) is what a
//! baseline is for; a record of another target or region would silently replace what was
//! recorded, so it needs `--overwrite`.

use std::path::{Path, PathBuf};

use super::files::{read_meta, BaselineError, Meta, META_FILE};

/// Why a record may not go into an existing baseline.
#[derive(Debug, thiserror::Error)]
pub enum RecordIntoError {
    /// The baseline was recorded from another target or region.
    #[error("{dir}: a baseline recorded from target {recorded} in {recorded_region}; recording target {target} in {region} into it would overwrite its cases (pass --overwrite to replace them, or --out another directory)", dir = .dir.display())]
    OtherTarget {
        /// The baseline directory.
        dir: PathBuf,
        /// The target it was recorded from.
        recorded: String,
        /// The region it was recorded in.
        recorded_region: String,
        /// The target of this record.
        target: String,
        /// The region of this record.
        region: String,
    },
    /// The baseline's cases were drawn with other settings: their ids would not match.
    #[error("{dir}: recorded with --seed {seed} --cases {random_cases}; re-record with the same settings or into a new directory", dir = .dir.display())]
    OtherSettings {
        /// The baseline directory.
        dir: PathBuf,
        /// The seed its cases were drawn with.
        seed: u64,
        /// The random cases per constraint they were drawn with.
        random_cases: usize,
    },
    /// The directory has a `baseline.json` that does not load.
    #[error("{source}; not a baseline a record can add to (pass --overwrite to replace it, or --out another directory)")]
    Unreadable {
        /// Why.
        #[source]
        source: BaselineError,
    },
}

/// Whether a record described by `recording` may write into `dir`: a directory without a
/// baseline always, one of the same target and region always, another with `overwrite`. Cases
/// drawn with another seed or case count never mix with the recorded ones.
pub fn may_record_into(
    dir: &Path,
    recording: &Meta,
    overwrite: bool,
) -> Result<(), RecordIntoError> {
    if !dir.join(META_FILE).exists() {
        return Ok(());
    }
    let recorded = match read_meta(dir) {
        Ok(meta) => meta,
        Err(_) if overwrite => return Ok(()),
        Err(source) => return Err(RecordIntoError::Unreadable { source }),
    };
    if (recorded.seed, recorded.random_cases) != (recording.seed, recording.random_cases) {
        return Err(RecordIntoError::OtherSettings {
            dir: dir.to_path_buf(),
            seed: recorded.seed,
            random_cases: recorded.random_cases,
        });
    }
    let same_source =
        (&recorded.target, &recorded.region) == (&recording.target, &recording.region);
    if same_source || overwrite {
        Ok(())
    } else {
        Err(RecordIntoError::OtherTarget {
            dir: dir.to_path_buf(),
            recorded: recorded.target,
            recorded_region: recorded.region,
            target: recording.target.clone(),
            region: recording.region.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::files::write_meta;
    use super::*;

    fn meta(target: &str, region: &str, seed: u64) -> Meta {
        Meta {
            target: target.into(),
            region: region.into(),
            seed,
            random_cases: 2,
        }
    }

    fn baseline_of(name: &str, recorded: &Meta) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ses-conformance-into-{name}-{}",
            crate::case::new_run_id()
        ));
        write_meta(&dir, recorded).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    #[test]
    fn the_same_target_and_region_may_re_record() {
        let aws = meta("aws", "eu-west-1", 0);
        let dir = baseline_of("same", &aws);
        assert!(may_record_into(&dir, &aws, false).is_ok());
        assert!(may_record_into(&dir.join("new"), &meta("moto", "x", 9), false).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn another_target_or_region_needs_overwrite() {
        let dir = baseline_of("other", &meta("aws", "eu-west-1", 0));
        for recording in [meta("moto", "eu-west-1", 0), meta("aws", "us-east-1", 0)] {
            let err = may_record_into(&dir, &recording, false)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.contains("recorded from target aws in eu-west-1"),
                "{err}"
            );
            assert!(err.contains("--overwrite"), "{err}");
            assert!(err.contains(&dir.display().to_string()), "{err}");
            assert!(may_record_into(&dir, &recording, true).is_ok());
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn other_settings_never_mix_and_an_unreadable_baseline_needs_overwrite() {
        let dir = baseline_of("settings", &meta("aws", "eu-west-1", 0));
        let reseeded = meta("aws", "eu-west-1", 7);
        for overwrite in [false, true] {
            assert!(matches!(
                may_record_into(&dir, &reseeded, overwrite),
                Err(RecordIntoError::OtherSettings { .. })
            ));
        }
        std::fs::write(dir.join(META_FILE), "{").unwrap_or_else(|e| panic!("{e}"));
        let aws = meta("aws", "eu-west-1", 0);
        assert!(matches!(
            may_record_into(&dir, &aws, false),
            Err(RecordIntoError::Unreadable { .. })
        ));
        assert!(may_record_into(&dir, &aws, true).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
