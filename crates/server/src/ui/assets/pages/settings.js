// Settings: the organisation's name; Twilio credentials, the account's numbers and where Twilio
// must send webhooks;
// a test call; users, their roles and agent phones; API keys (shown once); your password.

import { get, post, put, patch, del } from '../api.js';
import { h, mount, field, notice, table, showErrors, action, badge, when, plural } from '../dom.js';

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
    blocks.push(section('Organisation', field('Name', orgName), 'Save', async (_, top) => { await patch('/api/v1/tenant', { name: orgName.value }); mount(top, notice('ok', 'Saved.')); }));

    const twilio = await get('/api/v1/settings/twilio');
    const sid = named('input', 'account_sid', { placeholder: 'AC…', autocomplete: 'off' });
    const token = named('input', 'auth_token', { type: 'password', autocomplete: 'new-password', placeholder: twilio.source === 'tenant' ? '•••••• (stored; enter a new one to replace it)' : '' });
    const key = named('input', 'webhook_key', { type: 'password', autocomplete: 'off', placeholder: 'only for HMAC-signed webhooks' });
    const state = h('div');
    const describe = (t) => mount(state, h('dl', { class: 'facts' },
      h('dt', {}, 'Calls go through'), h('dd', {}, t.source === 'simulator' ? 'the built-in simulator (no Twilio account configured)' : t.source === 'tenant' ? 'your Twilio account' : 'the server\'s Twilio account'),
      h('dt', {}, 'Account'), h('dd', {}, t.account_sid),
      h('dt', {}, 'Webhook URL'), h('dd', {}, h('code', {}, t.webhook_base_url), h('div', { class: 'muted' }, 'Twilio must reach this address. Behind a proxy or tunnel, start Outdial with OUTDIAL_SERVER__PUBLIC_BASE_URL=https://your.host (its public base URL).'))));
    describe(twilio);
    // The account's numbers, asked of Twilio: also how a person learns the credentials work.
    const numbersBox = h('div', { class: 'stack', 'aria-live': 'polite' });
    const showNumbers = async () => {
      mount(numbersBox, h('p', { class: 'muted' }, 'Asking Twilio for the account\'s numbers…'));
      try {
        const n = await get('/api/v1/settings/twilio/numbers');
        mount(numbersBox, h('h3', {}, 'Numbers on this account'), n.items.length
          ? table([['Number', (x) => h('code', {}, x.phone_number)], ['Name', (x) => x.friendly_name || '—'], ['Voice', (x) => (x.voice ? 'yes' : 'no: cannot be a caller ID')]], n.items)
          : h('p', { class: 'muted' }, 'The account has no phone numbers yet: buy one in the Twilio console to call from it.'));
        return n;
      } catch (e) {
        mount(numbersBox, notice('error', `The account's numbers could not be listed: ${e.message}`));
        return null;
      }
    };
    showNumbers();
    const twilioForm = section('Twilio', [state, numbersBox, h('div', { class: 'row' }, field('Account SID', sid), field('Auth token', token), field('Webhook key', key))], 'Save credentials', async (_, top) => {
      const t = await put('/api/v1/settings/twilio', { account_sid: sid.value.trim(), auth_token: token.value.trim(), webhook_key: key.value.trim() || null });
      token.value = ''; key.value = '';
      describe(t);
      mount(top, notice('ok', 'Saved. The token is stored and never shown again. Asking Twilio for the account\'s numbers…'));
      const n = await showNumbers();
      mount(top, n ? notice('ok', `Saved, and Twilio accepted the credentials: ${plural(n.items.length, 'number')} on the account.`)
        : notice('error', 'Saved, but Twilio did not accept the request for the account\'s numbers: see below.'));
    }, h('p', { class: 'muted' }, 'Saving stores the credentials, then lists the account\'s numbers to show Twilio accepts them. Caller IDs (numbers below) are chosen per campaign.'));
    if (twilio.source === 'tenant') {
      twilioForm.append(action(h('button', { class: 'danger' }, 'Remove credentials'), state, async () => {
        if (!confirm('Remove the Twilio credentials? Calls go to the server default (or the simulator).')) return;
        await del('/api/v1/settings/twilio'); describe(await get('/api/v1/settings/twilio')); showNumbers();
      }));
    }
    blocks.push(twilioForm);
  }
  if (can.manage) {
    const campaigns = await get('/api/v1/campaigns');
    const to = named('input', 'to', { type: 'tel', placeholder: '+18134893222' });
    const campaign = named('select', 'campaign_id', {}, campaigns.map((c) => h('option', { value: c.id }, c.name)));
    blocks.push(section('Test call', h('div', { class: 'row' }, field('Call', to), field("With the settings of", campaign)), 'Place test call', async () => {
      const call = await post('/api/v1/calls', { to: to.value, campaign_id: Number(campaign.value) });
      location.hash = `#/calls/${call.id}`;
    }, h('p', { class: 'muted' }, 'Places one call now with the campaign\'s caller ID and message, outside the dialer. Do-not-call numbers are refused.')));
  }
  if (can.manage) {
    // Agent groups: which agents take which campaigns' calls.
    const groupsBox = h('div');
    const loadGroups = async () => {
      const [groups, agents] = await Promise.all([get('/api/v1/agent-groups'), get('/api/v1/agents')]);
      mount(groupsBox, groups.length ? groups.map((g) => {
        const boxes = h('div', { class: 'checks', role: 'group', 'aria-label': `Members of ${g.name}` }, agents.length
          ? agents.map((a) => h('label', {}, h('input', { type: 'checkbox', value: a.user_id, checked: g.members.includes(a.user_id) }), `${a.name} (${a.phone})`))
          : h('span', { class: 'muted' }, 'No agents yet: give a user an agent phone below.'));
        const save = action(h('button', { class: 'small' }, 'Save members'), groupsBox, async () => {
          await put(`/api/v1/agent-groups/${g.id}/members`, { user_ids: [...boxes.querySelectorAll('input:checked')].map((i) => Number(i.value)) });
          await loadGroups();
        });
        return h('div', { class: 'panel' }, h('strong', {}, g.name), h('span', { class: 'muted' }, ` · ${g.campaigns.length} campaign${g.campaigns.length === 1 ? "" : "s"}`), boxes, save);
      }) : h('p', { class: 'muted' }, 'No groups yet. A group of agents takes the calls of the campaigns you assign it to (in the campaign form).'));
    };
    await loadGroups();
    const groupName = named('input', 'name', { placeholder: 'e.g. Sales floor' });
    blocks.push(section('Agent groups', [groupsBox, field('New group', groupName)], 'Create group', async (form, top) => {
      await post('/api/v1/agent-groups', { name: groupName.value });
      groupName.value = ''; mount(top, notice('ok', 'Group created: tick its members, then assign it to campaigns.'));
      await loadGroups();
    }));
  }
  if (can.admin) {
    const usersBox = h('div');
    const agents = new Map((await get('/api/v1/agents')).map((a) => [a.user_id, a]));
    const loadUsers = async () => {
      const users = await get('/api/v1/users');
      mount(usersBox, table([
        ['Name', (u) => u.name], ['Email', (u) => u.email, { optional: true }],
        ['Role', (u) => { const s = h('select', { 'aria-label': `Role of ${u.name}` }, ROLES.map((r) => h('option', { value: r, selected: r === u.role ? true : null }, r)));
          s.addEventListener('change', async () => { try { await patch(`/api/v1/users/${u.id}`, { role: s.value }); } catch (e) { alert(e.message); s.value = u.role; } }); return s; }],
        ['Agent phone', (u) => { const a = agents.get(u.id); const input = h('input', { type: 'tel', value: a ? a.phone : '', placeholder: 'not an agent', 'aria-label': `Agent phone of ${u.name}` });
          const save = h('button', { class: 'small' }, a ? 'Change' : 'Make agent');
          action(save, usersBox, async () => { const r = await put(`/api/v1/agents/${u.id}`, { phone: input.value }); agents.set(u.id, r); input.value = r.phone; });
          return h('div', { class: 'bar' }, input, save); }],
        ['Status', (u) => (u.disabled ? badge('disabled') : badge('active'))],
        ['', (u) => u.id === session.user.id ? h('span', { class: 'muted' }, 'you') : action(h('button', { class: 'small' }, u.disabled ? 'Enable' : 'Disable'), usersBox, async () => { await patch(`/api/v1/users/${u.id}`, { disabled: !u.disabled }); await loadUsers(); })],
      ], users, h('p', {}, 'No users.')));
    };
    await loadUsers();
    const email = named('input', 'email', { type: 'email' }); const name = named('input', 'name'); const password = named('input', 'password', { type: 'password', autocomplete: 'new-password' });
    const role = named('select', 'role', {}, ROLES.filter((r) => ROLES.indexOf(r) <= ROLES.indexOf(session.role)).map((r) => h('option', { value: r }, r)));
    blocks.push(h('div', { class: 'panel' }, h('h2', {}, 'Users'), usersBox),
      section('Add a user', h('div', { class: 'row' }, field('Name', name), field('Email', email), field('Role', role), field('Initial password', password, 'At least 10 characters')), 'Add user', async (form, top) => {
        await post('/api/v1/users', { name: name.value, email: email.value, role: role.value, password: password.value });
        form.reset(); mount(top, notice('ok', 'User added: give them their email and password.')); await loadUsers();
      }));
    const keysBox = h('div');
    const loadKeys = async () => {
      const keys = await get('/api/v1/api-keys');
      mount(keysBox, table([['Name', (k) => k.name], ['Key', (k) => h('code', {}, k.prefix + '…')], ['Role', (k) => k.role], ['Last used', (k) => when(k.last_used_at), { optional: true }],
        ['', (k) => k.revoked_at ? badge('revoked') : action(h('button', { class: 'small danger' }, 'Revoke'), keysBox, async () => { if (!confirm(`Revoke ${k.name}? Anything using it stops working.`)) return; await del(`/api/v1/api-keys/${k.id}`); await loadKeys(); })]],
      keys, h('p', { class: 'muted' }, 'No API keys. Automation (Zapier, scripts) uses a key instead of a password.')));
    };
    await loadKeys();
    const keyName = named('input', 'name', { placeholder: 'e.g. zapier' });
    const keyRole = named('select', 'role', {}, ROLES.filter((r) => ROLES.indexOf(r) <= ROLES.indexOf(session.role)).map((r) => h('option', { value: r, selected: r === 'manager' ? true : null }, r)));
    blocks.push(section('API keys', [keysBox, h('div', { class: 'row' }, field('Name', keyName), field('Role', keyRole))], 'Create key', async (form, top) => {
      const k = await post('/api/v1/api-keys', { name: keyName.value, role: keyRole.value });
      keyName.value = '';
      mount(top, h('div', { class: 'alert ok', role: 'status' }, 'Copy this key now — it is shown only once: ', h('code', { id: 'new-key' }, k.key)));
      await loadKeys();
    }));
  }
  const current = named('input', 'current_password', { type: 'password', autocomplete: 'current-password' });
  const next = named('input', 'new_password', { type: 'password', autocomplete: 'new-password' });
  blocks.push(section('Your password', h('div', { class: 'row' }, field('Current password', current), field('New password', next, 'At least 10 characters')), 'Change password', async (form, top) => {
    await put('/api/v1/me/password', { current_password: current.value, new_password: next.value });
    // Every session ends with a password change: sign in again.
    form.reset(); mount(top, notice('ok', 'Password changed. Sign in again with the new one.'));
    setTimeout(() => { location.hash = '#/login'; location.reload(); }, 1500);
  }));
  mount(main, h('h1', {}, 'Settings'), blocks);
}
