// Outdial's clock as the pages see it: the server's "now" (given with the session) moved on by
// the time passed in the browser since, so "today" on the calendar is the server's today even
// when the browser's clock is off (or a test runs the server at another moment).

let offset = 0;

/** Takes the server's `now` (epoch ms), just received. */
export function setServerNow(ms) {
  if (typeof ms === 'number' && Number.isFinite(ms)) offset = ms - Date.now();
}

/** Now, epoch ms, by Outdial's clock. */
export const now = () => Date.now() + offset;
