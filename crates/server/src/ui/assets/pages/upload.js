// Uploading a CSV of leads into a campaign: the file's progress as it goes up, then what was
// imported and, row by row, what was rejected and why (also as a CSV to fix and upload again).

import { get, qs } from '../api.js';
import { h, mount, field, notice, table, pager } from '../dom.js';
import { t, tn, word } from '../i18n.js';

/** Sends the file with XMLHttpRequest, whose upload reports progress (fetch's does not). */
function send(url, file, csrf, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new Error((body && body.error && body.error.message) || t('the upload failed ({status})', { status: xhr.status })));
    });
    xhr.addEventListener('error', () => reject(new Error(t('the connection to Outdial was lost during the upload; try again'))));
    const data = new FormData();
    data.append('file', file);
    xhr.send(data);
  });
}

export async function render(main, { params, can, session }) {
  if (!can.manage) { mount(main, h('h1', {}, t('Upload leads')), notice('error', t('Your role cannot import leads; ask a manager.'))); return; }
  const campaigns = (await get('/api/v1/campaigns')).filter((c) => c.status !== 'stopped' && c.status !== 'completed');
  if (!campaigns.length) { mount(main, h('h1', {}, t('Upload leads')), notice('info', t('Leads go into a campaign: create one first.')), h('a', { class: 'button primary', href: '#/campaigns/new' }, t('New campaign'))); return; }
  const chosen = params.get('campaign') || String(campaigns[0].id);
  const campaign = h('select', { name: 'campaign' }, campaigns.map((c) => h('option', { value: c.id, selected: String(c.id) === chosen ? true : null }, c.name)));
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv,text/plain', required: true });
  const bar = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': t('Upload progress') });
  const out = h('div');
  const report = h('div', { id: 'report' });
  const submit = h('button', { class: 'primary', type: 'submit' }, t('Upload'));
  const form = h('form', { class: 'stack panel', novalidate: true },
    field(t('Campaign'), campaign),
    field(t('CSV file'), file, h('span', {}, t('Columns: phone (required), first_name, last_name, email, company, country, timezone, notes… Any other column is kept as a custom field. '), h('a', { href: '/api/v1/leads/template.csv', download: 'leads-template.csv' }, t('Download a template')), '.')),
    bar, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) { mount(out, notice('error', t('Choose a CSV file to upload.'))); file.focus(); return; }
    const f = file.files[0];
    submit.disabled = true; bar.hidden = false; bar.value = 0; mount(out); mount(report);
    try {
      const r = await send(`/api/v1/campaigns/${campaign.value}/imports` + qs({ filename: f.name }), f, session.csrf, (x) => { bar.value = x; });
      bar.value = 1;
      mount(out, notice(r.rejected ? 'info' : 'ok', tn('{imported} of {n} rows imported', r.rows_read, { imported: r.imported }) + (r.rejected ? `; ${t('{rejected} rejected ({duplicates}, {dnc} on the do-not-call list).', { rejected: r.rejected, duplicates: tn('{n} duplicates', r.duplicates), dnc: r.do_not_call })}` : '.')));
      mount(report,
        h('div', { class: 'bar' }, h('h2', {}, t('Rejected rows')), r.rejected ? h('a', { class: 'button small', href: r.rejections_csv, download: `rejections-${r.import_id}.csv` }, t('Download as CSV')) : null,
          h('a', { class: 'button small', href: `#/leads?campaign_id=${campaign.value}` }, t('See the leads')), h('a', { class: 'button small', href: `#/campaigns/${campaign.value}` }, t('Go to the campaign'))),
        r.rejected ? pager((cursor) => get(`/api/v1/imports/${r.import_id}/rejections` + qs({ cursor, limit: 50 })).then((p) => ({ ...p, total: r.rejected })),
          (items) => table([[t('Line'), (x) => x.line], [t('Problem'), (x) => word(x.kind)], [t('Why'), (x) => x.reason], [t('Row'), (x) => h('code', {}, x.raw), { optional: true }]], items, h('p', {}, t('None.'))))
          : h('p', { class: 'muted' }, t('Every row was imported.')));
    } catch (e) {
      mount(out, notice('error', e.message));
    } finally { submit.disabled = false; bar.hidden = true; }
  });
  mount(main, h('h1', {}, t('Upload leads')), out, form, report);
}
