//! The token cache of authtoken (keystonemiddleware's in-process `_cache.TokenCache`):
//! successful validations only, keyed by `tokens/` + the SHA-256 hex of the token (the token
//! itself is never kept as a key), each entry living `token_cache_time` seconds but never
//! past the token's own `expires_at`, at most `capacity` entries with the oldest evicted
//! first.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::keystone::TokenData;

/// The default bound on cached tokens.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// keystonemiddleware's cache key of a token.
pub fn cache_key(token: &str) -> String {
    format!("tokens/{}", hex::encode(Sha256::digest(token.as_bytes())))
}

struct Entry {
    seq: u64,
    expires: Instant,
    data: Arc<TokenData>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Entry>,
    /// Insertion order: sequence number → key.
    order: BTreeMap<u64, String>,
    next_seq: u64,
}

/// A bounded, expiring map from token hash to validated token data.
pub struct TokenCache {
    ttl: Option<Duration>,
    capacity: usize,
    inner: Mutex<Inner>,
}

impl TokenCache {
    /// `token_cache_time` seconds per entry; `None` (a negative `token_cache_time`) disables
    /// caching.
    pub fn new(ttl: Option<Duration>, capacity: usize) -> TokenCache {
        TokenCache {
            ttl,
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // matters for a cache; keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached validation of `token`, if fresh.
    pub fn get(&self, token: &str) -> Option<Arc<TokenData>> {
        self.ttl?;
        let key = cache_key(token);
        let mut inner = self.lock();
        let entry = inner.map.get(&key)?;
        if entry.expires > Instant::now() {
            return Some(entry.data.clone());
        }
        let seq = entry.seq;
        inner.map.remove(&key);
        inner.order.remove(&seq);
        None
    }

    /// Caches a successful validation.
    pub fn insert(&self, token: &str, data: Arc<TokenData>) {
        let Some(ttl) = self.ttl else {
            return;
        };
        let now = Instant::now();
        let mut expires = now + ttl;
        if let Some(left) = data.seconds_left() {
            if left <= 0.0 {
                return;
            }
            expires = expires.min(now + Duration::from_secs_f64(left));
        }
        let key = cache_key(token);
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        if let Some(old) = inner.map.insert(key.clone(), Entry { seq, expires, data }) {
            inner.order.remove(&old.seq);
        }
        inner.order.insert(seq, key);
        while inner.map.len() > self.capacity {
            let Some((_, oldest)) = inner.order.pop_first() else {
                break;
            };
            inner.map.remove(&oldest);
        }
    }

    /// How many entries are held (expired ones included until touched).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(expires_in: Option<i64>) -> Arc<TokenData> {
        let expires_at = expires_in.map(|s| {
            (time::OffsetDateTime::now_utc() + time::Duration::seconds(s))
                .format(&time::format_description::well_known::Rfc3339)
                .expect("format")
        });
        let body = serde_json::json!({"token": {"user": {"id": "u"}, "expires_at": expires_at}});
        Arc::new(TokenData::from_body(body).expect("token"))
    }

    #[test]
    fn key_is_the_sha256_of_the_token() {
        assert_eq!(
            cache_key("abc"),
            "tokens/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn caches_and_bounds() {
        let cache = TokenCache::new(Some(Duration::from_secs(300)), 3);
        for t in ["a", "b", "c", "d"] {
            cache.insert(t, data(Some(3600)));
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get("a").is_none(), "oldest evicted");
        assert!(cache.get("d").is_some());
        // Re-inserting refreshes the position.
        cache.insert("b", data(Some(3600)));
        cache.insert("e", data(Some(3600)));
        assert!(cache.get("b").is_some());
        assert!(cache.get("c").is_none());
    }

    #[test]
    fn respects_ttl_and_token_expiry() {
        let cache = TokenCache::new(Some(Duration::from_millis(30)), 10);
        cache.insert("short", data(Some(3600)));
        assert!(cache.get("short").is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get("short").is_none());

        let cache = TokenCache::new(Some(Duration::from_secs(300)), 10);
        cache.insert("expired", data(Some(-5)));
        assert!(
            cache.get("expired").is_none(),
            "an expired token is never cached"
        );
        cache.insert("no-expiry", data(None));
        assert!(cache.get("no-expiry").is_some());
    }

    #[test]
    fn disabled_cache_keeps_nothing() {
        let cache = TokenCache::new(None, 10);
        cache.insert("a", data(Some(3600)));
        assert!(cache.get("a").is_none());
        assert!(cache.is_empty());
    }
}
