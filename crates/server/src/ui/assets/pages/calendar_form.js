// A calendar's settings: name, time zone, business hours per weekday (several spans a day),
// slot length, places per slot, buffer, notice and horizon, public holidays (with the ones it
// is open on anyway) and days of its own it is closed. A new calendar shows its feed address
// once, for Google Calendar, Outlook or Apple Calendar to subscribe to.

import { get, post, put, del } from '../api.js';
import { h, mount, field, showErrors, notice, action } from '../dom.js';
import { t, key } from '../i18n.js';

const DAYS = [['mon', key('Monday')], ['tue', key('Tuesday')], ['wed', key('Wednesday')], ['thu', key('Thursday')], ['fri', key('Friday')], ['sat', key('Saturday')], ['sun', key('Sunday')]];

/** "09:00-12:00, 13:00-17:00" as spans; a mistake is named by the server's check. */
function spans(text) {
  return text.split(/[,;]/).map((s) => s.trim()).filter(Boolean).map((s) => {
    const [start, end] = s.split(/\s*[-–]\s*/);
    return { start: (start || '').trim(), end: (end || '').trim() };
  });
}

const spansText = (list) => (list || []).map((s) => `${s.start}–${s.end}`).join(', ');

/** The feed address with how to use it. */
function feedBox(url) {
  return h('div', { class: 'panel', id: 'feed' },
    h('strong', {}, t('Feed address')),
    h('p', {}, t('Subscribe to this address in Google Calendar (Other calendars → From URL), Outlook (Add calendar → Subscribe from web) or Apple Calendar (File → New Calendar Subscription). Anyone with it can read this calendar: keep it like a password. It is shown only now; a new one replaces it.')),
    h('input', { readonly: true, value: url, id: 'feed-url', 'aria-label': t('Feed address'), onclick: (e) => e.target.select() }));
}

