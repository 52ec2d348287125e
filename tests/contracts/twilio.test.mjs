// roomgate against a Twilio stand-in that checks every request with Twilio's OpenAPI specs: the
// Messages API for ROOMGATE_SMS=twilio, Verify v2 for ROOMGATE_VERIFY=twilio, each answer of the issue
// (success, 60200, 60202, 60203, 20404, 500, slower than the timeout), and the tutorial's own .env.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startServer } from '../e2e/lib/server.mjs';
import { deliveryOf, guestClient, loginAndDelivery, outboxRows, SECRET_KEY } from './lib/http.mjs';
import { SLOW_MS, startTwilioStandIn, validateRequest } from './lib/twilio-standin.mjs';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'auth-token-0123456789abcdef012345';
const API_KEY = 'SK0123456789abcdef0123456789abcdef';
const API_SECRET = 'api-key-secret-0123456789abcdef01';
const SERVICE = 'VA0123456789abcdef0123456789abcdef';
const FROM = '+15017122661';
const MABEL = '+18005554321';
const EMA = 'ema@example.com';
// roomgate's total provider timeout (net::kTotalTimeout) and some slack for a loaded machine.
const TIMEOUT_MS = 10_000;
const guests = [
  { name: 'mabel', phone: MABEL, rooms: ['My Room'] },
  { name: 'ema', email: EMA, rooms: ['My Room'] },
];

function assertNoSecretsIn(logs, ...secrets) {
  for (const s of secrets) assert.ok(!logs.includes(s), `the log must not contain ${s}`);
}

test('the stand-in refuses requests that break the specs (it can fail)', () => {
  const auth = [[ACCOUNT, AUTH_TOKEN]];
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const bad = [
    { method: 'POST', path: '/v2/Services/VAnope/Verifications', headers, body: 'To=%2B1&Channel=sms' },
    { method: 'POST', path: `/v2/Services/${SERVICE}/Verifications`, headers, body: 'To=%2B18005554321' },
    { method: 'POST', path: `/v2/Services/${SERVICE}/Verifications`, headers: {}, body: 'To=x&Channel=sms' },
    { method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, headers, body: 'To=1800&Body=x' },
    { method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, headers, body: 'To=%2B18005554321&Bogus=1' },
    { method: 'PUT', path: `/v2/Services/${SERVICE}/VerificationCheck`, headers, body: '' },
    { method: 'POST', path: '/v3/Nothing', headers, body: '' },
  ];
  for (const r of bad) assert.notEqual(validateRequest(r, auth).problems.length, 0, JSON.stringify(r));
  const good = { method: 'POST', path: `/v2/Services/${SERVICE}/VerificationCheck`, headers, body: 'To=%2B18005554321&Code=123456' };
  assert.deepEqual(validateRequest(good, auth).problems, []);
});

