//! The one rule for "the resource is gone", used wherever a delete's answer decides whether a
//! ledger line is marked `removed`.

/// Whether a delete's answer shows the resource no longer exists: a 2xx (deleted now), or a 4xx
/// whose error type is `NotFoundException` (never existed, or already deleted; SES answers it
/// with 404). Anything else leaves it pending: a 400 `BadRequestException` says nothing about
/// whether the resource exists, a bare 404 may be a route the target lacks, and a 403, a 429 or
/// no answer at all prove nothing.
pub fn gone(status: Option<u16>, error_type: Option<&str>) -> bool {
    match status {
        Some(200..=299) => true,
        Some(400..=499) => error_type == Some("NotFoundException"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::gone;

    #[test]
    fn success_and_not_found_are_gone() {
        assert!(gone(Some(200), None));
        assert!(gone(Some(204), None));
        assert!(gone(Some(404), Some("NotFoundException")));
    }

    #[test]
    fn refusals_and_silence_are_not_gone() {
        assert!(!gone(Some(400), Some("BadRequestException")));
        assert!(!gone(Some(403), Some("AccessDeniedException")));
        assert!(!gone(Some(429), Some("TooManyRequestsException")));
        assert!(!gone(Some(500), Some("NotFoundException")));
        assert!(!gone(Some(404), None), "a bare 404 may be a missing route");
        assert!(!gone(Some(404), Some("UnknownOperationException")));
        assert!(!gone(None, None), "no answer");
        assert!(!gone(None, Some("NotFoundException")));
    }
}
