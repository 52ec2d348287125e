// roomgate's own offers (the server as offerer: how group rooms add and remove the tracks a browser
// receives) fed to a real Chromium, and Chromium's answers checked by roomgate: every renegotiation —
// tracks added, a track gone (its slot inactive), a slot taken over by a new track — is accepted.
// Run: node --test tests/e2e/sdp-offer.test.mjs   (ROOMGATE_SDP_TOOL overrides <repo>/build/tests/sdp_offer_tool)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser } from './lib/browser.mjs';
import { repoRoot } from './lib/server.mjs';

const TOOL = process.env.ROOMGATE_SDP_TOOL ?? path.join(repoRoot, 'build', 'tests', 'sdp_offer_tool');

let browser;
let dir;
before(async () => {
  browser = await launchBrowser();
  dir = await mkdtemp(path.join(tmpdir(), 'roomgate-sdp-'));
});
after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

const offerFor = (version, sections) => execFileSync(TOOL, ['offer', String(version), ...sections], { encoding: 'utf8' });

// roomgate's check of `answer` against `offer`: {ok, mids, error}.
async function check(offer, answer) {
  const file = path.join(dir, 'offer.sdp');
  await writeFile(file, offer);
  const r = spawnSync(TOOL, ['check', file], { input: answer, encoding: 'utf8' });
  return { ok: r.status === 0, mids: r.stdout.trim().split('\n').filter(Boolean), error: r.stderr.trim() };
}

test('Chromium accepts every renegotiation the server offers, and roomgate accepts its answers', async () => {
  const page = await browser.newPage();
  await page.goto('about:blank');
  await page.evaluate(() => {
    window.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    window.tracks = [];
    window.pc.ontrack = (e) => window.tracks.push({ mid: e.transceiver.mid, kind: e.track.kind, stream: e.streams[0]?.id });
  });
  const negotiate = (offer) =>
    page.evaluate(async (sdp) => {
      await window.pc.setRemoteDescription({ type: 'offer', sdp });
      const answer = await window.pc.createAnswer();
      await window.pc.setLocalDescription(answer);
      return {
        answer: window.pc.localDescription.sdp,
        transceivers: window.pc.getTransceivers().map((t) => ({ mid: t.mid, direction: t.currentDirection })),
      };
    }, offer);

  // 1. Two publishers' tracks: audio, and video with RTX.
  let offer = offerFor(1, ['0:audio:1111', '1:video:2222:2223']);
  let r = await negotiate(offer);
  let checked = await check(offer, r.answer);
  assert.ok(checked.ok, checked.error);
  assert.deepEqual(checked.mids, ['0', '1']);
  assert.deepEqual(r.transceivers, [
    { mid: '0', direction: 'recvonly' },
    { mid: '1', direction: 'recvonly' },
  ]);
  assert.deepEqual(await page.evaluate(() => window.tracks), [
    { mid: '0', kind: 'audio', stream: 'stream-0' },
    { mid: '1', kind: 'video', stream: 'stream-1' },
  ]);

  // 2. The video's publisher left (its slot goes inactive) and another arrived.
  offer = offerFor(2, ['0:audio:1111', '1:video:-', '2:video:3333:3334']);
  r = await negotiate(offer);
  checked = await check(offer, r.answer);
  assert.ok(checked.ok, checked.error);
  assert.deepEqual(r.transceivers, [
    { mid: '0', direction: 'recvonly' },
    { mid: '1', direction: 'inactive' },
    { mid: '2', direction: 'recvonly' },
  ]);

  // 3. A new publisher takes over the idle slot 1 with new SSRCs.
  offer = offerFor(3, ['0:audio:1111', '1:video:4444:4445', '2:video:3333:3334']);
  r = await negotiate(offer);
  checked = await check(offer, r.answer);
  assert.ok(checked.ok, checked.error);
  assert.equal(r.transceivers[1].direction, 'recvonly');
  const tracks = await page.evaluate(() => window.tracks);
  assert.deepEqual(tracks.map((t) => t.mid), ['0', '1', '2', '1'], 'a new track for the reused slot');

  // roomgate refuses an answer that breaks the rules (here: Chromium as DTLS server).
  const doctored = r.answer.replace(/a=setup:active/g, 'a=setup:passive');
  checked = await check(offer, doctored);
  assert.equal(checked.ok, false);
  assert.match(checked.error, /setup:passive/);
  await page.close();
});
