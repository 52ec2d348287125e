// What viewers of a group room get, measured in real browsers (prints figures; not a test):
//   node bench/rtc/group-quality.mjs [--sizes 2,4] [--ramp 15] [--measure 5]
// For each room size N, N guests join one group room on a fresh `roomgate serve --dev` (build/roomgate,
// or ROOMGATE_BINARY) through the page in headless Chromium (tests/e2e/lib: Debian's chromium, fake
// camera and microphone). Each newcomer's time from its code being accepted (the call view shows; the
// page then joins over signaling) to the first decoded frame of every guest already there is taken by
// polling getStats() every 20 ms (so figures are late by up to 20 ms plus one evaluate round trip). After --ramp seconds, every viewer's received
// picture and video kbit/s over --measure seconds, and each publisher's encoder target, quality
// limitation reason and link estimate. Needs tests/node_modules (scripts/install-deps).
import { joinAsGuest, launchBrowser, sleep, statsByIdentity } from '../../tests/e2e/lib/browser.mjs';
import { startServer } from '../../tests/e2e/lib/server.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SIZES = arg('sizes', '2,4').split(',').map(Number);
const RAMP_MS = Number(arg('ramp', 15)) * 1000;
const MEASURE_MS = Number(arg('measure', 5)) * 1000;
const POLL_MS = 20;
const FIRST_FRAME_TIMEOUT_MS = 20_000;
const ROOM = 'Bench Room';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const p90 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)] : NaN;
};

async function firstFrames(viewer, from) {
  const start = Date.now();
  const pending = new Set(from);
  const took = {};
  while (pending.size && Date.now() - start < FIRST_FRAME_TIMEOUT_MS) {
    const stats = await statsByIdentity(viewer.page);
    for (const name of [...pending]) {
      if (stats[name]?.framesDecoded > 0) {
        took[name] = Date.now() - start;
        pending.delete(name);
      }
    }
    if (pending.size) await sleep(POLL_MS);
  }
  return took;
}

async function run(browser, size) {
  const names = Array.from({ length: size }, (_, i) => `guest${i + 1}`);
  const phone = (i) => `+1800555${String(1000 + i)}`;
  const guests = names.map((name, i) => ({ name, phone: phone(i), rooms: [ROOM] }));
  const server = await startServer({ guests });
  const joined = [];
  const firstFrameMs = [];
  try {
    for (const [i, name] of names.entries()) {
      // The clock starts once the code is accepted and the call view shows: the signaling join, both
      // connections' ICE and DTLS and the first key frame are all inside the figure.
      const guest = await joinAsGuest(browser, server, name, { phone: phone(i), joined: false });
      const took = await firstFrames(guest, joined.map((g) => g.name));
      firstFrameMs.push(...Object.values(took));
      joined.push(guest);
    }
    await sleep(RAMP_MS);
    const before = {};
    for (const viewer of joined) before[viewer.name] = await statsByIdentity(viewer.page);
    await sleep(MEASURE_MS);
    const rows = [];
    for (const viewer of joined) {
      const now = await statsByIdentity(viewer.page);
      for (const publisher of joined) {
        if (publisher === viewer) continue;
        const got = now[publisher.name] ?? {};
        const was = before[viewer.name][publisher.name] ?? {};
        const kbps = (((got.videoBytesReceived ?? 0) - (was.videoBytesReceived ?? 0)) * 8) / MEASURE_MS;
        rows.push({ viewer: viewer.name, publisher: publisher.name, size: `${got.frameWidth}x${got.frameHeight}`, kbps });
      }
    }
    const sent = {};
    for (const g of joined) sent[g.name] = await g.page.evaluate(() => window.roomgate.publisherStats());
    return { rows, sent, firstFrameMs };
  } finally {
    for (const g of joined) await g.close().catch(() => {});
    await server.stop();
  }
}

const browser = await launchBrowser();
try {
  console.log(`group room quality: ramp ${RAMP_MS / 1000} s, measured over ${MEASURE_MS / 1000} s; ${new Date().toISOString()}`);
  for (const size of SIZES) {
    const { rows, sent, firstFrameMs } = await run(browser, size);
    console.log(`\n${size} guests`);
    console.log('| viewer | publisher | received picture | video kbit/s |');
    console.log('| --- | --- | --- | ---: |');
    for (const r of rows) console.log(`| ${r.viewer} | ${r.publisher} | ${r.size} | ${r.kbps.toFixed(0)} |`);
    console.log('| publisher | sending | target kbit/s | limited by | estimate kbit/s |');
    console.log('| --- | --- | ---: | --- | ---: |');
    for (const [name, s] of Object.entries(sent)) {
      console.log(
        `| ${name} | ${s?.frameWidth}x${s?.frameHeight} | ${((s?.targetBitrate ?? 0) / 1000).toFixed(0)} | ${s?.qualityLimitationReason} | ${((s?.availableOutgoingBitrate ?? 0) / 1000).toFixed(0)} |`,
      );
    }
    console.log(
      `join to first decoded frame: median ${median(firstFrameMs)} ms, p90 ${p90(firstFrameMs)} ms (${firstFrameMs.length} samples: [${firstFrameMs.join(', ')}])`,
    );
  }
} finally {
  await browser.close();
}
