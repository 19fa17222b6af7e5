// Settings → Dialogflow CX: the Google service account campaigns led by a Dialogflow CX agent
// reach it with. The key file is pasted once; its private key is stored and never shown again.

import { get, put, del } from '../api.js';
import { h, mount, field, notice, action } from '../dom.js';
import { t } from '../i18n.js';

/** The section, built with the settings page's `section(title, fields, button, fn, intro)`. */
export async function dialogflowSection(section) {
  const current = await get('/api/v1/settings/dialogflow').catch(() => null);
  const keyFile = h('textarea', { name: 'service_account', rows: 5, autocomplete: 'off', spellcheck: 'false', placeholder: '{ "type": "service_account", "project_id": "…", "private_key": "-----BEGIN PRIVATE KEY-----…", "client_email": "…" }' });
  const state = h('p', { class: 'muted', id: 'dialogflow-state' });
  const describe = (a) => mount(state, a ? t('Dialogflow is reached as {email} (project {project}).', { email: a.client_email, project: a.project_id }) : t('No service account is set: campaigns led by a Dialogflow agent end their calls politely.'));
  describe(current);
  const form = section(t('Dialogflow CX'), [state, field(t('Service account key file (JSON)'), keyFile, t('Google Cloud console: IAM → Service accounts → Keys → Add key → JSON. The account needs the role "Dialogflow API Client".'))], t('Save service account'), async (_, top) => {
    const saved = await put('/api/v1/settings/dialogflow', { service_account: keyFile.value.trim() });
    keyFile.value = '';
    describe(saved);
    mount(top, notice('ok', t('Saved. The private key is stored and never shown again.')));
  }, h('p', { class: 'muted' }, t("Campaigns whose conversation is led by a Dialogflow CX agent send each answer to the agent named in the campaign; the agent's intents choose what Outdial does (offer times, book, call back, transfer, opt out, end).")));
  form.append(action(h('button', { class: 'danger', type: 'button' }, t('Remove service account')), state, async () => {
    if (!confirm(t('Remove the service account? Calls led by a Dialogflow agent end politely until one is set.'))) return;
    await del('/api/v1/settings/dialogflow').catch(() => null);
    describe(null);
  }));
  return form;
}
