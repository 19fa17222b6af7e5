-- A call the carrier never made (Outdial stopped before the carrier had it, found so by
-- reconciliation) is kept in the log but is no attempt: it counts neither toward the lead's
-- calls in 24 hours nor toward the campaign's daily limit (issue 16).
ALTER TABLE calls ADD COLUMN never_placed BIGINT NOT NULL DEFAULT 0;

-- Recordings a campaign plays instead of a spoken message: uploaded, or fetched once from an
-- HTTPS address (`source_url`), kept here and served to the carrier on expiring links.
CREATE TABLE audio_files (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    data BLOB NOT NULL,
    source_url TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX audio_files_tenant ON audio_files(tenant_id, id);
CREATE UNIQUE INDEX audio_files_source ON audio_files(tenant_id, source_url);
-- An unguessable link to one recording, for the carrier to fetch while it is valid.
CREATE TABLE audio_links (
    token TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    audio_id INTEGER NOT NULL REFERENCES audio_files(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX audio_links_expiry ON audio_links(expires_at);

-- An extension written with a number (`813-489-3222 ext. 12`) is kept, and dialed once the
-- call is answered; a call keeps the one it dialed.
ALTER TABLE leads ADD COLUMN extension TEXT;
ALTER TABLE calls ADD COLUMN extension TEXT;

-- A single call placed later: screened and placed by the dialer at `scheduled_for`, or
-- canceled before. `status`: scheduled, placing, placed, refused, failed, canceled.
CREATE TABLE scheduled_calls (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    lead_id INTEGER REFERENCES leads(id) ON DELETE CASCADE,
    to_number TEXT NOT NULL,
    extension TEXT,
    call_type TEXT NOT NULL,
    scheduled_for INTEGER NOT NULL,
    status TEXT NOT NULL,
    call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    reason TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX scheduled_calls_due ON scheduled_calls(status, scheduled_for);
CREATE INDEX scheduled_calls_lead ON scheduled_calls(lead_id);

-- Twilio fills a call's price in some time after it ends: the price is asked for again, with
-- growing pauses, until it is there (issue 17). Kept here so a restart goes on where it was.
ALTER TABLE calls ADD COLUMN price_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN price_next_at BIGINT;
