// E-mail delivery (ROOMGATE_SMTP_URL) to a real SMTP server on loopback (aiosmtpd, started here): the
// message arrives, parses, names the room and holds the code that admits; AUTH is used when configured;
// a refused connection is a 503 (at /login/status) the guest can retry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startServer } from '../e2e/lib/server.mjs';
import { guestClient, loginAndDelivery, outboxRows, SECRET_KEY } from './lib/http.mjs';

const SINK = fileURLToPath(new URL('./lib/smtp_sink.py', import.meta.url));
// Debian's interpreter, where python3-aiosmtpd is installed (a pyenv or venv python3 may come first).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const FROM = 'rooms@example.com';
const EMA = 'ema@example.com';
const guests = [{ name: 'ema', email: EMA, rooms: ['Book Club'] }];

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the sink on `port`; resolves to {messages, next(), stop()} once it listens. */
async function startSink(port, auth = []) {
  const child = spawn(PYTHON, [SINK, String(port), ...auth], { stdio: ['pipe', 'pipe', 'inherit'] });
  const messages = [];
  const waiters = [];
  const lines = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code})`)));
    lines.on('line', (line) => {
      if (line === 'ready') return resolve();
      const message = JSON.parse(line);
      messages.push(message);
      waiters.shift()?.(message);
    });
  });
  return {
    messages,
    next: () => (messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiters.push(resolve))),
    stop: () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      return exited;
    },
  };
}

// RFC 5322: header fields up to the first empty line, then the body. Folded lines are joined.
function parseMail(data) {
  const [head, ...rest] = data.split('\r\n\r\n');
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: rest.join('\r\n\r\n') };
}

function smtpServer(port, env = {}) {
  return startServer({
    dev: false,
    guests,
    env: { SECRET_KEY, ROOMGATE_SMTP_URL: `smtp://127.0.0.1:${port}`, ROOMGATE_SMTP_FROM: FROM, ...env },
  });
}

test('the code arrives by e-mail, names the room, and admits', async () => {
  const port = await freePort();
  const sink = await startSink(port);
  const server = await smtpServer(port);
  try {
    const post = guestClient(server.baseUrl);
    const login = await post('/login', { username: 'ema' });
    assert.equal(login.status, 200, JSON.stringify(login.json));
    assert.deepEqual(login.json, { channel: 'email', email: 'e•••@e•••.com', to: 'e•••@e•••.com' });
    const mail = await sink.next();
    assert.equal(mail.mail_from, FROM);
    assert.deepEqual(mail.rcpt_tos, [EMA]);
    const { headers, body } = parseMail(mail.data);
    assert.equal(headers.from, FROM);
    assert.equal(headers.to, EMA);
    assert.equal(headers.subject, 'Your roomgate code');
    assert.match(headers['content-type'], /text\/plain; charset=utf-8/);
    assert.ok(headers.date && headers['message-id'], 'Date and Message-ID are set');
    const match = /Your roomgate code for Book Club is (\d{6})\./.exec(body);
    assert.ok(match, body);
    const joined = await post('/verify', { code: match[1] });
    assert.equal(joined.status, 200, JSON.stringify(joined.json));
    assert.equal(joined.json.room, 'Book Club');
    assert.ok(!server.logs().includes(match[1]), 'the code is not logged outside --dev');
  } finally {
    await server.stop();
    await sink.stop();
  }
});

test('AUTH is used when a user is configured, and the password is never logged', async () => {
  const port = await freePort();
  const sink = await startSink(port, ['mailer', 'pa55-w0rd-smtp']);
  const server = await smtpServer(port, { ROOMGATE_SMTP_USER: 'mailer', ROOMGATE_SMTP_PASSWORD: 'pa55-w0rd-smtp' });
  try {
    assert.equal((await guestClient(server.baseUrl)('/login', { username: 'ema' })).status, 200);
    assert.equal((await sink.next()).login, 'mailer');
    assert.ok(!server.logs().includes('pa55-w0rd-smtp'));
  } finally {
    await server.stop();
    await sink.stop();
  }
});

test('a refused connection is a 503, recorded as failed, and the guest can retry once the server is up', async () => {
  const port = await freePort(); // nothing listens there yet
  const server = await smtpServer(port);
  let sink = null;
  try {
    const post = guestClient(server.baseUrl);
    const refused = await loginAndDelivery(post, { username: 'ema' });
    assert.equal(refused.status, 503);
    assert.equal(refused.json.error.code, 'delivery_unavailable');
    assert.match(refused.json.error.message, /cannot send e-mail right now/);
    const [row] = await outboxRows(server.db);
    assert.equal(row.status, 'failed');
    assert.equal(row.to_address, EMA);
    assert.match(row.error, /onnect/);
    sink = await startSink(port);
    const retry = await post('/login', { username: 'ema' });
    assert.equal(retry.status, 200, JSON.stringify(retry.json));
    const code = /is (\d{6})\./.exec(parseMail((await sink.next()).data).body)[1];
    assert.equal((await post('/verify', { code })).status, 200);
  } finally {
    await server.stop();
    await sink?.stop();
  }
});
