// Can the timing of POST /login tell a guest from a stranger? (prints figures; not a test):
//   node bench/security/login-timing.mjs [--n 1000] [--paths dev,smtp,sms,verify] [--gap MS]
//        [--smtp-delay 20-60] [--twilio-delay 150-400] [--warmup 20]
// For each delivery path a fresh roomgate (build/roomgate, or ROOMGATE_BINARY; tests/e2e/lib/server.mjs)
// with --n guests on its list (one added by startServer, the rest by `roomgate participants import` of a
// CSV) and --n names that are not on it, all distinct (so the per-name and per-destination limits never
// bite), each sent once to POST /login in one random interleaving, one request at a time on one
// keep-alive connection, each from its own X-Forwarded-For address in 198.18.0.0/15 (the server trusts
// 127.0.0.1 as a proxy, so the per-address limits never bite either). Paths:
//   dev     `serve --dev`: the built-in console channel
//   smtp    ROOMGATE_SMTP_URL to tests/contracts/lib/smtp_sink.py (aiosmtpd) behind a TCP relay that holds
//           each of the server's replies --smtp-delay ms (uniform); requests ask for "channel":"email"
//   sms     ROOMGATE_SMS=twilio, the Messages API of tests/contracts/lib/twilio-standin.mjs (which checks
//           every request against Twilio's OpenAPI spec) behind an HTTP relay that holds each request
//           --twilio-delay ms
//   verify  ROOMGATE_VERIFY=twilio, Verify v2 of the same stand-in, same delay
//   refused (a control, not in the default list) as sms, but every name asks for "channel":"email", which
//           has no channel: each /login is refused 503 before anything is queued, so only the lookup and
//           the decoy's contact differ
// Outside --dev SECRET_KEY is 32 random bytes in hex. The list's contact mix (phone only / e-mail only /
// both) is per path, below; strangers' decoys follow it (app/JoinFlow). Each request is timed on the
// client with performance.now() from before http.request to the end of the body; --gap ms pass between
// requests (not timed; by default 0 for dev and 50 for the others, so that 4 provider workers at
// ~250 ms per send keep up with the guests' half and the 1024-deep delivery queue never fills).
// Per path: median and p90 of guests and strangers, the two-sample Kolmogorov–Smirnov D and its
// asymptotic p-value (PASS if p > 0.01), and whether every answer's status, JSON key set and
// Set-Cookie presence occur in both groups (answers whose shape the other group never got are
// mismatches). Also checks that the providers got one send per guest answered 200 and none for
// strangers, and that the Twilio stand-in saw no request that breaks the spec.
// Needs tests/node_modules (scripts/install-deps) and, for smtp, Debian's python3-aiosmtpd.
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { startTwilioStandIn } from '../../tests/contracts/lib/twilio-standin.mjs';
import { startServer } from '../../tests/e2e/lib/server.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const range = (text) => text.split('-').map(Number);
const N = Number(arg('n', 1000));
const PATHS = arg('paths', 'dev,smtp,sms,verify').split(',');
const GAP = arg('gap', null);
const SMTP_DELAY = range(arg('smtp-delay', '20-60'));
const TWILIO_DELAY = range(arg('twilio-delay', '150-400'));
const WARMUP = Number(arg('warmup', 20));
const ALPHA = 0.01;
const ROOM = 'Bench Room';

