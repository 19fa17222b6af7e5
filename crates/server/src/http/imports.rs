//! Lead-list imports: upload into a campaign, read the reports, download rejected rows and the
//! template.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::csv_export::to_csv;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::upload::{CSV, spool};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::import::TEMPLATE_HEADER;
use outdial_domain::{CampaignId, ImportId, Permission};
use outdial_import::{ImportOptions, ImportReport, import_leads};
use outdial_storage::campaigns;
use outdial_storage::imports::{self, ImportRecord, Rejection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The import routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/campaigns/{id}/imports",
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/v1/imports", get(list))
        .route("/api/v1/imports/{id}", get(read))
        .route("/api/v1/imports/{id}/rejections", get(rejections))
        .route("/api/v1/imports/{id}/rejections.csv", get(rejections_csv))
        .route("/api/v1/leads/template.csv", get(template))
}

/// Options of an upload.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, for raw (non-multipart) uploads.
    pub filename: Option<String>,
}

/// The report of an import; `rejected_rows` lists the first rejected rows with line and reason.
#[derive(Serialize, ToSchema)]
pub struct ImportAnswer {
    /// The stored import's id.
    pub import_id: i64,
    /// Data rows read.
    pub rows_read: i64,
    /// Leads created.
    pub imported: i64,
    /// Rows not imported.
    pub rejected: i64,
    /// Rows rejected as duplicates (part of `rejected`).
    pub duplicates: i64,
    /// Imported leads marked do-not-call (part of `imported`).
    pub do_not_call: i64,
    /// Encoding the file was read in.
    pub encoding: String,
    /// Field separator found.
    pub delimiter: String,
    /// Rejected rows (the first ones; see `rejected_rows_truncated`).
    pub rejected_rows: Vec<Rejection>,
    /// More rows were rejected than listed; fetch them all from `rejections_csv`.
    pub rejected_rows_truncated: bool,
    /// Every rejected row as CSV.
    pub rejections_csv: String,
}

impl From<ImportReport> for ImportAnswer {
    fn from(r: ImportReport) -> Self {
        ImportAnswer {
            import_id: r.import_id.0,
            rows_read: r.counts.rows_read,
            imported: r.counts.imported,
            rejected: r.counts.rejected,
            duplicates: r.counts.duplicates,
            do_not_call: r.counts.do_not_call,
            encoding: r.encoding,
            delimiter: r.delimiter,
            rejected_rows: r.rejected_rows,
            rejected_rows_truncated: r.rejected_rows_truncated,
            rejections_csv: format!("/api/v1/imports/{}/rejections.csv", r.import_id),
        }
    }
}

/// Imports a CSV into a campaign: multipart with a `file` field, or the CSV as the body
/// (`Content-Type: text/csv`). Good rows are stored, every bad row is reported with its line
/// and reason. A file that cannot be read at all stores nothing.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/imports", tag = "imports", security(("bearer" = [])), params(("id" = i64, Path), UploadQuery),
    request_body(content((String = "text/csv"), (String = "multipart/form-data")), description = "The CSV file"),
    responses((status = 201, body = ImportAnswer), (status = 404), (status = 413, description = "Over the size limit"), (status = 415, description = "Not a CSV"), (status = 422, description = "No phone column, or unreadable text")))]
async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    request: Request,
) -> Result<(StatusCode, Json<ImportAnswer>), AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let campaign =
        campaigns::get_by_id(&mut *state.store.conn().await?, auth.tenant, CampaignId(id))
            .await
            .or_404("campaign")?;
    let max_bytes = state.config.import.max_file_mb * 1_000_000;
    let spooled = spool(request, max_bytes, q.filename, &CSV).await?;
    let opts = ImportOptions {
        filename: spooled.filename.clone(),
        created_by: auth.actor(),
        max_bytes,
        inline_rejections: state.config.import.inline_rejections,
        now: state.clock.now_ms(),
        progress: None,
    };
    let started = std::time::Instant::now();
    let report = import_leads(
        &state.store,
        &campaign,
        spooled.file.path().to_path_buf(),
        opts,
    )
    .await?;
    metrics::counter!("outdial_import_rows_total", "result" => "imported")
        .increment(report.counts.imported as u64);
    metrics::counter!("outdial_import_rows_total", "result" => "rejected")
        .increment(report.counts.rejected as u64);
    metrics::histogram!("outdial_import_duration_seconds").record(started.elapsed().as_secs_f64());
    Ok((StatusCode::CREATED, Json(report.into())))
}

