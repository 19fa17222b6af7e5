-- Calls through the carrier, their event timelines, and each tenant's carrier account.

-- Why a campaign stopped by itself (e.g. the carrier refused the credentials).
ALTER TABLE campaigns ADD COLUMN status_reason TEXT;

CREATE TABLE carrier_accounts (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    account_sid TEXT NOT NULL,
    auth_token TEXT NOT NULL,
    -- The webhook shared key, for accounts that sign with HMAC-SHA256.
    webhook_key TEXT,
    updated_at INTEGER NOT NULL
);

CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
    lead_id INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    call_type TEXT NOT NULL,
    call_sid TEXT,
    from_number TEXT NOT NULL,
    to_number TEXT NOT NULL,
    status TEXT NOT NULL,
    answered_by TEXT,
    outcome TEXT,
    disposition TEXT,
    error_code INTEGER,
    error_message TEXT,
    created_at INTEGER NOT NULL,
    ringing_at INTEGER,
    answered_at INTEGER,
    ended_at INTEGER,
    talk_seconds INTEGER,
    recording_sid TEXT,
    recording_url TEXT,
    recording_seconds INTEGER,
    price TEXT,
    price_unit TEXT,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX calls_sid ON calls(call_sid);
CREATE INDEX calls_tenant ON calls(tenant_id, id);
CREATE INDEX calls_lead ON calls(lead_id);
CREATE INDEX calls_campaign ON calls(campaign_id, id);

CREATE TABLE call_events (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT,
    -- Twilio's SequenceNumber for status events: a repeat of one already stored is ignored.
    sequence INTEGER,
    detail TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX call_events_sequence ON call_events(call_id, kind, sequence);
CREATE INDEX call_events_call ON call_events(call_id, id);