const SINK = fileURLToPath(new URL('../../tests/contracts/lib/smtp_sink.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'auth-token-0123456789abcdef012345';
const API_KEY = 'SK0123456789abcdef0123456789abcdef';
const API_SECRET = 'api-key-secret-0123456789abcdef01';
const SERVICE = 'VA0123456789abcdef0123456789abcdef';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const uniform = ([lo, hi]) => lo + Math.random() * (hi - lo);

// ---- statistics ----------------------------------------------------------------------------------

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

// Q_KS(λ) = P(K > λ) for the Kolmogorov distribution: 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}; for small λ the
// equivalent 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)}, which converges fast there.
export function kolmogorovQ(lambda) {
  if (lambda <= 0) return 1;
  let sum = 0;
  if (lambda < 1.18) {
    for (let j = 1; j <= 50; j++) sum += Math.exp(-((2 * j - 1) ** 2) * Math.PI ** 2 / (8 * lambda ** 2));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  for (let j = 1; j <= 100; j++) {
    const term = 2 * (j % 2 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, sum));
}

// Two-sample KS: D = sup_x |F_a(x) − F_b(x)| over the empirical CDFs (ties stepped over together),
// p = Q_KS(√(n·m/(n+m)) · D).
export function ks(a, b) {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const en = Math.sqrt((x.length * y.length) / (x.length + y.length));
  return { d, p: kolmogorovQ(en * d) };
}

// ---- stand-ins with a delay ------------------------------------------------------------------------

// An HTTP relay to `target` that holds each request `delay` ms (uniform) before passing it on.
async function delayingHttpRelay(target, delay) {
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      await sleep(uniform(delay));
      const out = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// A TCP relay to 127.0.0.1:`port` that holds each chunk the server writes (an SMTP reply: the greeting,
// EHLO's, each command's) `delay` ms (uniform), in order; the client's bytes pass at once.
async function delayingTcpRelay(port, delay) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let chain = Promise.resolve();
    upstream.on('data', (chunk) => {
      chain = chain.then(() => sleep(uniform(delay))).then(() => client.destroyed || client.write(chunk));
    });
    upstream.on('end', () => chain.then(() => client.end()));
    client.pipe(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// tests/contracts/lib/smtp_sink.py on a free port; `count()` is how many messages it accepted.
async function startSmtpSink() {
  const port = await freePort();
  const child = spawn(PYTHON, [SINK, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let accepted = 0;
  const lines = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code})`)));
    lines.on('line', (line) => (line === 'ready' ? resolve() : accepted++));
  });
  return {
    port,
    count: () => accepted,
    stop: () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      return exited;
    },
  };
}

// ---- the paths ---------------------------------------------------------------------------------------

const secretKey = () => randomBytes(32).toString('hex');
// The SMS caps (per hour, per calling code) would refuse most of 2n sends: raised out of the way, as
// the per-address limits are by the trusted proxy.
const common = {
  ROOMGATE_TRUSTED_PROXIES: '127.0.0.1',
  ROOMGATE_SMS_PER_HOUR: '1000000',
  ROOMGATE_SMS_PER_COUNTRY_PER_HOUR: '1000000',
};

// A path through the Twilio stand-in behind a relay that holds each request TWILIO_DELAY ms: the stand-in
// accepts the `accept` [user, password] pair; env(relayUrl) is the server's Twilio settings; sent(twilio)
// counts what the provider accepted.
async function startTwilioPath({ accept, env, sent }) {
  const twilio = await startTwilioStandIn({ accept: [accept] });
  const relay = await delayingHttpRelay(twilio.url, TWILIO_DELAY);
  return {
    dev: false,
    env: { ...common, SECRET_KEY: secretKey(), ...env(relay.url) },
    sent: () => sent(twilio),
    violations: twilio.violations,
    close: async () => {
      await relay.close();
      await twilio.close();
    },
  };
}

// mix: shares of the list with a phone only, an e-mail only, both. body: what each /login sends beside
// the name. sent(): how many messages the provider accepted so far.
const PATH_SETUPS = {
  dev: {
    what: 'built-in console (--dev)',
    mix: [0.7, 0.1, 0.2],
    gap: 0,
    async start() {
      return { dev: true, env: { ...common }, sent: null, close: async () => {} };
    },
  },
  smtp: {
    what: `SMTP (aiosmtpd, ${SMTP_DELAY.join('–')} ms per reply)`,
    mix: [0, 0.8, 0.2],
    body: { channel: 'email' },
    gap: 50,
    async start() {
      const sink = await startSmtpSink();
      const relay = await delayingTcpRelay(sink.port, SMTP_DELAY);
      return {
        dev: false,
        env: { ...common, SECRET_KEY: secretKey(), ROOMGATE_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, ROOMGATE_SMTP_FROM: 'rooms@example.com' },
        sent: sink.count,
        close: async () => {
          await relay.close();
          await sink.stop();
        },
      };
    },
  },
  sms: {
    what: `Twilio SMS (stand-in, ${TWILIO_DELAY.join('–')} ms)`,
    mix: [0.8, 0, 0.2],
    gap: 50,
    start: () =>
      startTwilioPath({
        accept: [API_KEY, API_SECRET],
        env: (relayUrl) => ({
          ROOMGATE_SMS: 'twilio',
          ROOMGATE_TWILIO_API_URL: relayUrl,
          TWILIO_ACCOUNT_SID: ACCOUNT,
          TWILIO_API_KEY_SID: API_KEY,
          TWILIO_API_KEY_SECRET: API_SECRET,
          TWILIO_FROM_NUMBER: '+15017122661',
          ROOMGATE_PUBLIC_URL: 'https://rooms.example.com',
        }),
        sent: (twilio) => twilio.messages.length,
      }),
  },
  // A control, not a delivery path: Twilio SMS configured and no e-mail channel, every name with an
  // e-mail address asking for "channel":"email", so every /login (guest's or decoy's) is refused 503
  // before any verification, queue or provider: what differs is only the list lookup (a hit or a miss)
  // and the decoy's contact.
  refused: {
    what: 'control: 503, nothing queued',
    mix: [0, 0.8, 0.2],
    body: { channel: 'email' },
    gap: 0,
    start: () => PATH_SETUPS.sms.start(),
  },
  verify: {
    what: `Twilio Verify (stand-in, ${TWILIO_DELAY.join('–')} ms)`,
    mix: [0.7, 0.1, 0.2],
    gap: 50,
    start: () =>
      startTwilioPath({
        accept: [ACCOUNT, AUTH_TOKEN],
        env: (relayUrl) => ({
          ROOMGATE_VERIFY: 'twilio',
          ROOMGATE_TWILIO_VERIFY_URL: relayUrl,
          TWILIO_ACCOUNT_SID: ACCOUNT,
          TWILIO_AUTH_TOKEN: AUTH_TOKEN,
          TWILIO_VERIFY_SERVICE_SID: SERVICE,
        }),
        sent: (twilio) => twilio.requests.filter((r) => r.kind === 'verify').length,
      }),
  },
};

// ---- the run -----------------------------------------------------------------------------------------

function shuffle(xs) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

// Distinct names of one shape for guests and strangers alike.
function names(count) {
  const seen = new Set();
  while (seen.size < count) seen.add(`u${randomBytes(5).toString('hex')}`);
  return [...seen];
}

// `count` guests in the mix [phone only, e-mail only, both], North American numbers.
function guestList(guestNames, mix) {
  const kinds = [];
  const counts = mix.map((share) => Math.round(share * guestNames.length));
  counts[0] = guestNames.length - counts[1] - counts[2];
  counts.forEach((c, k) => kinds.push(...Array(c).fill(k)));
  shuffle(kinds);
  return guestNames.map((name, i) => ({
    name,
    phone: kinds[i] !== 1 ? `+1650${String(2530000 + i).padStart(7, '0')}` : undefined,
    email: kinds[i] !== 0 ? `${name}@example.com` : undefined,
    rooms: [ROOM],
  }));
}

const csvOf = (guests) => `identity,phone,email,rooms\n${guests.map((g) => [g.name, g.phone ?? '', g.email ?? '', g.rooms.join(';')].join(',')).join('\n')}\n`;

// The address request `i` comes from: 198.18.0.0/15, the benchmarking range.
const addressOf = (i) => `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;

function login(agent, baseUrl, body, address) {
  const url = new URL('/login', baseUrl);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), 'X-Forwarded-For': address } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - started;
          let json = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // not JSON: the shape says so
          }
          resolve({ ms, status: res.statusCode, json, cookie: (res.headers['set-cookie'] ?? []).length > 0, reused: req.reusedSocket });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const shapeOf = (r) => `${r.status} {${r.json && typeof r.json === 'object' ? Object.keys(r.json).sort().join(',') : 'not JSON'}}${r.json?.error?.code ? ` ${r.json.error.code}` : ''} cookie:${r.cookie ? 'yes' : 'no'}`;

async function runPath(key) {
  const setup = PATH_SETUPS[key];
  const gap = GAP !== null ? Number(GAP) : setup.gap;
  const provider = await setup.start();
  const allNames = names(2 * (N + WARMUP));
  const guests = guestList(allNames.slice(0, N + WARMUP), setup.mix);
  const strangers = allNames.slice(N + WARMUP);
  const load = [os.loadavg()[0]];
  const server = await startServer({ guests: guests.slice(0, 1), dev: provider.dev, env: provider.env });
  try {
    const csv = path.join(server.dir, 'guests.csv');
    await writeFile(csv, csvOf(guests.slice(1)));
    await server.cli(['participants', 'import', csv]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let address = 0;
    const extra = setup.body ?? {};
    // Warm-up, not recorded: the connection, the statements, the workers.
    let warmSends = 0;
    for (let i = 0; i < WARMUP; i++) {
      if ((await login(agent, server.baseUrl, { username: guests[N + i].name, ...extra }, addressOf(address++))).status === 200) warmSends++;
      await login(agent, server.baseUrl, { username: strangers[N + i], ...extra }, addressOf(address++));
      if (gap) await sleep(gap);
    }
    const order = shuffle([...guests.slice(0, N).map((g) => ['guest', g.name]), ...strangers.slice(0, N).map((s) => ['stranger', s])]);
    const results = { guest: [], stranger: [] };
    const started = Date.now();
    for (const [group, username] of order) {
      const r = await login(agent, server.baseUrl, { username, ...extra }, addressOf(address++));
      results[group].push(r);
      if (gap) await sleep(gap);
    }
    const seconds = (Date.now() - started) / 1000;
    agent.destroy();
    load.push(os.loadavg()[0]);
    // Let the queue drain: every guest answered 200 should reach the provider, no stranger (warm-up
    // guests included in both counts).
    const expected = warmSends + results.guest.filter((r) => r.status === 200).length;
    let sent = null;
    if (provider.sent) {
      const until = Date.now() + 60_000;
      while (provider.sent() < expected && Date.now() < until) await sleep(200);
      await sleep(1000); // anything more (a stranger's message) would arrive by now
      sent = provider.sent();
    }
    return { key, setup, gap, seconds, results, expected, sent, violations: provider.violations?.length ?? null, load, alive: server.alive() };
  } finally {
    await server.stop();
    await provider.close();
  }
}

function summarize(run) {
  const ms = (g) => run.results[g].map((r) => r.ms).sort((a, b) => a - b);
  const g = ms('guest');
  const s = ms('stranger');
  const { d, p } = ks(g, s);
  const shapes = new Map();
  for (const group of ['guest', 'stranger']) {
    for (const r of run.results[group]) {
      const k = shapeOf(r);
      if (!shapes.has(k)) shapes.set(k, { guest: 0, stranger: 0 });
      shapes.get(k)[group]++;
    }
  }
  let mismatches = 0;
  for (const c of shapes.values()) if (c.guest === 0 || c.stranger === 0) mismatches += c.guest + c.stranger;
  const channels = (group) => {
    const c = {};
    for (const r of run.results[group]) if (r.json?.channel) c[r.json.channel] = (c[r.json.channel] ?? 0) + 1;
    return Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ');
  };
  const fresh = (group) => run.results[group].filter((r) => !r.reused).length;
  return { d, p, g, s, shapes, mismatches, channels, fresh };
}

const f = (x) => x.toFixed(2);

console.log(`login timing: n=${N} guests and n strangers per path, warm-up ${WARMUP}+${WARMUP}, one keep-alive connection, ${os.cpus().length} CPUs, load average ${os.loadavg().map(f).join(' ')}`);
const rows = [];
for (const key of PATHS) {
  if (!PATH_SETUPS[key]) throw new Error(`no path "${key}" (dev, smtp, sms, verify, refused)`);
  const run = await runPath(key);
  const sum = summarize(run);
  rows.push({ run, sum });
  console.log(`\n${key}: ${run.setup.what}; mix phone/e-mail/both ${run.setup.mix.join('/')}; gap ${run.gap} ms; ${run.seconds.toFixed(0)} s; load average ${run.load.map(f).join(' → ')}`);
  console.log('  answers (guests / strangers):');
  for (const [shape, c] of sum.shapes) console.log(`    ${shape}: ${c.guest} / ${c.stranger}`);
  console.log(`  channels: guests ${sum.channels('guest') || '-'}; strangers ${sum.channels('stranger') || '-'}`);
  console.log(`  new connections: guests ${sum.fresh('guest')}, strangers ${sum.fresh('stranger')}`);
  if (run.sent !== null) console.log(`  provider accepted ${run.sent} messages for ${run.expected} guests answered 200 (strangers must add none)`);
  if (run.violations !== null) console.log(`  Twilio spec violations: ${run.violations}`);
  if (!run.alive) console.log('  the server died during the run');
}

console.log('\n| path | guests median / p90 ms | strangers median / p90 ms | KS D | p | p > 0.01 | answer mismatches | provider sends (guests answered 200, warm-up included) |');
console.log('| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |');
for (const { run, sum } of rows) {
  const q = (xs) => `${quantile(xs, 0.5).toFixed(3)} / ${quantile(xs, 0.9).toFixed(3)}`;
  const sends = run.sent === null ? '—' : `${run.sent} (${run.expected})`;
  console.log(`| ${run.setup.what} | ${q(sum.g)} | ${q(sum.s)} | ${sum.d.toFixed(4)} | ${sum.p < 1e-4 ? sum.p.toExponential(1) : sum.p.toFixed(4)} | ${sum.p > ALPHA ? 'PASS' : 'FAIL'} | ${sum.mismatches} | ${sends} |`);
}
