//! `serve`: the embedded reference on a local port.

use std::sync::Arc;

use crate::exit;
use crate::reference;
use crate::spec::Spec;

use super::prepare::{runtime, usage_error};

/// `serve`: the embedded reference on 127.0.0.1 until a stop signal.
pub fn serve(
    spec: Arc<Spec>,
    port: u16,
    sandbox: bool,
    throttle: bool,
    verified: Vec<String>,
    fault_names: Vec<String>,
) -> i32 {
    let mut faults = Vec::new();
    for name in &fault_names {
        match reference::Fault::parse(name) {
            Some(fault) => faults.push(fault),
            None => {
                let known: Vec<String> = reference::Fault::ALL.iter().map(|f| f.name()).collect();
                return usage_error(format!("--fault {name}: one of {}", known.join(", ")));
            }
        }
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async {
        let options = reference::Options {
            throttle,
            sandbox,
            verified,
            faults: reference::Faults(faults),
        };
        let server = match reference::ReferenceServer::start_on(spec, options, port).await {
            Ok(server) => server,
            Err(e) => return usage_error(format!("--port {port}: {e}")),
        };
        outln!("{}", server.url());
        errln!(
            "serving the embedded reference{} at {} (stop with Ctrl-C)",
            if sandbox {
                " in the real-SES sandbox mode"
            } else {
                ""
            },
            server.url()
        );
        crate::run::signals::stop_signal().await;
        let effects = server.side_effects();
        if !effects.is_empty() {
            errln!("side effects: {}", effects.join("; "));
        }
        exit::OK
    })
}
