// Browser tests of the join flow: the page in web/ against a real `roomgate serve --dev`.
// Run: node --test tests/e2e/login.test.mjs   (ROOMGATE_BINARY overrides <repo>/build/roomgate)
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  WAIT_MS,
  assertNoProblems as assertNoPageProblems,
  launchBrowser,
  openGuestPage,
  sleep,
  textMatching,
} from './lib/browser.mjs';
import { codeFor, outbox, repoRoot, startServer } from './lib/server.mjs';
import { freePort } from './lib/turn.mjs';

const MABEL_PHONE = '+18005554321';
// Screenshots go to build/screenshots; ROOMGATE_SCREENSHOT_DIR=docs/images refreshes the README's.
const SCREENSHOT = path.resolve(repoRoot, process.env.ROOMGATE_SCREENSHOT_DIR || 'build/screenshots', 'join-flow.png');

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// A fresh server and browser context for test `t`, with the page open at "/". `problems` collects
// what must never happen: dialogs (alert/confirm/prompt), uncaught errors, CSP violations.
async function openPage(t, serverOptions) {
  const server = await startServer(serverOptions);
  t.after(() => server.stop());
  const { context, page, problems, close } = await openGuestPage(browser, server.baseUrl);
  t.after(close);
  return { server, context, page, problems };
}

function assertNoProblems(problems) {
  assertNoPageProblems({ problems });
}

const nameInput = (page) => page.getByLabel('Your name', { exact: true });
const codeInput = (page) => page.getByLabel('Code', { exact: true });
const statusRegion = (page) => page.locator('[aria-live="polite"]');
const alertRegion = (page) => page.getByRole('alert');
const callView = (page) => page.locator('section#call');

// The accessible label of the focused element, or its text, or "<body>".
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '<body>';
    return (el.labels?.[0]?.textContent ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
  });
}

// Types `name` into the name field and presses Enter.
async function enterName(page, name) {
  await nameInput(page).click();
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
}

