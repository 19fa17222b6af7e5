// Settings: the organisation's name; Twilio credentials, the account's numbers and where Twilio
// must send webhooks; the language model and the Dialogflow CX
// account conversations may talk through;
// a test call; users, their roles and agent phones; API keys (shown once); your password.

import { get, post, put, patch, del } from '../api.js';
import { h, mount, field, notice, table, showErrors, action, badge, when } from '../dom.js';
import { t, tn, word } from '../i18n.js';
import { tryUnderstanding } from '../try_understand.js';
import { modelSection } from './settings_model.js';
import { dialogflowSection } from './settings_dialogflow.js';

const ROLES = ['agent', 'manager', 'admin', 'owner'];

/** A form section whose submit runs `fn(form, top)`, showing errors next to fields. */
function section(title, fields, button, fn, intro) {
  const top = h('div');
  const submit = h('button', { class: 'primary', type: 'submit' }, button);
  const form = h('form', { class: 'stack panel', novalidate: true }, h('h2', {}, title), intro || null, top, fields, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    try { await fn(form, top); } catch (e) { showErrors(form, e, top); } finally { submit.disabled = false; }
  });
  return form;
}

const named = (tag, name, attrs = {}, ...children) => h(tag, { name, ...attrs }, ...children);

export async function render(main, { session, can }) {
  const blocks = [];
  if (can.admin) {
    const tenant = await get('/api/v1/tenant');
    const orgName = named('input', 'name', { value: tenant.name, required: true });
    blocks.push(section(t('Organisation'), field(t('Name'), orgName), t('Save'), async (_, top) => { await patch('/api/v1/tenant', { name: orgName.value }); mount(top, notice('ok', t('Saved.'))); }));

    const twilio = await get('/api/v1/settings/twilio');
    const sid = named('input', 'account_sid', { placeholder: 'AC…', autocomplete: 'off' });
    const token = named('input', 'auth_token', { type: 'password', autocomplete: 'new-password', placeholder: twilio.source === 'tenant' ? t('•••••• (stored; enter a new one to replace it)') : '' });
    const key = named('input', 'webhook_key', { type: 'password', autocomplete: 'off', placeholder: t('only for HMAC-signed webhooks') });
    const state = h('div');
    const describe = (tw) => mount(state, h('dl', { class: 'facts' },
      h('dt', {}, t('Calls go through')), h('dd', {}, tw.source === 'simulator' ? t('the built-in simulator (no Twilio account configured)') : tw.source === 'tenant' ? t('your Twilio account') : t("the server's Twilio account")),
      h('dt', {}, t('Account')), h('dd', {}, tw.account_sid),
      h('dt', {}, t('Webhook URL')), h('dd', {}, h('code', {}, tw.webhook_base_url), h('div', { class: 'muted' }, t('Twilio must reach this address. Behind a proxy or tunnel, start Outdial with OUTDIAL_SERVER__PUBLIC_BASE_URL=https://your.host (its public base URL).')))));
    describe(twilio);
    // The account's numbers, asked of Twilio: also how a person learns the credentials work.
    const numbersBox = h('div', { class: 'stack', 'aria-live': 'polite' });
    const showNumbers = async () => {
      mount(numbersBox, h('p', { class: 'muted' }, t("Asking Twilio for the account's numbers…")));
      try {
        const n = await get('/api/v1/settings/twilio/numbers');
        mount(numbersBox, h('h3', {}, t('Numbers on this account')), n.items.length
          ? table([[t('Number'), (x) => h('code', {}, x.phone_number)], [t('Name'), (x) => x.friendly_name || '—'], [t('Voice'), (x) => (x.voice ? t('yes') : t('no: cannot be a caller ID'))]], n.items)
          : h('p', { class: 'muted' }, t('The account has no phone numbers yet: buy one in the Twilio console to call from it.')));
        return n;
      } catch (e) {
        mount(numbersBox, notice('error', t("The account's numbers could not be listed: {reason}", { reason: e.message })));
        return null;
      }
    };
    showNumbers();
    const twilioForm = section(t('Twilio'), [state, numbersBox, h('div', { class: 'row' }, field(t('Account SID'), sid), field(t('Auth token'), token), field(t('Webhook key'), key))], t('Save credentials'), async (_, top) => {
      const tw = await put('/api/v1/settings/twilio', { account_sid: sid.value.trim(), auth_token: token.value.trim(), webhook_key: key.value.trim() || null });
      token.value = ''; key.value = '';
      describe(tw);
      mount(top, notice('ok', t("Saved. The token is stored and never shown again. Asking Twilio for the account's numbers…")));
      const n = await showNumbers();
      mount(top, n ? notice('ok', tn('Saved, and Twilio accepted the credentials: {n} numbers on the account.', n.items.length))
        : notice('error', t("Saved, but Twilio did not accept the request for the account's numbers: see below.")));
    }, h('p', { class: 'muted' }, t("Saving stores the credentials, then lists the account's numbers to show Twilio accepts them. Caller IDs (numbers below) are chosen per campaign.")));
    if (twilio.source === 'tenant') {
      twilioForm.append(action(h('button', { class: 'danger' }, t('Remove credentials')), state, async () => {
        if (!confirm(t('Remove the Twilio credentials? Calls go to the server default (or the simulator).'))) return;
        await del('/api/v1/settings/twilio'); describe(await get('/api/v1/settings/twilio')); showNumbers();
      }));
    }
    blocks.push(twilioForm);
    blocks.push(await modelSection(section));
    blocks.push(await dialogflowSection(section));
  }
  if (can.manage) {
    const campaigns = await get('/api/v1/campaigns');
    const to = named('input', 'to', { type: 'tel', placeholder: '+18134893222' });
    const campaign = named('select', 'campaign_id', {}, campaigns.map((c) => h('option', { value: c.id }, c.name)));
    blocks.push(section(t('Test call'), h('div', { class: 'row' }, field(t('Call'), to), field(t('With the settings of'), campaign)), t('Place test call'), async () => {
      const call = await post('/api/v1/calls', { to: to.value, campaign_id: Number(campaign.value) });
      location.hash = `#/calls/${call.id}`;
    }, h('p', { class: 'muted' }, t("Places one call now with the campaign's caller ID and message, outside the dialer. Do-not-call numbers are refused."))));
  }
  if (can.manage) {
    // Agent groups: which agents take which campaigns' calls.
    const groupsBox = h('div');
    const loadGroups = async () => {
      const [groups, agents] = await Promise.all([get('/api/v1/agent-groups'), get('/api/v1/agents')]);
      mount(groupsBox, groups.length ? groups.map((g) => {
        const boxes = h('div', { class: 'checks', role: 'group', 'aria-label': t('Members of {name}', { name: g.name }) }, agents.length
          ? agents.map((a) => h('label', {}, h('input', { type: 'checkbox', value: a.user_id, checked: g.members.includes(a.user_id) }), `${a.name} (${a.phone})`))
          : h('span', { class: 'muted' }, t('No agents yet: give a user an agent phone below.')));
        const save = action(h('button', { class: 'small' }, t('Save members')), groupsBox, async () => {
          await put(`/api/v1/agent-groups/${g.id}/members`, { user_ids: [...boxes.querySelectorAll('input:checked')].map((i) => Number(i.value)) });
          await loadGroups();
        });
        return h('div', { class: 'panel' }, h('strong', {}, g.name), h('span', { class: 'muted' }, ` · ${tn('{n} campaigns', g.campaigns.length)}`), boxes, save);
      }) : h('p', { class: 'muted' }, t('No groups yet. A group of agents takes the calls of the campaigns you assign it to (in the campaign form).')));
    };
    await loadGroups();
    const groupName = named('input', 'name', { placeholder: t('e.g. Sales floor') });
    blocks.push(section(t('Agent groups'), [groupsBox, field(t('New group'), groupName)], t('Create group'), async (form, top) => {
      await post('/api/v1/agent-groups', { name: groupName.value });
      groupName.value = ''; mount(top, notice('ok', t('Group created: tick its members, then assign it to campaigns.')));
      await loadGroups();
    }));
  }
  if (can.admin) {
    const usersBox = h('div');
    const agents = new Map((await get('/api/v1/agents')).map((a) => [a.user_id, a]));
    const loadUsers = async () => {
      const users = await get('/api/v1/users');
      mount(usersBox, table([
        [t('Name'), (u) => u.name], [t('Email'), (u) => u.email, { optional: true }],
        [t('Role'), (u) => { const s = h('select', { 'aria-label': t('Role of {name}', { name: u.name }) }, ROLES.map((r) => h('option', { value: r, selected: r === u.role ? true : null }, word(r))));
          s.addEventListener('change', async () => { try { await patch(`/api/v1/users/${u.id}`, { role: s.value }); } catch (e) { alert(e.message); s.value = u.role; } }); return s; }],
        [t('Agent phone'), (u) => { const a = agents.get(u.id); const input = h('input', { type: 'tel', value: a ? a.phone : '', placeholder: t('not an agent'), 'aria-label': t('Agent phone of {name}', { name: u.name }) });
          const save = h('button', { class: 'small' }, a ? t('Change') : t('Make agent'));
          action(save, usersBox, async () => { const r = await put(`/api/v1/agents/${u.id}`, { phone: input.value }); agents.set(u.id, r); input.value = r.phone; });
          return h('div', { class: 'bar' }, input, save); }],
        [t('Status'), (u) => (u.disabled ? badge('disabled') : badge('active'))],
        ['', (u) => u.id === session.user.id ? h('span', { class: 'muted' }, t('you')) : action(h('button', { class: 'small' }, u.disabled ? t('Enable') : t('Disable')), usersBox, async () => { await patch(`/api/v1/users/${u.id}`, { disabled: !u.disabled }); await loadUsers(); })],
      ], users, h('p', {}, t('No users.'))));
    };
    await loadUsers();
    const email = named('input', 'email', { type: 'email' }); const name = named('input', 'name'); const password = named('input', 'password', { type: 'password', autocomplete: 'new-password' });
    const role = named('select', 'role', {}, ROLES.filter((r) => ROLES.indexOf(r) <= ROLES.indexOf(session.role)).map((r) => h('option', { value: r }, word(r))));
    blocks.push(h('div', { class: 'panel' }, h('h2', {}, t('Users')), usersBox),
      section(t('Add a user'), h('div', { class: 'row' }, field(t('Name'), name), field(t('Email'), email), field(t('Role'), role), field(t('Initial password'), password, t('At least 10 characters'))), t('Add user'), async (form, top) => {
        await post('/api/v1/users', { name: name.value, email: email.value, role: role.value, password: password.value });
        form.reset(); mount(top, notice('ok', t('User added: give them their email and password.'))); await loadUsers();
      }));
    const keysBox = h('div');
    const loadKeys = async () => {
      const keys = await get('/api/v1/api-keys');
      mount(keysBox, table([[t('Name'), (k) => k.name], [t('Key'), (k) => h('code', {}, k.prefix + '…')], [t('Role'), (k) => word(k.role)], [t('Last used'), (k) => when(k.last_used_at), { optional: true }],
        ['', (k) => k.revoked_at ? badge('revoked') : action(h('button', { class: 'small danger' }, t('Revoke')), keysBox, async () => { if (!confirm(t('Revoke {name}? Anything using it stops working.', { name: k.name }))) return; await del(`/api/v1/api-keys/${k.id}`); await loadKeys(); })]],
      keys, h('p', { class: 'muted' }, t('No API keys. Automation (Zapier, scripts) uses a key instead of a password.'))));
    };
    await loadKeys();
    const keyName = named('input', 'name', { placeholder: 'e.g. zapier' });
    const keyRole = named('select', 'role', {}, ROLES.filter((r) => ROLES.indexOf(r) <= ROLES.indexOf(session.role)).map((r) => h('option', { value: r, selected: r === 'manager' ? true : null }, word(r))));
    blocks.push(section(t('API keys'), [keysBox, h('div', { class: 'row' }, field(t('Name'), keyName), field(t('Role'), keyRole))], t('Create key'), async (form, top) => {
      const k = await post('/api/v1/api-keys', { name: keyName.value, role: keyRole.value });
      keyName.value = '';
      mount(top, h('div', { class: 'alert ok', role: 'status' }, t('Copy this key now — it is shown only once: '), h('code', { id: 'new-key' }, k.key)));
      await loadKeys();
    }));
  }
  const current = named('input', 'current_password', { type: 'password', autocomplete: 'current-password' });
  const next = named('input', 'new_password', { type: 'password', autocomplete: 'new-password' });
  blocks.push(section(t('Your password'), h('div', { class: 'row' }, field(t('Current password'), current), field(t('New password'), next, t('At least 10 characters'))), t('Change password'), async (form, top) => {
    await put('/api/v1/me/password', { current_password: current.value, new_password: next.value });
    // Every session ends with a password change: sign in again.
    form.reset(); mount(top, notice('ok', t('Password changed. Sign in again with the new one.')));
    setTimeout(() => { location.hash = '#/login'; location.reload(); }, 1500);
  }));
  blocks.push(tryUnderstanding());
  mount(main, h('h1', {}, t('Settings')), blocks);
}
