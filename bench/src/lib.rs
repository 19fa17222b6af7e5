//! What the benchmarks share.

#![forbid(unsafe_code)]

/// Creates an empty database `outdial_bench_<pid>` on the server `admin` points at (dropping
/// one left by an earlier run) and returns its URL. `.ci/run` drops them at its start.
pub async fn fresh_postgres(admin: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("outdial_bench_{}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    Ok(format!("{base}/{name}"))
}
