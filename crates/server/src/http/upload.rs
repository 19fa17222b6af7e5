//! Receiving an uploaded file: multipart (`file` field) or a raw body of an accepted type,
//! streamed to a temporary file with the size limit checked as bytes arrive.

use crate::error::AppError;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

/// An upload on disk; the file is deleted when this is dropped.
pub struct Spooled {
    /// The temporary file.
    pub file: tempfile::NamedTempFile,
    /// The name the client gave, or the kind's default.
    pub filename: String,
}

/// What kind of file an endpoint takes.
pub struct Kind {
    /// Content types accepted as a raw body.
    pub raw_types: &'static [&'static str],
    /// The name used when the client gives none.
    pub default_name: &'static str,
    /// What the file is, in messages ("CSV", "recording").
    pub what: &'static str,
    /// The content type to name in the refusal of another.
    pub send_as: &'static str,
}

/// Lead and do-not-call lists.
pub const CSV: Kind = Kind {
    raw_types: &[
        "text/csv",
        "text/plain",
        "application/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
        "text/tab-separated-values",
    ],
    default_name: "upload.csv",
    what: "CSV",
    send_as: "text/csv",
};

/// Recordings (MP3 or WAV).
pub const AUDIO: Kind = Kind {
    raw_types: &[
        "audio/mpeg",
        "audio/mp3",
        "audio/wav",
        "audio/x-wav",
        "audio/wave",
        "audio/vnd.wave",
        "application/octet-stream",
    ],
    default_name: "recording",
    what: "recording",
    send_as: "audio/mpeg",
};

/// Spools the request body. `fallback_name` is used when the client sends none.
pub async fn spool(
    request: Request,
    max_bytes: u64,
    fallback_name: Option<String>,
    kind: &Kind,
) -> Result<Spooled, AppError> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let too_large = || {
        AppError::PayloadTooLarge(format!(
            "the file is larger than the {} MB limit for a {}{}",
            max_bytes / 1_000_000,
            kind.what,
            if kind.what == "CSV" {
                "; split it into smaller files"
            } else {
                ""
            }
        ))
    };
    let tmp = tempfile::NamedTempFile::new().map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("while creating a temporary file"))
    })?;
    let mut out =
        tokio::fs::File::from_std(tmp.reopen().map_err(|e| AppError::Internal(e.into()))?);
    let mut written: u64 = 0;
    let mut filename = fallback_name.unwrap_or_else(|| kind.default_name.into());

    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| AppError::BadRequest(format!("bad multipart body: {}", e.body_text())))?;
        let mut found = false;
        while let Some(mut field) = multipart
            .next_field()
            .await
            .map_err(|e| AppError::BadRequest(format!("bad multipart body: {}", e.body_text())))?
        {
            if field.name() != Some("file") && field.file_name().is_none() {
                continue;
            }
            if let Some(name) = field.file_name() {
                filename = name.to_string();
            }
            while let Some(chunk) = field.chunk().await.map_err(|e| {
                AppError::BadRequest(format!("the upload was interrupted: {}", e.body_text()))
            })? {
                written += chunk.len() as u64;
                if written > max_bytes {
                    return Err(too_large());
                }
                out.write_all(&chunk)
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
            }
            found = true;
            break;
        }
        if !found {
            return Err(AppError::invalid(
                "file",
                format!(
                    "the multipart body has no 'file' field; send the {} as a field named file",
                    kind.what
                ),
            ));
        }
    } else if content_type.is_empty() || kind.raw_types.iter().any(|t| content_type.starts_with(t))
    {
        let mut stream = Body::into_data_stream(request.into_body());
        while let Some(chunk) = stream.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("the upload was interrupted: {e}")))?;
            written += chunk.len() as u64;
            if written > max_bytes {
                return Err(too_large());
            }
            out.write_all(&chunk)
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
        }
    } else {
        return Err(AppError::UnsupportedMediaType(format!(
            "cannot read a '{content_type}' body; upload the file as multipart/form-data (field 'file') or send it as 'Content-Type: {}'",
            kind.send_as
        )));
    }
    out.flush()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Spooled {
        file: tmp,
        filename,
    })
}
