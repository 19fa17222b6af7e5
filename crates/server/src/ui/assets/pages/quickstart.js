// Quick start: the one screen for someone who just wants to call a list — pick (or name) a
// campaign, add numbers, "Start calling", watch the calls, "Stop calling".

import { get, post, put, api, qs } from '../api.js';
import { h, mount, field, notice, badge, table, when, action, duration, showErrors, callLink } from '../dom.js';
import { subscribe } from '../live.js';
import { t, tn, word } from '../i18n.js';

export async function render(main, { can }) {
  if (!can.manage) { mount(main, h('h1', {}, t('Quick start')), notice('error', t('Your role cannot run campaigns; ask a manager.'))); return; }
  const campaigns = (await get('/api/v1/campaigns')).filter((c) => c.status !== 'stopped' && c.status !== 'completed');
  const out = h('div');
  const watch = h('div', { id: 'watch' });
  const pick = h('select', { name: 'campaign' }, h('option', { value: 'new' }, t('A new campaign…')), campaigns.map((c) => h('option', { value: c.id }, `${c.name} (${tn('{n} leads', c.leads ? c.leads.total : 0)})`)));
  const newName = h('input', { name: 'name', placeholder: t('e.g. Spring follow-up') });
  // No text with blanks in it: a person would hear them. The keys are offered by the menu.
  const message = h('textarea', { name: 'settings.script.message', rows: 3, placeholder: t("e.g. Hi {first_name}, this is Sam from Lane Motors about your car's service.", { first_name: '{first_name}' }) });
  const callerId = h('input', { name: 'settings.caller_ids', placeholder: '+18134893200' });
  const named = (box, key) => { box.dataset.field = key; return box; };
  const newBox = h('div', { class: 'stack' }, named(field(t('Campaign name'), newName), 'name'), named(field(t('Message'), message, t('{first_name} is filled in from each lead. After it the menu offers 2 (never call again), and 1 (speak with someone) once the campaign has a transfer number or agents.', { first_name: '{first_name}' })), 'settings.script.message'),
    named(field(t('Caller ID'), callerId, t('One of your Twilio numbers (any number works in the simulator).')), 'settings.caller_ids'));
  const numbers = h('textarea', { name: 'numbers', rows: 5, placeholder: t('One per line: phone, or first name, phone') + '\nMaria, (813) 555-0100\n+4930123456' });
  const sync = () => { newBox.hidden = pick.value !== 'new'; };
  pick.addEventListener('change', sync); sync();
  if (campaigns.length) { pick.value = String(campaigns[0].id); sync(); }

  let current = null;
  let unsubscribe = null;
  async function show(id) {
    const [c, p, calls] = await Promise.all([get(`/api/v1/campaigns/${id}`), get(`/api/v1/campaigns/${id}/progress`), get('/api/v1/calls' + qs({ campaign_id: id, limit: 8 }))]);
    const running = c.status === 'running';
    mount(watch, h('div', { class: 'panel' },
      h('div', { class: 'bar' }, h('h2', {}, c.name), badge(c.status), h('a', { href: `#/campaigns/${id}` }, t('Campaign details'))),
      h('p', {}, [tn('{n} calls made', p.calls_made), tn('{n} in progress', p.in_flight), tn('{n} leads still to call', p.remaining)].join(' · ')),
      running && p.waiting_reason ? notice('info', t('Waiting: {reason}', { reason: word(p.waiting_reason) })) : null,
      p.status_reason ? notice('info', p.status_reason) : null,
      running ? action(h('button', { class: 'danger', id: 'stop' }, t('Stop calling')), out, async () => { await put(`/api/v1/campaigns/${id}/status`, { status: 'paused' }); await show(id); }) : null,
      table([[t('Who'), (x) => callLink(x)], [t('To'), (x) => x.to], [t('Status'), (x) => badge(x.status)], [t('Outcome'), (x) => badge(x.outcome)], [t('Talk'), (x) => duration(x.talk_seconds)], [t('Placed'), (x) => when(x.created_at), { optional: true }]],
        calls.items, h('p', { class: 'muted' }, running ? t('The first calls start within a few seconds (in calling hours).') : t('No calls yet.')))));
  }

  const start = h('button', { class: 'primary', type: 'submit', id: 'start' }, t('Start calling'));
  const form = h('form', { class: 'stack panel', novalidate: true }, field(t('Call the leads of'), pick), newBox, field(t('Add numbers (optional)'), numbers, t('They join the campaign before it starts. Bad numbers are reported, not lost.')), start);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    start.disabled = true;
    try {
      let id = pick.value;
      if (id === 'new') {
        if (!newName.value.trim()) { mount(out, notice('error', t('Name the new campaign.'))); newName.focus(); return; }
        const c = await post('/api/v1/campaigns', { name: newName.value.trim(), type: 'general', settings: { script: { message: message.value }, caller_ids: callerId.value.split(/[,\s]+/).filter(Boolean), pacing: { mode: 'unattended' }, voicemail: { action: 'hang_up' } } });
        id = String(c.id);
      }
      let added = '';
      const lines = numbers.value.split('\n').map((l) => l.trim()).filter(Boolean);
      if (lines.length) {
        const csv = 'first_name,phone\n' + lines.map((l) => { const parts = l.split(','); const phone = parts.pop().trim(); return `"${(parts.join(',').trim()).replace(/"/g, '""')}","${phone.replace(/"/g, '""')}"`; }).join('\n');
        const r = await api('POST', `/api/v1/campaigns/${id}/imports?filename=quick-start.csv`, new Blob([csv], { type: 'text/csv' }));
        added = tn('{n} numbers added', r.imported) + (r.rejected ? `, ${t('{rejected} rejected:', { rejected: r.rejected })} ` + r.rejected_rows.slice(0, 5).map((x) => `${t('line {line}', { line: x.line - 1 })}: ${x.reason}`).join('; ') : '') + '. ';
        numbers.value = '';
      }
      await put(`/api/v1/campaigns/${id}/status`, { status: 'running' });
      mount(out, notice('ok', added + t('Calling started.')));
      current = id;
      await show(id);
      if (unsubscribe) unsubscribe();
      let timer = null;
      unsubscribe = subscribe(['call.status', 'campaign.status', 'campaign.progress', 'resync'], () => { if (!timer) timer = setTimeout(() => { timer = null; show(current).catch(() => {}); }, 1000); });
    } catch (e) {
      showErrors(form, e, out);
    } finally { start.disabled = false; }
  });
  mount(main, h('h1', {}, t('Quick start')), h('p', { class: 'muted' }, t('Pick a list, press Start calling, and watch the calls come in. Everything else has a sensible default you can change later.')), out, form, watch);
  return () => { if (unsubscribe) unsubscribe(); };
}
