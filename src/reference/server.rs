//! Starting and watching a reference server: its options, what it has seen, and the running
//! `wiremock` server that answers every request through the [`Responder`](super::responder).

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use super::faults::Faults;
use super::responder::Responder;
use super::state::State;
use crate::spec::{Edition, Spec};

/// How the reference behaves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Enforce the documented rate limits (answer 429 when a call comes too soon).
    pub throttle: bool,
    /// Deliberate faults (none for the conforming reference).
    pub faults: Faults,
    /// Answer the way real SES answers today in a sandbox account (see `sandbox`); implies
    /// `throttle`.
    pub sandbox: bool,
    /// Identities that exist, verified, from the start (the ones a user of real SES verified).
    pub verified: Vec<String>,
}

/// What a reference server has seen.
#[derive(Debug, Default)]
pub struct Stats {
    /// Requests answered.
    pub requests: AtomicU64,
    /// Requests answered 429 because they came faster than the documented rate.
    pub throttled: AtomicU64,
}

/// A running reference server; it stops when dropped.
pub struct ReferenceServer {
    server: MockServer,
    stats: Arc<Stats>,
    state: Arc<Mutex<State>>,
}

impl ReferenceServer {
    /// Start a fresh reference on a free port of 127.0.0.1.
    pub async fn start(spec: Arc<Spec>, options: Options) -> ReferenceServer {
        // Request recording is off: a long run would otherwise keep every request in memory.
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Self::serve(server, spec, options).await
    }

    /// Start a fresh reference on `port` of 127.0.0.1 (0: any free port).
    pub async fn start_on(
        spec: Arc<Spec>,
        options: Options,
        port: u16,
    ) -> std::io::Result<ReferenceServer> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        let server = MockServer::builder()
            .listener(listener)
            .disable_request_recording()
            .start()
            .await;
        Ok(Self::serve(server, spec, options).await)
    }

    async fn serve(server: MockServer, spec: Arc<Spec>, options: Options) -> ReferenceServer {
        let stats = Arc::new(Stats::default());
        let mut initial =
            State::with_sandbox(Arc::clone(&spec), options.faults.clone(), options.sandbox);
        for identity in &options.verified {
            let request = serde_json::json!({"EmailIdentity": identity});
            let _ = initial.handle(
                "CreateEmailIdentity",
                request.as_object().unwrap_or(&serde_json::Map::new()),
            );
        }
        let state = Arc::new(Mutex::new(initial));
        let responder = Responder {
            stats: Arc::clone(&stats),
            spec,
            state: Arc::clone(&state),
            faults: options.faults,
            last_call: (options.throttle || options.sandbox).then(|| Mutex::new(HashMap::new())),
            edition: if options.sandbox {
                Edition::Current
            } else {
                Edition::Seed
            },
        };
        Mock::given(any())
            .respond_with(responder)
            .mount(&server)
            .await;
        ReferenceServer {
            server,
            stats,
            state,
        }
    }

    /// In the sandbox mode: every side effect that reached beyond the run's own resources (a
    /// production-access request, a billed test, a verification mail), in order.
    pub fn side_effects(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .sandbox
            .as_ref()
            .map(|s| s.side_effects.clone())
            .unwrap_or_default()
    }

    /// In the sandbox mode: recipients of accepted messages so far.
    pub fn recipients_sent(&self) -> u64 {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .sandbox
            .as_ref()
            .map(|s| s.sent)
            .unwrap_or_default()
    }

    /// What the server has seen so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.server.uri()
    }
}
