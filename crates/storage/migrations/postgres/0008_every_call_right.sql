-- A call the carrier never made (Outdial stopped before the carrier had it, found so by
-- reconciliation) is kept in the log but is no attempt: it counts neither toward the lead's
-- calls in 24 hours nor toward the campaign's daily limit (issue 16).
ALTER TABLE calls ADD COLUMN never_placed BIGINT NOT NULL DEFAULT 0;
