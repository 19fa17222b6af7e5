// Sign-in: email and password; a wrong one says so, too many say when to try again.

import { api } from '../api.js';
import { h, mount, field, notice } from '../dom.js';
import { t, tn } from '../i18n.js';

export function render(main, { onSignedIn }) {
  document.title = `${t('Sign in')} · Outdial`;
  const out = h('div');
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { class: 'primary', type: 'submit' }, t('Sign in'));
  const form = h('form', { class: 'stack panel', novalidate: true }, out, field(t('Email'), email), field(t('Password'), password), submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!email.value || !password.value) { mount(out, notice('error', t('Enter your email and password.'))); return; }
    submit.disabled = true;
    try {
      const s = await api('POST', '/ui/session', { email: email.value.trim(), password: password.value });
      onSignedIn(s);
    } catch (e) {
      mount(out, notice('error', e.status === 429 ? t('Too many failed attempts: {reason}', { reason: e.message }) : e.message));
      password.select();
    } finally { submit.disabled = false; }
  });
  mount(main, h('h1', {}, t('Sign in to Outdial')), form,
    h('p', { class: 'muted' }, t('The first start of Outdial prints a demo login in its terminal.')));
  email.focus();
}
