-- Login attempts are reserved in the database before a password is checked (issue 14), so
-- guesses sent at once, or to several instances, cannot pass the limit together: one row per
-- limited key (an email or a client address), counting attempts in the current window.
CREATE TABLE login_limits (
    key TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    window_started_at INTEGER NOT NULL
);
-- API keys may expire.
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
