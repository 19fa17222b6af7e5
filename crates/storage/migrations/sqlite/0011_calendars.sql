-- Calendars and appointments (issue 19). A calendar's rules are one JSON document (the domain
-- checks them). Each taken place of a slot is a row of calendar_places, unique per
-- (calendar, start, place): two bookings can never take the same place, on one instance or
-- several. A hold is a place with an expiry; an expired hold is taken over in the same upsert.
CREATE TABLE calendars (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    settings TEXT NOT NULL,
    feed_hash TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX calendars_name ON calendars(tenant_id, name);
CREATE UNIQUE INDEX calendars_feed ON calendars(feed_hash);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    calendar_id INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    lead_id INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    note TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX appointments_calendar ON appointments(calendar_id, starts_at);
CREATE INDEX appointments_tenant ON appointments(tenant_id, starts_at);
CREATE INDEX appointments_lead ON appointments(lead_id);
CREATE INDEX appointments_created ON appointments(tenant_id, created_at);

CREATE TABLE calendar_places (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    calendar_id INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    place INTEGER NOT NULL,
    appointment_id INTEGER UNIQUE REFERENCES appointments(id) ON DELETE CASCADE,
    hold_token TEXT UNIQUE,
    expires_at INTEGER,
    lead_id INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (calendar_id, starts_at, place)
);

CREATE TABLE appointment_events (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    from_start INTEGER,
    to_start INTEGER,
    note TEXT NOT NULL
);
CREATE INDEX appointment_events_of ON appointment_events(appointment_id, at);

-- A reminder campaign's lead names the appointment it reminds of.
ALTER TABLE leads ADD COLUMN appointment_id INTEGER REFERENCES appointments(id) ON DELETE SET NULL;
CREATE INDEX leads_appointment ON leads(appointment_id);
