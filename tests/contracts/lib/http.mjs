// A guest's side of the API for the contract tests: POST JSON, keep the session cookie.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

// 32 random bytes in hex, new in every run: a fixed value would be one printed in the tests, which the
// server refuses.
export const SECRET_KEY = randomBytes(32).toString('hex');

/** A client that keeps the session cookie between /login and /verify, as a browser does. Without a
 * body it GETs. */
export function guestClient(baseUrl) {
  let cookie = '';
  return async (pathname, body) => {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${pathname}`, body === undefined
      ? { headers: cookie ? { Cookie: cookie } : {} }
      : {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
        body: JSON.stringify(body),
      });
    const set = response.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (set.length > 0) cookie = set.join('; ');
    return {
      status: response.status,
      json: await response.json(),
      retryAfter: response.headers.get('retry-after'),
      ms: performance.now() - started,
    };
  };
}

/** Rows of the server's outbox (the audit of every send), newest first, read with the sqlite3 CLI. */
export async function outboxRows(db) {
  const { stdout } = await promisify(execFile)('sqlite3', ['-json', db,
    'SELECT to_address, channel, status, error, body, code FROM outbox ORDER BY id DESC']);
  return stdout.trim() ? JSON.parse(stdout) : [];
}

/**
 * POST /login, which answers once the code is queued, then what became of the delivery: GET
 * /login/status until it stops saying "pending" (the first seconds it says so for everyone). Returns
 * the status answer: 200 {delivery: "sent"} or the delivery's error; a refused /login itself is returned
 * as it is.
 */
export async function loginAndDelivery(post, body, options) {
  const login = await post('/login', body);
  if (login.status !== 200) return login;
  return deliveryOf(post, options);
}

/** GET /login/status for the client's last login until it stops saying "pending". */
export async function deliveryOf(post, { timeoutMs = 20_000 } = {}) {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const status = await post('/login/status');
    if (status.status !== 200 || status.json.delivery !== 'pending' || performance.now() > until) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
