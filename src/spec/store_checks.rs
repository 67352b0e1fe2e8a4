//! What a resource family's `store` (the reference's words and defaults) and `per_account`
//! quota must be to load: each names what exists and fits the other, so the reference never
//! answers what SES could not, and a quota is never declared without the reference keeping it.

use std::path::Path;

use super::load::SpecError;
use super::{ResourceDef, Spec};

/// Every rule of a family's store and quota; the first broken one, naming its JSON path.
pub(super) fn check_store(
    spec: &Spec,
    kind: &str,
    def: &ResourceDef,
    file: &Path,
) -> Result<(), SpecError> {
    check_store_defaults(spec, kind, def, file)?;
    check_quota(kind, def, file)?;
    check_restamped(kind, def, file)
}

/// A family's `store.defaults` name input members of its create, with a value that member
/// takes (one of its enum's values): a default the create could not carry would make the
/// reference answer what SES never could.
fn check_store_defaults(
    spec: &Spec,
    kind: &str,
    def: &ResourceDef,
    file: &Path,
) -> Result<(), SpecError> {
    let Some(store) = &def.store else {
        return Ok(());
    };
    let create = spec.operation_or_setup(&def.create);
    for (member, value) in &store.defaults {
        let path = format!("$.{kind}.store.defaults.{member}");
        let Some(input) = create.and_then(|op| op.input.get(member)) else {
            return Err(SpecError::invalid(
                file,
                path,
                format!("`{}` has no input member `{member}`", def.create),
            ));
        };
        let fits = match spec.enum_values(input) {
            Some(values) => value
                .as_str()
                .is_some_and(|v| values.iter().any(|e| e == v)),
            None => true,
        };
        if !fits {
            return Err(SpecError::invalid(
                file,
                path,
                format!("{value} is not a value of `{member}`"),
            ));
        }
    }
    Ok(())
}

/// A quota of at least one item, whose refusal the store has words for (else the reference would
/// quietly not keep it); and refusal words only beside a quota.
fn check_quota(kind: &str, def: &ResourceDef, file: &Path) -> Result<(), SpecError> {
    let refusal = def.store.as_ref().and_then(|s| s.over_quota.as_ref());
    match (&def.per_account, refusal) {
        (Some(quota), _) if quota.max == 0 => Err(SpecError::invalid(
            file,
            format!("$.{kind}.per_account.max"),
            "a family the account may hold none of cannot be tested: max must be at least 1",
        )),
        (Some(_), None) if def.store.is_some() => Err(SpecError::invalid(
            file,
            format!("$.{kind}.store"),
            "the family has a per_account quota, but its store has no `over_quota` words: the reference would not keep the quota",
        )),
        (None, Some(_)) => Err(SpecError::invalid(
            file,
            format!("$.{kind}.store.over_quota"),
            "refusal words for a quota the family does not have (`per_account`)",
        )),
        _ => Ok(()),
    }
}

/// A member set again at each update is one the create stamps too.
fn check_restamped(kind: &str, def: &ResourceDef, file: &Path) -> Result<(), SpecError> {
    let Some(store) = &def.store else {
        return Ok(());
    };
    for (i, member) in store.restamped.iter().enumerate() {
        if !store.stamped.contains(member) {
            return Err(SpecError::invalid(
                file,
                format!("$.{kind}.store.restamped[{i}]"),
                format!("`{member}` is restamped at each update but not stamped at the create (`stamped`)"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{AccountQuota, StoreRefusal};

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn broken(spec: &Spec, kind: &str) -> String {
        let def = &spec.resources[kind];
        check_store(spec, kind, def, Path::new("specs/resources.json"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_shipped_families_pass() {
        let spec = spec();
        for kind in spec.resources.keys() {
            assert_eq!(broken(&spec, kind), "", "{kind}");
        }
    }

    #[test]
    fn a_quota_needs_room_and_the_stores_refusal_and_the_refusal_a_quota() {
        let mut spec = spec();
        let lists = spec
            .resources
            .get_mut("contact_list")
            .unwrap_or_else(|| panic!("no contact_list"));
        lists.per_account = Some(AccountQuota {
            max: 0,
            source: "test".into(),
        });
        assert!(broken(&spec, "contact_list").contains("$.contact_list.per_account.max"));
        let lists = spec
            .resources
            .get_mut("contact_list")
            .unwrap_or_else(|| panic!("no contact_list"));
        lists.per_account = Some(AccountQuota {
            max: 1,
            source: "test".into(),
        });
        if let Some(store) = lists.store.as_mut() {
            store.over_quota = None;
        }
        assert!(broken(&spec, "contact_list").contains("no `over_quota` words"));
        let templates = spec
            .resources
            .get_mut("email_template")
            .unwrap_or_else(|| panic!("no email_template"));
        if let Some(store) = templates.store.as_mut() {
            store.over_quota = Some(StoreRefusal {
                error: "BadRequestException".into(),
                message: "full".into(),
            });
        }
        assert!(broken(&spec, "email_template").contains("$.email_template.store.over_quota"));
    }

    #[test]
    fn a_member_restamped_at_updates_is_stamped_at_the_create() {
        let mut spec = spec();
        let lists = spec
            .resources
            .get_mut("contact_list")
            .unwrap_or_else(|| panic!("no contact_list"));
        if let Some(store) = lists.store.as_mut() {
            store.restamped.push("UpdatedAt".into());
        }
        assert!(broken(&spec, "contact_list").contains("$.contact_list.store.restamped[1]"));
    }

    #[test]
    fn a_family_living_in_one_with_a_quota_shares_it_and_others_have_none() {
        let mut spec = spec();
        assert_eq!(
            spec.quota_family_of("contact_list")
                .map(|(k, q)| (k, q.max)),
            Some(("contact_list", 1))
        );
        assert!(spec.quota_family_of("email_template").is_none());
        assert!(spec.quota_family_of("no_such_family").is_none());
        let mut contact = spec.resources["email_template"].clone();
        contact.parent = Some("contact_list".into());
        spec.resources.insert("contact".into(), contact);
        assert_eq!(
            spec.quota_family_of("contact").map(|(k, _)| k),
            Some("contact_list")
        );
    }
}