describe('ROOMGATE_SMS=twilio: codes by the Messages API', () => {
  let twilio;
  let server;
  before(async () => {
    twilio = await startTwilioStandIn({ accept: [[API_KEY, API_SECRET]] });
    server = await startServer({
      dev: false,
      guests,
      env: {
        SECRET_KEY,
        ROOMGATE_SMS: 'twilio',
        ROOMGATE_TWILIO_API_URL: twilio.url,
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_API_KEY_SID: API_KEY,
        TWILIO_API_KEY_SECRET: API_SECRET,
        TWILIO_FROM_NUMBER: FROM,
        ROOMGATE_PUBLIC_URL: 'https://rooms.example.com',
      },
    });
  });
  after(async () => {
    // The stand-in closes even when the server fails to stop, or its open sockets would keep the test
    // process alive past the failure.
    try {
      await server?.stop();
    } finally {
      await twilio?.close();
    }
  });

  test('the SMS is sent as the spec says, ends with the origin-bound line, and its code admits', async () => {
    const post = guestClient(server.baseUrl);
    const login = await post('/login', { username: 'mabel' });
    assert.equal(login.status, 200, JSON.stringify(login.json));
    assert.deepEqual(login.json, { channel: 'sms', phone: '********21', to: '********21' });
    assert.equal((await deliveryOf(post)).json.delivery, 'sent');
    const sms = twilio.messages.at(-1);
    assert.equal(sms.to, MABEL);
    const match = /\n\n@rooms\.example\.com #(\d{6})$/.exec(sms.body);
    assert.ok(match, `the SMS ends with "@host #code": ${JSON.stringify(sms.body)}`);
    assert.match(sms.body, new RegExp(`^Your roomgate code for My Room is ${match[1]}\\.`));
    assert.equal(twilio.requests.at(-1).form.From, FROM);
    const verify = await post('/verify', { code: match[1] });
    assert.equal(verify.status, 200, JSON.stringify(verify.json));
    assert.equal(verify.json.video, 'builtin');
    assert.deepEqual(twilio.violations, []);
    assertNoSecretsIn(server.logs(), match[1], API_SECRET);
  });

  test('Twilio failing is a 503 with a sentence at /login/status, recorded in the outbox, and failed sends do not count toward the limit', async () => {
    const post = guestClient(server.baseUrl);
    // More failures than the 5 sends a destination may have in 10 minutes.
    twilio.script('sms', 'status:500', 'status:503', 'status:500', 'status:500', 'status:500', 'status:500');
    for (let i = 0; i < 6; i++) {
      const refused = await loginAndDelivery(post, { username: 'mabel' });
      assert.equal(refused.status, 503);
      assert.equal(refused.json.error.code, 'delivery_unavailable');
      assert.match(refused.json.error.message, /cannot send text messages right now/);
    }
    const rows = await outboxRows(server.db);
    assert.equal(rows[0].status, 'failed');
    assert.match(rows[0].error, /Twilio answered 500/);
    assert.equal(rows[0].code, null, 'no code is kept outside --dev');
    const retry = await loginAndDelivery(post, { username: 'mabel' });
    assert.equal(retry.status, 200, JSON.stringify(retry.json));
    const code = /#(\d+)$/.exec(twilio.messages.at(-1).body)[1];
    assert.equal((await post('/verify', { code })).status, 200);
    assert.deepEqual(twilio.violations, []);
  });

  test('a number Twilio will not text is a 400 the guest can act on', async () => {
    twilio.script('sms', 'error:21211');
    const refused = await loginAndDelivery(guestClient(server.baseUrl), { username: 'mabel' });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, 'invalid_destination');
  });

  test('with a Twilio that never answers, /login answers a guest as a stranger; the 503 comes at /login/status', async () => {
    twilio.script('sms', 'slow');
    const post = guestClient(server.baseUrl);
    // The provider holds the request past the 10 s timeout, so a /login that waited for its verdict
    // could only be a 503: a 200 is an answer given before the provider's.
    const guest = await post('/login', { username: 'mabel' });
    const stranger = await guestClient(server.baseUrl)('/login', { username: 'mallory' });
    assert.equal(guest.status, 200, JSON.stringify(guest.json));
    // The stranger's decoy follows the list's mix, keyed by SECRET_KEY (random per run): a phone, as
    // mabel has, or only an e-mail address, as ema has, which no provider here can deliver (a 503
    // before anything is sent). It answers as that guest does.
    const ema = await guestClient(server.baseUrl)('/login', { username: 'ema' });
    assert.equal(ema.status, 503);
    const like = stranger.status === 200 ? guest : ema;
    assert.equal(stranger.status, like.status, JSON.stringify(stranger.json));
    assert.deepEqual(Object.keys(stranger.json).sort(), Object.keys(like.json).sort());
    const status = await guestClient(server.baseUrl)('/login/status');
    assert.equal(status.status, 401, 'without the cookie there is no status to read');
    const slow = await deliveryOf(post);
    assert.equal(slow.status, 503);
    assert.equal(slow.json.error.code, 'delivery_unavailable');
    const rows = await outboxRows(server.db);
    assert.match(rows[0].error, /no answer within 10 s/);
    assert.equal((await post('/login', { username: 'mabel' })).status, 200);
  });

  test('an e-mail asked for with no e-mail provider is a 503 that spends nothing', async () => {
    const refused = await guestClient(server.baseUrl)('/login', { username: 'ema' });
    assert.equal(refused.status, 503);
    assert.match(refused.json.error.message, /cannot send e-mail/);
  });
});

