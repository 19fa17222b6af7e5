// Outdial's web application, end to end, in headless Debian chromium: it starts the real
// binary in simulation on a fresh database and works through it as people would — the
// manager signs in, creates a campaign, uploads a CSV with bad rows and reads the report,
// starts the campaign and watches the calls complete live; an agent takes a transferred call
// in the console and records an appointment; the dashboard's figures are checked against the
// API. Every main page is saved as a screenshot in e2e/screenshots/ (git-ignored).
//
// The server's clock is the suite's, never the machine's: it starts at a fixed moment, 02:00
// in Berlin (17:00 in Los Angeles, where the suite's leads live), so German numbers are outside
// their hours and the suite checks that they wait; a second, short server starts at 23:30 in New
// York, when neither New York nor Berlin may be called. The suite passes at any hour it runs.
//
//   node e2e/run.mjs            (after `cargo build -p outdial`; OUTDIAL_BIN and CHROMIUM
//                                 override the binary and the browser; OUTDIAL_E2E_PIDFILE
//                                 names a file to write the server's process id to)

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.OUTDIAL_BIN || join(here, '..', 'target', 'debug', 'outdial');
const BROWSER = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(here, 'screenshots');
const TZ = 'America/Los_Angeles';
/** 02:00 in Berlin on a Tuesday: 17:00 in Los Angeles, 20:00 in New York. */
const START = '2026-11-17T02:00:00+01:00';
/** 23:30 in New York on a Monday: 05:30 in Berlin, 20:30 in Los Angeles. */
const LATE_NEW_YORK = '2026-11-16T23:30:00-05:00';
mkdirSync(SHOTS, { recursive: true });

// ---------------------------------------------------------------- the server under test

const children = new Set();
/** Whatever happens to the suite, the servers it started end with it. */
function stopChildren() { for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } } children.clear(); }
process.on('exit', stopChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => { stopChildren(); process.exit(130); });

/** Starts Outdial in simulation on a free port with its clock at `start`; resolves to its URL,
 * password and process. */
