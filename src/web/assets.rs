//! `/static/…`: the stylesheet, the scripts and the vendored front-end libraries (KaTeX,
//! CodeMirror 5), embedded from `web/static/` at build time so the binary is self-contained.

use axum::{
    extract::Path,
    http::header,
    response::{IntoResponse, Response},
};
use include_dir::{include_dir, Dir};

use crate::app::error::AppError;

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/static");

/// One embedded file. Names do not carry a version, so browsers revalidate after an hour.
pub async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = STATIC.get_file(&path) else {
        return super::PageError::from(AppError::NotFound(format!("no asset {path}"))).into_response();
    };
    (
        [
            (header::CONTENT_TYPE, content_type(&path)),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        file.contents(),
    )
        .into_response()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "woff2" => "font/woff2",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}
