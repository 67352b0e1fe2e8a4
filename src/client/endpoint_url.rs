//! Endpoint URLs as the user gives them (`--endpoint`, or the variable a target's profile reads):
//! what the harness accepts before it connects. The URL is stored in every ledger entry (cleanup
//! connects only where an entry was made) and printed in reproduction commands, so it must not
//! carry a secret; and it must be a URL, so that a typo is a usage error, not an unreachable
//! target.

/// Why an endpoint URL is refused. Neither message repeats a user name or password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Not an absolute http or https URL with a host.
    #[error(
        "{shown} is not an absolute http or https URL with a host (e.g. http://127.0.0.1:5070)"
    )]
    NotAUrl {
        /// The value as given, or a stand-in when it holds an `@` (it may hold a password).
        shown: String,
    },
    /// A query string: an endpoint is a base URL, and what follows `?` (a token, a signature)
    /// would be stored in the ledger and printed like the rest.
    #[error("the URL carries a query string or a fragment; an endpoint is a base URL (scheme, host, port, path), and the URL is stored in the ledger and printed in reproduction commands; give it without them ({suggested})")]
    Query {
        /// The same URL without its query string.
        suggested: String,
    },
    /// A user name or password before the host (`user:password@`).
    #[error("the URL carries a user name or password (`user:password@`); the harness signs every request with SigV4 from the AWS credential chain, never with credentials in the URL, and the URL is stored in the ledger and printed in reproduction commands; give it without them ({suggested}) and the credentials the usual way (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)")]
    UserInfo {
        /// The same URL without its user name and password.
        suggested: String,
    },
}

/// Accept `url` when it is an absolute http or https URL with a host, no user name or password,
/// and no query string.
pub fn check_endpoint_url(url: &str) -> Result<(), EndpointError> {
    let not_a_url = || EndpointError::NotAUrl {
        shown: if url.contains('@') {
            "the value given (not repeated: it holds an @)".into()
        } else {
            format!("{url:?}")
        },
    };
    let uri: http::Uri = url.parse().map_err(|_| not_a_url())?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(EndpointError::UserInfo {
            suggested: without_userinfo(&uri),
        });
    }
    if uri.query().is_some() || url.contains('#') {
        let suggested = without_userinfo(&uri);
        let base = suggested.split(['?', '#']).next().unwrap_or_default();
        return Err(EndpointError::Query {
            suggested: base.to_string(),
        });
    }
    let web = uri
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"));
    let host = uri.host().is_some_and(|h| !h.is_empty());
    if web && host {
        Ok(())
    } else {
        Err(not_a_url())
    }
}

/// `scheme://host[:port][path]` of a URL: everything but the user name and password.
fn without_userinfo(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or_default();
    let path = if path == "/" { "" } else { path };
    format!("{scheme}://{host}{port}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_string_is_refused_and_never_repeated() {
        let refused = check_endpoint_url("http://127.0.0.1:5070/?X-Amz-Security-Token=secret123");
        let Err(e) = refused else {
            panic!("accepted a query string");
        };
        assert!(matches!(e, EndpointError::Query { .. }), "{e}");
        assert!(!e.to_string().contains("secret123"), "{e}");
        assert!(check_endpoint_url("http://127.0.0.1:5070/#frag").is_err());
    }

    #[test]
    fn absolute_http_and_https_urls_with_a_host_are_accepted() {
        for url in [
            "http://127.0.0.1:5070",
            "http://localhost:5070/",
            "https://email.eu-west-1.amazonaws.com",
            "HTTP://127.0.0.1:1",
            "http://[::1]:5070",
        ] {
            assert_eq!(check_endpoint_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn a_user_name_or_password_is_refused_without_being_repeated() {
        for url in [
            "http://user:secret@127.0.0.1:5070",
            "https://user@email.eu-west-1.amazonaws.com",
            "http://:secret@127.0.0.1:5070/path",
            "user:secret@127.0.0.1:5070",
        ] {
            let err = check_endpoint_url(url)
                .err()
                .unwrap_or_else(|| panic!("{url} accepted"));
            let message = err.to_string();
            assert!(!message.contains("secret"), "{url}: {message}");
            assert!(!message.contains("user@"), "{url}: {message}");
            assert!(message.contains("SigV4"), "{url}: {message}");
            assert!(message.contains("ledger"), "{url}: {message}");
        }
        let suggested = check_endpoint_url("http://user:secret@127.0.0.1:5070/p")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            suggested.contains("(http://127.0.0.1:5070/p)"),
            "{suggested}"
        );
    }

    #[test]
    fn anything_but_an_absolute_web_url_is_refused() {
        for url in [
            "notaurl",
            "127.0.0.1:5070",
            "ftp://127.0.0.1:5070",
            "http://",
            "/relative/path",
            "",
            "http://exa mple.org",
        ] {
            assert!(
                matches!(check_endpoint_url(url), Err(EndpointError::NotAUrl { .. })),
                "{url}"
            );
        }
        let unparsable = check_endpoint_url("http://us er:secret@host")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!unparsable.contains("secret"), "{unparsable}");
    }
}
