// Outdial's web application: who is signed in, the navigation, and which page the address
// (after '#') shows. Every page module exports `render(main, ctx)` and may return a cleanup
// function, called when the page is left (to close live subscriptions and sockets).

import { api, setCsrf, signedOut } from './api.js';
import { h, mount } from './dom.js';
import * as live from './live.js';

const routes = [
  [/^\/$/, 'dashboard', 'Dashboard'],
  [/^\/campaigns$/, 'campaigns', 'Campaigns'],
  [/^\/campaigns\/new$/, 'campaign_form', 'New campaign'],
  [/^\/campaigns\/(\d+)\/edit$/, 'campaign_form', 'Edit campaign'],
  [/^\/campaigns\/(\d+)$/, 'campaign', 'Campaign'],
  [/^\/leads$/, 'leads', 'Leads'],
  [/^\/leads\/upload$/, 'upload', 'Upload leads'],
  [/^\/leads\/(\d+)$/, 'lead', 'Lead'],
  [/^\/quick$/, 'quickstart', 'Quick start'],
  [/^\/calls$/, 'calls', 'Calls'],
  [/^\/calls\/(\d+)$/, 'call', 'Call'],
  [/^\/console$/, 'console', 'Agent console'],
  [/^\/dnc$/, 'dnc', 'Do-not-call'],
  [/^\/settings$/, 'settings', 'Settings'],
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
    ['#/', 'Dashboard'],
    ['#/quick', 'Quick start', (a) => a.manage],
    ['#/campaigns', 'Campaigns'],
    ['#/leads', 'Leads'],
    ['#/calls', 'Calls'],
    ['#/console', 'Agent console', (a) => a.agent],
    ['#/dnc', 'Do-not-call'],
    ['#/settings', 'Settings'],
  ];
  const a = abilities(session);
  const side = h('nav', { class: 'side', 'aria-label': 'Main' });
  const toggle = h('button', { class: 'menu-toggle small', 'aria-expanded': 'false', onclick: () => { const open = side.classList.toggle('open'); toggle.setAttribute('aria-expanded', String(open)); } }, 'Menu');
  const current = '#' + path;
  mount(side,
    h('a', { class: 'brand', href: '#/' }, 'Outdial'), toggle,
    h('div', { class: 'links' }, links.filter(([, , can]) => !can || can(a)).map(([href, text]) => {
      const here = href === '#/' ? current === '#/' : current.startsWith(href);
      return h('a', { class: 'nav', href, 'aria-current': here ? 'page' : null }, text);
    })),
    h('div', { class: 'who' }, h('div', {}, session.user.name), h('div', { class: 'muted' }, `${session.tenant.name} · ${session.role}`),
      h('button', { class: 'small', onclick: signOut }, 'Sign out')));
  return side;
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
  } catch {
    session = null;
  }
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
    page.render(main, { onSignedIn: async (s) => { session = s; setCsrf(s.csrf); location.hash = s.agent && s.role === 'agent' ? '#/console' : '#/'; route(); } });
    return;
  }
  const match = routes.map(([re, mod, title]) => [path.match(re), mod, title]).find(([m]) => m);
  const main = h('main', { id: 'main', tabindex: '-1' });
  mount(app, h('div', { class: 'layout' }, nav(path), main));
  if (!match) { mount(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no page at this address. '), h('a', { href: '#/' }, 'Go to the dashboard')); return; }
  const [m, mod, title] = match;
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
