// Captures a real WebRTC offer from Debian's Chromium (headless, fake camera and microphone) for the SDP
// fixtures in tests/unit/media/fixtures/. The offer is whatever this Chromium's createOffer() returns for
// one audio and one video track (plus a data channel with --datachannel); nothing is edited.
//
// Usage: node capture-offer.mjs [--datachannel] > tests/unit/media/fixtures/chromium-offer.sdp
// `playwright-core` resolves from this file's location (tests/node_modules, after `npm ci` in tests/).
import { chromium } from 'playwright-core';

const PAGE_URL = 'http://localhost/capture-offer';
const withDataChannel = process.argv.includes('--datachannel');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage();
  // getUserMedia needs a secure context, which about:blank is not: serve an empty page on http://localhost
  // (a trustworthy origin) from the route handler, so no server is needed.
  await page.route(PAGE_URL, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html>' }));
  await page.goto(PAGE_URL);
  const sdp = await page.evaluate(async (dataChannel) => {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    if (dataChannel) pc.createDataChannel('chat');
    const offer = await pc.createOffer();
    pc.close();
    return offer.sdp;
  }, withDataChannel);
  process.stdout.write(sdp);
} finally {
  await browser.close();
}
