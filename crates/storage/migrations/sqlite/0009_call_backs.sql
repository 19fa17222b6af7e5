-- People who asked for a person (pressed 1) when nobody could take them were told they would be
-- called back: each is a task until somebody marks it done (issue 17). One per call.
CREATE TABLE call_backs (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    call_id INTEGER NOT NULL UNIQUE REFERENCES calls(id) ON DELETE CASCADE,
    lead_id INTEGER REFERENCES leads(id) ON DELETE CASCADE,
    campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
    to_number TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done_at INTEGER,
    done_by TEXT,
    note TEXT
);
CREATE INDEX call_backs_open ON call_backs(tenant_id, done_at, created_at);
