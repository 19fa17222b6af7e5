//! Limits failed logins per email and per client address within a sliding window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Keys tracked at most; beyond that the stalest are forgotten (memory stays bounded).
const MAX_KEYS: usize = 100_000;

/// Failed-login bookkeeping. In memory: each instance limits on its own.
#[derive(Debug)]
pub struct LoginLimiter {
    max_per_email: usize,
    max_per_address: usize,
    window_ms: i64,
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl LoginLimiter {
    /// `max_failures` per email (4× per address) within `window_secs`.
    pub fn new(max_failures: u32, window_secs: u32) -> Self {
        let max = max_failures.max(1) as usize;
        LoginLimiter {
            max_per_email: max,
            max_per_address: max * 4,
            window_ms: i64::from(window_secs) * 1000,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, address: &str) -> [(String, bool); 2] {
        [
            (format!("email:{}", email.trim().to_lowercase()), true),
            (format!("addr:{address}"), false),
        ]
    }

    /// `Err(seconds)` when this email or address must wait before trying again.
    pub fn check(&self, email: &str, address: &str, now: i64) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = 0i64;
        for (key, is_email) in Self::keys(email, address) {
            if let Some(times) = map.get_mut(&key) {
                while times.front().is_some_and(|t| *t <= now - self.window_ms) {
                    times.pop_front();
                }
                let max = if is_email {
                    self.max_per_email
                } else {
                    self.max_per_address
                };
                if times.len() >= max {
                    let oldest = times.front().copied().unwrap_or(now);
                    wait = wait.max(oldest + self.window_ms - now);
                }
            }
        }
        if wait > 0 {
            Err(((wait + 999) / 1000) as u64)
        } else {
            Ok(())
        }
    }

    /// Records a failed attempt.
    pub fn failed(&self, email: &str, address: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            let cutoff = now - self.window_ms;
            map.retain(|_, times| times.back().is_some_and(|t| *t > cutoff));
        }
        for (key, _) in Self::keys(email, address) {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// Forgets an email's failures after a successful login.
    pub fn succeeded(&self, email: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("email:{}", email.trim().to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_locks_after_the_limit_and_unlocks_after_the_window() {
        let l = LoginLimiter::new(3, 60);
        for t in 0..3 {
            assert!(l.check("a@x", "1.1.1.1", t * 1000).is_ok());
            l.failed("A@x", "1.1.1.1", t * 1000);
        }
        assert_eq!(l.check("a@x", "2.2.2.2", 3000), Err(57));
        assert!(
            l.check("b@x", "2.2.2.2", 3000).is_ok(),
            "other emails are unaffected"
        );
        assert!(l.check("a@x", "2.2.2.2", 60_001).is_ok());
    }

    #[test]
    fn one_address_trying_many_emails_is_limited_too() {
        let l = LoginLimiter::new(2, 60);
        for i in 0..8 {
            l.failed(&format!("user{i}@x"), "9.9.9.9", 0);
        }
        assert!(l.check("new@x", "9.9.9.9", 1).is_err());
        assert!(l.check("new@x", "8.8.8.8", 1).is_ok());
    }

    #[test]
    fn success_clears_the_emails_failures() {
        let l = LoginLimiter::new(2, 60);
        l.failed("a@x", "1", 0);
        l.succeeded("a@x");
        l.failed("a@x", "1", 0);
        assert!(l.check("a@x", "1", 1).is_ok());
    }
}
