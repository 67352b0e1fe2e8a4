//! The account: its quota and details, and a request for production access.

use serde_json::{json, Map, Value};

use crate::reference::error::ApiError;
use crate::reference::state::{Reply, State};

impl State {
    pub(super) fn account(&self) -> Value {
        let (max, rate, sent) = match &self.sandbox {
            Some(s) => (s.max_24_hour_send as f64, s.max_send_rate, s.sent as f64),
            None => (200.0, 1.0, self.sent as f64),
        };
        json!({
            "DedicatedIpAutoWarmupEnabled": false,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": false,
            "SendQuota": {"Max24HourSend": max, "MaxSendRate": rate, "SentLast24Hours": sent},
            "SendingEnabled": true,
            "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            "Details": self.account_details
        })
    }

    pub(super) fn put_account_details(&mut self, request: &Map<String, Value>) -> Reply {
        if let Some(sandbox) = &mut self.sandbox {
            // A second request while the review is open conflicts, with no message.
            if sandbox.review_open {
                return Err(ApiError::new("ConflictException", ""));
            }
            sandbox.review_open = true;
            sandbox.record("PutAccountDetails filed a production-access request".into());
        }
        let mut details = request.clone();
        details.shift_remove("ProductionAccessEnabled");
        details.insert(
            "ReviewDetails".into(),
            json!({"Status": "PENDING", "CaseId": "reference-case"}),
        );
        self.account_details = Value::Object(details);
        Ok(json!({}))
    }
}
