//! The answer with a problem's statement file (an image, a PDF, an attachment), the same from the
//! API and the pages: its own content type, `nosniff` (set for every response), and a
//! Content-Security-Policy `sandbox` so that a file opened by itself (an SVG, a PDF) runs no
//! script and reaches nothing of the site. Files that are not shown in a page are downloads.

use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};

use super::error::AppError;
use crate::problems::statements::ServedFile;

/// Applies to the file alone, overriding the site's policy for pages.
const FILE_POLICY: &str = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

/// Reads the cached file and answers with it.
pub async fn answer(file: ServedFile) -> Result<Response, AppError> {
    let bytes = tokio::fs::read(&file.path).await.map_err(|err| {
        AppError::Internal(anyhow::Error::new(err).context("cannot read a cached statement file"))
    })?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_POLICY),
    );
    // Visibility can change (unpublishing), so no shared cache keeps a copy.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    if file.download {
        let name: String = file
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect();
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}
