//! Connecting to SQLite or PostgreSQL, and the few places where the two dialects differ.

use crate::{Result, StorageError, migrate};
use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Connection, Executor};
use std::sync::Arc;
use std::time::Duration;

/// A connection to use for one or more queries (a pooled connection or a transaction).
pub type Conn = AnyConnection;
/// A write transaction; commit it once at the end of the unit of work. Dropped without a
/// commit, it rolls back. It derefs to a connection, so every storage function takes it.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    /// On SQLite, this process's turn to write (see [`Store::begin`]).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.commit().await
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The database: a pool plus the dialect it speaks.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time. Writers of this process queue here, in order, instead
    /// of in SQLite's busy handler, which sleeps and retries (up to 100 ms a time) and turned
    /// a few thousand concurrent webhook writes a second into second-long waits.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// On SQLite, the one connection transactions write through. Always the same connection,
    /// so its page cache stays warm: a pooled connection finds its cache stale whenever
    /// another connection wrote since its last use, and reads every page again.
    write_pool: Option<AnyPool>,
    /// Held by every clone of a SQLite store; the checkpointer stops when the last is dropped.
    _alive: Option<Arc<()>>,
}

/// How often the SQLite write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Copies SQLite's write-ahead log back into the database file every second on a connection
/// of its own, alongside the writers (`PASSIVE` never waits for them or blocks them), until the
/// store is dropped.
async fn checkpoints(pool: AnyPool, alive: std::sync::Weak<()>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if alive.upgrade().is_none() || pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "SQLite checkpoint failed; the next one will retry");
        }
    }
}

/// The URL with any password replaced by `***`, safe to log.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Turns what a user typed (a URL or a bare file path) into a URL sqlx understands.
fn normalise_url(input: &str) -> Result<(String, Backend)> {
    let input = input.trim();
    if input.starts_with("postgres://") || input.starts_with("postgresql://") {
        return Ok((input.to_string(), Backend::Postgres));
    }
    let path_and_query = if let Some(rest) = input.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = input.strip_prefix("sqlite:") {
        rest
    } else if input.contains("://") {
        return Err(StorageError::InvalidUrl(format!(
            "'{}' is neither sqlite:// nor postgres://",
            redact_url(input)
        )));
    } else {
        input
    };
    if path_and_query.is_empty() {
        return Err(StorageError::InvalidUrl(
            "the SQLite file path is empty".into(),
        ));
    }
    let url = if path_and_query.contains("mode=") {
        format!("sqlite://{path_and_query}")
    } else if path_and_query.contains('?') {
        format!("sqlite://{path_and_query}&mode=rwc")
    } else {
        format!("sqlite://{path_and_query}?mode=rwc")
    };
    Ok((url, Backend::Sqlite))
}

impl Store {
    /// Connects (creating a SQLite file if needed). Does not migrate: call [`Store::migrate`].
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (url, backend) = normalise_url(url)?;
        let options = || {
            AnyPoolOptions::new()
                .max_connections(max_connections.max(1))
                .acquire_timeout(Duration::from_secs(30))
        };
        if backend == Backend::Postgres {
            return Ok(Store {
                pool: options().connect(&url).await?,
                backend,
                writer: Arc::new(tokio::sync::Mutex::new(())),
                write_pool: None,
                _alive: None,
            });
        }
        // A connection to a local file cannot go stale: checking it before each use would cost
        // every transaction one more round trip to SQLite's worker thread.
        let sqlite = |options: AnyPoolOptions| {
            options
                .test_before_acquire(false)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // Checkpoints run in the background (see `checkpoints`), not in
                        // whichever commit crosses the threshold: a checkpoint syncs the file,
                        // and a writer that waits for it holds every queued write with it.
                        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                        conn.execute("PRAGMA journal_size_limit = 67108864").await?;
                        Ok(())
                    })
                })
        };
        let pool = sqlite(options()).connect(&url).await?;
        let write_pool = sqlite(
            AnyPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .idle_timeout(None)
                .max_lifetime(None),
        )
        .connect(&url)
        .await?;
        let alive = Arc::new(());
        tokio::spawn(checkpoints(pool.clone(), Arc::downgrade(&alive)));
        Ok(Store {
            pool,
            backend,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            write_pool: Some(write_pool),
            _alive: Some(alive),
        })
    }

    /// Applies every migration not yet applied. Safe to run from several instances at once.
    pub async fn migrate(&self) -> Result<Vec<String>> {
        migrate::run(self).await
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for reads that need no transaction.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A pooled connection.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing half-way.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                let pool = self.write_pool.as_ref().unwrap_or(&self.pool);
                Tx {
                    inner: pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                }
            }
            Backend::Postgres => Tx {
                inner: self.pool.begin().await?,
                _turn: None,
            },
        })
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }

    /// Closes every connection (waits for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(w) = &self.write_pool {
            w.close().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/outdial"),
            "postgres://app:***@db:5432/outdial"
        );
        assert_eq!(
            redact_url("postgres://app@db/outdial"),
            "postgres://app@db/outdial"
        );
        assert_eq!(redact_url("sqlite://outdial.db"), "sqlite://outdial.db");
    }

    #[test]
    fn bare_paths_and_urls_become_sqlite_urls() {
        assert_eq!(
            normalise_url("data/outdial.db").unwrap(),
            ("sqlite://data/outdial.db?mode=rwc".into(), Backend::Sqlite)
        );
        assert_eq!(
            normalise_url("sqlite://x.db").unwrap().0,
            "sqlite://x.db?mode=rwc"
        );
        assert_eq!(
            normalise_url("sqlite:x.db?mode=ro").unwrap().0,
            "sqlite://x.db?mode=ro"
        );
        assert_eq!(
            normalise_url("postgresql://h/db").unwrap().1,
            Backend::Postgres
        );
        assert!(normalise_url("mysql://h/db").is_err());
    }
}