function startOutdial(start) {
  const dir = mkdtempSync(join(tmpdir(), 'outdial-e2e-'));
  const { OUTDIAL_E2E_PIDFILE: _pidfile, ...inherited } = process.env;
  const env = {
    ...inherited,
    // Calls play 4x faster than life; every callee is a person (so the agent's call is
    // certain) who presses 1, 2 or nothing; agents' phones let the whisper run so the
    // console's Accept is what connects them.
    OUTDIAL_SIMULATOR__SPEED: '4',
    OUTDIAL_SIMULATOR__OUTCOMES__HUMAN: '100',
    OUTDIAL_SIMULATOR__OUTCOMES__MACHINE: '0',
    OUTDIAL_SIMULATOR__OUTCOMES__BUSY: '0',
    OUTDIAL_SIMULATOR__OUTCOMES__NO_ANSWER: '0',
    OUTDIAL_SIMULATOR__OUTCOMES__FAILED: '0',
    OUTDIAL_SIMULATOR__RING_SECONDS: '[2,6]',
    OUTDIAL_SIMULATOR__TALK_SECONDS: '[8,16]',
    OUTDIAL_SIMULATOR__AGENTS__ACTS: '[0,100,0]',
    OUTDIAL_SIMULATOR__AGENTS__ANSWER_SECONDS: '[1,2]',
    OUTDIAL_SIMULATOR__AGENTS__TALK_SECONDS: '[12,16]',
    OUTDIAL_SIMULATOR__HOLD_PATIENCE_SECONDS: '[120,180]',
    // Open consoles and event streams check their login every 2 s (30 by default).
    OUTDIAL_AUTH__STREAM_RECHECK_SECONDS: '2',
    OUTDIAL_LOG__LEVEL: 'warn',
    // The suite's time, not the machine's.
    OUTDIAL_CLOCK__START: start,
  };
  const child = spawn(BIN, ['serve', '--bind', '127.0.0.1:0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  if (process.env.OUTDIAL_E2E_PIDFILE) writeFileSync(process.env.OUTDIAL_E2E_PIDFILE, `${child.pid}\n`, { flag: 'a' });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Outdial did not start in 60 s:\n${out}`)), 60000);
    const read = (chunk) => {
      out += chunk;
      const url = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const password = out.match(/password:\s+(\S+)/);
      if (url && password) { clearTimeout(timer); resolve({ url: url[1], password: password[1], child, dir, log: () => out }); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (c) => { out += c; });
    child.on('exit', (code) => reject(new Error(`Outdial exited (${code}):\n${out}`)));
  });
}

// ---------------------------------------------------------------- helpers

let step = 0;
async function check(name, fn) {
  step += 1;
  const started = Date.now();
  process.stdout.write(`${String(step).padStart(2)}. ${name} … `);
  await fn();
  console.log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Polls `fn` until it returns a truthy value. */
async function until(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The REST API as a bearer-token client, for setting up and for checking the UI's figures. */
function apiClient(base, token) {
  return async (method, path, body, type = 'application/json') => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
      body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

async function signIn(page, base, email, password) {
  await page.goto(base + '/');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('nav.side');
}

/** The number shown in a dashboard or campaign tile. */
const tile = (page, key) => page.locator(`[data-stat="${key}"] .value`).innerText();

// The campaigns' own window is the whole week; the called person's local hours (08:00–21:00,
// built in) still apply, and the suite's clock makes them certain: its Los Angeles leads are
// called, its Berlin lead waits.
const ALL_DAY = { start: '00:00', end: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] };

// ---------------------------------------------------------------- the run

const server = await startOutdial(START);
const base = server.url;
let browser;
const errors = [];
const pages = [];
const watch = (page, who) => {
  pages.push([page, who]);
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
  page.on('console', (m) => {
    // The first visit asks who is signed in and is told nobody (401): expected.
    // Refusals (4xx) are part of the checks (bad input, the forged request) and the page shows them.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(`${who} console: ${m.text()}`);
  });
};
let failed = false;
try {
  browser = await chromium.launch({ executablePath: BROWSER, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: TZ });
  const page = await adminCtx.newPage();
  watch(page, 'manager');
  const login = await (await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.outdial.local', password: server.password }) })).json();
  const api = apiClient(base, login.token);

  await check('a wrong password is refused with a message, the right one signs in', async () => {
    await page.goto(base + '/');
    await shot(page, '01-sign-in');
    await page.getByLabel('Email', { exact: true }).fill('admin@demo.outdial.local');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('wrong email or password').waitFor();
    await signIn(page, base, 'admin@demo.outdial.local', server.password);
    const cookies = await adminCtx.cookies();
    const session = cookies.find((c) => c.name === 'outdial_session');
    assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // Nothing called yet: the dashboard says what to do first instead of a page of zeros.
    const firstRun = page.locator('#first-run');
    await firstRun.getByText('No calls yet').waitFor();
    await firstRun.getByRole('link', { name: /^Start / }).waitFor();
    await shot(page, '02-dashboard-empty-day');
  });

  await check('a change without the CSRF token is refused, even with the session cookie', async () => {
    const status = await page.evaluate(async () => (await fetch('/api/v1/campaigns', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"forged"}' })).status);
    assert.equal(status, 403);
  });

  let campaignId;
  await check('a campaign is created in the form; a bad value is named next to its field', async () => {
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await shot(page, '03-campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('E2E spring list');
    await page.getByLabel('Caller IDs', { exact: true }).fill('12ab');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const callerField = page.locator('.field[data-field="settings.caller_ids"]');
    await callerField.locator('.error', { hasText: 'not a phone number' }).waitFor();
    assert.ok(await callerField.evaluate((f) => f.classList.contains('invalid')));
    await page.locator('.alert.error').waitFor();
    await shot(page, '04-campaign-form-error');
    // Every drop-down shown is wide enough for each of its choices: none is cut off.
    const cut = await page.locator('form select').evaluateAll((selects) => {
      const ctx = document.createElement('canvas').getContext('2d');
      return selects.filter((s) => s.offsetParent !== null).flatMap((s) => {
        const style = getComputedStyle(s);
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        return [...s.options].filter((o) => ctx.measureText(o.text).width > room).map((o) => `${s.name}: ${o.text}`);
      });
    });
    assert.deepEqual(cut.filter((c) => !c.startsWith('settings.timezone')), [], 'choices cut off');
    // Language, voice and time zone are chosen from lists.
    assert.equal(await page.getByLabel('Spoken language', { exact: true }).evaluate((e) => e.tagName), 'SELECT');
    assert.equal(await page.getByLabel('Voice', { exact: true }).evaluate((e) => e.tagName), 'SELECT');
    assert.equal(await page.getByLabel('Campaign time zone', { exact: true }).evaluate((e) => e.tagName), 'SELECT');
    await page.getByLabel('Spoken language', { exact: true }).selectOption('de-DE');
    assert.equal(await page.getByLabel('Voice', { exact: true }).inputValue(), 'Polly.Marlene', 'a German voice for German');
    await page.getByLabel('Spoken language', { exact: true }).selectOption('en-US');
    assert.equal(await page.getByLabel('Voice', { exact: true }).inputValue(), 'Polly.Joanna');
    await page.getByLabel('Message', { exact: true }).fill('Hi {first_name}, this is Lane Motors about your spring service. Press 1 to talk to us, or 2 to stop these calls.');
    await page.getByLabel('Voicemail message', { exact: true }).fill('Hi, this is Lane Motors about your spring service. Please call us back.');
    // The message names the keys itself: no prompt after it.
    await page.getByRole('checkbox', { name: 'The message says the keys itself (no prompt)' }).check();
    await page.getByLabel('Caller IDs', { exact: true }).fill('+18134893200');
    // The simulated account's number, offered from Twilio's number list, is added with a click.
    await page.getByRole('button', { name: '+ +15005550006' }).click();
    await page.getByRole('checkbox', { name: 'Record calls' }).check();
    await page.getByLabel('From', { exact: true }).fill(ALL_DAY.start);
    await page.getByLabel('Until', { exact: true }).fill(ALL_DAY.end);
    for (const d of ['sat', 'sun']) await page.getByRole('checkbox', { name: d }).check();
    await page.getByLabel('Pacing', { exact: true }).selectOption('unattended');
    await page.getByLabel('Calls at once (max)', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/#\/campaigns\/\d+$/);
    campaignId = Number(page.url().match(/campaigns\/(\d+)/)[1]);
    await page.getByRole('heading', { name: 'E2E spring list' }).waitFor();
    const saved = await api('GET', `/api/v1/campaigns/${campaignId}`);
    assert.equal(saved.settings.pacing.mode, 'unattended');
    assert.deepEqual(saved.settings.calling_window, ALL_DAY);
    assert.deepEqual(saved.settings.caller_ids, ['+18134893200', '+15005550006']);
    assert.equal(saved.settings.recording, true);
    assert.equal(saved.settings.menu.prompt, '');
  });

  await check('a CSV with bad rows uploads with a progress bar and a row-by-row rejection report', async () => {
    await page.getByRole('link', { name: 'Upload leads' }).click();
    await page.getByRole('heading', { name: 'Upload leads' }).waitFor();
    const csv = [
      'first_name,last_name,phone,company',
      'Ava,Stone,+1 415 231 2531,Stone Realty',
      'Ben,Ortiz,(415) 231-2532,',
      'Cleo,Park,+14152312533,Park Dental',
      'Dan,Ruiz,415-231-2534,',
      'Eve,Lane,415.231.2535,Lane Motors',
      'Finn,Wu,+1 415 231 2536,',
      'Greta,Berg,+49 30 23125307,Berg Bau',
      'Gus,Bad,12ab,',
      'Hal,Twice,+1 (415) 231-2531,',
      'Ivy,Empty,,',
    ].join('\n');
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'spring.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('7 of 10 rows imported; 3 rejected').waitFor();
    // The summary comes with the upload's answer; the rejected rows are a page fetched after it.
    const rows = page.locator('#report tbody tr');
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);
    const report = await page.locator('#report').innerText();
    assert.match(report, /'12ab' is not a phone number/);
    assert.match(report, /already appears on line 2/);
    await shot(page, '05-upload-report');
  });

  await check('the campaign starts, its calls complete live on the page; the Berlin lead waits for its hours', async () => {
    await page.goto(`${base}/#/campaigns/${campaignId}`);
    await page.getByRole('heading', { name: 'E2E spring list' }).waitFor();
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('.badge.running').first().waitFor();
    await until('six finished calls on the campaign page', async () => {
      const made = Number(await tile(page, 'calls-made'));
      const finished = await page.locator('#progress').innerText();
      const rows = await page.locator('table tbody tr .badge.completed').count();
      return made === 6 && /In progress\s*0/.test(finished) && rows >= 6;
    }, 90000);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page updated in place');
    const progress = await api('GET', `/api/v1/campaigns/${campaignId}/progress`);
    assert.equal(progress.calls_made, 6);
    // Abandonment sits with the hand-overs it is counted over, not as a tile of its own.
    assert.ok(!(await page.locator('#progress').innerText()).includes('Abandoned'), 'no orphaned Abandoned tile');
    await page.locator('[data-stat="abandoned"]').waitFor();
    await shot(page, '06-campaign-live');
    // 02:00 in Berlin: the German number is outside its hours (08:00–21:00 built in) and waits;
    // its page says why.
    const berlin = (await api('GET', `/api/v1/leads?campaign_id=${campaignId}&q=Berg`)).items[0];
    assert.equal(berlin.status, 'new');
    assert.equal(berlin.attempts, 0);
    await page.goto(`${base}/#/leads/${berlin.id}`);
    await page.getByText("outside the called person's hours (Europe/Berlin)").first().waitFor();
    assert.equal(await page.locator('#derived-zones').innerText(), 'Europe/Berlin');
    // "Call now" passes the same screen as the dialer: refused beside the button, with the
    // next allowed moment (08:00 in Berlin, 23:00 the day before in the page's Los Angeles).
    await page.getByRole('button', { name: 'Call now' }).click();
    await page.locator('#call-refusal', { hasText: 'next allowed' }).waitFor();
    const refusal = await page.locator('#call-refusal').innerText();
    assert.match(refusal, /outside the called person's hours \(Europe\/Berlin\)/);
    assert.match(refusal, /Nov 16, 2026,? 11:00\s?PM/);
    assert.equal((await api('GET', `/api/v1/leads/${berlin.id}`)).status, 'new', 'a refused call leaves the lead as it was');
    await shot(page, '06b-lead-waiting-for-berlin');
  });

  let leadId;
  await check('the leads table filters by campaign and a lead shows its calls as a timeline', async () => {
    await page.goto(`${base}/#/leads?campaign_id=${campaignId}`);
    await page.getByRole('heading', { name: 'Leads' }).waitFor();
    const list = page.locator('#lead-list');
    await list.getByRole('link', { name: 'Ava Stone' }).waitFor();
    assert.equal(await list.locator('tbody tr').count(), 7);
    // Newest first, each with its campaign when every campaign is shown.
    const names = await list.locator('tbody tr td:first-child').allInnerTexts();
    assert.equal(names[names.length - 1], 'Ava Stone', `the first lead of the file is listed last: ${names}`);
    // People who pressed 1 while nobody could take them are on top, to call back (the
    // campaign has no agents and no transfer number).
    const pressed = (await api('GET', '/api/v1/call-backs')).filter((b) => b.campaign_id === campaignId);
    assert.ok(pressed.length > 0, 'somebody pressed 1');
    const callBacks = page.getByRole('region', { name: 'Call back' });
    await callBacks.getByRole('link', { name: pressed[0].lead_name }).waitFor();
    await shot(page, '07-leads');
    await page.goto(`${base}/#/leads`);
    await page.locator('#lead-list thead th', { hasText: 'Campaign' }).waitFor();
    await page.goto(`${base}/#/leads?campaign_id=${campaignId}`);
    await list.getByRole('link', { name: 'Ava Stone' }).click();
    await page.getByRole('heading', { name: 'Ava Stone' }).waitFor();
    leadId = Number(page.url().match(/leads\/(\d+)/)[1]);
    await page.locator('.timeline li', { hasText: 'Call #' }).first().waitFor();
    await page.getByLabel('Notes', { exact: true }).fill('Prefers mornings');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await page.getByText('Notes saved.').waitFor();
    assert.equal((await api('GET', `/api/v1/leads/${leadId}`)).notes, 'Prefers mornings');
    // A call for tomorrow morning (the page's Los Angeles time), listed, then canceled.
    await page.getByLabel('Call at', { exact: true }).fill('2026-11-17T10:00');
    await page.getByRole('button', { name: 'Schedule call' }).click();
    await page.locator('#upcoming li', { hasText: 'cold call' }).waitFor();
    const [upcoming] = await api('GET', `/api/v1/scheduled-calls?lead_id=${leadId}`);
    assert.equal(new Date(upcoming.scheduled_for).toISOString(), '2026-11-17T18:00:00.000Z');
    await shot(page, '08-lead');
    await page.locator('#upcoming li').getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('No call scheduled.').waitFor();
  });

  let calendarId;
  let appointmentId;
  await check('a calendar closed on Berlin holidays is made; a lead is booked into a held slot by hand, seen on the calendar page and in calendar apps through the feed', async () => {
    await page.goto(`${base}/#/calendar`);
    // The demo's studio calendar is there already.
    assert.deepEqual((await api('GET', '/api/v1/calendars')).map((c) => c.name), ['Studio Mitte']);
    await page.getByRole('link', { name: 'New calendar' }).click();
    await page.getByRole('heading', { name: 'New calendar' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Studio');
    await page.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
    await page.getByLabel('Public holidays', { exact: true }).selectOption('DE-BE');
    // A mistake is named next to its field, and nothing is made.
    await page.getByLabel('Monday', { exact: true }).fill('17:00-09:00');
    await page.getByRole('button', { name: 'Create calendar' }).click();
    await page.locator('[data-field="settings.hours.mon"].invalid').waitFor();
    assert.equal((await api('GET', '/api/v1/calendars')).length, 1);
    await page.getByLabel('Monday', { exact: true }).fill('09:00-12:00, 13:00-17:00');
    await page.getByRole('button', { name: 'Create calendar' }).click();
    const feedUrl = await page.locator('#feed-url').inputValue();
    const feedPath = feedUrl.slice(feedUrl.indexOf('/api/v1/'));
    const empty = await (await fetch(base + feedPath)).text();
    assert.ok(empty.startsWith('BEGIN:VCALENDAR\r\n') && !empty.includes('BEGIN:VEVENT'), empty);
    ({ id: calendarId } = (await api('GET', '/api/v1/calendars')).find((c) => c.name === 'Studio'));

    // "Book appointment" on the lead: the first free slot is held, then booked.
    await page.goto(`${base}/#/leads/${leadId}`);
    await page.getByRole('heading', { name: 'Ava Stone' }).waitFor();
    await page.getByRole('button', { name: 'Book appointment' }).click();
    const dialog = page.locator('dialog.booking');
    await dialog.locator('button.slot').first().click();
    await dialog.locator('#booking-held', { hasText: 'held for you' }).waitFor();
    const holds = await api('GET', `/api/v1/calendars/${calendarId}/availability?from=2026-11-17T08:00:00Z&to=2026-11-17T08:30:00Z`);
    assert.equal(holds.slots.length, 0, 'the held slot is taken for everybody else');
    await shot(page, '08a-booking');
    await dialog.getByRole('button', { name: 'Book', exact: true }).click();
    await page.waitForURL(/#\/appointments\/\d+/);
    appointmentId = Number(page.url().match(/appointments\/(\d+)/)[1]);
    await page.getByRole('heading', { name: 'Ava Stone' }).waitFor();
    const booked = await api('GET', `/api/v1/appointments/${appointmentId}`);
    // 02:00 in Berlin with two hours' notice: Tuesday's first slot, 09:00 in Berlin.
    assert.equal(new Date(booked.starts_at).toISOString(), '2026-11-17T08:00:00.000Z');
    assert.equal(booked.lead_id, leadId);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('#appointment-history li', { hasText: 'confirmed' }).waitFor();
    await shot(page, '08b-appointment');

    // On the calendar page, in Berlin time; Christmas Day is closed.
    await page.goto(`${base}/#/calendar?id=${calendarId}&view=week&date=2026-11-17`);
    const day = page.locator('#calendar section[data-day="2026-11-17"]');
    await day.locator('a.appointment', { hasText: 'Ava Stone' }).waitFor();
    // 09:00 in Berlin, whatever the browser's own zone (Los Angeles here).
    assert.match(await day.locator('li', { hasText: 'Ava Stone' }).locator('.time').innerText(), /^09:00( AM)?$/);
    await shot(page, '08c-calendar');
    await page.goto(`${base}/#/calendar?id=${calendarId}&view=day&date=2026-12-25`);
    await page.getByText('Closed: 1. Weihnachtstag').waitFor();

    // Calendar apps see it through the feed, with a higher SEQUENCE after the change.
    const feed = await (await fetch(base + feedPath)).text();
    assert.ok(feed.includes('SUMMARY:Ava Stone\r\n') && feed.includes('DTSTART:20261117T080000Z\r\n') && feed.includes('SEQUENCE:1\r\n'), feed);
  });

  await check('a conversation flow is checked with the line of its mistake and tried as a chat that offers a real slot', async () => {
    await page.goto(`${base}/#/conversations`);
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await page.getByLabel('Template', { exact: true }).selectOption('appointment_booking');
    await page.getByLabel('Language of the flow', { exact: true }).selectOption('de');
    const definition = page.getByLabel('Definition', { exact: true });
    assert.ok((await definition.inputValue()).includes('Wann hätten Sie denn Zeit?'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByText('The flow is fine').waitFor();
    // A mistake: the start names no step; the message names line 3 and jumps there.
    const good = await definition.inputValue();
    await definition.fill(good.replace('"start": "greet"', '"start": "hello"'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.locator('#flow-check').getByRole('button', { name: 'Line 3' }).click();
    await definition.fill(good);
    // The chat, in German, against the Studio calendar: Wednesday at 10 is offered and held.
    await page.getByLabel('Calendar for the slots', { exact: true }).selectOption({ label: 'Studio' });
    await page.getByRole('button', { name: 'Start the conversation' }).click();
    const log = page.locator('#chat-log');
    await log.getByText('Wann hätten Sie denn Zeit?').waitFor();
    await page.getByLabel('What the person says', { exact: true }).fill('Mittwoch um 10 Uhr');
    await page.getByRole('button', { name: 'Say', exact: true }).click();
    await log.getByText('Mittwoch, den 18. November um 10 Uhr wäre frei. Passt Ihnen das?').waitFor();
    const held = await api('GET', `/api/v1/calendars/${calendarId}/availability?from=2026-11-18T09:00:00Z&to=2026-11-18T09:30:00Z`);
    assert.equal(held.slots.length, 0, 'the slot offered in the chat is held');
    await page.getByLabel('What the person says', { exact: true }).fill('ja, das passt');
    await page.getByRole('button', { name: 'Say', exact: true }).click();
    await log.locator('li.action', { hasText: 'would book Mittwoch, den 18. November um 10 Uhr' }).waitFor();
    await log.locator('li.action', { hasText: 'Call ends:' }).waitFor();
    await shot(page, '08d-conversation');
    const released = await api('GET', `/api/v1/calendars/${calendarId}/availability?from=2026-11-18T09:00:00Z&to=2026-11-18T09:30:00Z`);
    assert.equal(released.slots.length, 1, 'a chat books nothing: the hold is released');
  });

  await check('the call log and a call with its status timeline', async () => {
    await page.getByRole('link', { name: 'Calls', exact: true }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    await shot(page, '09-calls');
    await page.locator('tbody tr a').first().click();
    await page.locator('#timeline li', { hasText: 'Call ended' }).first().waitFor();
    const text = await page.locator('#timeline').innerText();
    // Plain words, not the carrier's: no "Status initiated #0".
    for (const s of ['Dialing', 'Ringing', 'Answered', 'Call ended']) assert.ok(text.includes(s), `the timeline says ${s}: ${text}`);
    for (const s of ['initiated', 'in-progress', '#0']) assert.ok(!text.includes(s), `the timeline hides the jargon ${s}: ${text}`);
    // Who was called, by name.
    await page.getByRole('heading', { name: /^Call to / }).waitFor();
    // The recording plays through Outdial (same origin, the session's cookie): the browser
    // loads and decodes it, and knows its length.
    let recorded;
    for (let i = 0; i < 50 && !recorded; i += 1) {
      const calls = await api('GET', `/api/v1/calls?campaign_id=${campaignId}&limit=100`);
      recorded = calls.items.find((c) => c.recording_sid);
      if (!recorded) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(recorded, 'a call of the recorded campaign has its recording');
    await page.goto(`${base}/#/calls/${recorded.id}`);
    const audio = page.locator('audio');
    await audio.waitFor();
    const seconds = await audio.evaluate((a) => new Promise((resolve, reject) => {
      if (a.readyState >= 1) return resolve(a.duration);
      a.addEventListener('loadedmetadata', () => resolve(a.duration));
      a.addEventListener('error', () => reject(new Error(`the recording did not load: ${a.error && a.error.message}`)));
      a.load();
    }));
    assert.ok(Math.abs(seconds - recorded.recording_seconds) < 1.5, `the player says ${seconds} s for a ${recorded.recording_seconds} s recording`);
    // The transcript: the greeting as the person heard it, their name filled in.
    await page.locator('#transcript li', { hasText: /Outdial: Hi \S+, this is Lane Motors/ }).first().waitFor();
    await shot(page, '10-call');
  });

  await check('a recording is uploaded in the campaign form and the campaign names it', async () => {
    await page.goto(`${base}/#/campaigns/new`);
    await page.getByLabel('Name', { exact: true }).fill('E2E recorded greeting');
    await page.getByLabel('Caller IDs', { exact: true }).fill('+18134893200');
    await page.getByLabel('Message', { exact: true }).fill('Hello from Lane Motors.');
    const mp3 = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.alloc(30000, 0x55)]);
    await page.getByLabel("Upload the message's recording", { exact: true }).setInputFiles({ name: 'greeting.mp3', mimeType: 'audio/mpeg', buffer: mp3 });
    await page.locator('select[name="settings.script.message_audio"] option:checked', { hasText: 'greeting.mp3' }).waitFor({ state: 'attached' });
    // A file that is not audio is refused with a message, and nothing changes.
    await page.getByLabel("Upload the voicemail's recording", { exact: true }).setInputFiles({ name: 'list.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('first_name,phone\n') });
    await page.locator('.alert.error', { hasText: 'neither MP3 nor WAV' }).waitFor();
    await shot(page, '04b-campaign-recording');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/#\/campaigns\/\d+$/);
    const recorded = await api('GET', `/api/v1/campaigns/${Number(page.url().match(/campaigns\/(\d+)/)[1])}`);
    const files = await api('GET', '/api/v1/audio');
    assert.equal(files.length, 1);
    assert.equal(files[0].size_bytes, mp3.length);
    assert.deepEqual(recorded.settings.script.message_audio, { upload: files[0].id });
    assert.equal(recorded.settings.script.voicemail_audio, null);
  });

  await check('a live call is hung up from its page', async () => {
    const long = await api('POST', '/api/v1/campaigns', {
      name: 'E2E long message',
      settings: { caller_ids: ['+18134893200'], calling_window: ALL_DAY, machine_detection: { enabled: false }, script: { message: 'This message is long on purpose. '.repeat(30) } },
    });
    const call = await api('POST', '/api/v1/calls', { to: '+1 415 231 2560', campaign_id: long.id });
    await page.goto(`${base}/#/calls/${call.id}`);
    await page.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: 'Hang up' }).click();
    await page.locator('.bar .badge.completed').first().waitFor({ timeout: 20000 });
    await page.locator('#timeline li', { hasText: 'Ended by hand' }).waitFor();
    const ended = await api('GET', `/api/v1/calls/${call.id}`);
    assert.ok(ended.events.some((e) => e.kind === 'control' && e.status === 'hang_up'), 'the hang-up is in the timeline');
    await shot(page, '10b-call-hung-up');
  });

  await check('do-not-call: a number is added and listed', async () => {
    await page.getByRole('link', { name: 'Do-not-call' }).click();
    await page.getByLabel('Phone', { exact: true }).fill('(813) 489-3399');
    await page.getByLabel('Reason', { exact: true }).fill('asked by phone');
    await page.getByRole('button', { name: 'Add to the list' }).click();
    await page.getByText('+18134893399 is on the do-not-call list').waitFor();
    await page.locator('tbody tr', { hasText: '+18134893399' }).waitFor();
    // The upload button is a button's size, not stretched to the panel beside it.
    const upload = await page.getByRole('button', { name: 'Upload the list' }).boundingBox();
    const add = await page.getByRole('button', { name: 'Add to the list' }).boundingBox();
    assert.ok(Math.abs(upload.height - add.height) < 2, `buttons of one size: ${upload.height} and ${add.height}`);
    await shot(page, '11-dnc');
  });

  await check('settings show where calls go and how Twilio reaches Outdial; an API key is shown once', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Twilio' }).waitFor();
    await page.getByText('the built-in simulator').waitFor();
    await page.getByText(`${base}/twilio`).waitFor();
    await page.getByRole('heading', { name: 'Numbers on this account' }).waitFor();
    await page.locator('td code', { hasText: '+15005550006' }).waitFor();
    const keys = page.locator('form', { has: page.getByRole('heading', { name: 'API keys' }) });
    await keys.getByLabel('Name', { exact: true }).fill('zapier');
    await keys.getByRole('button', { name: 'Create key' }).click();
    assert.match(await page.locator('#new-key').innerText(), /^odk_[0-9a-f]{64}$/);
    await shot(page, '12-settings');
  });

  await check('quick start: a new campaign from pasted numbers (a bad one reported), started and stopped', async () => {
    await page.getByRole('link', { name: 'Quick start' }).click();
    await page.getByLabel('Call the leads of', { exact: true }).selectOption('new');
    await page.getByLabel('Campaign name', { exact: true }).fill('E2E quick list');
    await page.getByLabel('Caller ID', { exact: true }).fill('+18134893200');
    await page.getByLabel('Message', { exact: true }).fill('Hi {first_name}, this is Sam from Lane Motors about your service.');
    await page.getByLabel('Add numbers (optional)', { exact: true }).fill('Mia, +1 415 231 2540\n+1 415 231 2541\nnot a number');
    await page.getByRole('button', { name: 'Start calling' }).click();
    await page.getByText('2 numbers added, 1 rejected').waitFor();
    await page.locator('#watch .badge.running').waitFor();
    await shot(page, '13-quick-start');
    await page.getByRole('button', { name: 'Stop calling' }).click();
    await page.locator('#watch .badge.paused').waitFor();
    const quick = (await api('GET', '/api/v1/campaigns')).find((c) => c.name === 'E2E quick list');
    assert.equal(quick.status, 'paused');
    assert.equal(quick.leads.total, 2);
  });

  // The agent's campaign: progressive, one lead, the demo agent's group.
  const agentCampaign = await api('POST', '/api/v1/campaigns', {
    name: 'E2E agent calls', type: 'sales_outreach',
    settings: { caller_ids: ['+18134893200'], calling_window: ALL_DAY, script: { message: 'Hi {first_name}, one moment please.', voicemail_message: 'Please call us back.' }, pacing: { mode: 'progressive' }, transfer: { accept_seconds: 30, agent_ring_seconds: 20 } },
  });
  await api('POST', `/api/v1/campaigns/${agentCampaign.id}/imports?filename=agent.csv`, 'first_name,last_name,phone,company\nPat,Quinn,+1 415 231 2550,Quinn Roofing\n', 'text/csv');
  await check("a campaign's agent group is ticked in its form, and it starts", async () => {
    await page.goto(`${base}/#/campaigns/${agentCampaign.id}/edit`);
    await page.getByRole('checkbox', { name: /Demo team/ }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`#/campaigns/${agentCampaign.id}$`));
    const groups = await api('GET', '/api/v1/agent-groups');
    assert.ok(groups.find((g) => g.name === 'Demo team').campaigns.includes(agentCampaign.id));
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('.badge.running').first().waitFor();
    await page.getByText('Waiting: no agent signed in').waitFor();
  });

  const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: TZ });
  const agentPage = await agentCtx.newPage();
  watch(agentPage, 'agent');
  let transferredCall;
  await check('an agent goes available, sees the offer with the lead, accepts and disposes it', async () => {
    await signIn(agentPage, base, 'agent@demo.outdial.local', server.password);
    await agentPage.getByRole('heading', { name: 'Agent console' }).waitFor();
    await agentPage.locator('#link.connected').waitFor();
    assert.equal(await agentPage.getByRole('link', { name: 'Quick start' }).count(), 0, 'agents do not see manager pages');
    await agentPage.getByRole('button', { name: 'Available' }).click();
    await agentPage.locator('#status .badge.available').waitFor();
    await agentPage.locator('#accept').waitFor({ timeout: 90000 });
    // Accept is enabled once the agent's phone is answered and the whisper plays.
    await agentPage.locator('#accept:enabled').waitFor({ timeout: 30000 });
    assert.match(await agentPage.locator('#offer').innerText(), /Pat Quinn[\s\S]*Quinn Roofing/);
    await shot(agentPage, '14-console-offer');
    await agentPage.locator('#accept').click();
    await agentPage.getByRole('heading', { name: /On a call|Call ended/ }).waitFor({ timeout: 30000 });
    await shot(agentPage, '15-console-on-call');
    await agentPage.getByRole('heading', { name: 'Call ended — record how it went' }).waitFor({ timeout: 60000 });
    transferredCall = Number((await agentPage.locator('#call a[href^="#/calls/"]').innerText()).replace(/\D/g, ''));
    await agentPage.getByLabel('Outcome', { exact: true }).selectOption('appointment_booked');
    await agentPage.getByLabel('Notes', { exact: true }).fill('Booked for Tuesday 10am');
    // A status change redraws the console; what the agent chose and typed stays.
    await agentPage.getByRole('button', { name: 'Pause' }).click();
    await agentPage.locator('#status .badge.paused').waitFor();
    assert.equal(await agentPage.getByLabel('Outcome', { exact: true }).inputValue(), 'appointment_booked');
    assert.equal(await agentPage.getByLabel('Notes', { exact: true }).inputValue(), 'Booked for Tuesday 10am');
    await agentPage.getByRole('button', { name: 'Save disposition' }).click();
    await agentPage.getByText('Disposition saved for Pat Quinn').waitFor();
    const t = await api('GET', `/api/v1/calls/${transferredCall}/transfer`);
    assert.equal(t.disposition, 'appointment_booked');
    assert.equal(t.notes, 'Booked for Tuesday 10am');
    assert.equal(t.legs[0].status, 'ended');
    await agentPage.locator('#status .badge.paused').waitFor();
    await shot(agentPage, '16-console-after');
  });

  await check('an agent cannot reach a manager page', async () => {
    await agentPage.goto(`${base}/#/campaigns/new`);
    await agentPage.getByText('Your role cannot change campaigns').waitFor();
  });

  await check("an agent signed out in another tab: the open console says so and shows the sign-in", async () => {
    await agentPage.goto(`${base}/#/console`);
    await agentPage.locator('#link.connected').waitFor();
    const other = await agentCtx.newPage();
    watch(other, 'agent-tab');
    await other.goto(`${base}/#/console`);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.getByRole('heading', { name: 'Sign in to Outdial' }).waitFor();
    await agentPage.getByRole('heading', { name: 'Sign in to Outdial' }).waitFor({ timeout: 15000 });
    await other.close();
  });

  await check("the dashboard's figures match the API's", async () => {
    await page.goto(`${base}/#/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await until('no live calls', async () => (await api('GET', `/api/v1/dashboard?tz=${encodeURIComponent(TZ)}`)).live.length === 0, 60000);
    await until('the dashboard to show the appointment', async () => (await tile(page, 'appointments')) === '1', 30000);
    const d = await api('GET', `/api/v1/dashboard?tz=${encodeURIComponent(TZ)}`);
    const calls = await api('GET', '/api/v1/calls?limit=1');
    assert.equal(d.today.calls, calls.total, 'every call was placed today');
    assert.ok(d.today.calls >= 7, 'the campaign, the agent call and what quick start placed');
    assert.equal(d.today.appointments, 1);
    // The calendar's appointment: this week, booked today.
    assert.equal(d.appointments.this_week, 1);
    assert.equal(d.appointments.booked_today, 1);
    await until('the appointment tiles to match', async () => (await tile(page, 'appointments_week')) === '1' && (await tile(page, 'booked_today')) === '1', 10000);
    await until('the tiles to match', async () => {
      const shown = {
        calls: await tile(page, 'calls'), reached: await tile(page, 'reached'), voicemails: await tile(page, 'voicemails'),
        appointments: await tile(page, 'appointments'), contact_rate: await tile(page, 'contact_rate'), appointment_rate: await tile(page, 'appointment_rate'),
      };
      return shown.calls === String(d.today.calls) && shown.reached === String(d.today.reached) && shown.voicemails === String(d.today.voicemails)
        && shown.appointments === String(d.today.appointments) && shown.contact_rate === `${d.today.contact_rate}%` && shown.appointment_rate === `${d.today.appointment_rate}%` ? true : shown;
    }, 10000);
    // The server's clock, not the machine's: the hour the calls were placed in.
    const serverNow = (await (await fetch(`${base}/healthz`)).json()).now;
    const hourNow = Number(new Intl.DateTimeFormat('en-US', { timeZone: TZ, hour: 'numeric', hourCycle: 'h23' }).format(new Date(serverNow)));
    assert.ok(d.calls_per_hour[hourNow] + d.calls_per_hour[(hourNow + 23) % 24] >= 7, 'the calls are in the current local hour');
    await shot(page, '17-dashboard');
  });

  await check('pages fit a phone screen and the menu opens from the keyboard', async () => {
    const PHONE_WIDTH = 390;
    const phone = await browser.newContext({ viewport: { width: PHONE_WIDTH, height: 844 }, timezoneId: TZ, isMobile: true });
    const p = await phone.newPage();
    watch(p, 'phone');
    // How far the page reaches past the phone's screen. A phone widens its layout viewport to
    // fit wide content (innerWidth grows with it), so the page is held against the screen's
    // width, the one thing that does not grow.
    const overflow = () => p.evaluate((w) => document.documentElement.scrollWidth - w, PHONE_WIDTH);
    await signIn(p, base, 'admin@demo.outdial.local', server.password);
    const phonePages = [['#/', '18-phone-dashboard'], [`#/campaigns/${campaignId}`, '19-phone-campaign'], ['#/calls', '20-phone-calls'],
      [`#/leads?campaign_id=${campaignId}`, '21-phone-leads'], ['#/campaigns', '22-phone-campaigns'], ['#/dnc', '23-phone-dnc'],
      ['#/settings', '24-phone-settings'], ['#/quick', '25-phone-quick-start'], [`#/leads/${leadId}`, '26-phone-lead'],
      [`#/calendar?id=${calendarId}&date=2026-11-17`, '26a-phone-calendar'], [`#/appointments/${appointmentId}`, '26b-phone-appointment'],
      ['#/conversations', '26c-phone-conversations']];
    for (const [hash, name] of phonePages) {
      await p.goto(base + '/' + hash);
      await p.locator('main h1').waitFor();
      await p.waitForTimeout(300);
      const over = await overflow();
      await shot(p, name);
      const offenders = over <= 1 ? [] : await p.evaluate((w) => [...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > w + 1)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ').join('.') : ''} (${Math.round(e.getBoundingClientRect().right)}px)`)
        .slice(0, 8), PHONE_WIDTH);
      assert.ok(over <= 1, `${hash} is ${over}px wider than the phone: ${offenders.join(', ')}`);
    }
    // The check can fail: a deliberately wide element is caught.
    await p.evaluate(() => { const d = document.createElement('div'); d.id = 'too-wide'; d.style.width = '600px'; d.textContent = 'wide'; document.querySelector('main').append(d); });
    await p.waitForTimeout(100);
    const caught = await overflow();
    assert.ok(caught >= 150, `a 600px element in a ${PHONE_WIDTH}px screen is caught (measured ${caught}px over)`);
    await p.evaluate(() => document.getElementById('too-wide').remove());
    const toggle = p.getByRole('button', { name: 'Menu' });
    await toggle.focus();
    await p.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await p.getByRole('link', { name: 'Campaigns', exact: true }).focus();
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await phone.close();
  });

  await check('in German: sign-in, quick start, the call log and a call, in German words, dates and numbers; the language is kept per user', async () => {
    // The studio's staff are German: a manager whose browser speaks German, in Berlin.
    await api('POST', '/api/v1/users', { name: 'Greta Berg', email: 'greta@demo.outdial.local', role: 'manager', password: 'ein sicheres Passwort' });
    const deCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin', locale: 'de-DE' });
    const de = await deCtx.newPage();
    watch(de, 'german');
    await de.goto(base + '/');
    await de.getByRole('heading', { name: 'Bei Outdial anmelden' }).waitFor();
    await de.getByLabel('E-Mail', { exact: true }).fill('greta@demo.outdial.local');
    await de.getByLabel('Passwort', { exact: true }).fill('ein sicheres Passwort');
    await de.getByRole('button', { name: 'Anmelden' }).click();
    await de.getByRole('heading', { name: 'Übersicht' }).waitFor();
    await de.locator('[data-stat="spend"]').waitFor();
    const dash = await de.locator('main').innerText();
    for (const w of ['Anrufe heute', 'Erreichte Personen', 'Erreichbarkeitsquote', 'Kosten heute']) assert.ok(dash.includes(w), `the dashboard says ${w}`);
    for (const w of ['Calls made today', 'People reached', 'Spend today', 'Live calls']) assert.ok(!dash.includes(w), `no English left: ${w}`);
    // Money in German form: a comma before the cents.
    assert.match(await tile(de, 'spend'), /^\d+,\d+\s?\$$/);
    await shot(de, '30-de-dashboard');

    // Quick start, in German, with a bad number reported in German.
    await de.getByRole('link', { name: 'Schnellstart' }).click();
    await de.getByLabel('Die Kontakte anrufen von', { exact: true }).selectOption('new');
    await de.getByLabel('Name der Kampagne', { exact: true }).fill('E2E Frühjahr');
    await de.getByLabel('Absendernummer', { exact: true }).fill('+18134893200');
    await de.getByLabel('Ansage', { exact: true }).fill('Hallo {first_name}, hier ist das Autohaus Lane wegen Ihrer Inspektion.');
    await de.getByLabel('Nummern hinzufügen (optional)', { exact: true }).fill('Jonas, +1 415 231 2542\n+1 415 231 2543\nkeine Nummer');
    await de.getByRole('button', { name: 'Anrufe starten' }).click();
    await de.getByText('2 Nummern hinzugefügt, 1 abgelehnt').waitFor();
    await de.locator('#watch .badge.running', { hasText: 'läuft' }).waitFor();
    const quick = (await api('GET', '/api/v1/campaigns')).find((c) => c.name === 'E2E Frühjahr');
    assert.equal(quick.leads.total, 2);
    await shot(de, '31-de-quick-start');
    // A finished call of the spring list (the quick start's own wait for their hours).
    const done = (await api('GET', `/api/v1/calls?campaign_id=${campaignId}`)).items.find((c) => c.ended_at && c.lead_name);
    await de.getByRole('button', { name: 'Anrufe beenden' }).click();
    await de.locator('#watch .badge.paused', { hasText: 'pausiert' }).waitFor();

    // The call log and one call: German headings, plain German timeline, German dates.
    await de.getByRole('link', { name: 'Anrufe', exact: true }).click();
    await de.getByRole('heading', { name: 'Anrufe' }).waitFor();
    await de.goto(`${base}/#/calls/${done.id}`);
    await de.getByRole('heading', { name: /^Anruf an / }).waitFor();
    await de.locator('#timeline li', { hasText: 'Anruf beendet' }).first().waitFor();
    const call = await de.locator('main').innerText();
    for (const w of ['Verlauf', 'Gesprächsverlauf', 'Gestartet', 'Wählt']) assert.ok(call.includes(w), `the call page says ${w}`);
    // 17.11.2026, a German date (the suite's clock: the night of 16 to 17 November in Berlin).
    assert.match(call, /1[67]\.11\.2026/);
    await shot(de, '32-de-call');

    // The language is the user's: switched in the menu, kept by the server, brought to another browser.
    // Every main page in German: its heading, and none of the English words of the menu or forms.
    for (const [path, heading] of [['#/leads', 'Kontakte'], ['#/campaigns', 'Kampagnen'], [`#/campaigns/${campaignId}`, 'E2E spring list'], ['#/dnc', 'Sperrliste'], ['#/settings', 'Einstellungen'], ['#/calls', 'Anrufe']]) {
      await de.goto(`${base}/${path}`);
      await de.getByRole('heading', { name: heading, exact: true }).waitFor();
      await de.locator('main table, main .panel, main form').first().waitFor();
      const text = await de.locator('main').innerText();
      const english = text.match(/\b(Campaigns?|Leads|Calls|Settings|Search|Upload|Save|Remove|Still to call|Recent calls|Every status)\b/);
      assert.equal(english, null, `${path} is all German: found ${english && english[0]}`);
    }
    // "Try it" in settings: what Outdial understands of a German sentence (the suite's clock is
    // Tuesday 17 November, 02:00 in Berlin: "übermorgen" is Thursday the 19th).
    await de.goto(`${base}/#/settings`);
    await de.getByLabel('Satz', { exact: true }).fill('ja, übermorgen um halb vier');
    await de.getByLabel('Sprache des Satzes', { exact: true }).selectOption('de');
    await de.getByRole('button', { name: 'Verstehen' }).click();
    await de.locator('[data-understood="when"]', { hasText: '2026-11-19 15:30' }).waitFor();
    assert.equal(await de.locator('[data-understood="intent"]').innerText(), 'ja');
    await shot(de, '33-de-try-understanding');
    await de.goto(`${base}/#/calls/${done.id}`);
    await de.getByRole('heading', { name: /^Anruf an / }).waitFor();
    await de.getByLabel('Sprache', { exact: true }).selectOption('en');
    await de.getByRole('heading', { name: /^Call to / }).waitFor();
    assert.equal((await (await de.evaluate(() => fetch('/api/v1/me').then((r) => r.json())))).user.locale, 'en');
    await de.getByLabel('Language', { exact: true }).selectOption('de');
    await de.getByRole('heading', { name: /^Anruf an / }).waitFor();
    const enCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: TZ, locale: 'en-US' });
    const elsewhere = await enCtx.newPage();
    watch(elsewhere, 'german-elsewhere');
    await signIn(elsewhere, base, 'greta@demo.outdial.local', 'ein sicheres Passwort');
    await elsewhere.getByRole('heading', { name: 'Übersicht' }).waitFor();
    await enCtx.close();
    await deCtx.close();
  });

  await check('signing out ends the session, and the live dashboard open in another tab', async () => {
    const dashboard = await adminCtx.newPage();
    watch(dashboard, 'manager-tab');
    await dashboard.goto(`${base}/#/`);
    await dashboard.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Outdial' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(status, 401);
    // The dashboard's event stream ends with the session; the tab shows the sign-in by itself.
    await dashboard.getByRole('heading', { name: 'Sign in to Outdial' }).waitFor({ timeout: 20000 });
    await dashboard.close();
  });

  await check('at 23:30 in New York nobody in New York or Berlin is called; the page says until when', async () => {
    const late = await startOutdial(LATE_NEW_YORK);
    try {
      const token = (await (await fetch(late.url + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.outdial.local', password: late.password }) })).json()).token;
      const lateApi = apiClient(late.url, token);
      const now = (await (await fetch(`${late.url}/healthz`)).json()).now;
      assert.ok(Math.abs(now - Date.parse(LATE_NEW_YORK)) < 10 * 60_000, `the server's clock starts at the suite's moment (${new Date(now).toISOString()})`);
      const c = await lateApi('POST', '/api/v1/campaigns', {
        name: 'E2E late list', type: 'sales_outreach',
        settings: { caller_ids: ['+18134893200'], calling_window: ALL_DAY, script: { message: 'Hi {first_name}, this is Lane Motors. Press 1 to talk to us, or 2 to stop these calls.', voicemail_message: 'Please call us back.' }, pacing: { mode: 'unattended', max_concurrent: 2 } },
      });
      await lateApi('POST', `/api/v1/campaigns/${c.id}/imports?filename=late.csv`, 'first_name,last_name,phone\nNora,York,+1 212 231 2561\nBert,Linde,+49 30 23125362\n', 'text/csv');
      await lateApi('PUT', `/api/v1/campaigns/${c.id}/status`, { status: 'running' });
      const p = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York' })).newPage();
      watch(p, 'late-manager');
      await signIn(p, late.url, 'admin@demo.outdial.local', late.password);
      await p.goto(`${late.url}/#/campaigns/${c.id}`);
      await p.locator('#waiting', { hasText: "outside the called person's hours" }).waitFor();
      // Every time in the banner says whose clock it is on: 07:00 UTC is 2:00 AM in New York.
      assert.match(await p.locator('#waiting').innerText(), /2:00\s?AM EST/);
      await shot(p, '27-late-waiting');
      const progress = await lateApi('GET', `/api/v1/campaigns/${c.id}/progress`);
      assert.equal(progress.calls_made, 0, 'nothing is dialed at 23:30 in New York or 05:30 in Berlin');
      // The first lead that may be called is the Berlin one, at 08:00 there (07:00 UTC).
      assert.equal(progress.next_call_at, '2026-11-17T07:00:00Z');
      await p.context().close();
    } finally {
      late.child.kill('SIGKILL');
      rmSync(late.dir, { recursive: true, force: true });
    }
  });

  assert.deepEqual(errors, [], 'no script errors on any page');
  console.log(`\nAll ${step} checks passed. Screenshots: ${SHOTS}`);
} catch (e) {
  failed = true;
  console.log('FAILED');
  console.error(e);
  for (const [p, who] of pages) {
    if (p.isClosed()) continue;
    await p.screenshot({ path: join(SHOTS, `failure-${who}.png`), fullPage: true }).catch(() => {});
    const shown = await p.locator('.alert').allInnerTexts().catch(() => []);
    if (shown.length) console.error(`${who} page (${p.url()}) says: ${shown.join(' | ')}`);
  }
  if (errors.length) console.error('Page errors:\n' + errors.join('\n'));
  console.error('\nOutdial log (tail):\n' + server.log().split('\n').slice(-40).join('\n'));
} finally {
  if (browser) await browser.close().catch(() => {});
  stopChildren();
  rmSync(server.dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
