// Outdial's web application: who is signed in, the navigation, and which page the address
// (after '#') shows. Every page module exports `render(main, ctx)` and may return a cleanup
// function, called when the page is left (to close live subscriptions and sockets).

import { api, setCsrf, signedOut } from './api.js';
import { h, mount } from './dom.js';
import * as live from './live.js';
import { setServerNow } from './clock.js';
import { t, key, word, language, setLanguage } from './i18n.js';

const routes = [
  [/^\/$/, 'dashboard', key('Dashboard')],
  [/^\/campaigns$/, 'campaigns', key('Campaigns')],
  [/^\/campaigns\/new$/, 'campaign_form', key('New campaign')],
  [/^\/campaigns\/(\d+)\/edit$/, 'campaign_form', key('Edit campaign')],
  [/^\/campaigns\/(\d+)$/, 'campaign', key('Campaign')],
  [/^\/leads$/, 'leads', key('Leads')],
  [/^\/leads\/upload$/, 'upload', key('Upload leads')],
  [/^\/leads\/(\d+)$/, 'lead', key('Lead')],
  [/^\/quick$/, 'quickstart', key('Quick start')],
  [/^\/calendar$/, 'calendar', key('Calendar')],
  [/^\/calendars\/new$/, 'calendar_form', key('New calendar')],
  [/^\/calendars\/(\d+)\/edit$/, 'calendar_form', key('Calendar settings')],
  [/^\/appointments\/(\d+)$/, 'appointment', key('Appointment')],
  [/^\/conversations$/, 'conversations', key('Conversations')],
  [/^\/calls$/, 'calls', key('Calls')],
  [/^\/calls\/(\d+)$/, 'call', key('Call')],
  [/^\/console$/, 'console', key('Agent console')],
  [/^\/dnc$/, 'dnc', key('Do-not-call')],
  [/^\/settings$/, 'settings', key('Settings')],
];

const ROLES = ['agent', 'manager', 'admin', 'owner'];

/** What the signed-in user may do, for pages to hide what the API would refuse. */
function abilities(session) {
  const rank = ROLES.indexOf(session.role);
  return { manage: rank >= 1, admin: rank >= 2, agent: !!session.agent };
}

let session = null;
let cleanup = null;

function nav(path) {
  const links = [
    ['#/', key('Dashboard')],
    ['#/quick', key('Quick start'), (a) => a.manage],
    ['#/campaigns', key('Campaigns')],
    ['#/leads', key('Leads')],
    ['#/calendar', key('Calendar')],
    ['#/conversations', key('Conversations'), (a) => a.manage],
    ['#/calls', key('Calls')],
    ['#/console', key('Agent console'), (a) => a.agent],
    ['#/dnc', key('Do-not-call')],
    ['#/settings', key('Settings')],
  ];
  const a = abilities(session);
  const side = h('nav', { class: 'side', 'aria-label': t('Main') });
  const toggle = h('button', { class: 'menu-toggle small', 'aria-expanded': 'false', onclick: () => { const open = side.classList.toggle('open'); toggle.setAttribute('aria-expanded', String(open)); } }, t('Menu'));
  const current = '#' + path;
  mount(side,
    h('a', { class: 'brand', href: '#/' }, 'Outdial'), toggle,
    h('div', { class: 'links' }, links.filter(([, , can]) => !can || can(a)).map(([href, text]) => {
      const here = href === '#/' ? current === '#/' : current.startsWith(href);
      return h('a', { class: 'nav', href, 'aria-current': here ? 'page' : null }, t(text));
    })),
    h('div', { class: 'who' }, h('div', {}, session.user.name), h('div', { class: 'muted' }, `${session.tenant.name} · ${word(session.role)}`),
      languagePicker(),
      h('button', { class: 'small', onclick: signOut }, t('Sign out'))));
  return side;
}

/** English or German, kept with the user (and followed on every device they sign in on). */
function languagePicker() {
  const pick = h('select', { 'aria-label': t('Language'), class: 'language' },
    [['en', 'English'], ['de', 'Deutsch']].map(([code, name]) => h('option', { value: code, lang: code, selected: code === language() ? true : null }, name)));
  pick.addEventListener('change', async () => {
    try {
      session.user = await api('PUT', '/api/v1/me/locale', { locale: pick.value });
      await setLanguage(pick.value);
      route();
    } catch (e) { alert(e.message); }
  });
  return pick;
}

async function signOut() {
  try { await api('DELETE', '/ui/session'); } catch { /* already gone */ }
  session = null;
  live.close();
  location.hash = '#/login';
  route();
}

async function loadSession() {
  try {
    session = await api('GET', '/ui/session');
    setCsrf(session.csrf);
    setServerNow(session.now);
  } catch {
    session = null;
  }
  // The user's own choice, else the browser's language.
  await setLanguage(session && session.user ? session.user.locale : null);
}

async function route() {
  const app = document.getElementById('app');
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  const path = (location.hash.replace(/^#/, '') || '/').split('?')[0];
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  if (!session || path === '/login') {
    if (session && path === '/login') { location.hash = '#/'; return; }
    const page = await import('./pages/login.js');
    const main = h('main', { id: 'main', class: 'login' });
    mount(app, main);
    page.render(main, { onSignedIn: async (s) => { session = s; setCsrf(s.csrf); setServerNow(s.now); await setLanguage(s.user ? s.user.locale : null); location.hash = s.agent && s.role === 'agent' ? '#/console' : '#/'; route(); } });
    return;
  }
  const match = routes.map(([re, mod, title]) => [path.match(re), mod, title]).find(([m]) => m);
  const main = h('main', { id: 'main', tabindex: '-1' });
  mount(app, h('div', { class: 'layout' }, nav(path), main));
  if (!match) { mount(main, h('h1', {}, t('Not found')), h('p', {}, t('There is no page at this address.'), ' '), h('a', { href: '#/' }, t('Go to the dashboard'))); return; }
  const [m, mod, english] = match;
  const title = t(english);
  document.title = `${title} · Outdial`;
  const page = await import(`./pages/${mod}.js`);
  try {
    cleanup = (await page.render(main, { session, can: abilities(session), args: m.slice(1), params, title })) || null;
  } catch (e) {
    mount(main, h('h1', {}, title), h('div', { class: 'alert error', role: 'alert' }, e.message));
  }
}

signedOut.addEventListener('signedout', () => { session = null; live.close(); route(); });
window.addEventListener('hashchange', route);
loadSession().then(route);
