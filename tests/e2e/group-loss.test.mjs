// Browser tests through a lossy link: a guest's Chromium runs in a network namespace of the test's own,
// joined to the server by a veth pair that drops 5 % of the packets each way (lib/netns.mjs: netem, or
// iptables statistic where the kernel has no netem). The server listens on the root side of the pair.
// Run as root: node --test tests/e2e/group-loss.test.mjs   (ROOMGATE_BINARY overrides <repo>/build/roomgate)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { assertMediaFlows, assertNoProblems, eventually, joinAsGuest, launchBrowser, sleep, statsByIdentity } from './lib/browser.mjs';
import { startLossyNamespace } from './lib/netns.mjs';
import { startServer } from './lib/server.mjs';

const LOSS_PERCENT = 5;
// How long media runs through the lossy link before the figures are read.
const RUN_MS = 15_000;
// The server's counters at GET /metrics.
const NACKS_RECEIVED = 'roomgate_nacks_received_total';
const RETRANSMISSIONS_SENT = 'roomgate_retransmissions_sent_total';
const NACKS_SENT = 'roomgate_nacks_sent_total';
const FORWARDED = 'roomgate_forwarded_packets_total';
const METRICS_TOKEN = randomBytes(16).toString('hex');

// Runs in every page before its scripts: keeps the page's RTCPeerConnections, so the test can read the
// browser's own receive statistics (packets lost, NACKs sent) whatever the page shows.
function keepPeerConnections() {
  const Native = window.RTCPeerConnection;
  const all = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      all.push(this);
    }
  };
  window.__peerConnections = all;
}

// The page's inbound-rtp figures, summed over its connections: {audio, video}, each
// {packetsReceived, packetsLost, nackCount, retransmittedPacketsReceived, framesDecoded}.
async function inbound(page) {
  return page.evaluate(async () => {
    const sum = { audio: { packetsReceived: 0, packetsLost: 0, nackCount: 0, retransmittedPacketsReceived: 0, framesDecoded: 0 } };
    sum.video = { ...sum.audio };
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type !== 'inbound-rtp' || !sum[s.kind]) return;
        for (const key of Object.keys(sum[s.kind])) sum[s.kind][key] += Math.max(0, s[key] ?? 0);
      });
    }
    return sum;
  });
}

/**
 * The lossy namespace, a server on its root-side address, and two browsers: `inside` (in the
 * namespace, behind the loss) and `outside` (root namespace, lossless). All stopped after test `t`,
 * the namespace last, whatever failed.
 */
async function lossySetup(t) {
  const parts = {};
  t.after(async () => {
    await parts.inside?.close().catch(() => {});
    await parts.outside?.close().catch(() => {});
    try {
      await parts.server?.stop(); // throws if the server crashed or a sanitizer reported an error
    } finally {
      await parts.net?.stop();
    }
  });
  parts.net = await startLossyNamespace({ lossPercent: LOSS_PERCENT });
  t.diagnostic(`namespace ${parts.net.name}: ${parts.net.nsIp} <-> ${parts.net.hostIp}, ${LOSS_PERCENT} % loss each way by ${parts.net.method}`);
  // Not on loopback, /metrics answers only with the bearer token.
  parts.server = await startServer({ host: parts.net.hostIp, env: { ROOMGATE_METRICS_TOKEN: METRICS_TOKEN } });
  // The page is served from http://<veth address>, not localhost: getUserMedia needs it marked secure.
  // Neither browser is on loopback: the one inside has the veth address, the one outside eth0's and the veth's.
  const options = { loopback: false, secureOrigins: [parts.server.baseUrl] };
  parts.inside = await launchBrowser({ ...options, executablePath: parts.net.chromiumLauncher });
  parts.outside = await launchBrowser(options);
  return parts;
}

/** The sum of the samples of counter `name` (any labels) in Prometheus text, or null if it is absent. */
function counter(text, name) {
  let total = null;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && match[1] === name) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

