//! Argon2id password hashes. Hashing is deliberately slow, so it runs on a bounded pool: at most
//! one hash per core but one at a time (a core always stays for every other request), at most
//! [`MAX_WAITING`] waiting; past that a login is answered 503 at once instead of queueing.

use crate::error::AppError;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// Hashes waiting for a slot at most; more are refused with 503 and `Retry-After`.
pub const MAX_WAITING: usize = 256;

fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Semaphore::new(cores.saturating_sub(1).max(1))
    })
}

/// Runs `work` (a hash or a verification) on the bounded pool.
async fn on_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
        WAITING.fetch_sub(1, Ordering::SeqCst);
        metrics::counter!("outdial_password_hashing_refused_total").increment(1);
        return Err(AppError::Busy(
            "too many sign-ins at once; try again in a moment".into(),
        ));
    }
    let permit = slots().acquire().await;
    WAITING.fetch_sub(1, Ordering::SeqCst);
    let _permit =
        permit.map_err(|e| AppError::Internal(anyhow::anyhow!("hashing pool closed: {e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing task failed: {e}")))
}

/// Shortest password accepted.
pub const MIN_LEN: usize = 10;
/// Longest password accepted (hashing cost must stay bounded).
pub const MAX_LEN: usize = 1024;

/// Checks a new password's length.
pub fn check_strength(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(AppError::invalid(
            "password",
            format!("must be at least {MIN_LEN} characters"),
        ));
    }
    if password.len() > MAX_LEN {
        return Err(AppError::invalid(
            "password",
            format!("must be at most {MAX_LEN} bytes"),
        ));
    }
    Ok(())
}

/// Hashes a password to a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    on_pool(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| AppError::Internal(anyhow::anyhow!("while hashing a password: {e}")))
}

/// Checks a password against a stored hash. With `None` (unknown user) it still spends the same
/// time against a dummy hash, so response times do not reveal which emails exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    on_pool(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| {
                    Argon2::default()
                        .hash_password(b"not a real password")
                        .map(|h| h.to_string())
                        .unwrap_or_default()
                })
                .clone()
        });
        let ok = PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && ok
    })
    .await
}
