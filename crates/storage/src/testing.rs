//! Fresh databases for tests: a temporary SQLite file, or a new PostgreSQL database when
//! `OUTDIAL_TEST_POSTGRES_URL` names a server (e.g. `postgres://postgres@127.0.0.1:5432/test`).

use crate::{Backend, Store};
use sqlx::Connection;

/// Keeps a test database alive; the SQLite file is deleted on drop. PostgreSQL test databases
/// are named `outdial_test_*` and removed by `.ci/run` before each run.
pub struct TestDb {
    /// The migrated store.
    pub store: Store,
    /// The URL it was opened with, for code that connects by itself.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The environment variable that switches tests to PostgreSQL.
pub const POSTGRES_ENV: &str = "OUTDIAL_TEST_POSTGRES_URL";

/// A migrated, empty database.
pub async fn fresh_db() -> TestDb {
    match std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty()) {
        Some(admin_url) => fresh_postgres(&admin_url).await,
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("outdial.db").display());
            let store = Store::connect(&url, 4).await.expect("open sqlite");
            store.migrate().await.expect("migrate");
            TestDb {
                store,
                url,
                _dir: Some(dir),
            }
        }
    }
}

async fn fresh_postgres(admin_url: &str) -> TestDb {
    sqlx::any::install_default_drivers();
    let name = format!(
        "outdial_test_{}_{:016x}",
        std::process::id(),
        rand::random::<u64>()
    );
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .expect("connect to the PostgreSQL admin URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    admin.close().await.ok();
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    let url = format!("{base}/{name}");
    let store = Store::connect(&url, 4).await.expect("open postgres");
    assert_eq!(store.backend(), Backend::Postgres);
    store.migrate().await.expect("migrate");
    TestDb {
        store,
        url,
        _dir: None,
    }
}
