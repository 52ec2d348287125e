// Browser tests of the connection check (/echo): headless Chromium publishes its fake camera and
// microphone to roomgate's own media transport (ICE-lite, DTLS-SRTP on the SFU's UDP port) and decodes its
// own video and audio coming back through the server. Only verified guests may run it.
// Run: node --test tests/e2e/echo.test.mjs   (ROOMGATE_BINARY overrides <repo>/build/roomgate)
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { alertRegion, assertNoProblems, eventually, joinAsGuest, launchBrowser, openGuestPage, sleep, textMatching } from './lib/browser.mjs';
import { repoRoot, startServer } from './lib/server.mjs';

const SCREENSHOT = path.resolve(repoRoot, process.env.ROOMGATE_SCREENSHOT_DIR || 'build/screenshots', 'echo.png');

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function serverFor(t) {
  const server = await startServer();
  t.after(() => server.stop());
  return server;
}

const statValue = (page, id) => page.locator(`#${id}`).getAttribute('data-value');

test('a verified guest sees and hears themselves come back through the server', async (t) => {
  const server = await serverFor(t);
  const guest = await joinAsGuest(browser, server, 'mabel', { joined: false });
  t.after(() => guest.close());
  // The join page links the check.
  const link = guest.page.getByRole('link', { name: 'Check camera and connection' }).first();
  assert.equal(await link.getAttribute('href'), '/echo');

  // Same browser profile, a new tab: the pass cookie from /verify comes along.
  const page = await guest.context.newPage();
  const problems = { dialogs: [], errors: [], csp: [] };
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && problems.csp.push(m.text()));
  await page.goto(`${server.baseUrl}/echo`);

  await eventually(async () => (await statValue(page, 'stat-state')) === 'connected', {
    timeoutMs: 20_000,
    message: 'the check connects (ICE-lite + DTLS with the server)',
  });
  // Video frames and audio packets that went to the server and back keep arriving and decoding.
  const first = await eventually(
    async () => {
      const frames = Number(await statValue(page, 'stat-video'));
      const packets = Number(await statValue(page, 'stat-audio'));
      return frames > 10 && packets > 10 && { frames, packets };
    },
    { timeoutMs: 20_000, message: 'echoed video decodes and echoed audio arrives' },
  );
  await sleep(1_500);
  const frames = Number(await statValue(page, 'stat-video'));
  const packets = Number(await statValue(page, 'stat-audio'));
  assert.ok(frames > first.frames, `video keeps decoding: ${first.frames} -> ${frames}`);
  assert.ok(packets > first.packets, `audio keeps arriving: ${first.packets} -> ${packets}`);
  const size = await page.evaluate(() => {
    const v = document.getElementById('remote');
    return { width: v.videoWidth, height: v.videoHeight };
  });
  assert.ok(size.width > 0 && size.height > 0, `the echoed picture has a size: ${JSON.stringify(size)}`);
  // Round trip and loss are shown as figures.
  await textMatching(page.locator('#stat-rtt'), /^\d+ ms$/);
  await textMatching(page.locator('#stat-loss'), /^\d+\.\d %$/);
  assert.ok(Number(await statValue(page, 'stat-loss')) < 5, 'no real loss on loopback');

  await mkdir(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  assertNoProblems({ problems, name: 'the echo page' });
  assert.match(server.logs(), /media: transport echo:mabel connected/);

  // Stop ends it on the page; the server's transport goes when the page's consent checks stop.
  await page.getByRole('button', { name: 'Stop' }).click();
  assert.equal(await statValue(page, 'stat-state'), 'stopped');
});

test('a second check by the same guest replaces the first', async (t) => {
  const server = await serverFor(t);
  const guest = await joinAsGuest(browser, server, 'tommy', { joined: false });
  t.after(() => guest.close());
  const one = await guest.context.newPage();
  await one.goto(`${server.baseUrl}/echo`);
  await eventually(async () => (await statValue(one, 'stat-state')) === 'connected', { timeoutMs: 20_000 });
  const two = await guest.context.newPage();
  await two.goto(`${server.baseUrl}/echo`);
  await eventually(async () => (await statValue(two, 'stat-state')) === 'connected', { timeoutMs: 20_000 });
  await eventually(async () => /transport echo:tommy closed: replaced/.test(server.logs()), {
    message: 'the first transport is closed when the second starts',
  });
});

test('the check is refused to anyone who has not verified, with a way forward', async (t) => {
  const server = await serverFor(t);
  const visitor = await openGuestPage(browser, `${server.baseUrl}/echo`);
  t.after(() => visitor.close());
  const text = await textMatching(alertRegion(visitor.page), /verified guests/);
  assert.match(text, /enter your name on the join page/);
  assert.equal(await visitor.page.getByRole('link', { name: 'Back to the join page' }).getAttribute('href'), '/');

  const response = await fetch(`${server.baseUrl}/echo/offer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: 'roomgate_pass=not-a-token' },
    body: JSON.stringify({ sdp: 'v=0' }),
  });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.code, 'not_verified');
});

test('a malformed offer gets a clear error and opens nothing', async (t) => {
  const server = await serverFor(t);
  const guest = await joinAsGuest(browser, server, 'blathers', { joined: false });
  t.after(() => guest.close());
  const answer = await guest.page.evaluate(async () => {
    const r = await fetch('/echo/offer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sdp: 'v=0\r\nm=video banana\r\n' }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.code, 'invalid_sdp');
  assert.ok(answer.body.error.message.length > 10, answer.body.error.message);
  assert.doesNotMatch(server.logs(), /transport echo:blathers/);
});
