//! A small map whose entries expire after a while: what a page asks for often and the database
//! answers slowly (the dashboard's 30-day figures), read again once an entry is too old.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Values by key, each kept for `ttl_ms` after it was put.
pub struct Expiring<K, V> {
    ttl_ms: i64,
    entries: Mutex<HashMap<K, (i64, V)>>,
}

impl<K: Eq + Hash, V: Clone> Expiring<K, V> {
    /// An empty map keeping entries `ttl_ms`.
    pub fn new(ttl_ms: i64) -> Self {
        Expiring {
            ttl_ms,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `key`, when one was put less than the time to live before `now`.
    pub fn get(&self, key: &K, now: i64) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| now >= *at && now - at < self.ttl_ms)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value` for `key` from `now`, forgetting entries that expired.
    pub fn put(&self, key: K, now: i64, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (at, _)| now - *at < self.ttl_ms);
        entries.insert(key, (now, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_lives_for_its_time_and_not_before_it_was_put() {
        let m = Expiring::new(1000);
        m.put("a", 5000, 1);
        assert_eq!(m.get(&"a", 5999), Some(1));
        assert_eq!(m.get(&"a", 6000), None);
        assert_eq!(
            m.get(&"a", 4999),
            None,
            "a clock set back does not serve it"
        );
    }
}
