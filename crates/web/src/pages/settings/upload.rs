//! Multipart plumbing: an uploaded file, spooled to disk before it is read.

use axum::extract::multipart::Field;
use axum::http::StatusCode;

/// Why an upload could not be spooled.
#[derive(Debug)]
pub(super) enum Spool {
    /// The upload broke off or was too large (the status and the reason to show).
    Upload(StatusCode, String),
    /// The temporary file could not be written.
    Disk(std::io::Error),
}

/// Writes the uploaded file to an anonymous temporary file (deleted when closed,
/// also when this future is dropped by the request timeout) and rewinds it.
pub(super) async fn spool(mut field: Field<'_>) -> Result<std::fs::File, Spool> {
    use tokio::io::AsyncWriteExt;
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|e| Spool::Disk(std::io::Error::other(e)))?
        .map_err(Spool::Disk)?;
    let mut out = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => out.write_all(&chunk).await.map_err(Spool::Disk)?,
            Ok(None) => break,
            Err(e) => return Err(Spool::Upload(e.status(), e.body_text())),
        }
    }
    out.flush().await.map_err(Spool::Disk)?;
    let mut file = out.into_inner().into_std().await;
    tokio::task::spawn_blocking(move || {
        use std::io::Seek;
        file.rewind().map(|()| file)
    })
    .await
    .map_err(|e| Spool::Disk(std::io::Error::other(e)))?
    .map_err(Spool::Disk)
}