describe('ROOMGATE_VERIFY=twilio: Twilio Verify v2 keeps the verification', () => {
  let twilio;
  let server;
  before(async () => {
    twilio = await startTwilioStandIn({ accept: [[ACCOUNT, AUTH_TOKEN]] });
    server = await startServer({
      dev: false,
      guests,
      env: {
        SECRET_KEY,
        ROOMGATE_VERIFY: 'twilio',
        ROOMGATE_TWILIO_VERIFY_URL: twilio.url,
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_VERIFY_SERVICE_SID: SERVICE,
      },
    });
  });
  after(async () => {
    // The stand-in closes even when the server fails to stop, or its open sockets would keep the test
    // process alive past the failure.
    try {
      await server?.stop();
    } finally {
      await twilio?.close();
    }
  });

  test('approved admits, pending is a wrong code; SMS and e-mail channels', async () => {
    const post = guestClient(server.baseUrl);
    const login = await post('/login', { username: 'mabel' });
    assert.equal(login.status, 200, JSON.stringify(login.json));
    assert.equal((await deliveryOf(post)).json.delivery, 'sent');
    assert.deepEqual(twilio.requests.at(-1).form, { To: MABEL, Channel: 'sms' });
    const wrong = await post('/verify', { code: '000000' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'wrong_code');
    const code = twilio.codes.get(MABEL);
    const right = await post('/verify', { code });
    assert.equal(right.status, 200, JSON.stringify(right.json));
    assert.equal(right.json.identity, 'mabel');
    assert.deepEqual(twilio.requests.at(-1).form, { To: MABEL, Code: code });

    const email = guestClient(server.baseUrl);
    const emailLogin = await email('/login', { username: 'ema', channel: 'email' });
    assert.equal(emailLogin.status, 200);
    assert.deepEqual(emailLogin.json, { channel: 'email', email: 'e•••@e•••.com', to: 'e•••@e•••.com' });
    assert.equal((await deliveryOf(email)).json.delivery, 'sent');
    assert.deepEqual(twilio.requests.at(-1).form, { To: EMA, Channel: 'email' });
    assert.equal((await email('/verify', { code: twilio.codes.get(EMA) })).status, 200);
    assert.deepEqual(twilio.violations, []);
    assertNoSecretsIn(server.logs(), AUTH_TOKEN);
  });

  test('60203 is too many sends with Retry-After; 60200 is an invalid destination; 500 is a 503', async () => {
    const post = guestClient(server.baseUrl);
    twilio.script('verify', 'error:60203', 'error:60200', 'status:500');
    const tooMany = await loginAndDelivery(post, { username: 'mabel' });
    assert.equal(tooMany.status, 429);
    assert.equal(tooMany.json.error.code, 'too_many_sends');
    assert.ok(Number(tooMany.retryAfter) > 0, `Retry-After: ${tooMany.retryAfter}`);
    const invalid = await loginAndDelivery(post, { username: 'mabel' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error.code, 'invalid_destination');
    const down = await loginAndDelivery(post, { username: 'mabel' });
    assert.equal(down.status, 503);
    assert.equal(down.json.error.code, 'delivery_unavailable');
    const rows = await outboxRows(server.db);
    assert.deepEqual(rows.slice(0, 3).map((r) => r.status), ['failed', 'failed', 'failed']);
    assert.equal((await loginAndDelivery(post, { username: 'mabel' })).json.delivery, 'sent', 'a retry works');
    assert.deepEqual(twilio.violations, []);
  });

  test('60202 is too many checks, 20404 an expired code, 500 and slow a 503 without a hang', async () => {
    const post = guestClient(server.baseUrl);
    assert.equal((await loginAndDelivery(post, { username: 'mabel' })).json.delivery, 'sent');
    twilio.script('check', 'error:60202', 'error:20404', 'status:500', 'slow');
    const tooMany = await post('/verify', { code: '111111' });
    assert.equal(tooMany.status, 429);
    assert.equal(tooMany.json.error.code, 'too_many_checks');
    const expired = await post('/verify', { code: '111111' });
    assert.equal(expired.status, 401);
    assert.equal(expired.json.error.code, 'code_expired');
    const down = await post('/verify', { code: '111111' });
    assert.equal(down.status, 503);
    assert.equal(down.json.error.code, 'verification_unavailable');
    const slow = await post('/verify', { code: '111111' });
    assert.equal(slow.status, 503);
    assert.ok(slow.ms >= TIMEOUT_MS - 500 && slow.ms < SLOW_MS, `answered after ${slow.ms} ms`);
    // The cookie still holds: the right code admits once Twilio answers again.
    const right = await post('/verify', { code: twilio.codes.get(MABEL) });
    assert.equal(right.status, 200, JSON.stringify(right.json));
    assert.deepEqual(twilio.violations, []);
  });

  test('a name not on the list is never sent to Twilio and fails as a wrong code', async () => {
    const before = twilio.requests.length;
    const post = guestClient(server.baseUrl);
    const login = await post('/login', { username: 'mallory' });
    assert.equal(login.status, 200);
    assert.equal((await post('/verify', { code: '123456' })).json.error.code, 'wrong_code');
    assert.equal(twilio.requests.length, before);
  });
});

describe("the tutorial's own .env", () => {
  const tutorialEnv = (values) => Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  const placeholders = {
    TWILIO_ACCOUNT_SID: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    TWILIO_AUTH_TOKEN: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    TWILIO_API_KEY_SID: 'SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    TWILIO_API_KEY_SECRET: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    VERIFY_SERVICE_SID: 'VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    SECRET_KEY: 'super-secret',
  };

  test('as it is (placeholders) it is accepted with --dev; asking for Twilio then names the placeholder', async () => {
    const server = await startServer({ guests, dotenv: tutorialEnv(placeholders) });
    try {
      assert.equal((await guestClient(server.baseUrl)('/login', { username: 'mabel' })).status, 200);
    } finally {
      await server.stop();
    }
    await assert.rejects(
      startServer({ guests, dotenv: tutorialEnv(placeholders), env: { ROOMGATE_VERIFY: 'twilio' } }),
      /TWILIO_ACCOUNT_SID is still the tutorial's placeholder/,
    );
  });

  test('with real values it drives Twilio Verify and signs tokens with its API key', async () => {
    const twilio = await startTwilioStandIn({ accept: [[ACCOUNT, AUTH_TOKEN]] });
    const dotenv = tutorialEnv({
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_KEY_SID: API_KEY,
      TWILIO_API_KEY_SECRET: API_SECRET,
      VERIFY_SERVICE_SID: SERVICE,
      SECRET_KEY: 'super-secret',
    });
    const server = await startServer({
      guests,
      dotenv,
      env: { ROOMGATE_VERIFY: 'twilio', ROOMGATE_VIDEO: 'twilio', ROOMGATE_TWILIO_VERIFY_URL: twilio.url },
    });
    try {
      const post = guestClient(server.baseUrl);
      assert.equal((await loginAndDelivery(post, { username: 'mabel' })).json.delivery, 'sent');
      assert.match(twilio.requests.at(-1).path, new RegExp(`/v2/Services/${SERVICE}/Verifications$`));
      const joined = await post('/verify', { code: twilio.codes.get(MABEL) });
      assert.equal(joined.status, 200, JSON.stringify(joined.json));
      assert.equal(joined.json.video, 'twilio');
      const [header, payload] = joined.json.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url')));
      assert.equal(header.cty, 'twilio-fpa;v=1');
      assert.equal(payload.iss, API_KEY);
      assert.equal(payload.sub, ACCOUNT);
      assert.equal(payload.grants.video.room, 'My Room');
      assert.deepEqual(twilio.violations, []);
    } finally {
      await server.stop();
      await twilio.close();
    }
  });
});
