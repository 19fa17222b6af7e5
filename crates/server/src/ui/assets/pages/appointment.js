// One appointment: who, when (in its calendar's zone), its lead and the call that booked it,
// what can be done with it (confirm, move, cancel, no-show, completed), the .ics file, and
// every change in its history.

import { get, post, api } from '../api.js';
import { h, mount, badge, when, action, notice, field } from '../dom.js';
import { t, word } from '../i18n.js';
import { openBooking } from '../book_dialog.js';
import { longTime, clock } from '../calendar_time.js';

/** Downloads the appointment's iCalendar file through the session (the API needs the login). */
async function download(id) {
  const res = await api('GET', `/api/v1/appointments/${id}/ics`, undefined, { raw: true });
  const blob = new Blob([await res.text()], { type: 'text/calendar' });
  const a = h('a', { href: URL.createObjectURL(blob), download: `appointment-${id}.ics` });
  document.body.append(a);
  a.click();
  a.remove();
}

export async function render(main, { args, can }) {
  const id = args[0];
  const a = await get(`/api/v1/appointments/${id}`);
  const tz = a.time_zone;
  const lead = a.lead_id ? await get(`/api/v1/leads/${a.lead_id}`).catch(() => null) : null;
  document.title = `${a.name} · Outdial`;
  const out = h('div', { id: 'appointment-result' });
  const note = h('input', { name: 'note', placeholder: t('optional') });
  const open = a.status === 'booked' || a.status === 'confirmed';
  const change = (status, label, cls) => action(h('button', { class: cls || null }, label), out, async () => {
    if (status === 'cancelled' && !confirm(t('Cancel the appointment of {who}? Its slot becomes free.', { who: a.name }))) return;
    await post(`/api/v1/appointments/${id}/status`, { status, note: note.value || undefined });
    render(main, { args, can });
  });
  const move = action(h('button', {}, t('Move')), out, async () => {
    const moved = await openBooking({ moving: a });
    if (moved) render(main, { args, can });
  });
  const history = a.history.slice().reverse();
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, a.name), badge(a.status)),
    out,
    h('div', { class: 'grid two' },
      h('div', { class: 'panel' }, h('dl', { class: 'facts' },
        h('dt', {}, t('When')), h('dd', { id: 'appointment-when' }, `${longTime(a.starts_at, tz)} – ${clock(a.ends_at, tz)}`),
        h('dt', {}, t('Calendar')), h('dd', {}, h('a', { href: `#/calendar?id=${a.calendar_id}` }, a.calendar_name)),
        h('dt', {}, t('Phone')), h('dd', {}, a.phone || '—'),
        h('dt', {}, t('Lead')), h('dd', {}, lead ? h('a', { href: `#/leads/${lead.id}` }, [lead.first_name, lead.last_name].filter(Boolean).join(' ') || lead.phone) : '—'),
        h('dt', {}, t('Booked by')), h('dd', {}, a.call_id ? h('a', { href: `#/calls/${a.call_id}` }, t('Call #{id}', { id: a.call_id })) : a.created_by),
        h('dt', {}, t('Booked')), h('dd', {}, when(a.created_at)),
        h('dt', {}, t('Note')), h('dd', {}, a.note || '—'))),
      h('div', { class: 'panel' },
        open ? field(t('Note for the change'), note) : null,
        h('div', { class: 'bar' },
          a.status === 'booked' ? change('confirmed', t('Confirm'), 'primary') : null,
          open ? move : null,
          open ? change('cancelled', t('Cancel appointment'), 'danger') : null,
          open ? change('completed', t('Completed')) : null,
          open ? change('no_show', t('No-show')) : null,
          action(h('button', {}, t('Download .ics')), out, () => download(id))),
        open ? null : h('p', { class: 'muted' }, t('This appointment is closed; book a new one to change it.')))),
    h('h2', {}, t('History')),
    h('ol', { class: 'timeline', id: 'appointment-history' }, history.map((e) => h('li', {},
      h('div', { class: 'when' }, when(e.at)),
      h('span', {}, badge(e.kind), ' ', t('by {who}', { who: e.by === 'call' ? word('call') : e.by }),
        e.kind === 'rescheduled' && e.from_start ? ` · ${clock(e.from_start, tz)} → ${longTime(e.to_start, tz)}` : '',
        e.note ? ` — “${e.note}”` : '')))));
  if (!history.length) mount(out, notice('info', t('No history.')));
}
