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

/// The databases a storage benchmark named `name` runs on, in order: a fresh SQLite file in
/// `dir`, then, when the command line says `--postgres URL`, a fresh database on that server.
pub async fn databases(
    name: &str,
    dir: &std::path::Path,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sqlite = format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    let mut out = vec![("sqlite", sqlite)];
    match args.as_slice() {
        [] => {}
        [flag, admin] if flag == "--postgres" => {
            out.push(("postgres", fresh_postgres(admin).await?))
        }
        _ => anyhow::bail!("usage: {name} [--postgres URL]"),
    }
    Ok(out)
}

/// Opens (and migrates) the database at `url`, named `label` in errors, with one tenant and one
/// default campaign in it, created at `now`: where each storage benchmark starts.
pub async fn store_with_campaign(
    label: &str,
    url: &str,
    tenant: &str,
    campaign: &str,
    now: i64,
) -> anyhow::Result<(
    outdial_storage::Store,
    outdial_domain::TenantId,
    outdial_domain::CampaignId,
)> {
    use anyhow::Context;
    use outdial_domain::campaign::{CampaignType, ValidSettings};
    use outdial_storage::{Store, campaigns, tenants};
    let store = Store::connect(url, 4)
        .await
        .with_context(|| format!("while opening {label}"))?;
    store.migrate().await?;
    let mut conn = store.conn().await?;
    let tenant = tenants::create(&mut conn, tenant, now).await?.id;
    let campaign = campaigns::create(
        &mut conn,
        tenant,
        campaign,
        CampaignType::General,
        &ValidSettings::default(),
        now,
    )
    .await?;
    drop(conn);
    Ok((store, tenant, campaign.id))
}
