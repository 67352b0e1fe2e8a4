//! Which region to sign for, in the order the AWS CLI reads it: `--region`, `AWS_REGION`,
//! `AWS_DEFAULT_REGION`, then the `region` of the selected profile in the shared config file
//! (`AWS_PROFILE`, `AWS_CONFIG_FILE`, as aws-config reads them). Where none says, us-east-1:
//! the CLI would stop there, but an emulator needs some region to sign for, and the region a run
//! uses is printed with where it came from.

use aws_config::meta::region::ProvideRegion as _;

/// A region and what chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionSetting {
    /// The region, e.g. `eu-central-1`.
    pub name: String,
    /// What chose it: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, `the profile's region`,
    /// `default`.
    pub from: String,
}

/// The region when nothing names one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The region for `--region` (if given), from this process's environment and profile files.
pub fn resolve_region(flag: Option<String>) -> RegionSetting {
    resolve_with(flag, &|var| std::env::var(var).ok(), profile_region)
}

/// The order of [`resolve_region`], with the environment and the profile files given.
pub fn resolve_with(
    flag: Option<String>,
    env: &dyn Fn(&str) -> Option<String>,
    profile: impl FnOnce() -> Option<String>,
) -> RegionSetting {
    let set = |name: String, from: &str| RegionSetting {
        name,
        from: from.to_string(),
    };
    if let Some(name) = flag {
        return set(name, "--region");
    }
    for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Some(name) = env(var).filter(|v| !v.trim().is_empty()) {
            return set(name, var);
        }
    }
    match profile() {
        Some(name) => set(name, "the profile's region"),
        None => set(DEFAULT_REGION.to_string(), "default"),
    }
}

/// The selected profile's `region`, read the way aws-config reads it (a missing or unreadable
/// file is no region).
fn profile_region() -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let provider = aws_config::profile::ProfileFileRegionProvider::new();
    runtime
        .block_on(provider.region())
        .map(|region| region.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_flag_then_aws_region_then_aws_default_region_then_the_profile() {
        let all = env(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "eu-west-2"),
        ]);
        let profile = || Some("eu-central-1".to_string());
        let r = resolve_with(Some("ap-south-1".into()), &all, profile);
        assert_eq!(
            (r.name.as_str(), r.from.as_str()),
            ("ap-south-1", "--region")
        );
        let r = resolve_with(None, &all, profile);
        assert_eq!(
            (r.name.as_str(), r.from.as_str()),
            ("eu-west-1", "AWS_REGION")
        );
        let r = resolve_with(None, &env(&[("AWS_DEFAULT_REGION", "eu-west-2")]), profile);
        assert_eq!(
            (r.name.as_str(), r.from.as_str()),
            ("eu-west-2", "AWS_DEFAULT_REGION")
        );
        let r = resolve_with(None, &env(&[("AWS_REGION", " ")]), profile);
        assert_eq!(r.name, "eu-central-1", "an empty variable names no region");
        let r = resolve_with(None, &env(&[]), || None);
        assert_eq!(
            (r.name.as_str(), r.from.as_str()),
            (DEFAULT_REGION, "default")
        );
    }
}
