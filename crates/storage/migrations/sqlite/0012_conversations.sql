-- Conversations on calls (issue 20). A call that holds a conversation has one row in
-- call_conversations: the machine's state between webhooks (JSON), and once it ends the
-- outcome, what was learned (JSON) and the call-back time asked for. Every turn, said or heard
-- (and for a language model its tool calls), is a row of call_turns, in order.
CREATE TABLE call_conversations (
    call_id INTEGER PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    mode TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    extracted TEXT NOT NULL,
    callback_at INTEGER,
    tokens INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX call_conversations_outcome ON call_conversations(tenant_id, outcome, started_at);

CREATE TABLE call_turns (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    speaker TEXT NOT NULL,
    text TEXT NOT NULL,
    confidence REAL,
    data TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX call_turns_of ON call_turns(call_id, id);

-- A tenant's conversation providers: a language model's API (kind 'llm') and a Google service
-- account for Dialogflow CX (kind 'dialogflow'). What may be shown is in settings (JSON); the
-- key is in secret and never leaves the server.
CREATE TABLE conversation_providers (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    settings TEXT NOT NULL,
    secret TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);
