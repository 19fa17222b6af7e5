//! The tenant's do-not-call list: add, remove, check, list, and import a file.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::upload::{CSV, spool};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::{Country, Permission, PhoneNumber};
use outdial_import::{DncImportReport, import_dnc_file};
use outdial_storage::dnc::{self, DncEntry, Origin};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The do-not-call routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dnc", get(list).post(add))
        .route(
            "/api/v1/dnc/import",
            post(import).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/v1/dnc/{phone}", get(check).delete(remove))
}

/// A number to list.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNumber {
    /// The number, in any common format.
    pub phone: String,
    /// Its country when written without `+` (default US).
    pub country: Option<String>,
    /// Why, e.g. "asked on a call".
    #[serde(default)]
    pub reason: String,
}

/// A listed number and the leads it marked.
#[derive(Serialize, ToSchema)]
pub struct Added {
    /// The entry.
    pub entry: DncEntry,
    /// False when the number was already listed.
    pub newly_listed: bool,
    /// Leads of the tenant newly marked do-not-call.
    pub leads_marked: u64,
}

/// Whether a number is listed.
#[derive(Serialize, ToSchema)]
pub struct Check {
    /// The number, E.164.
    pub phone: String,
    /// Listed or not.
    pub listed: bool,
    /// The entry, when listed.
    pub entry: Option<DncEntry>,
}

/// Paging and search.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DncQuery {
    /// Numbers containing these digits.
    pub q: Option<String>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<i64>,
}

/// A page of the list.
#[derive(Serialize, ToSchema)]
pub struct DncPage {
    /// Entries by number.
    pub items: Vec<DncEntry>,
    /// Numbers on the list in all.
    pub total: i64,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// Options of a file import.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DncImportQuery {
    /// Country of numbers written without `+` (default US).
    pub country: Option<String>,
    /// Why these numbers are listed.
    pub reason: Option<String>,
}

fn parse_phone(raw: &str, country: Option<&str>) -> Result<PhoneNumber, AppError> {
    let country = match country {
        Some(c) => Country::parse(c).map_err(|e| AppError::invalid("country", e.to_string()))?,
        None => Country::US,
    };
    PhoneNumber::parse(raw, country).map_err(|e| AppError::invalid("phone", e.to_string()))
}

/// Lists the tenant's do-not-call numbers.
#[utoipa::path(get, path = "/api/v1/dnc", tag = "dnc", security(("bearer" = [])), params(DncQuery), responses((status = 200, body = DncPage)))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DncQuery>,
) -> Result<Json<DncPage>, AppError> {
    auth.require(Permission::Read)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(AppError::BadRequest(
            "limit must be between 1 and 1000".into(),
        ));
    }
    let mut conn = state.store.conn().await?;
    let items = dnc::list(
        &mut conn,
        auth.tenant,
        q.q.as_deref(),
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    let total = dnc::count(&mut conn, auth.tenant).await?;
    let next_cursor = if items.len() as i64 == limit {
        items.last().map(|e| e.phone.clone())
    } else {
        None
    };
    Ok(Json(DncPage {
        items,
        total,
        next_cursor,
    }))
}

/// Puts a number on the list at once and marks every lead of the tenant with that number.
/// Every role may do this: a person's request not to be called is honoured immediately.
#[utoipa::path(post, path = "/api/v1/dnc", tag = "dnc", security(("bearer" = [])), request_body = AddNumber, responses((status = 201, body = Added), (status = 200, body = Added, description = "Already listed"), (status = 422)))]
async fn add(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<AddNumber>,
) -> Result<(StatusCode, Json<Added>), AppError> {
    auth.require(Permission::AddDoNotCall)?;
    let phone = parse_phone(&body.phone, body.country.as_deref())?;
    let actor = auth.actor();
    let mut tx = state.store.begin().await?;
    let (listed, marked) = dnc::add(
        &mut tx,
        auth.tenant,
        std::slice::from_ref(&phone),
        &Origin {
            source: "api",
            reason: body.reason.trim(),
            created_by: &actor,
        },
        state.clock.now_ms(),
    )
    .await?;
    let entry = dnc::find(&mut tx, auth.tenant, &phone)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a listed number vanished")))?;
    tx.commit().await?;
    tracing::info!(tenant_id = %auth.tenant, leads_marked = marked, by = %actor, "number added to do-not-call list");
    let status = if listed > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(Added {
            entry,
            newly_listed: listed > 0,
            leads_marked: marked,
        }),
    ))
}

/// Says whether a number is listed (any format; `+` may be sent as `%2B`).
#[utoipa::path(get, path = "/api/v1/dnc/{phone}", tag = "dnc", security(("bearer" = [])), params(("phone" = String, Path)), responses((status = 200, body = Check), (status = 422)))]
async fn check(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<Check>, AppError> {
    auth.require(Permission::Read)?;
    let phone = parse_phone(&raw, None)?;
    let entry = dnc::find(&mut *state.store.conn().await?, auth.tenant, &phone).await?;
    Ok(Json(Check {
        phone: phone.to_string(),
        listed: entry.is_some(),
        entry,
    }))
}

/// Takes a number off the list. Leads already marked stay marked.
#[utoipa::path(delete, path = "/api/v1/dnc/{phone}", tag = "dnc", security(("bearer" = [])), params(("phone" = String, Path)), responses((status = 204), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let phone = parse_phone(&raw, None)?;
    dnc::remove(&mut *state.store.conn().await?, auth.tenant, &phone)
        .await
        .or_404("do-not-call entry")?;
    tracing::info!(tenant_id = %auth.tenant, by = %auth.actor(), "number removed from do-not-call list");
    Ok(StatusCode::NO_CONTENT)
}

/// Imports a do-not-call file: one number per line (`AAANNNNNNN`, `AAA,NNNNNNN`, E.164) or a CSV
/// whose first column is the number. All numbers are listed, or none.
#[utoipa::path(post, path = "/api/v1/dnc/import", tag = "dnc", security(("bearer" = [])), params(DncImportQuery),
    request_body(content((String = "text/plain"), (String = "multipart/form-data"))), responses((status = 200, body = DncImportReport)))]
async fn import(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DncImportQuery>,
    request: Request,
) -> Result<Json<DncImportReport>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let country = match q.country.as_deref() {
        Some(c) => Country::parse(c).map_err(|e| AppError::invalid("country", e.to_string()))?,
        None => Country::US,
    };
    let spooled = spool(
        request,
        state.config.import.max_file_mb * 1_000_000,
        None,
        &CSV,
    )
    .await?;
    let file =
        std::fs::File::open(spooled.file.path()).map_err(|e| AppError::Internal(e.into()))?;
    let actor = auth.actor();
    let origin = Origin {
        source: "import",
        reason: q.reason.as_deref().unwrap_or(""),
        created_by: &actor,
    };
    Ok(Json(
        import_dnc_file(
            &state.store,
            auth.tenant,
            file,
            country,
            &origin,
            state.clock.now_ms(),
        )
        .await?,
    ))
}
