//! The OpenAPI document, generated from the handlers and types, and an offline docs page.

use crate::state::AppState;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

/// Outdial's REST API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Outdial API", description = "Outbound calling: tenants, users, campaigns, leads, imports, do-not-call lists and calls. Errors are `{\"error\":{\"code\",\"message\",\"details\"}}`."),
    paths(
        super::auth::login, super::auth::logout, super::auth::signup, super::auth::me, super::auth::change_password, super::auth::change_locale,
        super::users::list, super::users::create, super::users::read, super::users::update, super::users::remove,
        super::api_keys::list, super::api_keys::create, super::api_keys::revoke,
        super::tenant::read, super::tenant::update,
        super::campaigns::list, super::campaigns::defaults, super::campaigns::create, super::campaigns::read, super::campaigns::update, super::campaigns::change_status, super::campaigns::remove,
        super::progress::progress, super::progress::recycle,
        super::agents::list, super::agents::me, super::agents::register, super::agents::change_status, super::agents::change_my_status, super::agents::extend_wrap_up,
        super::agents::list_groups, super::agents::create_group, super::agents::set_members, super::agents::set_campaign_groups, super::live::events,
        super::console::console, super::dispositions::read, super::dispositions::record,
        super::leads::list, super::leads::read, super::leads::create, super::leads::update, super::leads::remove,
        super::imports::upload, super::imports::list, super::imports::read, super::imports::rejections, super::imports::rejections_csv, super::imports::template,
        super::dnc::list, super::dnc::add, super::dnc::check, super::dnc::remove, super::dnc::import,
        super::calls::list, super::calls::read, super::calls::export, super::calls::create, super::calls::call_lead, super::calls::hang_up, super::calls::list_scheduled, super::calls::cancel_scheduled, super::call_backs::list, super::call_backs::done,
        super::calendars::list, super::calendars::create, super::calendars::read, super::calendars::update, super::calendars::remove, super::calendars::new_feed, super::calendars::availability, super::calendars::nearest, super::calendars::calendar_holidays, super::calendars::regions, super::calendars::hold, super::calendars::release,
        super::appointments::list, super::appointments::create, super::appointments::read, super::appointments::reschedule, super::appointments::change_status, super::appointments::ics, super::appointments::feed, super::understand::understand, super::conversations::list_templates, super::conversations::check, super::conversations::chat, super::recordings::recording, super::dashboard::dashboard,
        super::audio::upload, super::audio::list, super::audio::read, super::audio::remove, super::audio::file, super::audio::media,
        super::carrier::read, super::carrier::update, super::carrier::remove, super::carrier::numbers, super::providers::read, super::providers::update, super::providers::remove, super::dialogflow::read, super::dialogflow::update, super::dialogflow::remove,
        super::health::healthz, super::health::readyz, super::health::metrics_text,
        super::twilio::voice, super::twilio::gather, super::twilio::converse, super::twilio::voicemail, super::twilio::amd, super::twilio::status, super::twilio::recording,
        super::twilio_transfer::agent_voice, super::twilio_transfer::agent_accept, super::twilio_transfer::agent_pass, super::twilio_transfer::agent_told,
        super::twilio_transfer::agent_status, super::twilio_transfer::conference, super::twilio_transfer::safe_harbour, super::twilio_transfer::fallback,
    ),
    modifiers(&BearerAuth, &StandardErrors),
    tags(
        (name = "auth", description = "Log in, sign up, who am I"),
        (name = "users", description = "People in your organisation"),
        (name = "api-keys", description = "Keys for automation"),
        (name = "campaigns", description = "What to call and how"),
        (name = "leads", description = "Who to call"),
        (name = "imports", description = "Lead lists from CSV files"),
        (name = "dnc", description = "Your do-not-call list"),
        (name = "calls", description = "Placing calls and the call log"),
        (name = "audio", description = "Recordings campaigns play instead of a spoken message"),
        (name = "agents", description = "People who take the calls, their status and groups"),
        (name = "settings", description = "Your Twilio account"),
        (name = "twilio-webhooks", description = "What Twilio calls while a call runs. Not for clients: every request must carry Twilio's signature (X-Twilio-Signature) of its URL and form with the tenant's Auth Token; anything else is refused with 403."),
        (name = "calendars", description = "Calendars that take appointments: rules, free slots, holds, holidays, feeds"),
        (name = "appointments", description = "Booking, moving, confirming and cancelling appointments"),
        (name = "conversations", description = "Conversation flows: templates, checks, and a text chat against the real engine"),
        (name = "understanding", description = "What a sentence says: intent, day and time"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A login token (ods_…) or an API key (odk_…)"))
                    .build(),
            ),
        );
    }
}

/// The errors every API operation may answer, in the one error format, added where an
/// operation does not declare them itself: 400 (a malformed request), 401 and 403 (credentials
/// and roles), 404 (an id in the path that is not the tenant's), 409 (a change the current
/// state does not allow), 413 and 415 (bodies), 422 (values that are not acceptable), 429 and
/// 503 (too many attempts, too busy). Generated clients see every status the server sends.
struct StandardErrors;

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
        use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
        let components = openapi.components.get_or_insert_with(Default::default);
        let detail = ObjectBuilder::new()
            .property("code", ObjectBuilder::new().schema_type(Type::String).description(Some("What went wrong, for programs: `validation_failed`, `not_found`, …")))
            .required("code")
            .property("message", ObjectBuilder::new().schema_type(Type::String).description(Some("What went wrong and what to do, for people")))
            .required("message")
            .property("details", ObjectBuilder::new().schema_type(utoipa::openapi::schema::SchemaType::AnyValue).description(Some("For 422: the fields, each `{\"field\", \"message\"}`; otherwise null or what the error names (e.g. the next allowed moment)")))
            .build();
        components.schemas.insert(
            "Error".into(),
            RefOr::T(Schema::Object(
                ObjectBuilder::new()
                    .property("error", detail)
                    .required("error")
                    .description(Some("Every error answer of the API"))
                    .build(),
            )),
        );
        let answer = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name("Error")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
                continue;
            }
            // An id in the path, or "me" (the caller as an agent, who may not be one).
            let has_path_id = path.contains('{') || path.contains("/me/") || path.ends_with("/me");
            for op in [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let has_body = op.request_body.is_some();
                let mut add = |code: &str, what: &str| {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| RefOr::T(answer(what)));
                };
                add(
                    "400",
                    "The request is malformed (a body that is not JSON, a bad query parameter)",
                );
                add("422", "Values that are not acceptable, each field named");
                if secured {
                    add(
                        "401",
                        "No credentials, or ones that are wrong, expired or revoked",
                    );
                    add(
                        "403",
                        "The role does not allow this (or a change without the CSRF token)",
                    );
                }
                if has_path_id {
                    add("404", "No such record in this tenant");
                }
                if has_body {
                    add("413", "The body is over the limit");
                    add("415", "The body is not of a type this operation reads");
                }
                if op.request_body.is_some() || has_path_id {
                    add("409", "The change conflicts with the current state");
                }
                add("429", "Too many attempts; wait for Retry-After seconds");
                add(
                    "503",
                    "Too busy for this now; try again after Retry-After seconds",
                );
            }
        }
    }
}

/// Serves `/api/v1/openapi.json` and the docs page at `/api/v1/docs`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/openapi.json", ApiDoc::openapi()))
}