/// Filters for listing imports.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Only imports into this campaign.
    pub campaign_id: Option<i64>,
}

/// Lists the tenant's imports, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", security(("bearer" = [])), params(ImportQuery), responses((status = 200, body = Vec<ImportRecord>)))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
) -> Result<Json<Vec<ImportRecord>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        imports::list(
            &mut *state.store.conn().await?,
            auth.tenant,
            q.campaign_id.map(CampaignId),
        )
        .await?,
    ))
}

/// Reads an import's record and counts.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = ImportRecord), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ImportRecord>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        imports::get_by_id(&mut *state.store.conn().await?, auth.tenant, ImportId(id))
            .await
            .or_404("import")?,
    ))
}

/// Paging through rejected rows.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RejectionQuery {
    /// Rows after this line (the previous page's `next_cursor`).
    pub cursor: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<i64>,
}

/// A page of rejected rows.
#[derive(Serialize, ToSchema)]
pub struct RejectionPage {
    /// Rows by line.
    pub items: Vec<Rejection>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<i64>,
}

/// Lists an import's rejected rows by line.
#[utoipa::path(get, path = "/api/v1/imports/{id}/rejections", tag = "imports", security(("bearer" = [])), params(("id" = i64, Path), RejectionQuery), responses((status = 200, body = RejectionPage), (status = 404)))]
async fn rejections(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RejectionQuery>,
) -> Result<Json<RejectionPage>, AppError> {
    auth.require(Permission::Read)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(AppError::BadRequest(
            "limit must be between 1 and 1000".into(),
        ));
    }
    let mut conn = state.store.conn().await?;
    let record = imports::get_by_id(&mut conn, auth.tenant, ImportId(id))
        .await
        .or_404("import")?;
    let items = imports::rejections(&mut conn, record.id, q.cursor.unwrap_or(0), limit).await?;
    let next_cursor = if items.len() as i64 == limit {
        items.last().map(|r| r.line)
    } else {
        None
    };
    Ok(Json(RejectionPage { items, next_cursor }))
}

/// Downloads every rejected row as CSV (line, kind, reason, phone, row), safe to open in a
/// spreadsheet.
#[utoipa::path(get, path = "/api/v1/imports/{id}/rejections.csv", tag = "imports", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, content_type = "text/csv", body = String), (status = 404)))]
async fn rejections_csv(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<impl IntoResponse, AppError> {
    auth.require(Permission::Read)?;
    let mut conn = state.store.conn().await?;
    let record = imports::get_by_id(&mut conn, auth.tenant, ImportId(id))
        .await
        .or_404("import")?;
    let mut rows = vec![vec![
        "line".to_string(),
        "kind".into(),
        "reason".into(),
        "phone".into(),
        "row".into(),
    ]];
    let mut after = 0;
    loop {
        let page = imports::rejections(&mut conn, record.id, after, 5000).await?;
        let Some(last) = page.last() else { break };
        after = last.line;
        rows.extend(
            page.into_iter()
                .map(|r| vec![r.line.to_string(), r.kind, r.reason, r.phone, r.raw]),
        );
    }
    let name = format!(
        "attachment; filename=\"import-{}-rejections.csv\"",
        record.id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        to_csv(rows),
    ))
}

/// Downloads the lead-list template (header and one example row). No login needed.
#[utoipa::path(get, path = "/api/v1/leads/template.csv", tag = "imports", responses((status = 200, content_type = "text/csv", body = String)))]
async fn template() -> impl IntoResponse {
    let body = format!(
        "{TEMPLATE_HEADER}\nJohn,Doe,+14155552671,US,broker,high,false,VIP customer,john@example.com,Acme Inc,America/Los_Angeles\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"outdial-leads-template.csv\"",
            ),
        ],
        body,
    )
}
