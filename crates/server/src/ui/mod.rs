//! The web application: one page whose scripts, styles and pictures are built into the binary
//! (nothing loads from elsewhere), driving the same REST API as every other client. Signing in
//! here opens a session kept in an `HttpOnly` cookie; see [`crate::auth::cookie`] for how
//! cookie-authenticated requests are held to Outdial's own pages.

mod assets;
mod session;
#[cfg(test)]
mod translations;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

/// The UI's routes: the page at `/`, its files under `/ui/assets/`, and sign-in/out at
/// `/ui/session`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(assets::index))
        .route("/ui/assets/{*file}", get(assets::file))
        .route(
            "/ui/session",
            get(session::read)
                .post(session::sign_in)
                .delete(session::sign_out),
        )
}
