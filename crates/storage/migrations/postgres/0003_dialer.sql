-- The dialer (issue 4).

-- A callable lead (new or retry) always carries the moment it is due, so the dialer finds the
-- next leads to call with one index range per priority, however many leads the campaign has.
UPDATE leads SET next_attempt_at = created_at WHERE next_attempt_at IS NULL AND status IN ('new', 'retry');
CREATE INDEX leads_due ON leads(campaign_id, priority, next_attempt_at, id) WHERE status IN ('new', 'retry') AND do_not_call = 0;
-- Why a callable lead waits past its due time (calling hours, attempts per 24 hours).
ALTER TABLE leads ADD COLUMN hold_reason TEXT;
-- Leads being dialed, for the check that no claim outlives its call.
CREATE INDEX leads_dialing ON leads(campaign_id) WHERE status = 'dialing';

-- Calls placed per day and per second, and the last one, per campaign.
CREATE INDEX calls_campaign_created ON calls(campaign_id, created_at);
-- Calls not ended yet: what is in flight, and what reconciliation looks at. Keyed by a column
-- that never changes, so a status update leaves the index alone (on PostgreSQL it can stay a
-- heap-only update; indexing updated_at made every callback rewrite every index of calls).
CREATE INDEX calls_campaign_open ON calls(campaign_id) WHERE ended_at IS NULL;

-- What the dialer last found about a running campaign: why it waits, and when it calls next.
ALTER TABLE campaigns ADD COLUMN waiting_reason TEXT;
ALTER TABLE campaigns ADD COLUMN next_call_at BIGINT;

-- Calls a tenant started in the last second (the carrier's rate is per account).
CREATE INDEX calls_tenant_created ON calls(tenant_id, created_at);
