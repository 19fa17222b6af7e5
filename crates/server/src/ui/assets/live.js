// The tenant's live events (Server-Sent Events at /api/v1/events): pages subscribe to kinds
// and are called on each; the browser reconnects by itself, and a reconnect or a `resync`
// tells subscribers to read their state again.

import { get } from './api.js';

let source = null;
const handlers = new Set();

function dispatch(kind, data) {
  for (const h of handlers) if (h.kinds.includes(kind) || h.kinds.includes('*')) h.fn(kind, data);
}

function open() {
  if (source) return;
  source = new EventSource('/api/v1/events', { withCredentials: true });
  // The browser retries a dropped stream by itself, but gives up on a refusal (the server ends
  // the stream when the login ends, and refuses the retry). Then: ask whether the login holds
  // (a 401 shows the sign-in page), else open again shortly.
  const mine = source;
  source.addEventListener('error', () => {
    if (mine.readyState !== EventSource.CLOSED || source !== mine) return;
    source = null;
    setTimeout(async () => {
      try { await get('/api/v1/me'); } catch (e) { if (e.status === 401) return; }
      if (!source && handlers.size) { open(); dispatch('resync', null); }
    }, 2000);
  });
  for (const kind of ['snapshot', 'call.status', 'agent.status', 'campaign.status', 'campaign.progress', 'transfer.offer', 'transfer.waiting', 'transfer.whisper', 'transfer.connected', 'transfer.ended', 'transfer.disposed', 'resync']) {
    source.addEventListener(kind, (e) => {
      let data = null;
      try { data = JSON.parse(e.data); } catch { /* keep null */ }
      dispatch(kind === 'snapshot' ? 'resync' : kind, data);
    });
  }
}

/** Calls `fn(kind, data)` for the given kinds ('*' for all, 'resync' after gaps); returns an unsubscribe. */
export function subscribe(kinds, fn) {
  open();
  const entry = { kinds, fn };
  handlers.add(entry);
  return () => handlers.delete(entry);
}

/** Closes the stream (on sign-out). */
export function close() {
  if (source) source.close();
  source = null;
  handlers.clear();
}
