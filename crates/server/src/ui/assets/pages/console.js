// The agent console: the agent's status switch; a call offered to them appears with the
// lead's details to accept or decline; the disposition form afterwards. Everything arrives
// over the console WebSocket; after each event the page asks for the state again and draws
// it, so it never shows a half-updated state. The socket reconnects by itself, unless the
// login has ended: then the sign-in page shows.

import { get } from '../api.js';
import { h, mount, badge, notice, field, leadName, when } from '../dom.js';
import { t, word } from '../i18n.js';

/** The close code the server uses when the agent's login has ended. */
const SIGNED_OUT = 4401;
const DISPOSITIONS = ['interested', 'not_interested', 'call_back', 'appointment_booked', 'wrong_number', 'do_not_call', 'other'];

export async function render(main, { session }) {
  if (!session.agent) {
    mount(main, h('h1', {}, t('Agent console')), notice('info', t('You are not registered as an agent. An administrator registers agents (with the phone Outdial calls them on) under Settings → Users.')));
    return;
  }
  const link = h('span', { class: 'badge', id: 'link' }, t('connecting…'));
  const out = h('div');
  const statusBox = h('div', { class: 'panel', id: 'status' });
  const offerBox = h('div', { id: 'offer' });
  const callBox = h('div', { id: 'call' });
  mount(main, h('div', { class: 'bar' }, h('h1', {}, t('Agent console')), link), out, statusBox, offerBox, callBox);

  const leads = new Map();
  const lead = async (id) => { if (!id) return null; if (!leads.has(id)) leads.set(id, await get(`/api/v1/leads/${id}`).catch(() => null)); return leads.get(id); };
  let socket = null;
  let closed = false;
  let retry = 500;
  let drawn = '';
  let pendingDisposition = null;
  let dispositionForm = null;
  let drawing = Promise.resolve();

  const send = (msg) => { if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg)); else mount(out, notice('error', t('Not connected to Outdial; reconnecting…'))); };

  function leadFacts(l, campaign) {
    if (!l) return h('p', { class: 'muted' }, t('Lead details unavailable.'));
    return h('dl', { class: 'facts' },
      h('dt', {}, t('Name')), h('dd', { class: 'lead-name' }, leadName(l)), h('dt', {}, t('Phone')), h('dd', {}, l.phone),
      l.company ? [h('dt', {}, t('Company')), h('dd', {}, l.company)] : null, l.email ? [h('dt', {}, t('Email')), h('dd', {}, l.email)] : null,
      campaign ? [h('dt', {}, t('Campaign')), h('dd', {}, campaign)] : null,
      h('dt', {}, t('Attempts')), h('dd', {}, l.attempts), l.notes ? [h('dt', {}, t('Notes')), h('dd', {}, l.notes)] : null,
      Object.entries(l.custom_fields || {}).map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
  }

  async function draw(s) {
    const state = JSON.stringify([s.agent, s.offer, s.call]);
    if (state === drawn) return;
    drawn = state;
    const a = s.agent;
    const choose = (status, label) => h('button', { class: a.status === status ? 'primary' : '', 'aria-pressed': String(a.status === status), 'data-status': status, onclick: () => send({ type: 'status', status }) }, label);
    mount(statusBox, h('div', { class: 'bar' }, h('strong', {}, t('Your status: ')), badge(a.status), h('span', { class: 'muted' }, t('since {when}', { when: when(a.status_since) }))),
      h('div', { class: 'bar', role: 'group', 'aria-label': t('Change status') }, choose('available', a.status === 'wrap_up' ? t('Ready for the next call') : t('Available')), choose('paused', t('Pause')), choose('offline', t('Log out'))),
      a.status === 'wrap_up' && a.wrap_up_until ? h('p', { class: 'muted' }, t('Wrap-up ends {when}.', { when: when(a.wrap_up_until) })) : null);
    if (s.offer) {
      const tr = s.offer.transfer;
      const l = await lead(tr.lead_id);
      // The call is accepted once the agent's phone is answered and they hear who is waiting.
      const ringing = s.offer.leg.status === 'ringing';
      mount(offerBox, h('div', { class: 'panel offer', role: 'alert' },
        h('h2', {}, t('Incoming call')), leadFacts(l),
        h('p', { class: 'muted' }, ringing ? t('Your phone is ringing: answer it, then accept here or by pressing a key.') : t('On your phone now: accept here or press a key.')),
        h('div', { class: 'bar' },
          h('button', { class: 'primary', id: 'accept', disabled: ringing, onclick: () => send({ type: 'accept' }) }, t('Accept')),
          h('button', { id: 'decline', onclick: () => send({ type: 'decline' }) }, t('Decline')))));
      document.getElementById('accept')?.focus();
    } else mount(offerBox);
    if (s.call) {
      const tr = s.call;
      const l = await lead(tr.lead_id);
      const talking = tr.status === 'connected';
      // The form outlives redraws of the same call (the agent's status changes as the call
      // ends), so nothing chosen or typed is lost.
      if (!dispositionForm || dispositionForm.callId !== tr.call_id) dispositionForm = { callId: tr.call_id, form: dispositionFormFor(tr, l) };
      mount(callBox, h('div', { class: 'panel' },
        h('h2', {}, talking ? t('On a call') : t('Call ended — record how it went')), leadFacts(l),
        h('p', {}, h('a', { href: `#/calls/${tr.call_id}` }, t('Call #{id}', { id: tr.call_id }))), dispositionForm.form));
    } else {
      dispositionForm = null;
      mount(callBox, s.offer ? null : h('p', { class: 'muted panel' }, a.status === 'available' ? t('Waiting for a call… Calls are offered here and on your phone.') : t('Set yourself Available to take calls.')));
    }
  }

  /** The disposition form of the call `t` with the lead `l`. */
  function dispositionFormFor(tr, l) {
    const disposition = h('select', { name: 'disposition' }, DISPOSITIONS.map((d) => h('option', { value: d }, word(d))));
    const notes = h('textarea', { name: 'notes', rows: 3, maxlength: 4000 });
    const callback = h('input', { type: 'datetime-local', name: 'callback_at' });
    const callbackField = field(t('Call back at'), callback, t('Your local time; the lead is called then, by you if you are free.'));
    callbackField.hidden = true;
    disposition.addEventListener('change', () => { callbackField.hidden = disposition.value !== 'call_back'; });
    const save = h('button', { class: 'primary', type: 'submit' }, t('Save disposition'));
    const form = h('form', { class: 'stack', id: 'disposition' }, field(t('Outcome'), disposition), field(t('Notes'), notes), callbackField, save);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const msg = { type: 'disposition', call_id: tr.call_id, disposition: disposition.value, notes: notes.value };
      if (disposition.value === 'call_back') {
        if (!callback.value) { mount(out, notice('error', t('Choose when to call back.'))); callback.focus(); return; }
        msg.callback_at = new Date(callback.value).toISOString();
      }
      pendingDisposition = leadName(l || { phone: t('the lead') });
      send(msg);
    });
    return form;
  }

  function connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${proto}//${location.host}/api/v1/agents/me/console`);
    socket.addEventListener('open', () => { retry = 500; link.textContent = t('live'); link.className = 'badge connected'; });
    socket.addEventListener('message', (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      // Snapshots are drawn one after another: a slow lead lookup never lets an older state
      // overwrite a newer one.
      if (m.type === 'snapshot') drawing = drawing.then(() => draw(m)).catch((e) => mount(out, notice('error', e.message)));
      else if (m.type === 'event') send({ type: 'snapshot' });
      else if (m.type === 'error') mount(out, notice('error', m.message));
      else if (m.type === 'ok') {
        if (m.request === 'disposition') { mount(out, notice('ok', t('Disposition saved for {who}.', { who: pendingDisposition || t('the call') }))); pendingDisposition = null; }
        else if (m.request === 'accept') mount(out, notice('ok', t('Accepted: you are being connected.')));
        else mount(out);
        send({ type: 'snapshot' });
      }
    });
    socket.addEventListener('close', (ev) => {
      if (closed) return;
      link.textContent = t('reconnecting…'); link.className = 'badge paused';
      // Before reconnecting, ask whether the login still holds (the server closes with 4401
      // when it ended; a refused reconnect gives no reason): a 401 shows the sign-in page.
      const wait = ev.code === SIGNED_OUT ? 0 : retry;
      retry = Math.min(retry * 2, 10000);
      setTimeout(async () => {
        if (closed) return;
        try { await get('/api/v1/me'); } catch (e) { if (e.status === 401) return; }
        if (!closed) connect();
      }, wait);
    });
  }
  connect();
  return () => { closed = true; if (socket) socket.close(); };
}
