// Browser tests of the call: guests walk the page (name -> code -> call) against a real
// `roomgate serve --dev`, in one headless Chromium with fake camera and microphone, one context each.
// The demo room is a group room (through the SFU) unless a test makes it peer-to-peer; group-room
// specifics (four guests, departures, section reuse) are in group.test.mjs.
// Run: node --test tests/e2e/call.test.mjs   (ROOMGATE_BINARY overrides <repo>/build/roomgate;
// the TURN test needs Debian's coturn: /usr/bin/turnserver)
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  alertRegion,
  assertMediaFlows,
  assertNoProblems,
  callView,
  countLine,
  eventually,
  joinAsGuest,
  launchBrowser,
  sleep,
  statsByIdentity,
  textMatching,
  tileOf,
  tiles,
  WAIT_MS,
} from './lib/browser.mjs';
import { startProxy } from './lib/proxy.mjs';
import { joinedClient, refusal } from './lib/rtc.mjs';
import { repoRoot, startServer } from './lib/server.mjs';
import { startTurn } from './lib/turn.mjs';

// Screenshots go to build/screenshots; ROOMGATE_SCREENSHOT_DIR=docs/images refreshes the README's.
const SCREENSHOT = path.resolve(repoRoot, process.env.ROOMGATE_SCREENSHOT_DIR || 'build/screenshots', 'call.png');
const THREE = ['blathers', 'mabel', 'tommy'];

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// A server of its own for test `t`, stopped afterwards.
async function serverFor(t, options) {
  const server = await startServer(options);
  t.after(() => server.stop());
  return server;
}

// `names` join one after the other through the page; their contexts close after test `t`.
async function guestsJoin(t, server, names, options) {
  const guests = [];
  for (const name of names) {
    const guest = await joinAsGuest(browser, server, name, options);
    t.after(() => guest.close());
    guests.push(guest);
  }
  return guests;
}

const others = (guests, guest) => guests.filter((g) => g !== guest).map((g) => g.name);

// The verified badge the page shows for a demo guest: the last two digits of the phone.
const BADGES = { blathers: '✓ SMS to ••76', mabel: '✓ SMS to ••21', tommy: '✓ SMS to ••89' };

test('three guests join through the page and each gets video and audio from both others', async (t) => {
  const server = await serverFor(t);
  const guests = await guestsJoin(t, server, THREE);

  await Promise.all(guests.map((guest) => assertMediaFlows(guest, others(guests, guest))));

  for (const guest of guests) {
    const { page } = guest;
    assert.equal(await textMatching(countLine(page), /participants? online/), '3 participants online.');
    assert.equal(await tiles(page).count(), 3, `${guest.name} sees three tiles`);
    // Yourself first, then the others; each with the name and how they proved it.
    assert.equal(await tiles(page).first().getAttribute('data-local'), 'true');
    for (const name of THREE) {
      const tile = tileOf(page, name);
      const expectedName = name === guest.name ? `${name} (you)` : name;
      assert.equal(await tile.locator('.tile-name').textContent(), expectedName);
      assert.equal(await tile.locator('.tile-verified').textContent(), BADGES[name], `${guest.name} sees how ${name} proved it`);
      assert.equal(await tile.getAttribute('data-video'), 'on');
      assert.ok(await tile.getByRole('img', { name: 'Microphone off' }).isHidden());
    }
    // Your own picture: muted (no echo), mirrored, playing.
    const own = tileOf(page, guest.name).locator('video');
    assert.deepEqual(
      await own.evaluate((v) => ({ muted: v.muted, mirrored: getComputedStyle(v).transform !== 'none', playing: v.videoWidth > 0 })),
      { muted: true, mirrored: true, playing: true },
    );
    // The others' pictures play, with their sound.
    for (const name of others(guests, guest)) {
      const video = tileOf(page, name).locator('video');
      await eventually(() => video.evaluate((v) => v.videoWidth > 0 && !v.paused), { message: `${guest.name} plays ${name}` });
      assert.equal(await video.evaluate((v) => v.muted || v.srcObject.getAudioTracks().length === 0), false);
    }
    const listed = await page.evaluate(() => window.roomgate.participants().map((p) => p.identity));
    assert.deepEqual([...listed].sort(), THREE);
    assert.equal(listed[0], guest.name, 'participants() lists yourself first');
  }

  for (const guest of guests) assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
});

test('in a peer-to-peer room the three guests are a mesh, and each gets video and audio from both others', async (t) => {
  const server = await serverFor(t, { rooms: [{ name: 'My Room', type: 'peer-to-peer' }] });
  const guests = await guestsJoin(t, server, THREE);
  for (const guest of guests) {
    assert.equal(await guest.page.evaluate(() => window.roomgate.roomType()), 'peer-to-peer');
    assert.equal(await guest.page.evaluate(() => window.roomgate.receiving()), null, 'no SFU connection');
  }
  await Promise.all(guests.map((guest) => assertMediaFlows(guest, others(guests, guest))));
  for (const guest of guests) assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
});

