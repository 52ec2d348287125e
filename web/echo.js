// roomgate connection check (/echo): camera and microphone are published to the server's own media
// transport (ICE-lite, DTLS-SRTP) and come back through it; the page shows both pictures, the round-trip
// time and the packet loss. Only for verified guests: the server checks the pass cookie set at /verify.
const byId = (id) => document.getElementById(id);
const ui = {
  local: byId('local'),
  remote: byId('remote'),
  status: byId('status'),
  error: byId('error'),
  stats: byId('echo-stats'),
  state: byId('stat-state'),
  rtt: byId('stat-rtt'),
  loss: byId('stat-loss'),
  video: byId('stat-video'),
  audio: byId('stat-audio'),
  stop: byId('stop'),
  restart: byId('restart'),
};

// How often the figures are refreshed.
const STATS_INTERVAL_MS = 1000;
// A connection not up after this long is reported as failed (ICE + DTLS take well under a second).
const CONNECT_TIMEOUT_MS = 15_000;

const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } };

let pc = null;
let stream = null;
let timer = null;
let connectTimer = null;
let previous = null; // the last stats sample, for rates

function show(element, text, value = text) {
  element.textContent = text;
  element.dataset.value = String(value);
}

function setState(state, text) {
  ui.stats.dataset.state = state;
  show(ui.state, text, state);
}

function fail(message) {
  ui.error.textContent = message;
  ui.status.textContent = '';
  ui.restart.hidden = false;
  stop(false);
}

async function postOffer(sdp) {
  let response;
  try {
    response = await fetch('/echo/offer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ sdp }),
      credentials: 'same-origin',
    });
  } catch {
    throw new Error('We could not reach the server. Check your connection and try again.');
  }
  const data = await response.json().catch(() => null);
  if (response.ok && data?.sdp) return data.sdp;
  const error = new Error(
    data?.error?.message ?? `Something went wrong on the server (HTTP ${response.status}). Try again in a moment.`,
  );
  error.code = data?.error?.code;
  throw error;
}

async function start() {
  ui.error.textContent = '';
  ui.restart.hidden = true;
  ui.stop.disabled = false;
  setState('starting', 'Starting…');
  ui.status.textContent = 'Starting your camera and microphone…';
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: VIDEO, audio: true });
  } catch (e) {
    fail(
      e?.name === 'NotAllowedError'
        ? 'Camera and microphone access is blocked. Allow them for this site and press Try again.'
        : 'Your camera or microphone could not start. Close other apps using them and press Try again.',
    );
    return;
  }
  ui.local.srcObject = stream;
  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendrecv', streams: [stream] });
  const back = new MediaStream();
  pc.ontrack = (event) => {
    back.addTrack(event.track);
    ui.remote.srcObject = back;
  };
  pc.onconnectionstatechange = () => {
    const s = pc?.connectionState;
    if (s === 'connected') {
      clearTimeout(connectTimer);
      setState('connected', 'Connected');
      ui.status.textContent = 'Connected through the server. You should see and hear yourself.';
    } else if (s === 'failed') {
      fail('The connection to the media server failed. A firewall may block UDP; ask the host to check it.');
    } else if (s === 'disconnected') {
      setState('disconnected', 'Interrupted');
    }
  };
  ui.status.textContent = 'Connecting to the media server…';
  try {
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const sdp = await postOffer(pc.localDescription.sdp);
    await pc.setRemoteDescription({ type: 'answer', sdp });
  } catch (e) {
    if (e.code === 'not_verified') {
      fail(e.message);
      ui.restart.hidden = true;
    } else {
      fail(e.message || 'The check could not start. Try again in a moment.');
    }
    return;
  }
  connectTimer = setTimeout(() => {
    if (pc && pc.connectionState !== 'connected')
      fail('The media server did not answer. A firewall may block UDP; ask the host to check it.');
  }, CONNECT_TIMEOUT_MS);
  timer = setInterval(updateStats, STATS_INTERVAL_MS);
}

async function updateStats() {
  if (!pc) return;
  const report = await pc.getStats();
  const sample = { videoIn: null, audioIn: null, remoteVideo: null, pair: null, at: performance.now() };
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') sample.videoIn = s;
    if (s.type === 'inbound-rtp' && s.kind === 'audio') sample.audioIn = s;
    if (s.type === 'remote-inbound-rtp' && s.kind === 'video') sample.remoteVideo = s;
    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') sample.pair = s;
  });
  // Round trip of media through the server (from the receiver reports that came back), else of ICE checks.
  const rtt = sample.remoteVideo?.roundTripTime ?? sample.pair?.currentRoundTripTime;
  if (rtt !== undefined) show(ui.rtt, `${Math.round(rtt * 1000)} ms`, Math.round(rtt * 1000));
  const v = sample.videoIn;
  if (v) {
    const lost = Math.max(0, v.packetsLost ?? 0);
    const received = v.packetsReceived ?? 0;
    const pct = received + lost > 0 ? (100 * lost) / (received + lost) : 0;
    show(ui.loss, `${pct.toFixed(1)} %`, pct.toFixed(2));
    const fps =
      previous?.videoIn && sample.at > previous.at
        ? ((v.framesDecoded - previous.videoIn.framesDecoded) * 1000) / (sample.at - previous.at)
        : 0;
    const size = v.frameWidth ? `${v.frameWidth}×${v.frameHeight}` : '';
    show(ui.video, `${Math.round(fps)} fps ${size}`.trim(), v.framesDecoded ?? 0);
  }
  const a = sample.audioIn;
  if (a) {
    const level = a.audioLevel ?? 0;
    ui.audio.title = `audio level ${level.toFixed(2)}`;
    show(ui.audio, a.packetsReceived > 0 ? `${a.packetsReceived} packets` : 'none yet', a.packetsReceived ?? 0);
  }
  previous = sample;
}

function stop(byUser = true) {
  clearInterval(timer);
  clearTimeout(connectTimer);
  timer = null;
  pc?.close();
  pc = null;
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  ui.stop.disabled = true;
  if (byUser) {
    setState('stopped', 'Stopped');
    ui.status.textContent = 'Stopped. Press Try again to run the check once more.';
    ui.restart.hidden = false;
  } else {
    setState('failed', 'Not connected');
  }
}

ui.stop.addEventListener('click', () => stop(true));
ui.restart.addEventListener('click', () => start());
window.addEventListener('pagehide', () => stop(false));
start();
