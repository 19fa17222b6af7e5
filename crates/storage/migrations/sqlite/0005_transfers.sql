-- Warm transfers (issue 5): a person who answered waits in a conference while agents are
-- called into it one at a time. One transfer per answered call; one leg per agent tried.
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
    lead_id INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    -- waiting, connected, ended
    status TEXT NOT NULL,
    -- How it ended: completed, caller_hung_up, abandoned, fallback, machine.
    outcome TEXT,
    -- The agent offered the call now, then the one who took it.
    agent_user_id INTEGER,
    -- When the waiting caller's time is up, and which limit that is.
    deadline_at INTEGER NOT NULL,
    deadline_kind TEXT NOT NULL,
    -- What the agent recorded afterwards.
    disposition TEXT,
    notes TEXT,
    callback_at INTEGER,
    disposed_at INTEGER,
    created_at INTEGER NOT NULL,
    connected_at INTEGER,
    ended_at INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX transfers_call ON transfers(call_id);
CREATE INDEX transfers_waiting ON transfers(deadline_at) WHERE status = 'waiting';
CREATE INDEX transfers_agent ON transfers(agent_user_id, id);
CREATE INDEX transfers_campaign ON transfers(campaign_id, created_at);

CREATE TABLE agent_legs (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    transfer_id INTEGER NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    call_sid TEXT,
    -- ringing, whisper, connected, declined, missed, canceled, ended
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    answered_at INTEGER,
    connected_at INTEGER,
    ended_at INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX agent_legs_transfer ON agent_legs(transfer_id);
CREATE INDEX agent_legs_offered ON agent_legs(user_id) WHERE status IN ('ringing', 'whisper');

-- A lead the agent asked to call back goes to that agent first when they are free.
ALTER TABLE leads ADD COLUMN preferred_agent_id INTEGER;
