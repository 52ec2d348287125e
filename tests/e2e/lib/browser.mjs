// Browser helpers for the call tests: one headless Chromium with fake camera and microphone, one
// context per guest, each guest walking the real passcode flow of the page.
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';

import { codeFor, outbox } from './server.mjs';

export const WAIT_MS = 10_000;

// The demo guests of `roomgate serve --dev`, all invited to "My Room".
export const DEMO_PHONES = { blathers: '+18005559876', mabel: '+18005554321', tommy: '+18005556789' };

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts headless Chromium with fake camera and microphone. `executablePath`: another launcher (e.g.
 * one that runs Chromium in a network namespace, lib/netns.mjs). `loopback` (default): the guests meet
 * on 127.0.0.1, so loopback host candidates are allowed; off when the browser has a real address.
 * `secureOrigins`: http origins other than localhost the page is served from, where getUserMedia needs
 * a secure context.
 */
export function launchBrowser({ executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', loopback = true, secureOrigins = [] } = {}) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(loopback ? ['--allow-loopback-in-peer-connection'] : []),
      ...(secureOrigins.length ? [`--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(',')}`] : []),
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
}

/**
 * Opens the page in a new context (another browser) or, with `context`, as a new tab of that one, and
 * records what must never happen (dialogs, uncaught errors, CSP violations) in `problems`.
 * `initScript` runs in a new context's pages before their own scripts.
 * Returns {context, page, problems, close()}.
 */
export async function openGuestPage(browser, baseUrl, { viewport = { width: 1000, height: 700 }, initScript = null, context: shared = null } = {}) {
  const context = shared ?? (await browser.newContext({ viewport }));
  if (initScript && !shared) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const problems = { dialogs: [], errors: [], csp: [] };
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.csp.push(message.text());
  });
  await page.goto(baseUrl);
  // A tab of a shared context closes alone; a context of its own goes with its page.
  return { context, page, problems, close: () => (shared ? page.close() : context.close()) };
}

export function assertNoProblems({ problems, name = 'the page' }) {
  assert.deepEqual(problems.dialogs, [], `${name} must not open dialogs`);
  assert.deepEqual(problems.errors, [], `${name} must not throw`);
  assert.deepEqual(problems.csp, [], `${name} must not violate its Content-Security-Policy`);
}

/** The locator's text (whitespace collapsed) once it matches `pattern`; fails with the last text seen. */
export async function textMatching(locator, pattern, timeoutMs = WAIT_MS) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    if (pattern.test(text)) return text;
    if (performance.now() > deadline) assert.fail(`expected text matching ${pattern}, got ${JSON.stringify(text)}`);
    await sleep(50);
  }
}

/** Polls `probe` until it returns a truthy value; fails after `timeoutMs` with `describe()` of the last value. */
export async function eventually(probe, { timeoutMs = WAIT_MS, every = 100, message = 'condition' } = {}) {
  const deadline = performance.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (performance.now() > deadline) assert.fail(`${message} not met within ${timeoutMs} ms`);
    await sleep(every);
  }
}

export const callView = (page) => page.locator('section#call');
export const countLine = (page) => page.locator('#call-count');
export const alertRegion = (page) => page.getByRole('alert');
export const tiles = (page) => page.locator('#tiles > li');
export const tileOf = (page, identity) => page.locator(`#tiles > li[data-identity="${identity}"]`);

/**
 * Guest `name` walks the page: name, the code from /dev/outbox, into the call. Returns
 * {name, context, page, problems, token, close()}; with `joined` (default) waits until the page has
 * joined the room (window.roomgate.sid()). `initScript` and `context` (a second tab) as for openGuestPage.
 */
export async function joinAsGuest(browser, server, name, { phone = DEMO_PHONES[name], joined = true, initScript = null, context = null } = {}) {
  const guest = { name, ...(await openGuestPage(browser, server.baseUrl, { initScript, context })) };
  const { page } = guest;
  // A guest who joined before has codes in the outbox already: wait for the one this login sends.
  const before = (await outbox(server.baseUrl, phone)).length;
  await page.getByLabel('Your name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  const code = await codeFor(server.baseUrl, phone, { after: before });
  const verify = page.waitForResponse((response) => new URL(response.url()).pathname === '/verify');
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  const answer = await verify;
  assert.equal(answer.status(), 200, `${name}: /verify answered ${answer.status()}`);
  guest.token = (await answer.json()).token;
  await callView(page).waitFor({ state: 'visible' });
  if (joined) {
    await page.waitForFunction(() => window.roomgate?.sid() != null, null, { timeout: WAIT_MS });
  }
  return guest;
}

/** window.roomgate.stats() of the page, keyed by the remote participant's identity. */
export async function statsByIdentity(page) {
  const stats = await page.evaluate(() => window.roomgate.stats());
  return Object.fromEntries(Object.values(stats).map((s) => [s.identity, s]));
}

/**
 * How long a stream may pause and still count as flowing. A 2-core machine running three Chromiums
 * can hold back a viewer's decoder for a second (a lost packet waits for its NACK or a new key frame,
 * which the SFU spaces at most one a second per stream); a stream that stays still this long is broken.
 */
const KEEP_COMING_MS = 5_000;
/** Frames a viewer must decode after the first sample: a stream, not one stray key frame. */
const KEEP_COMING_FRAMES = 5;

/**
 * Waits until `guest` decodes video frames and receives audio packets from every one of `from`
 * (identities), and then until both grow (by KEEP_COMING_FRAMES frames, and any audio) over at
 * least a second and at most KEEP_COMING_MS. Returns the last sample.
 */
export async function assertMediaFlows(guest, from, { timeoutMs = 30_000 } = {}) {
  const flowing = (stats) => from.every((id) => stats[id]?.framesDecoded > 0 && stats[id]?.audioPacketsReceived > 0);
  const deadline = performance.now() + timeoutMs;
  let first;
  for (;;) {
    first = await statsByIdentity(guest.page);
    if (flowing(first)) break;
    if (performance.now() > deadline) assert.fail(`${guest.name} gets no media from all of ${from.join(', ')} within ${timeoutMs} ms: ${JSON.stringify(first)}`);
    await sleep(250);
  }
  const grew = (stats, id) => ({
    video: stats[id]?.framesDecoded >= first[id].framesDecoded + KEEP_COMING_FRAMES,
    audio: stats[id]?.audioPacketsReceived > first[id].audioPacketsReceived,
  });
  const keepDeadline = performance.now() + KEEP_COMING_MS;
  await sleep(1_000);
  for (;;) {
    const second = await statsByIdentity(guest.page);
    if (from.every((id) => grew(second, id).video && grew(second, id).audio)) return second;
    if (performance.now() > keepDeadline) {
      for (const id of from) {
        assert.ok(
          grew(second, id).video,
          `${guest.name}: video frames from ${id} keep coming: ${first[id].framesDecoded} -> ${second[id]?.framesDecoded} in ${KEEP_COMING_MS} ms`,
        );
        assert.ok(
          grew(second, id).audio,
          `${guest.name}: audio packets from ${id} keep coming: ${first[id].audioPacketsReceived} -> ${second[id]?.audioPacketsReceived} in ${KEEP_COMING_MS} ms`,
        );
      }
    }
    await sleep(250);
  }
}
