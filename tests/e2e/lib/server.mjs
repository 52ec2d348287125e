// Helpers for the browser tests: a roomgate server of its own per test, and the codes it "sends".
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const binary = process.env.ROOMGATE_BINARY ?? path.join(repoRoot, 'build', 'roomgate');

const STARTUP_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

// The environment without anything roomgate reads as configuration, so the tests do not depend on
// the shell they run in (a ROOMGATE_REVEAL_UNKNOWN=1 there would change what the page must show).
function cleanEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(ROOMGATE_|TWILIO_)/.test(name) || name === 'SECRET_KEY' || name === 'VERIFY_SERVICE_SID') delete env[name];
  }
  return env;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const SANITIZER_MARKERS = ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:', 'SUMMARY: UndefinedBehaviorSanitizer'];

/** The first sanitizer report in `log` (AddressSanitizer, LeakSanitizer, UBSan) and what follows; '' if none. */
export function sanitizerReport(log) {
  for (const marker of SANITIZER_MARKERS) {
    const at = log.indexOf(marker);
    if (at >= 0) return log.slice(Math.max(0, at - 200), at + 12_000);
  }
  return '';
}

// Adds guests with `roomgate participants add --create` before the server starts (the demo guests are only
// added to an empty list). Each guest: {name, phone, email?, rooms: [..]}.
async function addGuests(dir, db, guests) {
  for (const g of guests) {
    const args = ['participants', 'add', g.name, '--db', db, '--create'];
    if (g.phone) args.push('--phone', g.phone);
    if (g.email) args.push('--email', g.email);
    for (const room of g.rooms ?? []) args.push('--room', room);
    await promisify(execFile)(binary, args, { cwd: dir, env: cleanEnv() });
  }
}

/** Runs `roomgate ARGS...` (the CLI) in `dir` with the clean environment; resolves to its stdout. */
export async function roomgate(args, { dir = tmpdir(), env = {} } = {}) {
  const { stdout } = await promisify(execFile)(binary, args, { cwd: dir, env: { ...cleanEnv(), ...env } });
  return stdout;
}

// Creates rooms with `roomgate rooms add` before the server starts. Each room: {name, type?, maxParticipants?}.
async function addRooms(dir, db, rooms) {
  for (const r of rooms) {
    const args = ['rooms', 'add', r.name, '--type', r.type ?? 'peer-to-peer', '--db', db, '--create'];
    if (r.maxParticipants !== undefined) args.push('--max-participants', String(r.maxParticipants));
    await roomgate(args, { dir });
  }
}

async function waitForHealth(baseUrl, deadline) {
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok && (await response.json()).status === 'ok') return;
    } catch {
      // not up yet
    }
    if (performance.now() > deadline) throw new Error(`${baseUrl}/healthz did not answer ok in time`);
    await sleep(50);
  }
}

/**
 * Starts `roomgate serve --dev` on a free port with a fresh temporary directory and database.
 * `guests` and `rooms` are added first; `env` is added to the server's (otherwise clean) environment;
 * `dotenv` (text) becomes the .env file of its working directory; `dev: false` serves without --dev;
 * `host` is the address it listens on, HTTP and media (default 127.0.0.1).
 * Returns {baseUrl, wsUrl, dir, db, pid, logs(), alive(), cli(args), token(identity, room, options), stop()};
 * stop() sends SIGTERM and removes the directory, and throws (failing the test) if the server had died
 * during the test, did not exit with status 0, or printed a sanitizer report: a crash or a memory error
 * in the server fails whatever test saw it, also when the test itself passed.
 */