test('the link is lossy: the connection check from inside the namespace loses packets and keeps decoding', async (t) => {
  const { net, server, inside } = await lossySetup(t);
  // The guest is in the namespace: even the passcode flow goes through the lossy link.
  const guest = await joinAsGuest(inside, server, 'mabel', { joined: false, initScript: keepPeerConnections });
  t.after(() => guest.close());
  const page = await guest.context.newPage();
  const problems = { dialogs: [], errors: [], csp: [] };
  page.on('pageerror', (e) => problems.errors.push(e.message));
  await page.goto(`${server.baseUrl}/echo`);
  const stat = (id) => page.locator(`#${id}`).getAttribute('data-value');
  await eventually(async () => (await stat('stat-state')) === 'connected', { timeoutMs: 20_000, message: 'the check connects through the lossy link' });
  await eventually(() => /media: transport echo:mabel connected/.test(server.logs()), { message: 'the server has the check connected' });

  const first = await eventually(async () => {
    const s = await inbound(page);
    return s.video.framesDecoded > 10 && s.audio.packetsReceived > 10 && s;
  }, { timeoutMs: 20_000, message: 'echoed video decodes and echoed audio arrives' });
  await sleep(RUN_MS / 2);
  const last = await inbound(page);
  t.diagnostic(`echo through the lossy link: ${JSON.stringify(last)}`);
  assert.ok(last.video.framesDecoded > first.video.framesDecoded, `video keeps decoding: ${first.video.framesDecoded} -> ${last.video.framesDecoded}`);
  assert.ok(last.audio.packetsReceived > first.audio.packetsReceived, `audio keeps arriving: ${first.audio.packetsReceived} -> ${last.audio.packetsReceived}`);
  // Audio has no retransmissions: what the link dropped shows as lost.
  const lost = last.audio.packetsLost + last.video.packetsLost;
  assert.ok(lost > 0, `packets are lost on the way: ${JSON.stringify(last)}`);
  // Both ways: the link's own count of what it dropped.
  const dropped = await net.drops();
  t.diagnostic(`the link dropped ${dropped.in} packets into the namespace and ${dropped.out} out of it`);
  assert.ok(dropped.in > 0 && dropped.out > 0, `the link drops in both directions: ${JSON.stringify(dropped)}`);
  assertNoProblems({ problems, name: 'the echo page' });
});

test('group room: a subscriber behind 5 % loss keeps decoding the publisher, and the server answers its NACKs with retransmissions', async (t) => {
  const { net, server, inside, outside } = await lossySetup(t);
  // Blathers publishes from the root namespace (lossless); mabel is behind the lossy link. Both are in
  // the demo room, a group room: each publishes to the SFU and subscribes to the other through it.
  const publisher = await joinAsGuest(outside, server, 'blathers', { initScript: keepPeerConnections });
  t.after(() => publisher.close());
  const subscriber = await joinAsGuest(inside, server, 'mabel', { initScript: keepPeerConnections });
  t.after(() => subscriber.close());
  for (const guest of [publisher, subscriber]) {
    assert.equal(await guest.page.evaluate(() => window.roomgate.roomType()), 'group', `${guest.name} is in a group room`);
  }

  await assertMediaFlows(subscriber, ['blathers'], { timeoutMs: 30_000 });
  await sleep(RUN_MS);
  const first = (await statsByIdentity(subscriber.page)).blathers;
  await sleep(5_000);
  const second = (await statsByIdentity(subscriber.page)).blathers;
  const received = await inbound(subscriber.page);
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(response.status, 200, 'GET /metrics');
  const metrics = await response.text();
  const figures = {
    nacksReceived: counter(metrics, NACKS_RECEIVED),
    retransmissionsSent: counter(metrics, RETRANSMISSIONS_SENT),
    nacksSent: counter(metrics, NACKS_SENT),
    forwarded: counter(metrics, FORWARDED),
  };
  t.diagnostic(`mabel (behind the loss) receives: ${JSON.stringify(received)}; ${second.framesDecoded - first.framesDecoded} frames of blathers decoded in the last 5 s`);
  t.diagnostic(`server: ${JSON.stringify(figures)}; the link dropped ${JSON.stringify(await net.drops())} packets`);

  // Video keeps decoding and audio keeps coming, 15 s into the loss, over 5 s more.
  assert.ok(second.framesDecoded - first.framesDecoded > 10, `mabel keeps decoding blathers' video: ${first.framesDecoded} -> ${second.framesDecoded} frames in 5 s`);
  assert.ok(second.audioPacketsReceived > first.audioPacketsReceived, `mabel keeps hearing blathers: ${first.audioPacketsReceived} -> ${second.audioPacketsReceived} audio packets`);
  // The loss is real, the browser asked for what it missed, and the server answered from its buffer.
  assert.ok(received.audio.packetsLost + received.video.packetsLost > 0, `packets are lost on the way to mabel: ${JSON.stringify(received)}`);
  assert.ok(received.video.nackCount > 0, `mabel's browser sends NACKs: ${JSON.stringify(received.video)}`);
  assert.ok(figures.nacksReceived > 0, `the server counts the NACKs it received (${NACKS_RECEIVED}): ${figures.nacksReceived}`);
  assert.ok(figures.retransmissionsSent > 0, `the server retransmits (${RETRANSMISSIONS_SENT}): ${figures.retransmissionsSent}`);
  assert.ok(received.video.retransmittedPacketsReceived > 0, `mabel receives retransmissions: ${JSON.stringify(received.video)}`);

  // And the other way: blathers still gets mabel, whose uplink is lossy too, and the server asks mabel
  // for what it missed of her video.
  await assertMediaFlows(publisher, ['mabel']);
  assert.ok(figures.nacksSent > 0, `the server NACKs mabel's lossy uplink (${NACKS_SENT}): ${figures.nacksSent}`);
  t.diagnostic(`blathers receives mabel's lossy uplink through the server: ${JSON.stringify(await inbound(publisher.page))}`);
  assertNoProblems({ problems: publisher.problems, name: "blathers' page" });
  assertNoProblems({ problems: subscriber.problems, name: "mabel's page" });
});
