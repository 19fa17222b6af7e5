// The dashboard: today's figures, the calls open now, calls per hour, outcomes and the answer
// rate by hour of day; read again whenever a call changes (at most every 2 seconds).

import { get, post, qs } from '../api.js';
import { h, mount, duration, badge, table, when, emptyState, action, money, callLink, num } from '../dom.js';
import { t, tn, intlLocale } from '../i18n.js';
import { bars, breakdown } from '../chart.js';
import { subscribe } from '../live.js';
import { callBacks } from '../call_backs.js';

const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function stat(label, value, key) {
  return h('div', { class: 'stat', 'data-stat': key }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, typeof value === 'number' ? num(value) : value));
}

export async function render(main, { can }) {
  const body = h('div');
  const stamp = h('span', { class: 'muted', 'aria-live': 'off' });
  mount(main, h('div', { class: 'bar' }, h('h1', {}, t('Dashboard')), stamp), body);
  const campaigns = await get('/api/v1/campaigns');
  if (!campaigns.length) {
    mount(body, emptyState(t('No campaigns yet'), t('Create a campaign, upload its leads, and start calling. Calls and results show up here as they happen.'),
      can.manage ? h('a', { class: 'button primary', href: '#/quick' }, t('Quick start')) : null,
      can.manage ? h('a', { class: 'button', href: '#/campaigns/new' }, t('New campaign')) : null));
    return;
  }
  let timer = null;
  let pending = false;
  const out = h('div');
  async function refresh() {
    const d = await get('/api/v1/dashboard' + qs({ tz }));
    const day = d.today;
    const hours = [...Array(24).keys()].map((i) => String(i));
    // Nothing called yet: say what to do first instead of a page of zeros.
    const leads = campaigns.reduce((n, c) => n + (c.leads ? c.leads.total : 0), 0);
    const running = campaigns.some((c) => c.status === 'running');
    const ready = campaigns.find((c) => c.leads && c.leads.total && ['draft', 'scheduled', 'paused'].includes(c.status)) || campaigns[0];
    const firstRun = !day.calls && !running && !d.live.length && !d.answer_rate_by_hour.some((r) => r.calls) && can.manage
      ? h('div', { class: 'panel empty', id: 'first-run' }, h('strong', {}, t('No calls yet')),
        h('p', {}, leads ? t('Your leads are waiting: start a campaign and its calls and results show up here as they happen.') : t('Import the people to call, then start a campaign. Calls and results show up here as they happen.')),
        h('div', { class: 'bar' },
          leads ? null : h('a', { class: 'button primary', href: '#/leads/upload' }, t('Import leads')),
          h('a', { class: leads ? 'button primary' : 'button', href: `#/campaigns/${ready.id}` }, t('Start {name}', { name: ready.name })),
          h('a', { class: 'button', href: '#/quick' }, t('Quick start'))))
      : null;
    mount(body,
      firstRun, out,
      callBacks(d.call_backs.oldest, { can, out, total: d.call_backs.open, changed: refresh }),
      d.call_backs.open > d.call_backs.oldest.length ? h('p', {}, h('a', { href: '#/leads' }, tn('All {n} people to call back', d.call_backs.open))) : null,
      h('div', { class: 'grid', id: 'today' },
        stat(t('Calls made today'), day.calls, 'calls'),
        stat(t('People reached'), day.reached, 'reached'),
        stat(t('Voicemails'), day.voicemails, 'voicemails'),
        stat(t('Appointments'), day.appointments, 'appointments'),
        stat(t('Contact rate'), `${num(day.contact_rate)} %`, 'contact_rate'),
        stat(t('Appointment rate'), `${num(day.appointment_rate)} %`, 'appointment_rate'),
        stat(t('Talk time'), duration(day.talk_seconds), 'talk_seconds'),
        stat(t('Spend today'), money(day.spend.total, day.spend.currency || 'USD'), 'spend')),
      h('h2', {}, h('a', { href: '#/calendar' }, t('Appointments in the calendars'))),
      h('div', { class: 'grid', id: 'appointments' },
        stat(t('Today'), d.appointments.today, 'appointments_today'),
        stat(t('This week'), d.appointments.this_week, 'appointments_week'),
        stat(t('Booked today'), d.appointments.booked_today, 'booked_today'),
        stat(t('Booking rate'), `${num(d.appointments.booking_rate)} %`, 'booking_rate')),
      h('h2', {}, t('Live calls ({count})', { count: d.live.length })),
      table([
        [t('Who'), (c) => callLink(c)],
        [t('To'), (c) => c.to],
        [t('Status'), (c) => badge(c.status)],
        [t('Started'), (c) => when(c.created_at), { optional: true }],
        ['', (c) => (can && can.manage ? action(h('button', { class: 'small danger', 'aria-label': t('Hang up the call to {who}', { who: c.lead_name || c.to }) }, c.status === 'in-progress' ? t('Hang up') : t('Cancel')), null, async () => {
          await post(`/api/v1/calls/${c.id}/hangup`, {});
        }) : null)],
      ], d.live, h('p', { class: 'muted' }, t('No calls in progress.'))),
      h('div', { class: 'grid two' },
        h('div', { class: 'panel' }, bars(t('Calls per hour today'), d.calls_per_hour, hours)),
        h('div', { class: 'panel' }, breakdown(t("Today's outcomes"), d.outcomes, t('No finished calls yet today.'))),
        h('div', { class: 'panel' }, bars(t('Answer rate by hour of day (30 days)'), d.answer_rate_by_hour.map((r) => r.rate), hours, { format: (v) => `${num(v)} %`, max: 100 }))));
    stamp.textContent = t('Updated {time} ({zone})', { time: new Date().toLocaleTimeString(intlLocale()), zone: d.timezone });
  }
  await refresh();
  const unsubscribe = subscribe(['call.status', 'transfer.disposed', 'campaign.progress', 'resync'], () => {
    if (pending) return;
    pending = true;
    timer = setTimeout(() => { pending = false; refresh().catch(() => {}); }, 2000);
  });
  return () => { unsubscribe(); clearTimeout(timer); };
}