test('a guest who leaves is gone from the others’ call', async (t) => {
  const server = await serverFor(t);
  const guests = await guestsJoin(t, server, THREE);
  const [blathers, mabel, tommy] = guests;
  await assertMediaFlows(mabel, ['blathers', 'tommy']);

  await blathers.page.getByRole('button', { name: 'Leave' }).click();
  // Blathers is back at the start, told so.
  await blathers.page.getByLabel('Your name', { exact: true }).waitFor({ state: 'visible' });
  assert.equal(await textMatching(blathers.page.locator('#status'), /left/), 'You left My Room.');
  assert.ok(await callView(blathers.page).isHidden());
  assert.equal(await blathers.page.evaluate(() => window.roomgate.sid()), null);

  for (const guest of [mabel, tommy]) {
    assert.equal(await textMatching(countLine(guest.page), /^2 participants online\.$/), '2 participants online.');
    await tileOf(guest.page, 'blathers').waitFor({ state: 'detached' });
    assert.equal(await tiles(guest.page).count(), 2);
    const stats = await statsByIdentity(guest.page);
    assert.deepEqual(Object.keys(stats), [guest === mabel ? 'tommy' : 'mabel'], 'the connection to blathers is closed');
  }
  // The two who stayed still see each other.
  await assertMediaFlows(mabel, ['tommy']);
  await assertMediaFlows(tommy, ['mabel']);

  for (const guest of guests) assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
});

test('camera off and microphone muted show on the others’ tiles, and back on', async (t) => {
  const server = await serverFor(t);
  const guests = await guestsJoin(t, server, THREE);
  const [blathers, mabel, tommy] = guests;
  await Promise.all(guests.map((guest) => assertMediaFlows(guest, others(guests, guest))));

  await tommy.page.getByRole('button', { name: 'Stop video' }).click();
  await tommy.page.getByRole('button', { name: 'Mute' }).click();
  // Tommy's own buttons now say what they would do, and are marked off.
  assert.equal(await tommy.page.locator('#toggle-camera').textContent().then((s) => s.trim()), 'Start video');
  assert.equal(await tommy.page.locator('#toggle-mic').textContent().then((s) => s.trim()), 'Unmute');
  assert.deepEqual(await tommy.page.evaluate(() => window.roomgate.participants()[0].tracks), { audio: false, video: false });

  for (const guest of [blathers, mabel, tommy]) {
    const tile = tileOf(guest.page, 'tommy');
    await eventually(async () => (await tile.getAttribute('data-video')) === 'off' && (await tile.getAttribute('data-audio')) === 'off', {
      message: `${guest.name} sees tommy's camera and microphone off`,
    });
    // The initials instead of a black picture, "Camera off", and the muted microphone.
    assert.ok(await tile.locator('.tile-avatar').isVisible(), `${guest.name}: tommy's initials show`);
    assert.equal(await tile.locator('.tile-initials').textContent(), 'T');
    assert.ok(await tile.getByText('Camera off').isVisible());
    assert.ok(await tile.getByRole('img', { name: 'Microphone off' }).isVisible());
    // Nobody else changed.
    const other = tileOf(guest.page, guest === mabel ? 'blathers' : 'mabel');
    assert.equal(await other.getAttribute('data-video'), 'on');
    assert.ok(await other.locator('.tile-avatar').isHidden());
    assert.ok(await other.getByRole('img', { name: 'Microphone off' }).isHidden());
  }

  // The picture for the README (docs/images/call.png): mabel's view, tommy's camera off and muted.
  await mkdir(path.dirname(SCREENSHOT), { recursive: true });
  await sleep(500);
  await mabel.page.screenshot({ path: SCREENSHOT });

  await tommy.page.getByRole('button', { name: 'Start video' }).click();
  await tommy.page.getByRole('button', { name: 'Unmute' }).click();
  for (const guest of [blathers, mabel]) {
    const tile = tileOf(guest.page, 'tommy');
    await eventually(async () => (await tile.getAttribute('data-video')) === 'on' && (await tile.getAttribute('data-audio')) === 'on', {
      message: `${guest.name} sees tommy back`,
    });
    await tile.locator('.tile-avatar').waitFor({ state: 'hidden' });
    assert.ok(await tile.getByRole('img', { name: 'Microphone off' }).isHidden());
  }

  for (const guest of guests) assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
});

