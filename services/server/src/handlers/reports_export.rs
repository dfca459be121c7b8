//! `GET /api/reports/interactions.xlsx`

use std::path::{Path, PathBuf};
use std::time::Instant;

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use vc_protocol::interaction::InteractionListQuery;
use vc_runtime::{ApiError, Staff};

use crate::handlers::list::list_filter;
use crate::report::{ReportSpec, rows, write_report};
use crate::state::ServerState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Bytes read from the file per chunk of the response.
const CHUNK: usize = 64 * 1024;

/// The interactions the list would show for the same query (all of them:
/// `limit`/`offset` are ignored), as an Excel workbook: a sheet with a row
/// per interaction (its metrics, survey, recording and custom fields) and a
/// summary per agent and per day. Times are UTC. Same role scoping as the
/// list; `lang` (`ru` by default) picks the titles. See `docs/reports.md`.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(InteractionListQuery),
    responses(
        (status = 200, description = "the workbook (an attachment)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = vc_protocol::ErrorBody),
        (status = 401, body = vc_protocol::ErrorBody),
        (status = 403, body = vc_protocol::ErrorBody),
        (status = 422, body = vc_protocol::ErrorBody),
    )
)]
#[get("/api/reports/interactions.xlsx")]
pub async fn export_interactions(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<ServerState>,
    query: web::Query<InteractionListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = list_filter(&staff, &state, &q)?;
    let spec = ReportSpec {
        lang: q.lang.unwrap_or_default(),
        public_base: state.public_base(&req),
        survey: state.settings.survey().await?.questions,
        fields: state.settings.custom_fields().await?.fields,
    };
    // Waits while other exports run (at most `CONCURRENT_EXPORTS` at once).
    let _turn = state.exports.acquire().await.map_err(ApiError::internal)?;
    let started = Instant::now();
    let dir = std::env::temp_dir();
    let file = TempPath(dir.join(format!("vc-export-{:016x}.xlsx", rand::random::<u64>())));

    // The cursor feeds the writer (on a blocking thread) through a bounded
    // channel: at most `CHANNEL_ROWS` documents are in flight.
    let (tx, mut rx) = mpsc::channel(rows::CHANNEL_ROWS);
    let path = file.0.clone();
    let writer = tokio::task::spawn_blocking(move || {
        write_report(&spec, std::iter::from_fn(move || rx.blocking_recv()), &path, &dir)
    });
    let fed = rows::feed(&state.interactions, &filter, tx).await;
    let written = writer.await.map_err(ApiError::internal)?;
    fed?;
    let stats = written.map_err(ApiError::internal)?;

    let f = tokio::fs::File::open(&file.0).await.map_err(ApiError::internal)?;
    let len = f.metadata().await.map_err(ApiError::internal)?.len();
    // The open file outlives its name: the response reads it, and the
    // space is freed when it is closed (sent, or the client went away).
    drop(file);
    tracing::info!(
        user_id = %staff.id,
        rows = stats.rows,
        bytes = len,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "interactions exported"
    );
    let body = futures_util::stream::unfold(Some(f.take(len)), |f| async move {
        let mut f = f?;
        let mut buf = vec![0u8; CHUNK];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), Some(f)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, XLSX))
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file_name(q.from, q.to))))
        .no_chunking(len)
        .streaming(body))
}

/// `interactions-<from>-<to>.xlsx` with the bounds' UTC dates (`start`
/// when there is no lower bound, today when there is no upper one).
fn file_name(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> String {
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    let from = from.map_or_else(|| "start".to_owned(), day);
    let to = day(to.unwrap_or_else(Utc::now));
    format!("interactions-{from}-{to}.xlsx")
}

/// A file removed when dropped (on success once it is open, on any error).
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        remove(&self.0);
    }
}

fn remove(p: &Path) {
    if let Err(e) = std::fs::remove_file(p)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %p.display(), error = %e, "could not remove an export's temporary file");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_after_the_dates() {
        let from = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").unwrap().with_timezone(&Utc);
        let to = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(file_name(Some(from), Some(to)), "interactions-2026-11-01-2026-12-01.xlsx");
        assert!(file_name(None, Some(to)).starts_with("interactions-start-2026-12-01"));
    }
}