export async function render(main, { args, can }) {
  const id = args[0] ? Number(args[0]) : null;
  const [regions, calendar, holidays] = await Promise.all([
    get('/api/v1/holiday-regions'),
    id ? get(`/api/v1/calendars/${id}`) : Promise.resolve(null),
    id ? get(`/api/v1/calendars/${id}/holidays`) : Promise.resolve([]),
  ]);
  const s = calendar ? calendar.settings : {
    time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Berlin', slot_minutes: 30, capacity: 1, buffer_minutes: 0,
    notice_minutes: 120, horizon_days: 60, holidays: null, open_on: [], closed_days: [],
    hours: { mon: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }], tue: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }], wed: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }], thu: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }], fri: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }], sat: [], sun: [] },
  };
  const top = h('div');
  const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', ...attrs });
  const name = input('name', calendar ? calendar.name : '', { required: true, maxlength: 100 });
  const zone = input('settings.time_zone', s.time_zone, { list: 'zones' });
  const number = (key, value, min, max) => input(`settings.${key}`, String(value), { type: 'number', min, max, inputmode: 'numeric' });
  const slot = number('slot_minutes', s.slot_minutes, 5, 480);
  const capacity = number('capacity', s.capacity, 1, 100);
  const buffer = number('buffer_minutes', s.buffer_minutes, 0, 240);
  const noticeMinutes = number('notice_minutes', s.notice_minutes, 0, 43200);
  const horizon = number('horizon_days', s.horizon_days, 1, 730);
  const region = h('select', { name: 'settings.holidays' },
    h('option', { value: '' }, t('No public holidays')),
    regions.map((r) => h('option', { value: r.code, selected: s.holidays === r.code ? true : null }, `${r.name} (${r.code})`)));
  const hours = Object.fromEntries(DAYS.map(([d]) => [d, input(`settings.hours.${d}`, spansText(s.hours[d]), { placeholder: t('closed') })]));
  const closed = h('textarea', { name: 'settings.closed_days', rows: 3, placeholder: '2026-12-24 Heiligabend' },
    s.closed_days.map((d) => `${d.date} ${d.name}`.trim()).join('\n'));
  const openOn = new Set(s.open_on);
  const holidayBoxes = holidays.map((x) => {
    const box = h('input', { type: 'checkbox', value: x.date, checked: openOn.has(x.date) ? true : null });
    return [x, box];
  });
  const form = h('form', { novalidate: true },
    h('div', { class: 'panel' },
      field(t('Name'), name, t('A room, a person or a service, e.g. "Trial sessions"')),
      field(t('Time zone'), zone, t('The business hours are in this zone, e.g. Europe/Berlin or America/New_York')),
      h('datalist', { id: 'zones' }, ['Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich', 'Europe/London', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'].map((z) => h('option', { value: z })))),
    h('div', { class: 'panel' }, h('h2', {}, t('Business hours')),
      h('p', { class: 'muted' }, t('Per day, one or more spans such as 09:00–12:00, 13:00–17:00; empty for closed.')),
      DAYS.map(([d, english]) => field(t(english), hours[d]))),
    h('div', { class: 'panel grid' },
      field(t('Appointment length (minutes)'), slot),
      field(t('Appointments per slot'), capacity, t('How many people can come at once')),
      field(t('Buffer after each (minutes)'), buffer),
      field(t('Minimum notice (minutes)'), noticeMinutes, t('How soon before its start a slot can still be booked')),
      field(t('Bookable days ahead'), horizon)),
    h('div', { class: 'panel' }, h('h2', {}, t('Closed days')),
      field(t('Public holidays'), region),
      holidayBoxes.length ? h('fieldset', { class: 'holidays' }, h('legend', {}, t('Open anyway on')),
        holidayBoxes.map(([x, box]) => h('label', { class: 'check' }, box, ` ${x.date} ${x.name}`))) : null,
      field(t('Days of your own'), closed, t('One per line: the day, then why (e.g. 2026-12-24 Christmas Eve)'))),
    h('div', { class: 'bar' }, h('button', { class: 'primary', type: 'submit' }, calendar ? t('Save') : t('Create calendar')),
      h('a', { class: 'button', href: calendar ? `#/calendar?id=${calendar.id}` : '#/calendar' }, t('Back to the calendar'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const closedDays = closed.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const [date, ...why] = l.split(/\s+/);
      return { date, name: why.join(' ') };
    });
    const body = {
      name: name.value,
      settings: {
        time_zone: zone.value.trim(),
        hours: Object.fromEntries(DAYS.map(([d]) => [d, spans(hours[d].value)])),
        slot_minutes: Number(slot.value), capacity: Number(capacity.value), buffer_minutes: Number(buffer.value),
        notice_minutes: Number(noticeMinutes.value), horizon_days: Number(horizon.value),
        holidays: region.value || null,
        open_on: holidayBoxes.filter(([, b]) => b.checked).map(([x]) => x.date),
        closed_days: closedDays,
      },
    };
    try {
      if (calendar) {
        await put(`/api/v1/calendars/${calendar.id}`, body);
        location.hash = `#/calendar?id=${calendar.id}`;
      } else {
        const made = await post('/api/v1/calendars', body);
        mount(main, h('h1', {}, t('Calendar {name} created', { name: made.name })), feedBox(made.feed_url),
          h('div', { class: 'bar' }, h('a', { class: 'button primary', href: `#/calendar?id=${made.id}` }, t('Open the calendar'))));
      }
    } catch (err) {
      showErrors(form, err, top);
    }
  });
  const feedOut = h('div');
  mount(main, h('h1', {}, calendar ? t('Settings of {name}', { name: calendar.name }) : t('New calendar')), top,
    calendar && can.manage ? h('div', { class: 'bar' },
      action(h('button', {}, t('New feed address')), feedOut, async () => {
        if (!confirm(t('Calendar apps subscribed to the old address stop getting updates. Make a new one?'))) return;
        const made = await post(`/api/v1/calendars/${calendar.id}/feed`, {});
        mount(feedOut, feedBox(made.feed_url));
      }),
      action(h('button', { class: 'danger' }, t('Delete calendar')), feedOut, async () => {
        if (!confirm(t('Delete {name} with its past appointments?', { name: calendar.name }))) return;
        await del(`/api/v1/calendars/${calendar.id}`);
        location.hash = '#/calendar';
      })) : null,
    feedOut, form);
  if (!can.manage) mount(top, notice('info', t('Only managers change calendars.')));
}
