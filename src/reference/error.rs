//! The error a reference handler answers with: an SES error type and its message.

/// An error answer: its type (from the SES model) and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error_type}: {message}")]
pub struct ApiError {
    /// The error type, e.g. `NotFoundException`.
    pub error_type: String,
    /// The message.
    pub message: String,
}

impl ApiError {
    pub(super) fn new(error_type: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            error_type: error_type.into(),
            message: message.into(),
        }
    }

    /// `BadRequestException`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        Self::new("BadRequestException", message)
    }

    pub(super) fn not_found(message: impl Into<String>) -> ApiError {
        Self::new("NotFoundException", message)
    }

    pub(super) fn already_exists(message: impl Into<String>) -> ApiError {
        Self::new("AlreadyExistsException", message)
    }
}
