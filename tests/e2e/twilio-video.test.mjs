// ROOMGATE_VIDEO=twilio: the page joins with the official twilio-video SDK, served by roomgate itself
// (/vendor/twilio-video.min.js, from npm at build time, no CDN), and hands it the access token minted
// with the .env's API key. Twilio cannot be reached from here, so the page must say so clearly.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { alertRegion, assertNoProblems, joinAsGuest, launchBrowser, textMatching } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const API_KEY = 'SK0123456789abcdef0123456789abcdef';
// Twilio's signaling fails without a network; the SDK may retry for a while first.
const FAILURE_SHOWN_MS = 60_000;

// Runs in the page before the SDK: records what the page hands Twilio.Video.connect, then lets the
// real SDK (the one roomgate served) go on. The SDK only sets Twilio.Video if it is not set yet.
function recordConnect() {
  let real;
  window.Twilio = {};
  Object.defineProperty(window.Twilio, 'Video', {
    configurable: true,
    get() {
      if (!real) return undefined;
      return new Proxy(real, {
        get(target, key) {
          if (key !== 'connect') return target[key];
          return (token, options) => {
            window.__twilioConnect = { token, name: options?.name, tracks: options?.tracks?.length ?? 0, version: target.version };
            return target.connect(token, options);
          };
        },
      });
    },
    set(value) {
      real = value;
    },
  });
}

let server;
let browser;
before(async () => {
  server = await startServer({
    env: {
      ROOMGATE_VIDEO: 'twilio',
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_API_KEY_SID: API_KEY,
      TWILIO_API_KEY_SECRET: 'api-key-secret-0123456789abcdef01',
    },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the page loads the served SDK, hands it the token, and shows that Twilio cannot be reached', async () => {
  const sdkRequests = [];
  const guest = await joinAsGuest(browser, server, 'mabel', { joined: false, initScript: recordConnect });
  const { page } = guest;
  page.on('request', (r) => sdkRequests.push(r.url()));
  try {
    const connect = await page.waitForFunction(() => window.__twilioConnect, null, { timeout: 20_000 });
    const handed = await connect.jsonValue();
    assert.equal(handed.token, guest.token, 'the SDK gets the token /verify answered');
    assert.equal(handed.name, 'My Room');
    assert.equal(handed.version, '2.36.0', 'the SDK is the pinned npm twilio-video');
    const payload = JSON.parse(Buffer.from(handed.token.split('.')[1], 'base64url'));
    assert.equal(payload.iss, API_KEY);
    assert.equal(payload.sub, ACCOUNT);
    // Served by roomgate, not fetched from a CDN.
    const sdk = await page.request.get(`${server.baseUrl}/vendor/twilio-video.min.js`);
    assert.equal(sdk.status(), 200);
    assert.match(await sdk.text(), /^\/\*! twilio-video\.js 2\.36\.0/);
    assert.ok(sdkRequests.every((u) => !/cdn|sdk\.twilio\.com/.test(u)), sdkRequests.join('\n'));

    // The SDK's own verdict (a Twilio error code) reaches the guest: the SDK ran and tried to connect.
    const shown = await textMatching(alertRegion(page), /Could not connect to Twilio Video: .*\(Twilio error 53\d{3}\)/, FAILURE_SHOWN_MS);
    assert.match(shown, /join again/);
    assert.equal(await page.getByRole('button', { name: 'Join again' }).isVisible(), true);
    assertNoProblems(guest);
  } finally {
    await guest.close();
  }
});
