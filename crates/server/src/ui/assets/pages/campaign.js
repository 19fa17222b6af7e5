// One campaign: start, pause, resume, stop; its progress and figures, live; why the dialer
// waits when it waits; its leads and recent calls.

import { get, put, qs } from '../api.js';
import { h, mount, badge, table, when, notice, action, duration, money, callLink, whenZoned, num } from '../dom.js';
import { t, tn, word } from '../i18n.js';
import { breakdown } from '../chart.js';
import { subscribe } from '../live.js';

/** The status changes a campaign in `status` offers. */
function controls(status) {
  switch (status) {
    case 'draft': case 'scheduled': return [['running', t('Start'), 'primary', t('Campaign started.')]];
    case 'running': return [['paused', t('Pause'), '', t('Campaign paused.')], ['stopped', t('Stop'), 'danger', t('Campaign stopped.')]];
    case 'paused': return [['running', t('Resume'), 'primary', t('Campaign resumed.')], ['stopped', t('Stop'), 'danger', t('Campaign stopped.')]];
    default: return [];
  }
}

export async function render(main, { args, can }) {
  const id = args[0];
  const out = h('div');
  const head = h('div');
  const figures = h('div');
  const calls = h('div');
  async function refresh() {
    const [c, p] = await Promise.all([get(`/api/v1/campaigns/${id}`), get(`/api/v1/campaigns/${id}/progress`)]);
    const buttons = can.manage ? controls(c.status).map(([to, label, kind, done]) => action(h('button', { class: kind, 'data-action': to }, label), out, async () => {
      if (to === 'stopped' && !confirm(t('Stop this campaign? Calls in progress finish; no new calls are placed. A stopped campaign cannot be restarted.'))) return;
      await put(`/api/v1/campaigns/${id}/status`, { status: to });
      mount(out, notice('ok', done));
      await refresh();
    })) : [];
    document.title = `${c.name} · Outdial`;
    mount(head,
      h('div', { class: 'bar' }, h('h1', {}, c.name), badge(c.status), buttons,
        can.manage ? h('a', { class: 'button', href: `#/campaigns/${id}/edit` }, t('Edit')) : null,
        can.manage ? h('a', { class: 'button', href: `#/leads/upload?campaign=${id}` }, t('Upload leads')) : null),
      p.status_reason ? notice('info', p.status_reason) : null,
      p.is_running && p.waiting_reason ? h('div', { class: 'alert info', id: 'waiting' }, t('Waiting: {reason}', { reason: word(p.waiting_reason) }) + (p.next_call_at ? ` — ${t('next call expected {when}', { when: whenZoned(p.next_call_at) })}` : '')) : null);
    const tr = p.transfers;
    mount(figures,
      h('div', { class: 'grid', id: 'progress' },
        stat(t('Leads'), p.total_leads), stat(t('Still to call'), p.remaining), stat(t('Calls made'), p.calls_made, 'calls-made'), stat(t('In progress'), p.in_flight),
        stat(t('Do-not-call'), p.do_not_call)),
      h('div', { class: 'grid two' },
        h('div', { class: 'panel' }, breakdown(t('Outcomes'), p.outcomes, t('No finished calls yet.'))),
        h('div', { class: 'panel' }, breakdown(t('Leads by status'), p.leads, t('No leads yet.'))),
        h('div', { class: 'panel' }, h('h2', {}, t('Handed to agents (30 days)')), h('dl', { class: 'facts' },
          h('dt', {}, t('Handed')), h('dd', {}, tr.handed), h('dt', {}, t('Connected')), h('dd', {}, tr.connected),
          // Abandonment belongs with the hand-overs it is counted over (US rule: at most 3%).
          h('dt', {}, t('Abandoned')), h('dd', { 'data-stat': 'abandoned' }, t('{count} ({percent} % of people handed to agents)', { count: tr.abandoned, percent: num(p.abandon_percent) })),
          h('dt', {}, t('Told to expect a call back')), h('dd', {}, tr.fallback),
          h('dt', {}, t('Hung up while waiting')), h('dd', {}, tr.caller_hung_up))),
        h('div', { class: 'panel', id: 'cost' }, h('h2', {}, t('Cost')), h('dl', { class: 'facts' },
          h('dt', {}, t('Total')), h('dd', {}, money(p.cost.total, p.cost.currency || 'USD')),
          h('dt', {}, t('Per call')), h('dd', {}, money(p.cost.per_call, p.cost.currency)),
          h('dt', {}, t('Per person reached')), h('dd', {}, money(p.cost.per_person_reached, p.cost.currency)),
          h('dt', {}, t('Per appointment')), h('dd', {}, money(p.cost.per_appointment, p.cost.currency)),
          p.cost.awaiting_price ? [h('dt', {}, t('Still to come')), h('dd', {}, tn("{n} calls: the carrier gives a call's price a few minutes after it ends", p.cost.awaiting_price))] : null)),
        h('div', { class: 'panel' }, h('h2', {}, t('Settings')), h('dl', { class: 'facts' },
          h('dt', {}, t('Pacing')), h('dd', {}, word(c.settings.pacing.mode)),
          h('dt', {}, t('Hours')), h('dd', {}, `${c.settings.calling_window.start}–${c.settings.calling_window.end} ${c.settings.calling_window.days.map(word).join(' ')}`),
          h('dt', {}, t('Caller IDs')), h('dd', {}, c.settings.caller_ids.join(', ') || '—'),
          h('dt', {}, t('Calls at once')), h('dd', {}, c.settings.max_concurrent_calls),
          h('dt', {}, t('Daily limit')), h('dd', {}, c.settings.daily_call_limit ?? t('none'))))));
    const recent = await get('/api/v1/calls' + qs({ campaign_id: id, limit: 10 }));
    mount(calls, h('div', { class: 'bar' }, h('h2', {}, t('Recent calls')), h('a', { href: `#/calls?campaign_id=${id}` }, t('All calls')), h('a', { href: `#/leads?campaign_id=${id}` }, t('Leads'))),
      table([
        [t('Who'), (x) => callLink(x)],
        [t('To'), (x) => x.to], [t('Status'), (x) => badge(x.status)], [t('Outcome'), (x) => badge(x.outcome)],
        [t('Talk'), (x) => duration(x.talk_seconds), { optional: true }], [t('Placed'), (x) => when(x.created_at), { optional: true }],
      ], recent.items, h('p', { class: 'muted' }, p.total_leads ? t('No calls yet: start the campaign to call its leads.') : t('No leads yet: upload a list first.'))));
  }
  mount(main, head, out, figures, calls);
  await refresh();
  let timer = null;
  const unsubscribe = subscribe(['call.status', 'campaign.status', 'campaign.progress', 'resync'], (kind, data) => {
    if (kind === 'campaign.progress' && data && data.campaign_id && String(data.campaign_id) !== String(id)) return;
    if (timer) return;
    timer = setTimeout(() => { timer = null; refresh().catch((e) => mount(out, notice('error', e.message))); }, 1000);
  });
  // The waiting reason changes with the clock too (calling hours open): read it again now and then.
  const poll = setInterval(() => refresh().catch(() => {}), 15000);
  return () => { unsubscribe(); clearTimeout(timer); clearInterval(poll); };
}

function stat(label, value, key) {
  return h('div', { class: 'stat', 'data-stat': key || null }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, typeof value === 'number' ? num(value) : value));
}