export async function startServer({ guests = [], rooms = [], env = {}, dotenv = null, dev = true, host = '127.0.0.1' } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'roomgate-e2e-'));
  const db = path.join(dir, 'roomgate.db');
  let child = null;
  let stderr = '';
  let stopped = false;
  let listening = false;
  const alive = () => child !== null && child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    let problem = '';
    if (alive()) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      if (child.exitCode !== 0) problem = `roomgate did not stop cleanly (${child.signalCode ?? `exit ${child.exitCode}`})`;
    } else if (child && listening) {
      problem = `roomgate died during the test (${child.signalCode ?? `exit ${child.exitCode}`})`;
    }
    await rm(dir, { recursive: true, force: true });
    const report = sanitizerReport(stderr);
    if (report) problem += `${problem ? '; ' : ''}a sanitizer reported an error`;
    if (problem) throw new Error(`${problem}\n${report || stderr.slice(-8000)}`);
  };

  try {
    await addRooms(dir, db, rooms);
    await addGuests(dir, db, guests);
    if (dotenv !== null) await writeFile(path.join(dir, '.env'), dotenv);
    // cwd is the temporary directory, so no stray .env is read.
    child = spawn(binary, ['serve', ...(dev ? ['--dev'] : []), '--listen', `${host}:0`, '--rtc-port', '0', '--db', db], {
      cwd: dir,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });

    const deadline = performance.now() + STARTUP_TIMEOUT_MS;
    const baseUrl = await new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      const timer = setTimeout(() => reject(new Error(`roomgate did not say where it listens in time\n${stderr}`)), STARTUP_TIMEOUT_MS);
      lines.on('line', (line) => {
        const match = /^roomgate listening on (http:\/\/[^\s]+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/$/, ''));
        }
      }); // keeps reading (and discarding) stdout after that, so the pipe never fills
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${binary}: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`roomgate exited (${signal ?? code}) before listening\n${stderr}`));
      });
    });
    listening = true;
    await waitForHealth(baseUrl, deadline);
    // The CLI against the server's own database: same guest list, same signing credentials (the
    // server's environment, and for a --dev server its development key, which the CLI reads from the
    // database only in development mode).
    const cli = (args) => roomgate([...args, '--db', db], { dir, env: { ...env, ...(dev ? { ROOMGATE_DEV: '1' } : {}) } });
    const token = async (identity, room, { at, ttl } = {}) => {
      const args = ['token', '--identity', identity, '--room', room];
      if (at !== undefined) args.push('--at', String(at));
      if (ttl !== undefined) args.push('--ttl', String(ttl));
      return (await cli(args)).trim();
    };
    const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/rtc`;
    return { baseUrl, wsUrl, dir, db, pid: child.pid, logs: () => stderr, alive, cli, token, stop };
  } catch (error) {
    await stop().catch(() => {}); // the start-up error says more
    throw error;
  }
}

/** The outbox entries for `to`, newest first (GET /dev/outbox). */
export async function outbox(baseUrl, to, limit = 200) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (to !== undefined) query.set('to', to);
  const response = await fetch(`${baseUrl}/dev/outbox?${query}`);
  if (!response.ok) throw new Error(`GET /dev/outbox answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/**
 * The newest code sent to `to` (a phone number or e-mail address), polling /dev/outbox for up to
 * `timeoutMs` because delivery is asynchronous. With `after`, waits for more than that many entries,
 * so a code sent earlier is never mistaken for a new one.
 */
export async function codeFor(baseUrl, to, { timeoutMs = 5_000, after = 0 } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const entries = await outbox(baseUrl, to);
    if (entries.length > after && entries[0].code) return entries[0].code;
    if (performance.now() > deadline) {
      throw new Error(`no code for ${to} within ${timeoutMs} ms; outbox: ${JSON.stringify(entries)}`);
    }
    await sleep(50);
  }
}

/**
 * The access token a guest gets by walking the join flow over HTTP (POST /login, the code from the
 * outbox, POST /verify with the session cookie), as the page does: its participant is "verified".
 */
export async function verifiedToken(baseUrl, username, to) {
  const before = (await outbox(baseUrl, to)).length;
  const post = (pathname, body, cookie) =>
    fetch(`${baseUrl}${pathname}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify(body),
    });
  const login = await post('/login', { username });
  if (!login.ok) throw new Error(`POST /login answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const code = await codeFor(baseUrl, to, { after: before });
  const verify = await post('/verify', { code }, cookie);
  if (!verify.ok) throw new Error(`POST /verify answered ${verify.status}: ${await verify.text()}`);
  return (await verify.json()).token;
}
