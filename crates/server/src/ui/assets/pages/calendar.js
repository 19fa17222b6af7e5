// The calendar: one calendar's day or week, each slot with its appointments and the places
// still free, in the calendar's time zone. A free place books (the booking dialog), an
// appointment opens its page; closed days say why (a holiday, a day of the calendar's own).

import { get, qs } from '../api.js';
import { h, mount, badge, emptyState, notice } from '../dom.js';
import { t, tn } from '../i18n.js';
import { openBooking } from '../book_dialog.js';
import { now } from '../clock.js';
import { clock, dayName, dayOf, addDays, monday, midnight } from '../calendar_time.js';

export async function render(main, { can, params }) {
  const calendars = await get('/api/v1/calendars');
  if (!calendars.length) {
    mount(main, h('h1', {}, t('Calendar')), emptyState(t('No calendars yet'),
      t('A calendar takes appointments: its business hours, how long an appointment is, how many fit in a slot, and the holidays it is closed on.'),
      can.manage ? h('a', { class: 'button primary', href: '#/calendars/new' }, t('New calendar')) : null));
    return;
  }
  const id = Number(params.get('id')) || calendars[0].id;
  const calendar = calendars.find((c) => c.id === id) || calendars[0];
  const tz = calendar.settings.time_zone;
  const view = params.get('view') === 'day' ? 'day' : 'week';
  const today = dayOf(now(), tz);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') || '') ? params.get('date') : today;
  const first = view === 'week' ? monday(date) : date;
  const count = view === 'week' ? 7 : 1;
  const go = (changes) => {
    const next = new URLSearchParams({ id: String(calendar.id), view, date, ...changes });
    location.hash = '#/calendar?' + next.toString();
  };
  const from = midnight(first, tz);
  const to = midnight(addDays(first, count), tz);
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  const [appointments, free, holidays] = await Promise.all([
    get('/api/v1/appointments' + qs({ calendar_id: calendar.id, ...range, status: 'booked,confirmed,no_show,completed' })),
    get(`/api/v1/calendars/${calendar.id}/availability` + qs(range)).catch(() => ({ slots: [] })),
    get(`/api/v1/calendars/${calendar.id}/holidays` + qs({ year: Number(first.slice(0, 4)) })).catch(() => []),
  ]);
  const closedOn = new Map(holidays.filter((x) => !x.open).map((x) => [x.date, x.name]));
  for (const d of calendar.settings.closed_days) closedOn.set(d.date, d.name || t('closed'));

  const picker = h('select', { 'aria-label': t('Calendar'), onchange: (e) => { location.hash = '#/calendar?' + new URLSearchParams({ id: e.target.value, view, date }).toString(); } },
    calendars.map((c) => h('option', { value: String(c.id), selected: c.id === calendar.id ? true : null }, c.name)));
  const step = view === 'week' ? 7 : 1;
  const out = h('div');
  const booked = async (start) => {
    const a = await openBooking({ calendarId: calendar.id, start });
    if (a) location.hash = `#/appointments/${a.id}`;
  };
  const days = [...Array(count).keys()].map((i) => addDays(first, i));
  const columns = days.map((day) => {
    const noon = midnight(day, tz) + 12 * 3600e3;
    const entries = new Map();
    for (const a of appointments.filter((a) => dayOf(a.starts_at, tz) === day)) {
      if (!entries.has(a.starts_at)) entries.set(a.starts_at, { appointments: [], free: null });
      entries.get(a.starts_at).appointments.push(a);
    }
    for (const s of free.slots.filter((s) => dayOf(s.starts_at, tz) === day)) {
      if (!entries.has(s.starts_at)) entries.set(s.starts_at, { appointments: [], free: null });
      entries.get(s.starts_at).free = s;
    }
    const rows = [...entries].sort(([a], [b]) => a - b);
    const closed = closedOn.get(day);
    return h('section', { class: 'day' + (day === today ? ' today' : ''), 'aria-label': dayName(noon, tz), 'data-day': day },
      h('h2', { class: 'day-name' }, dayName(noon, tz)),
      closed ? h('p', { class: 'closed' }, t('Closed: {why}', { why: closed })) : null,
      rows.length ? h('ul', { class: 'slots' }, rows.map(([at, e]) => h('li', {},
        h('span', { class: 'time' }, clock(at, tz)),
        e.appointments.map((a) => h('a', { class: 'appointment ' + a.status, href: `#/appointments/${a.id}` }, a.name, ' ', badge(a.status))),
        e.free ? h('button', { class: 'small free', onclick: () => booked(at).catch((err) => mount(out, notice('error', err.message))),
          'aria-label': t('Book {when}', { when: `${dayName(at, tz)} ${clock(at, tz)}` }) }, tn('{n} free', e.free.free)) : null))) : (closed ? null : h('p', { class: 'muted' }, t('No slots'))));
  });
  const bookedCount = appointments.filter((a) => a.status === 'booked' || a.status === 'confirmed').length;
  const freePlaces = free.slots.reduce((n, s) => n + s.free, 0);
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, t('Calendar')), picker,
      can.manage ? h('a', { class: 'button small', href: `#/calendars/${calendar.id}/edit` }, t('Calendar settings')) : null,
      can.manage ? h('a', { class: 'button small', href: '#/calendars/new' }, t('New calendar')) : null),
    h('div', { class: 'bar' },
      h('div', { class: 'segmented', role: 'group', 'aria-label': t('View') },
        h('button', { class: 'small', 'aria-pressed': view === 'day' ? 'true' : 'false', onclick: () => go({ view: 'day' }) }, t('Day')),
        h('button', { class: 'small', 'aria-pressed': view === 'week' ? 'true' : 'false', onclick: () => go({ view: 'week' }) }, t('Week'))),
      h('button', { class: 'small', onclick: () => go({ date: addDays(first, -step) }) }, view === 'week' ? t('← Previous week') : t('← Previous day')),
      h('button', { class: 'small', onclick: () => go({ date: today }) }, t('Today')),
      h('button', { class: 'small', onclick: () => go({ date: addDays(first, step) }) }, view === 'week' ? t('Next week →') : t('Next day →')),
      h('span', { class: 'muted', id: 'calendar-summary' }, tn('{n} appointments', bookedCount), ' · ', tn('{n} places free', freePlaces), ' · ', t('times in {zone}', { zone: tz }))),
    out,
    h('div', { class: 'calendar ' + view, id: 'calendar' }, columns));
}
