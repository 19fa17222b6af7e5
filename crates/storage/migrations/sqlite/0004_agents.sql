-- Agents (issue 5): users who take the calls a campaign hands over, their status, and the
-- groups that tie them to campaigns.
CREATE TABLE agents (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    -- The number Outdial calls the agent on (E.164).
    phone TEXT NOT NULL,
    status TEXT NOT NULL,
    status_since INTEGER NOT NULL,
    -- When the agent's current call began (on a call or wrapping it up).
    busy_since INTEGER,
    -- When wrap-up ends by itself.
    wrap_up_until INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX agents_tenant ON agents(tenant_id, status);
CREATE INDEX agents_wrap_up ON agents(wrap_up_until) WHERE status = 'wrap_up';

CREATE TABLE agent_groups (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX agent_groups_name ON agent_groups(tenant_id, name);

CREATE TABLE agent_group_members (
    group_id INTEGER NOT NULL REFERENCES agent_groups(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES agents(user_id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX agent_group_members_user ON agent_group_members(user_id);

CREATE TABLE campaign_agent_groups (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES agent_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, group_id)
);