// Types `code` into the code field and presses Enter.
async function enterCode(page, code) {
  await codeInput(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

// A code of the same length with every digit different: certainly wrong.
const wrongCode = (code) => [...code].map((d) => String((Number(d) + 1) % 10)).join('');

test('mabel signs in through the page, sees her masked number, her room and her camera', async (t) => {
  const { server, page, problems } = await openPage(t);

  // Hold /login until the button has been seen disabled, and count the requests.
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  let logins = 0;
  await page.route('**/login', async (route) => {
    logins += 1;
    await held;
    await route.continue();
  });

  await nameInput(page).click();
  await page.keyboard.type('mabel');
  const continueButton = page.getByRole('button', { name: 'Continue' });
  await continueButton.click();
  await page.waitForFunction(() => document.querySelector('#name-form button[type="submit"]')?.disabled === true);
  await page.keyboard.press('Enter'); // a second try while the first is in flight does nothing
  release();
  const status = await textMatching(statusRegion(page), /Sent code/);
  assert.equal(status, 'Sent code to phone number ********21. Enter the code to verify.');
  assert.equal(logins, 1, 'one request, however often the guest presses');
  assert.equal(
    await page.evaluate(() => document.querySelector('#name-form button[type="submit"]').disabled),
    false,
    'the button works again afterwards',
  );
  await page.unroute('**/login');

  const code = codeInput(page);
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  await enterCode(page, await codeFor(server.baseUrl, MABEL_PHONE));

  const call = callView(page);
  await call.waitFor({ state: 'visible' });
  assert.equal(await textMatching(call.getByRole('heading'), /You're in/), "You're in, mabel");
  assert.match(await textMatching(call, /My Room/), /Room\s*My Room/);
  assert.ok(await nameInput(page).isHidden(), 'the name step is gone once joined');
  assert.ok(await code.isHidden(), 'the code step is gone once joined');

  // The expiry shown is the token's: in the future, within a day.
  const expiry = call.locator('time');
  const expiresAt = Date.parse(await expiry.getAttribute('datetime'));
  assert.ok(expiresAt > Date.now() && expiresAt <= Date.now() + 86_400_000, `token expiry ${new Date(expiresAt)}`);
  assert.notEqual(((await expiry.textContent()) ?? '').trim(), '');

  // The local preview plays the (fake) camera.
  await page.waitForFunction(
    () => {
      const video = document.querySelector('video#preview');
      return (
        video?.srcObject instanceof MediaStream &&
        video.srcObject.getVideoTracks().some((track) => track.readyState === 'live') &&
        video.videoWidth > 0
      );
    },
    null,
    { timeout: WAIT_MS },
  );
  const video = page.locator('video#preview');
  assert.equal(await video.evaluate((v) => v.muted && v.autoplay && v.playsInline), true);

  // In the call, alone: her own tile plays the camera.
  assert.equal(await textMatching(call.locator('#call-count'), /online/), '1 participant online.');
  await page.waitForFunction(() => document.querySelector('#tiles > li[data-local="true"] video')?.videoWidth > 0, null, { timeout: WAIT_MS });

  await mkdir(path.dirname(SCREENSHOT), { recursive: true });
  await sleep(300); // a few frames, so the picture is not the first black one
  await page.screenshot({ path: SCREENSHOT });

  assertNoProblems(problems);
});

test('a wrong code shows the inline error with the tries left, never a dialog', async (t) => {
  const { server, page, problems } = await openPage(t);

  await enterName(page, 'mabel');
  await textMatching(statusRegion(page), /Sent code to phone number \*{8}21/);
  const code = await codeFor(server.baseUrl, MABEL_PHONE);

  await enterCode(page, wrongCode(code));
  const message = await textMatching(alertRegion(page), /tries left/);
  assert.equal(message, 'That code is not right. You have 4 tries left.');
  assert.equal(await codeInput(page).getAttribute('aria-invalid'), 'true');
  assert.equal(await focused(page), 'Code', 'focus goes back to the code to fix it');
  assert.ok(await callView(page).isHidden(), 'a wrong code does not let anyone in');

  // The guest can still get in with the right code, and the error goes away.
  await enterCode(page, code);
  await callView(page).waitFor({ state: 'visible' });
  assert.equal(await textMatching(alertRegion(page), /^$/), '');

  assertNoProblems(problems);
});

test('an unknown name gets the same "sent" message, and then every code is wrong', async (t) => {
  const { server, page, problems } = await openPage(t);

  await enterName(page, 'nobody-on-the-list');
  const status = await textMatching(statusRegion(page), /Sent code/);
  assert.match(status, /^Sent code to phone number \*{8}\d\d\. Enter the code to verify\.$/);
  assert.ok(await codeInput(page).isVisible(), 'the code step shows as for a guest');

  await enterCode(page, '123456');
  assert.match(await textMatching(alertRegion(page), /tries left/), /^That code is not right\. You have 4 tries left\.$/);
  await enterCode(page, '000000');
  assert.match(await textMatching(alertRegion(page), /3 tries left/), /^That code is not right\. You have 3 tries left\.$/);
  assert.ok(await callView(page).isHidden());

  await sleep(200);
  assert.deepEqual(await outbox(server.baseUrl), [], 'nothing is sent for a name not on the list');
  assertNoProblems(problems);
});

test('keyboard only: Tab to the name, Enter, type the code, Enter, Tab through the call controls to Leave', async (t) => {
  const { server, page, problems } = await openPage(t);

  await page.evaluate(() => document.activeElement?.blur());
  assert.equal(await focused(page), '<body>');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Your name', 'the first Tab stop is the name field');
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.ok(ring.style !== 'none' && ring.width >= 2, `the focused field shows a focus ring: ${JSON.stringify(ring)}`);

  await page.keyboard.type('mabel');
  await page.keyboard.press('Enter');
  await textMatching(statusRegion(page), /Sent code to phone number \*{8}21/);
  assert.equal(await focused(page), 'Code', 'focus moves to the code field');

  await page.keyboard.type(await codeFor(server.baseUrl, MABEL_PHONE));
  await page.keyboard.press('Enter');
  await callView(page).waitFor({ state: 'visible' });
  assert.equal(await textMatching(callView(page).getByRole('heading'), /You're in/), "You're in, mabel");
  assert.ok(await page.evaluate(() => document.activeElement?.closest('#call') !== null), 'focus moves into the joined view');

  await page.waitForFunction(() => window.roomgate?.sid() != null, null, { timeout: WAIT_MS });
  const stops = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    stops.push(await focused(page));
  }
  assert.deepEqual(stops, ['Mute', 'Stop video', 'Leave'], 'the call controls, in order');
  // The microphone toggles from the keyboard too.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'Unmute');
  await page.keyboard.press('Space');
  assert.equal(await focused(page), 'Mute');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Leave');
  await page.keyboard.press('Enter');
  await nameInput(page).waitFor({ state: 'visible' });
  assert.ok(await callView(page).isHidden(), 'Leave returns to the start');
  assert.equal(await nameInput(page).inputValue(), 'mabel');
  assert.equal(await focused(page), 'Your name');

  assertNoProblems(problems);
});

test('names and rooms outside ASCII come through the token intact', async (t) => {
  const guest = { name: 'Zoë Ångström', phone: '+18005551234', rooms: ['Café ☕ Lounge'] };
  const { server, page, problems } = await openPage(t, { guests: [guest] });

  await enterName(page, guest.name);
  await textMatching(statusRegion(page), /Sent code to phone number \*{8}34/);
  await enterCode(page, await codeFor(server.baseUrl, guest.phone));
  await callView(page).waitFor({ state: 'visible' });
  assert.equal(await textMatching(callView(page).getByRole('heading'), /You're in/), `You're in, ${guest.name}`);
  assert.match(await textMatching(callView(page), /Room/), /Café ☕ Lounge/);

  assertNoProblems(problems);
});

test('a lost session offers "Send a new code", which goes back to the name and works', async (t) => {
  const { server, context, page, problems } = await openPage(t);

  await enterName(page, 'mabel');
  await textMatching(statusRegion(page), /Sent code/);
  const code = await codeFor(server.baseUrl, MABEL_PHONE);
  await context.clearCookies(); // the session cookie is gone, as after its 10 minutes

  await enterCode(page, code);
  assert.match(await textMatching(alertRegion(page), /expired/), /Enter your name again/);
  const resend = page.getByRole('button', { name: 'Send a new code' });
  assert.ok(await resend.isVisible());
  assert.equal(await focused(page), 'Send a new code');

  await page.keyboard.press('Enter');
  await nameInput(page).waitFor({ state: 'visible' });
  assert.equal(await nameInput(page).inputValue(), 'mabel', 'the name is kept');
  assert.ok(await resend.isHidden());
  assert.equal(await textMatching(alertRegion(page), /^$/), '');

  await page.keyboard.press('Enter');
  await textMatching(statusRegion(page), /Sent code to phone number \*{8}21/);
  await enterCode(page, await codeFor(server.baseUrl, MABEL_PHONE, { after: 1 }));
  await callView(page).waitFor({ state: 'visible' });

  assertNoProblems(problems);
});

test('too many sends shows the wait from Retry-After', async (t) => {
  const { server, page, problems } = await openPage(t);

  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${server.baseUrl}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'mabel' }),
    });
    assert.equal(response.status, 200);
  }

  await enterName(page, 'mabel');
  const message = await textMatching(alertRegion(page), /Try again in/);
  const seconds = Number(/Try again in (\d+) seconds/.exec(message)?.[1]);
  assert.ok(seconds > 0 && seconds <= 600, `a wait in seconds: ${message}`);
  assert.ok(await codeInput(page).isHidden(), 'no code step without a code');
  assert.equal(await statusRegion(page).textContent(), '');

  assertNoProblems(problems);
});

test('a guest with only an e-mail address is told where the code went', async (t) => {
  const guest = { name: 'mabel', email: 'mabel@example.com', rooms: ['My Room'] };
  const { server, page, problems } = await openPage(t, { guests: [guest] });

  await enterName(page, 'mabel');
  const status = await textMatching(statusRegion(page), /Sent code/);
  assert.equal(status, 'Sent code to m•••@e•••.com. Enter the code to verify.');
  await enterCode(page, await codeFor(server.baseUrl, guest.email));
  await callView(page).waitFor({ state: 'visible' });
  assert.equal(await textMatching(callView(page).getByRole('heading'), /You're in/), "You're in, mabel");

  assertNoProblems(problems);
});

test('a delivery that fails after the page said "Sent" brings the guest back to the name with the reason', async (t) => {
  // An SMTP relay that refuses connections: /login answers at once (it never waits for a provider),
  // and the page learns of the failure from /login/status.
  const closed = await freePort();
  const guest = { name: 'ema', email: 'ema@example.com', rooms: ['My Room'] };
  const { page, problems } = await openPage(t, {
    guests: [guest],
    env: { ROOMGATE_SMTP_URL: `smtp://127.0.0.1:${closed}`, ROOMGATE_SMTP_FROM: 'rooms@example.com' },
  });

  await enterName(page, 'ema');
  assert.match(await textMatching(statusRegion(page), /Sent code/), /e•••@e•••\.com/);
  assert.match(await textMatching(alertRegion(page), /e-mail/, 15_000), /cannot send e-mail right now/);
  assert.equal(await page.evaluate(() => document.body.dataset.step), 'name');
  assertNoProblems(problems);
});