test('a guest removed with the CLI during the call is out within 2 s and cannot come back', async (t) => {
  const server = await serverFor(t);
  const guests = await guestsJoin(t, server, ['mabel', 'tommy']);
  const [mabel, tommy] = guests;
  await assertMediaFlows(mabel, ['tommy']);

  await server.cli(['participants', 'remove', 'tommy']);
  const removedAt = performance.now();
  const message = await textMatching(alertRegion(tommy.page), /removed/, 2_000);
  const took = performance.now() - removedAt;
  assert.equal(message, 'You were removed from the guest list.');
  assert.ok(took <= 2_000, `kicked ${took} ms after the CLI exited`);
  t.diagnostic(`tommy was told ${took} ms after \`participants remove\` exited`);
  await tommy.page.getByLabel('Your name', { exact: true }).waitFor({ state: 'visible' });
  assert.equal(await tommy.page.evaluate(() => window.roomgate.sid()), null);

  assert.equal(await textMatching(countLine(mabel.page), /^1 participant online\.$/), '1 participant online.');
  await tileOf(mabel.page, 'tommy').waitFor({ state: 'detached' });

  // The old token no longer opens the room.
  const { error, close } = await refusal(server.wsUrl, tommy.token);
  assert.equal(error?.code, 'token_revoked');
  assert.equal(close.code, 4403);

  for (const guest of guests) assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
});

test('a lost signaling connection comes back by itself and the call goes on', async (t) => {
  const server = await serverFor(t);
  // Mabel reaches the server through a proxy that can cut her connections, tommy directly.
  const proxy = await startProxy(server.baseUrl);
  t.after(() => proxy.stop());
  const mabel = await joinAsGuest(browser, { ...server, baseUrl: proxy.baseUrl }, 'mabel');
  t.after(() => mabel.close());
  const [tommy] = await guestsJoin(t, server, ['tommy']);
  await assertMediaFlows(mabel, ['tommy']);
  await assertMediaFlows(tommy, ['mabel']);
  const mabelSid = await mabel.page.evaluate(() => window.roomgate.sid());
  const notice = mabel.page.locator('#call-notice');

  proxy.cut();
  const tommySaw = new Set();
  const watch = setInterval(() => {
    countLine(tommy.page).textContent().then((text) => tommySaw.add(text), () => {});
  }, 100);
  t.after(() => clearInterval(watch));
  assert.equal(await textMatching(notice, /Reconnecting/, 5_000), 'Reconnecting…');
  await textMatching(notice, /^$/, 15_000);
  await sleep(500);
  clearInterval(watch);

  // With `resume` honoured (docs/SIGNALING.md) mabel stays the same participant and tommy sees no
  // change; a server that makes her a new participant still gets the call back, through a new mesh.
  const resumed = (await mabel.page.evaluate(() => window.roomgate.sid())) === mabelSid;
  t.diagnostic(resumed ? 'the server resumed mabel' : `the server did not resume mabel; tommy saw ${[...tommySaw].join(' / ')}`);
  if (resumed) {
    assert.deepEqual([...tommySaw], ['2 participants online.'], 'tommy never saw mabel leave');
    assert.deepEqual(Object.keys(await tommy.page.evaluate(() => window.roomgate.stats())), [mabelSid], 'the same peer connection');
  }
  for (const guest of [mabel, tommy]) assert.equal(await textMatching(countLine(guest.page), /online/), '2 participants online.');
  assert.ok(await tileOf(tommy.page, 'mabel').isVisible());
  // The new connection carries mabel's news, and the media flows.
  await mabel.page.getByRole('button', { name: 'Stop video' }).click();
  await eventually(async () => (await tileOf(tommy.page, 'mabel').getAttribute('data-video')) === 'off', { message: 'tommy sees mabel stop her video' });
  await mabel.page.getByRole('button', { name: 'Start video' }).click();
  await assertMediaFlows(mabel, ['tommy']);
  await assertMediaFlows(tommy, ['mabel']);
  assert.equal(await textMatching(alertRegion(mabel.page), /^$/), '', 'nothing to tell mabel');

  for (const guest of [mabel, tommy]) assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
});

