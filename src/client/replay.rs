//! Replaying recorded answers: a `wiremock` server that answers every request with the answer
//! set for the current case, so `aws-sdk-sesv2` can parse real SES answers without touching AWS.

use std::sync::{Arc, Mutex};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use super::exchange::RawAnswer;

/// A server that answers with whatever answer is set.
pub struct ReplayServer {
    server: MockServer,
    answer: Arc<Mutex<RawAnswer>>,
}

struct Canned(Arc<Mutex<RawAnswer>>);

impl Respond for Canned {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let answer = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let content_type = answer
            .headers
            .get("content-type")
            .cloned()
            .unwrap_or_default();
        let mut template = ResponseTemplate::new(answer.status)
            .set_body_raw(answer.body.into_bytes(), &content_type);
        for (name, value) in answer
            .headers
            .iter()
            .filter(|(n, _)| n.as_str() != "content-type")
        {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        template
    }
}

impl ReplayServer {
    /// Start a server answering `200 {}` until told otherwise.
    pub async fn start() -> ReplayServer {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let answer = Arc::new(Mutex::new(RawAnswer {
            status: 200,
            headers: [("content-type".to_string(), "application/json".to_string())].into(),
            body: "{}".into(),
        }));
        Mock::given(any())
            .respond_with(Canned(Arc::clone(&answer)))
            .mount(&server)
            .await;
        ReplayServer { server, answer }
    }

    /// Answer every request with `answer` from now on.
    pub fn set(&self, answer: RawAnswer) {
        *self.answer.lock().unwrap_or_else(|p| p.into_inner()) = answer;
    }

    /// The base URL.
    pub fn url(&self) -> String {
        self.server.uri()
    }
}
