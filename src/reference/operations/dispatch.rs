//! How an operation is answered: by the named behaviour its spec gives (`reference`), else as
//! plain CRUD on its family's store (`crud.rs`), else not at all.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::reference::error::ApiError;
use crate::reference::state::{Reply, State};
use crate::spec::ReferenceBehaviour as B;

impl State {
    /// Run one validated request.
    pub fn handle(&mut self, operation: &str, request: &Map<String, Value>) -> Reply {
        let spec = Arc::clone(&self.spec);
        let Some(op) = spec.operation_or_setup(operation) else {
            return Err(not_implemented(operation));
        };
        match op.reference {
            Some(behaviour) => self.behave(behaviour, request),
            None => self
                .crud(&spec, op, request)
                .unwrap_or_else(|| Err(not_implemented(operation))),
        }
    }

    /// The one registry of named behaviours: what plain CRUD does not cover.
    fn behave(&mut self, behaviour: B, request: &Map<String, Value>) -> Reply {
        match behaviour {
            B::RenderTemplate => self.render_template(request),
            B::SendCustomVerificationEmail => self.send_custom(request),
            B::ReadIdentity => self.get_identity(request),
            B::CreateIdentity => self.create_identity(request),
            B::ReadPolicies => self.get_policies(request),
            B::CreatePolicy => self.create_policy(request),
            B::UpdatePolicy => self.update_policy(request),
            B::DeletePolicy => self.delete_policy(request),
            B::ReadAccount => Ok(self.account()),
            B::PutAccountDetails => self.put_account_details(request),
            B::SendEmail => self.send_email(request),
            B::SendBulkEmail => self.send_bulk_email(request),
            B::CreateDeliverabilityTestReport => self.create_report(request),
        }
    }
}

/// What the reference answers an operation it has no way to answer.
fn not_implemented(operation: &str) -> ApiError {
    ApiError::new(
        "UnknownOperationException",
        format!("{operation} is not implemented"),
    )
}
