//! The reference model of one sequence's own resources, and what it expects of each step.
//!
//! The model holds only what this execution created (names under its own prefix): whatever else
//! the target holds is not the model's business, and listings are compared on the prefix only.

use std::collections::BTreeMap;

use super::step::{Names, Step};

/// The documented number of policies one identity may hold.
pub const MAX_POLICIES: usize = 20;

/// What the model expects of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A success whose body shows `read`.
    Success(Read),
    /// One of these errors.
    Error(Vec<&'static str>),
    /// Either a success or this error: behaviour the text leaves open (real SES answers 404 to an
    /// update or delete of a missing policy, the 2020 text says it succeeds). The model then
    /// follows whichever the target chose, and later reads must agree with it.
    SuccessOrError(&'static str),
}

/// What a successful answer must show.
///
/// Fields: `slot` picks one of the execution's resources of that kind; `content`, `document` and
/// `data` pick one of the fixed versions written or supplied.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// Nothing beyond the documented shape.
    Nothing,
    /// Email template `slot` with content version `content`.
    Template { slot: u8, content: u8 },
    /// The stored content version `content` rendered with data set `data`.
    Rendered { content: u8, data: u8 },
    /// Custom verification template `slot` with content version `content`.
    Verification { slot: u8, content: u8 },
    /// Exactly these run policies (name to document version) in GetEmailIdentityPolicies.
    Policies(BTreeMap<String, u8>),
    /// Exactly these run policies in GetEmailIdentity's Policies.
    IdentityPolicies(BTreeMap<String, u8>),
    /// An identity of this IdentityType.
    IdentityType(&'static str),
}

/// The resources one execution holds, as far as the answers so far say.
#[derive(Debug, Clone, Default)]
pub struct Model {
    templates: BTreeMap<u8, u8>,
    verifications: BTreeMap<u8, u8>,
    policies: BTreeMap<String, u8>,
    /// Policies on the identity that are not this execution's (read by the limit step).
    foreign_policies: usize,
}

const NOT_FOUND: &str = "NotFoundException";
const ALREADY_EXISTS: &str = "AlreadyExistsException";
const LIMIT_EXCEEDED: &str = "LimitExceededException";

impl Model {
    /// What a single-call step expects now.
    pub fn expect(&self, step: Step, names: &Names) -> Expected {
        let success = Expected::Success;
        let missing = || Expected::Error(vec![NOT_FOUND]);
        match step {
            Step::CreateTemplate { slot, .. } => match self.templates.contains_key(&slot) {
                true => Expected::Error(vec![ALREADY_EXISTS]),
                false => success(Read::Nothing),
            },
            Step::UpdateTemplate { slot, .. } | Step::DeleteTemplate { slot } => {
                match self.templates.contains_key(&slot) {
                    true => success(Read::Nothing),
                    false => missing(),
                }
            }
            Step::GetTemplate { slot } => match self.templates.get(&slot) {
                Some(&content) => success(Read::Template { slot, content }),
                None => missing(),
            },
            Step::RenderTemplate { slot, data } => match self.templates.get(&slot) {
                Some(&content) => success(Read::Rendered { content, data }),
                None => missing(),
            },
            Step::CreateVerification { slot, .. } => match self.verifications.contains_key(&slot) {
                true => Expected::Error(vec![ALREADY_EXISTS]),
                false => success(Read::Nothing),
            },
            Step::UpdateVerification { slot, .. } | Step::DeleteVerification { slot } => {
                match self.verifications.contains_key(&slot) {
                    true => success(Read::Nothing),
                    false => missing(),
                }
            }
            Step::GetVerification { slot } => match self.verifications.get(&slot) {
                Some(&content) => success(Read::Verification { slot, content }),
                None => missing(),
            },
            Step::CreatePolicy { slot, .. } => self.expect_policy_creation(&names.policy(slot)),
            Step::UpdatePolicy { slot, .. } | Step::DeletePolicy { slot } => {
                match self.policies.contains_key(&names.policy(slot)) {
                    true => success(Read::Nothing),
                    false => Expected::SuccessOrError(NOT_FOUND),
                }
            }
            Step::GetPolicies => success(Read::Policies(self.policies.clone())),
            Step::GetIdentity => success(Read::IdentityPolicies(self.policies.clone())),
            Step::ListTemplates { .. }
            | Step::ListVerifications { .. }
            | Step::FillPolicies
            | Step::AddressIdentity => success(Read::Nothing),
        }
    }

    /// What creating policy `name` expects: AlreadyExists for a name in use, LimitExceeded once
    /// the identity holds the documented maximum (either, when both hold: the text does not say
    /// which check comes first).
    pub fn expect_policy_creation(&self, name: &str) -> Expected {
        let exists = self.policies.contains_key(name);
        let full = self.policies.len() + self.foreign_policies >= MAX_POLICIES;
        match (exists, full) {
            (true, true) => Expected::Error(vec![ALREADY_EXISTS, LIMIT_EXCEEDED]),
            (true, false) => Expected::Error(vec![ALREADY_EXISTS]),
            (false, true) => Expected::Error(vec![LIMIT_EXCEEDED]),
            (false, false) => Expected::Success(Read::Nothing),
        }
    }

    /// Take in the answer to a single-call step that met its expectation: `succeeded` says which
    /// way a `SuccessOrError` went.
    pub fn apply(&mut self, step: Step, names: &Names, succeeded: bool) {
        if !succeeded {
            return;
        }
        match step {
            Step::CreateTemplate { slot, content } | Step::UpdateTemplate { slot, content } => {
                self.templates.insert(slot, content);
            }
            Step::DeleteTemplate { slot } => {
                self.templates.remove(&slot);
            }
            Step::CreateVerification { slot, content }
            | Step::UpdateVerification { slot, content } => {
                self.verifications.insert(slot, content);
            }
            Step::DeleteVerification { slot } => {
                self.verifications.remove(&slot);
            }
            Step::CreatePolicy { slot, document } | Step::UpdatePolicy { slot, document } => {
                self.policies.insert(names.policy(slot), document);
            }
            Step::DeletePolicy { slot } => {
                self.policies.remove(&names.policy(slot));
            }
            _ => {}
        }
    }

    /// A policy the limit step created.
    pub fn add_policy(&mut self, name: String, document: u8) {
        self.policies.insert(name, document);
    }

    /// How many policies on the identity are not this execution's.
    pub fn set_foreign_policies(&mut self, count: usize) {
        self.foreign_policies = count;
    }

    /// How many more policies the identity may hold.
    pub fn policy_room(&self) -> usize {
        MAX_POLICIES.saturating_sub(self.policies.len() + self.foreign_policies)
    }

    /// The number of this execution's policies.
    pub fn own_policies(&self) -> usize {
        self.policies.len()
    }

    /// The names of the email templates the model holds.
    pub fn template_names(&self, names: &Names) -> Vec<String> {
        self.templates.keys().map(|&s| names.template(s)).collect()
    }

    /// The custom verification templates the model holds: name and content version.
    pub fn verifications(&self, names: &Names) -> Vec<(String, u8)> {
        self.verifications
            .iter()
            .map(|(&s, &c)| (names.verification(s), c))
            .collect()
    }

    /// Everything this execution may have created, for cleanup: every name a step touched is
    /// deleted whatever the model thinks, since a faulty target may hold what the model does not.
    pub fn policy_names(&self) -> Vec<String> {
        self.policies.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names::new("abcde")
    }

    #[test]
    fn a_created_template_reads_back_and_a_second_create_is_refused() {
        let mut model = Model::default();
        let create = Step::CreateTemplate {
            slot: 1,
            content: 2,
        };
        assert_eq!(
            model.expect(create, &names()),
            Expected::Success(Read::Nothing)
        );
        model.apply(create, &names(), true);
        assert_eq!(
            model.expect(Step::GetTemplate { slot: 1 }, &names()),
            Expected::Success(Read::Template {
                slot: 1,
                content: 2
            })
        );
        assert_eq!(
            model.expect(create, &names()),
            Expected::Error(vec![ALREADY_EXISTS])
        );
    }

    #[test]
    fn a_deleted_template_is_not_found() {
        let mut model = Model::default();
        model.apply(
            Step::CreateTemplate {
                slot: 0,
                content: 0,
            },
            &names(),
            true,
        );
        model.apply(Step::DeleteTemplate { slot: 0 }, &names(), true);
        assert_eq!(
            model.expect(Step::GetTemplate { slot: 0 }, &names()),
            Expected::Error(vec![NOT_FOUND])
        );
    }

    #[test]
    fn the_twenty_first_policy_exceeds_the_limit() {
        let mut model = Model::default();
        model.set_foreign_policies(2);
        for k in 0..18 {
            model.add_policy(names().policy(10 + k), 0);
        }
        assert_eq!(model.policy_room(), 0);
        assert_eq!(
            model.expect(
                Step::CreatePolicy {
                    slot: 0,
                    document: 0
                },
                &names()
            ),
            Expected::Error(vec![LIMIT_EXCEEDED])
        );
    }

    #[test]
    fn an_update_of_a_missing_policy_may_go_either_way() {
        let model = Model::default();
        assert_eq!(
            model.expect(
                Step::UpdatePolicy {
                    slot: 0,
                    document: 1
                },
                &names()
            ),
            Expected::SuccessOrError(NOT_FOUND)
        );
    }
}
