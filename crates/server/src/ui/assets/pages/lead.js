// One lead: who they are, their calls, what agents recorded and the notes, as one timeline;
// edit the notes, mark do-not-call, call now.

import { get, post, patch, del, qs } from '../api.js';
import { h, mount, badge, when, leadName, notice, action, duration, field } from '../dom.js';
import { callLead } from '../call_lead.js';
import { openBooking } from '../book_dialog.js';
import { longTime } from '../calendar_time.js';
import { t, tn, word } from '../i18n.js';

export async function render(main, { args, can }) {
  const id = args[0];
  const out = h('div');
  // A refused call is explained beside the buttons that tried it.
  const refusal = h('span', { class: 'refusal', id: 'call-refusal' });
  const lead = await get(`/api/v1/leads/${id}`);
  const calls = await get('/api/v1/calls' + qs({ lead_id: id, limit: 100 }));
  const campaign = await get(`/api/v1/campaigns/${lead.campaign_id}`).catch(() => null);
  const upcoming = await get('/api/v1/scheduled-calls' + qs({ lead_id: id })).catch(() => []);
  const appointments = await get('/api/v1/appointments' + qs({ lead_id: id })).catch(() => []);
  const calendars = await get('/api/v1/calendars').catch(() => []);
  const zoneOf = (a) => (calendars.find((c) => c.id === a.calendar_id) || { settings: { time_zone: 'UTC' } }).settings.time_zone;
  const transfers = await Promise.all(calls.items.filter((c) => c.outcome === 'answered')
    .map((c) => get(`/api/v1/calls/${c.id}/transfer`).then((x) => [c, x]).catch(() => null)));
  document.title = `${leadName(lead)} · Outdial`;
  // One timeline, newest first: the lead's creation, each call, each agent's disposition.
  const items = [{ at: lead.created_at, text: h('span', {}, lead.import_id ? t('Imported (import #{id})', { id: lead.import_id }) : t('Added')) }];
  for (const c of calls.items) {
    items.push({ at: c.created_at, text: h('span', {}, h('a', { href: `#/calls/${c.id}` }, t('Call #{id}', { id: c.id })), ' ', badge(c.status), ' ', badge(c.outcome), c.disposition ? [' ', badge(c.disposition)] : null, c.talk_seconds ? ` · ${duration(c.talk_seconds)}` : '') });
  }
  for (const pair of transfers.filter(Boolean)) {
    const [c, x] = pair;
    const tr = x.transfer || x;
    if (tr && tr.disposition) {
      items.push({ at: tr.disposed_at, text: h('span', {}, t('Agent disposition on call #{id}:', { id: c.id }), ' ', badge(tr.disposition), tr.notes ? ` — “${tr.notes}”` : '', tr.callback_at ? ` · ${t('call back {when}', { when: when(tr.callback_at) })}` : '') });
    }
  }
  items.sort((a, b) => (b.at || 0) - (a.at || 0));
  const notes = h('textarea', { name: 'notes', rows: 3 }, lead.notes || '');
  const saveNotes = action(h('button', {}, t('Save notes')), out, async () => { await patch(`/api/v1/leads/${id}`, { notes: notes.value }); mount(out, notice('ok', t('Notes saved.'))); });
  const markDnc = action(h('button', { class: 'danger' }, t('Mark do-not-call')), out, async () => {
    if (!confirm(t('Never call this lead again?'))) return;
    await patch(`/api/v1/leads/${id}`, { do_not_call: true });
    render(main, { args, can });
  });
  // A call for later: screened now for that moment, and again when it comes.
  const laterAt = h('input', { type: 'datetime-local', name: 'scheduled_for', 'aria-label': t('Call at') });
  const scheduleOut = h('span', { id: 'schedule-result' });
  const scheduleIt = action(h('button', {}, t('Schedule call')), scheduleOut, async () => {
    if (!laterAt.value) throw new Error(t('Pick the day and time to call.'));
    await post(`/api/v1/leads/${id}/call`, { call_type: 'cold_call', scheduled_for: new Date(laterAt.value).toISOString() });
    render(main, { args, can });
  });
  const upcomingList = upcoming.length
    ? h('ul', { class: 'upcoming', id: 'upcoming' }, upcoming.map((u) => h('li', {}, `${when(u.scheduled_for)} · ${word(u.call_type)} · ${t('by {who}', { who: u.created_by })} `,
      can.manage ? action(h('button', { class: 'small' }, t('Cancel')), scheduleOut, async () => { await post(`/api/v1/scheduled-calls/${u.id}/cancel`, {}); render(main, { args, can }); }) : null)))
    : h('p', { class: 'muted' }, t('No call scheduled.'));
  // Erasure on the person's request (GDPR Art. 17): their data goes, the do-not-call entry stays.
  const erase = action(h('button', { class: 'danger', id: 'erase' }, t('Erase this person')), out, async () => {
    if (!confirm(t("Erase {name} everywhere: every lead with {phone}, their calls' details, transcripts and recordings? Their number stays on the do-not-call list. This cannot be undone.", { name: leadName(lead), phone: lead.phone }))) return;
    const r = await del(`/api/v1/leads/${id}?erase=true`);
    location.hash = '#/leads';
    alert([t('Erased.'), tn('{n} leads deleted.', r.leads_deleted), tn('{n} calls cleared.', r.calls_scrubbed), tn('{n} recordings deleted.', r.recordings_deleted),
      r.recordings_left.length ? tn('{n} recordings could not be deleted at the carrier: {sids}', r.recordings_left.length, { sids: r.recordings_left.join(', ') }) : null,
      t('The number stays on the do-not-call list.')].filter(Boolean).join(' '));
  });
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, leadName(lead)), badge(lead.status), lead.do_not_call ? badge('do_not_call') : null,
      can.manage && !lead.do_not_call ? action(h('button', { class: 'primary' }, t('Call now')), refusal, () => callLead(lead, 'cold_call')) : null,
      action(h('button', {}, t('Book appointment')), refusal, async () => {
        const booked = await openBooking({ lead });
        if (booked) location.hash = `#/appointments/${booked.id}`;
      }),
      can.manage && !lead.do_not_call ? action(h('button', { title: t('Places the automated call that offers an appointment') }, t('Call to book')), refusal, () => callLead(lead, 'appointment_booking')) : null,
      can.manage && !lead.do_not_call ? action(h('button', { id: 'assistant-call', title: t('The assistant talks with the person, offers free times from the calendar and books one') }, t('Let the assistant call to book')), refusal, () => callLead(lead, 'assistant')) : null,
      refusal),
    out,
    h('div', { class: 'grid two' },
      h('div', { class: 'panel' }, h('dl', { class: 'facts' },
        h('dt', {}, t('Phone')), h('dd', {}, lead.phone), h('dt', {}, t('Email')), h('dd', {}, lead.email || '—'),
        h('dt', {}, t('Company')), h('dd', {}, lead.company || '—'), h('dt', {}, t('Campaign')), h('dd', {}, h('a', { href: `#/campaigns/${lead.campaign_id}` }, campaign ? campaign.name : t('a deleted campaign'))),
        h('dt', {}, t('Time zone')), h('dd', {}, lead.timezone || t('from the number')),
        h('dt', {}, t('Called in')), h('dd', { id: 'derived-zones' }, lead.derived_timezones.length ? lead.derived_timezones.join(', ') : t('unknown: give the lead a time zone')), h('dt', {}, t('Priority')), h('dd', {}, word(lead.priority)),
        h('dt', {}, t('Attempts')), h('dd', {}, lead.attempts), h('dt', {}, t('Next attempt')), h('dd', {}, when(lead.next_attempt_at)),
        lead.hold_reason ? [h('dt', {}, t('On hold')), h('dd', {}, word(lead.hold_reason))] : null,
        Object.entries(lead.custom_fields || {}).map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]))),
      h('div', { class: 'panel' }, field(t('Notes'), notes), h('div', { class: 'bar' }, can.manage ? saveNotes : null, can.manage && !lead.do_not_call ? markDnc : null, can.manage ? erase : null))),
    h('h2', {}, t('Appointments')),
    appointments.length
      ? h('ul', { class: 'upcoming', id: 'lead-appointments' }, appointments.map((a) => h('li', {}, h('a', { href: `#/appointments/${a.id}` }, longTime(a.starts_at, zoneOf(a))), ' · ', a.calendar_name, ' ', badge(a.status))))
      : h('p', { class: 'muted' }, t('No appointment.')),
    h('h2', {}, t('Upcoming calls')), upcomingList,
    can.manage && !lead.do_not_call ? h('div', { class: 'bar' }, field(t('Call at'), laterAt), scheduleIt, scheduleOut) : null,
    h('h2', {}, t('Timeline')),
    h('ol', { class: 'timeline' }, items.map((i) => h('li', {}, h('div', { class: 'when' }, when(i.at)), i.text))));
}
