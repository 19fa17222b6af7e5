//! Schema migrations, kept per backend under `migrations/` and compiled into the binary.

use crate::{Backend, Result, StorageError, Store};
use sqlx::{AssertSqlSafe, Executor, Row};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "calls",
        sqlite: include_str!("../migrations/sqlite/0002_calls.sql"),
        postgres: include_str!("../migrations/postgres/0002_calls.sql"),
    },
    Migration {
        version: 3,
        name: "dialer",
        sqlite: include_str!("../migrations/sqlite/0003_dialer.sql"),
        postgres: include_str!("../migrations/postgres/0003_dialer.sql"),
    },
    Migration {
        version: 4,
        name: "agents",
        sqlite: include_str!("../migrations/sqlite/0004_agents.sql"),
        postgres: include_str!("../migrations/postgres/0004_agents.sql"),
    },
    Migration {
        version: 5,
        name: "transfers",
        sqlite: include_str!("../migrations/sqlite/0005_transfers.sql"),
        postgres: include_str!("../migrations/postgres/0005_transfers.sql"),
    },
    Migration {
        version: 6,
        name: "dashboard",
        sqlite: include_str!("../migrations/sqlite/0006_dashboard.sql"),
        postgres: include_str!("../migrations/postgres/0006_dashboard.sql"),
    },
    Migration {
        version: 7,
        name: "security",
        sqlite: include_str!("../migrations/sqlite/0007_security.sql"),
        postgres: include_str!("../migrations/postgres/0007_security.sql"),
    },
    Migration {
        version: 8,
        name: "every_call_right",
        sqlite: include_str!("../migrations/sqlite/0008_every_call_right.sql"),
        postgres: include_str!("../migrations/postgres/0008_every_call_right.sql"),
    },
    Migration {
        version: 9,
        name: "call_backs",
        sqlite: include_str!("../migrations/sqlite/0009_call_backs.sql"),
        postgres: include_str!("../migrations/postgres/0009_call_backs.sql"),
    },
    Migration {
        version: 10,
        name: "user_locale",
        sqlite: include_str!("../migrations/sqlite/0010_user_locale.sql"),
        postgres: include_str!("../migrations/postgres/0010_user_locale.sql"),
    },
    Migration {
        version: 11,
        name: "calendars",
        sqlite: include_str!("../migrations/sqlite/0011_calendars.sql"),
        postgres: include_str!("../migrations/postgres/0011_calendars.sql"),
    },
    Migration {
        version: 12,
        name: "conversations",
        sqlite: include_str!("../migrations/sqlite/0012_conversations.sql"),
        postgres: include_str!("../migrations/postgres/0012_conversations.sql"),
    },
];

/// An arbitrary constant naming the advisory lock that serialises migrations on PostgreSQL.
const PG_MIGRATION_LOCK: i64 = 0x006f_7574_6469_616c;

/// Applies pending migrations; returns the names of those applied now.
pub(crate) async fn run(store: &Store) -> Result<Vec<String>> {
    let mut conn = store.conn().await?;
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(PG_MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let result = apply(store, &mut conn).await;
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(PG_MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply(store: &Store, conn: &mut sqlx::AnyConnection) -> Result<Vec<String>> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    if let Some(newest) = applied.iter().max()
        && *newest > MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
    {
        return Err(StorageError::Corrupt(format!(
            "the database is at schema version {newest}, newer than this Outdial knows; upgrade Outdial"
        )));
    }
    let mut done = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match store.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let mut tx = store.begin().await?;
        for statement in split_statements(sql) {
            tx.execute(AssertSqlSafe(statement)).await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        done.push(format!("{:04}_{}", m.version, m.name));
    }
    Ok(done)
}

/// Splits a migration file into statements at semicolons that end a line, dropping comments.
fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let line = line.split("--").next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
