// Settings → Language model: the OpenAI-compatible API campaigns with a model-led
// conversation talk through (base address, model, key). The key is stored and never shown;
// leaving it empty keeps the stored one.

import { get, put, del } from '../api.js';
import { h, mount, field, notice, action } from '../dom.js';
import { t } from '../i18n.js';

/** The section, built with the settings page's `section(title, fields, button, fn, intro)`. */
export async function modelSection(section) {
  const current = await get('/api/v1/settings/language-model').catch(() => null);
  const base = h('input', { name: 'base_url', value: current ? current.base_url : '', placeholder: 'https://api.openai.com/v1' });
  const model = h('input', { name: 'model', value: current ? current.model : '', placeholder: 'gpt-4o-mini' });
  const key = h('input', { name: 'api_key', type: 'password', autocomplete: 'off', placeholder: current && current.has_key ? t('•••••• (stored; enter a new one to replace it)') : '' });
  const state = h('p', { class: 'muted', id: 'model-state' });
  const describe = (m) => mount(state, m ? t('Calls talk through {model} at {url}.', { model: m.model, url: m.base_url }) : t('No language model is set: campaigns led by a model end their calls politely.'));
  describe(current);
  const form = section(t('Language model'), [state, h('div', { class: 'row' }, field(t('Base address'), base, t('OpenAI, Azure OpenAI, Groq, or a local Ollama or vLLM (where the server allows it)')), field(t('Model'), model), field(t('API key'), key))], t('Save language model'), async (_, top) => {
    const body = { base_url: base.value.trim(), model: model.value.trim() };
    if (key.value.trim()) body.api_key = key.value.trim();
    const saved = await put('/api/v1/settings/language-model', body);
    key.value = '';
    describe(saved);
    mount(top, notice('ok', t('Saved. The key is stored and never shown again.')));
  }, h('p', { class: 'muted' }, t('Campaigns whose conversation is led by a language model use it. Each call sends the conversation so far and the tools Outdial offers (availability, booking, call-back, transfer, opt-out, end).')));
  form.append(action(h('button', { class: 'danger', type: 'button' }, t('Remove language model')), state, async () => {
    if (!confirm(t('Remove the language model? Calls led by a model end politely until one is set.'))) return;
    await del('/api/v1/settings/language-model').catch(() => null);
    base.value = ''; model.value = '';
    describe(null);
  }));
  return form;
}