// Flips one character in the middle of the signature (never the last: its low bits are padding).
function forge(token) {
  const i = token.lastIndexOf('.') + 10;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

test('forged, other-room and expired tokens are refused with their error codes', async (t) => {
  const server = await serverFor(t);
  const now = Math.floor(Date.now() / 1000);
  const good = await server.token('mabel', 'My Room');
  const cases = [
    { what: 'a forged signature', token: forge(good), code: 'token_signature', close: 4401 },
    { what: 'a token for room Other, joining My Room', token: await server.token('mabel', 'Other'), extra: { room: 'My Room' }, code: 'token_room', close: 4403 },
    { what: 'a token that expired an hour ago', token: await server.token('mabel', 'My Room', { at: now - 7200, ttl: 3600 }), code: 'token_expired', close: 4401 },
    { what: 'not a token at all', token: 'not-a-jwt', code: 'token_malformed', close: 4401 },
  ];
  for (const c of cases) {
    const { error, close } = await refusal(server.wsUrl, c.token, c.extra);
    assert.equal(error?.code, c.code, `${c.what}: ${JSON.stringify(error)}`);
    assert.equal(typeof error.message, 'string');
    assert.notEqual(error.message, '', `${c.what}: the error says why`);
    assert.equal(close.code, c.close, `${c.what}: close code`);
  }
  // The good one is let in, so the refusals are about the tokens.
  const { client, joined } = await joinedClient(server.wsUrl, good);
  assert.equal(joined.participant.identity, 'mabel');
  assert.equal(joined.room.name, 'My Room');
  client.close();
});

test('a room that is full says so on the page, and "Join again" works once someone leaves', async (t) => {
  const room = 'Tiny';
  const server = await serverFor(t, {
    rooms: [{ name: room, maxParticipants: 2 }],
    guests: [
      { name: 'ann', phone: '+18005550111', rooms: [room] },
      { name: 'bob', phone: '+18005550122', rooms: [room] },
      { name: 'cat', email: 'cat@example.com', rooms: [room] },
    ],
  });
  const join = async (name, to, options = {}) => {
    const guest = await joinAsGuest(browser, server, name, { phone: to, ...options });
    t.after(() => guest.close());
    return guest;
  };
  const ann = await join('ann', '+18005550111');
  const bob = await join('bob', '+18005550122');
  const cat = await join('cat', 'cat@example.com', { joined: false });

  // Cat is told, on the page, and may try again; ann and bob are not disturbed.
  const message = await textMatching(alertRegion(cat.page), /full/i);
  t.diagnostic(`room full message: ${message}`);
  const again = cat.page.getByRole('button', { name: 'Join again' });
  await again.waitFor({ state: 'visible' });
  assert.equal(await cat.page.evaluate(() => window.roomgate.sid()), null);
  assert.equal(await tiles(cat.page).count(), 0);
  for (const guest of [ann, bob]) assert.equal(await textMatching(countLine(guest.page), /online/), '2 participants online.');

  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await textMatching(countLine(ann.page), /^1 participant online\.$/);
  await again.click();
  await cat.page.waitForFunction(() => window.roomgate.sid() != null, null, { timeout: WAIT_MS });
  assert.equal(await textMatching(alertRegion(cat.page), /^$/), '', 'the message goes away');
  assert.equal(await textMatching(countLine(cat.page), /online/), '2 participants online.');
  assert.equal(await tileOf(cat.page, 'cat').locator('.tile-verified').textContent(), '✓ e-mail to c•••@e•••.com');
  await assertMediaFlows(cat, ['ann']);
  await assertMediaFlows(ann, ['cat']);

  for (const guest of [ann, bob, cat]) assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
});

test('through a real TURN server with policy "relay", video flows over relayed candidates', async (t) => {
  const turn = await startTurn();
  t.after(() => turn.stop());
  const server = await serverFor(t, {
    env: { ROOMGATE_TURN_URLS: turn.url, ROOMGATE_TURN_SECRET: turn.secret, ROOMGATE_ICE_POLICY: 'relay' },
  });

  // What the server hands out: TURN REST credentials (username "<expiry>:<identity>", credential
  // base64(HMAC-SHA1(secret, username))) and the relay-only policy.
  const { client, joined } = await joinedClient(server.wsUrl, await server.token('blathers', 'My Room'));
  client.close();
  assert.equal(joined.iceTransportPolicy, 'relay');
  const turnEntry = joined.iceServers.find((s) => [s.urls].flat().some((u) => u.startsWith('turn:')));
  assert.ok(turnEntry, `a TURN server in ${JSON.stringify(joined.iceServers)}`);
  assert.deepEqual([turnEntry.urls].flat(), [turn.url]);
  const [expiry, identity] = turnEntry.username.split(':');
  assert.equal(identity, 'blathers');
  assert.ok(Number(expiry) > Date.now() / 1000, `the TURN username expires in the future: ${turnEntry.username}`);
  assert.equal(turnEntry.credential, createHmac('sha1', turn.secret).update(turnEntry.username).digest('base64'));

  const guests = await guestsJoin(t, server, ['mabel', 'tommy']);
  for (const guest of guests) {
    assert.equal(await guest.page.evaluate(() => window.roomgate.iceTransportPolicy()), 'relay');
  }
  await Promise.all(guests.map((guest) => assertMediaFlows(guest, others(guests, guest))));
  for (const guest of guests) {
    const stats = await statsByIdentity(guest.page);
    const other = others(guests, guest)[0];
    assert.equal(stats[other].localCandidateType, 'relay', `${guest.name} -> ${other}: ${JSON.stringify(stats[other])}`);
    assertNoProblems({ problems: guest.problems, name: `${guest.name}'s page` });
  }
});
