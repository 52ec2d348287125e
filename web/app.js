// roomgate web client: name -> code -> the call, plus a local camera preview before joining.
// Plain ES modules, no dependencies: this one is the join flow; call.js the peer connections,
// signaling.js the WebSocket to /rtc, call-view.js the tiles and controls. The page's CSP allows no
// inline script or style, so all behaviour lives in modules and all looks live in style.css (state
// is shown with attributes, never style="").
import { Call } from './call.js';
import { CallView } from './call-view.js';
import { TwilioCall } from './twilio-call.js';

// ---- elements -----------------------------------------------------------------------------------

const byId = (id) => document.getElementById(id);

const ui = {
  preview: byId('preview'),
  previewFrame: document.querySelector('.preview'),
  cameraNote: byId('camera-note'),
  cameraStart: byId('camera-start'),
  status: byId('status'),
  error: byId('error'),
  resend: byId('resend'),
  nameForm: byId('name-form'),
  nameInput: byId('name'),
  codeForm: byId('code-form'),
  codeInput: byId('code'),
  changeName: byId('change-name'),
  call: byId('call'),
  callTitle: byId('call-title'),
  callIdentity: byId('call-identity'),
  callRoom: byId('call-room'),
  callExpiry: byId('call-expiry'),
  leave: byId('leave'),
  rejoin: byId('rejoin'),
  toggleMic: byId('toggle-mic'),
  toggleCamera: byId('toggle-camera'),
};

// What the page knows. `join` is set once verified: {token, identity, room, expiresAt, video}; `call` is
// the running Call (or TwilioCall); `cameraReady` settles once the camera has started or failed to.
const state = {
  name: '',
  join: null,
  call: null,
  localStream: null,
  cameraReady: Promise.resolve(),
  busy: false,
};

const callView = new CallView();

// Errors after which the code in hand is useless: the guest must ask for a new one.
const NEEDS_NEW_CODE = new Set(['code_expired', 'no_session', 'too_many_checks']);

// ---- talking to the server ----------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message, retryAfterSeconds = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

// Retry-After is either a number of seconds or an HTTP date.
function parseRetryAfter(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

// POST `body` as JSON (or GET, without a body); the answer's JSON, or an ApiError.
async function requestJson(path, body) {
  let response;
  try {
    response = await fetch(path, body === undefined
      ? { headers: { Accept: 'application/json' }, credentials: 'same-origin' }
      : {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
  } catch {
    throw new ApiError(0, 'network', 'We could not reach the server. Check your connection and try again.');
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // not JSON: handled below
  }
  if (response.ok && data) return data;
  const error = data && data.error;
  throw new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? `Something went wrong on the server (HTTP ${response.status}). Try again in a moment.`,
    parseRetryAfter(response.headers.get('Retry-After')),
  );
}

// ---- the access token ---------------------------------------------------------------------------

// The JWT's payload as an object. base64url -> bytes -> UTF-8, so names like "Zoë" survive.
function decodeJwtPayload(token) {
  const part = token.split('.')[1] ?? '';
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

// What the page shows of a /verify answer: the token's own grants, falling back to the answer.
function joinFromAnswer(answer) {
  let payload = {};
  try {
    payload = decodeJwtPayload(answer.token);
  } catch {
    // an unreadable token still admits; show what the answer says
  }
  return {
    token: answer.token,
    identity: payload.grants?.identity ?? answer.identity,
    room: payload.grants?.video?.room ?? answer.room,
    expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
    video: answer.video === 'twilio' ? 'twilio' : 'builtin', // whose rooms: roomgate's or Twilio Video's
  };
}

// ---- messages -----------------------------------------------------------------------------------

function setStatus(text) {
  ui.status.textContent = text;
}

function waitSentence(seconds) {
  if (seconds < 120) return `Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
  return `Try again in ${seconds} seconds (about ${Math.ceil(seconds / 60)} minutes).`;
}

function showError(message, { field = null, offerNewCode = false } = {}) {
  ui.error.textContent = message;
  ui.resend.hidden = !offerNewCode;
  for (const input of [ui.nameInput, ui.codeInput]) {
    if (input === field) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', 'error');
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-errormessage');
    }
  }
}

function clearError() {
  showError('');
}

// Shows a failed request's message; returns what to focus: the field to fix, or "Send a new code".
function showApiError(error, field) {
  let message = error.message;
  // A wait of a second after too many wrong codes only means "you may ask again": not worth saying.
  const wait = error.retryAfterSeconds;
  if (error.status === 429 && wait !== null && !(error.code === 'too_many_checks' && wait <= 1)) {
    message += ` ${waitSentence(wait)}`;
  }
  const offerNewCode = NEEDS_NEW_CODE.has(error.code);
  showError(message, { field: offerNewCode ? null : field, offerNewCode });
  return offerNewCode ? ui.resend : field;
}

function sentMessage(answer) {
  return answer.channel === 'email'
    ? `Sent code to ${answer.email ?? answer.to}. Enter the code to verify.`
    : `Sent code to phone number ${answer.phone ?? answer.to}. Enter the code to verify.`;
}

// ---- steps --------------------------------------------------------------------------------------

function showStep(step) {
  ui.nameForm.hidden = step !== 'name';
  ui.codeForm.hidden = step !== 'code';
  ui.call.hidden = step !== 'call';
  document.body.dataset.step = step;
}

// Runs `task` with every button of the page disabled, so a request cannot be sent twice. `task`
// returns the element to focus next; focus moves only once the buttons work again.
async function whileBusy(form, task) {
  if (state.busy) return;
  state.busy = true;
  const buttons = [...document.querySelectorAll('main button')].filter((b) => !b.disabled);
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  let next = null;
  try {
    next = await task();
  } finally {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
    state.busy = false;
  }
  focusOn(next);
}

function focusOn(element) {
  if (!element) return;
  element.focus();
  if (element instanceof HTMLInputElement) element.select();
}

function goToNameStep({ status = '' } = {}) {
  stopCall();
  state.join = null;
  ui.nameInput.value = state.name || ui.nameInput.value;
  ui.codeInput.value = '';
  clearError();
  setStatus(status);
  showStep('name');
  ui.nameInput.focus();
}

async function submitName(event) {
  event.preventDefault();
  const name = ui.nameInput.value.trim();
  if (!name) {
    showError('Enter your name as it is on the guest list.', { field: ui.nameInput });
    ui.nameInput.focus();
    return;
  }
  await whileBusy(ui.nameForm, async () => {
    try {
      const answer = await requestJson('/login', { username: name });
      state.name = name;
      clearError();
      setStatus(sentMessage(answer));
      ui.codeInput.value = '';
      showStep('code');
      watchDelivery();
      return ui.codeInput;
    } catch (error) {
      return showApiError(error, ui.nameInput);
    }
  });
}

// /login answers once the code is queued; whether the text or e-mail really went out is asked later
// (GET /login/status says "pending" for the first seconds whoever asks). A failure sends the guest back
// to the name step with the reason.
const DELIVERY_FIRST_CHECK_MS = 3500;
const DELIVERY_RECHECK_MS = 2000;
const DELIVERY_CHECKS = 8;
let deliveryWatch = 0;

function watchDelivery() {
  const watch = ++deliveryWatch;
  const check = async (left) => {
    if (watch !== deliveryWatch || document.body.dataset.step !== 'code') return;
    try {
      const status = await requestJson('/login/status');
      if (status.delivery === 'pending' && left > 1) setTimeout(() => check(left - 1), DELIVERY_RECHECK_MS);
    } catch (error) {
      if (watch !== deliveryWatch || document.body.dataset.step !== 'code') return;
      if (error.code === 'no_session' || error.code === 'network') return;  // /verify will say so
      goToNameStep();
      showApiError(error, ui.nameInput);
    }
  };
  setTimeout(() => check(DELIVERY_CHECKS), DELIVERY_FIRST_CHECK_MS);
}

async function submitCode(event) {
  event.preventDefault();
  const code = ui.codeInput.value.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(code)) {
    showError('Enter the code from the message: digits only.', { field: ui.codeInput });
    ui.codeInput.focus();
    return;
  }
  let verified = false;
  await whileBusy(ui.codeForm, async () => {
    try {
      const answer = await requestJson('/verify', { code });
      clearError();
      setStatus('');
      showCall(joinFromAnswer(answer));
      verified = true;
      return ui.callTitle;
    } catch (error) {
      return showApiError(error, ui.codeInput);
    }
  });
  if (verified) startCall(); // once the buttons are the call's own again
}

function formatExpiry(date) {
  const sameDay = date.toDateString() === new Date().toDateString();
  const format = new Intl.DateTimeFormat(undefined, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' });
  return format.format(date);
}

// The joined view: the room, the pass, and the call itself (started by startCall).
function showCall(join) {
  state.join = join;
  ui.callIdentity.textContent = join.identity;
  ui.callRoom.textContent = join.room;
  if (join.expiresAt) {
    ui.callExpiry.dateTime = join.expiresAt.toISOString();
    ui.callExpiry.textContent = formatExpiry(join.expiresAt);
  } else {
    ui.callExpiry.removeAttribute('datetime');
    ui.callExpiry.textContent = 'unknown';
  }
  showStep('call');
}

function leaveCall() {
  const room = state.join?.room;
  goToNameStep({ status: room ? `You left ${room}.` : '' });
}

// ---- the call -----------------------------------------------------------------------------------

// What to say when the call ends without the guest leaving. The server's own message comes first;
// these are for codes it may send without one, and for the two the guest most needs to understand.
const END_MESSAGES = {
  token_revoked: 'You were removed from the guest list.',
  replaced: 'You joined from another tab or device.',
  room_full: 'The room is full. Try again when someone leaves.',
  token_expired: 'Your pass has expired. Enter your name to get a new code.',
  token_room: 'Your pass is for another room.',
  join_timeout: 'Joining took too long. Try again.',
  rate_limited: 'Too many messages were sent to the server. Try again.',
  connection_lost: 'The connection to the server was lost. Check your network and join again.',
};
const KEEP_OUR_MESSAGE = new Set(['token_revoked', 'replaced', 'connection_lost']);

function endMessage({ code, message }) {
  if (KEEP_OUR_MESSAGE.has(code)) return END_MESSAGES[code];
  if (message) return message;
  if (END_MESSAGES[code]) return END_MESSAGES[code];
  if (code?.startsWith('token_')) return 'Your pass was not accepted. Enter your name to get a new code.';
  return 'The call ended. Join again to go back in.';
}

async function startCall() {
  if (!state.join || state.call) return;
  const join = state.join;
  // A camera still starting (a permission prompt open) is waited for a while: tracks are only
  // added when a connection is made.
  await Promise.race([state.cameraReady, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (state.join !== join || state.call) return;
  clearError();
  callView.setLive(true);
  const Kind = join.video === 'twilio' ? TwilioCall : Call;
  const call = new Kind({
    token: join.token,
    room: join.room,
    localStream: state.localStream,
    view: callView,
    events: { onEnd: (end) => callEnded(call, end) },
  });
  state.call = call;
  call.start();
}

function callEnded(call, end) {
  if (state.call !== call) return;
  state.call = null;
  resetLocalTracks();
  const message = endMessage(end);
  if (end.code?.startsWith('token_')) {
    // The pass is useless now: back to the start, where a new code can be asked for.
    goToNameStep();
    showError(message);
    return;
  }
  // The pass may still be good (room full, replaced, connection lost): offer to join again.
  callView.setLive(false);
  showError(message);
  ui.rejoin.focus();
}

function stopCall() {
  if (!state.call) return;
  const call = state.call;
  state.call = null;
  call.leave();
  resetLocalTracks();
}

// Microphone and camera back on for the preview after a call in which they were turned off.
function resetLocalTracks() {
  for (const track of state.localStream?.getTracks() ?? []) track.enabled = true;
}

function toggleMicrophone() {
  const call = state.call;
  if (!call) return;
  call.setMicrophone(!call.localTracks().audio);
}

function toggleCamera() {
  const call = state.call;
  if (!call) return;
  call.setCamera(!call.localTracks().video);
}

// For tests and diagnostics: window.roomgate.stats() resolves to {[sid]: {identity, framesDecoded,
// audioPacketsReceived, connectionState, localCandidateType, remoteCandidateType}} of every other
// participant; participants() is everyone in the room, yourself first; sid() is your participant SID;
// roomType() the room's type. Group rooms: receiving() the SIDs whose tracks the SFU sends us now,
// sections() the m= sections of our subscriber connection, goneAt(sid) when (Date.now()) the server's
// offer that took sid's tracks away arrived, publisherStats() how our camera goes up (target bitrate,
// picture, what limits it). stats() also gives each remote video's frameWidth, frameHeight and
// videoBytesReceived.
window.roomgate = {
  stats: async () => (state.call ? state.call.stats() : {}),
  participants: () => (state.call ? state.call.participants() : []),
  sid: () => state.call?.self?.sid ?? null,
  roomType: () => state.call?.room?.type ?? null,
  receiving: () => state.call?.sfu?.receiving() ?? null,
  sections: () => state.call?.sfu?.subscriber?.getTransceivers().length ?? null,
  goneAt: (sid) => state.call?.sfu?.gone.get(sid) ?? null,
  publisherStats: async () => (await state.call?.sfu?.publisherStats()) ?? null,
  iceTransportPolicy: () => state.call?.rtcConfig.iceTransportPolicy ?? null,
};

// ---- camera preview -----------------------------------------------------------------------------

function setCamera(mode, note = '') {
  ui.previewFrame.dataset.camera = mode; // starting | live | off
  ui.cameraNote.textContent = note;
  ui.cameraStart.hidden = mode !== 'off';
}

// Every other participant gets their own copy of the picture (a mesh), so it is kept modest.
const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } };

async function openCamera() {
  try {
    return await navigator.mediaDevices.getUserMedia({ video: VIDEO, audio: true });
  } catch (error) {
    // No microphone (or it is busy): a picture alone is still worth showing.
    if (['NotFoundError', 'NotReadableError', 'OverconstrainedError'].includes(error.name)) {
      return navigator.mediaDevices.getUserMedia({ video: VIDEO });
    }
    throw error;
  }
}

function cameraProblem(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access is blocked. You can still join; allow the camera and press Start camera to see yourself.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera found. You can still join without one.';
    case 'NotReadableError':
      return 'Your camera is in use by another app. Close it and press Start camera.';
    default:
      return 'The camera could not start. You can still join.';
  }
}

function startCamera() {
  state.cameraReady = openPreview();
  return state.cameraReady;
}

async function openPreview() {
  if (!navigator.mediaDevices?.getUserMedia) {
    setCamera('off', 'This browser cannot show a camera here (it needs a secure https connection). You can still join.');
    ui.cameraStart.hidden = true;
    return;
  }
  setCamera('starting', 'Starting your camera…');
  try {
    const stream = await openCamera();
    stopCamera();
    state.localStream = stream;
    ui.preview.srcObject = stream;
    setCamera('live');
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => setCamera('off', 'The camera stopped. Press Start camera to turn it back on.'));
    }
  } catch (error) {
    setCamera('off', cameraProblem(error));
  }
}

function stopCamera() {
  if (!state.localStream) return;
  for (const track of state.localStream.getTracks()) track.stop();
  state.localStream = null;
  ui.preview.srcObject = null;
}

// ---- start --------------------------------------------------------------------------------------

function init() {
  ui.nameForm.addEventListener('submit', submitName);
  ui.codeForm.addEventListener('submit', submitCode);
  ui.changeName.addEventListener('click', () => goToNameStep());
  ui.resend.addEventListener('click', () => goToNameStep());
  ui.leave.addEventListener('click', leaveCall);
  ui.rejoin.addEventListener('click', () => {
    clearError();
    startCall();
  });
  ui.toggleMic.addEventListener('click', toggleMicrophone);
  ui.toggleCamera.addEventListener('click', toggleCamera);
  // Closing the tab says goodbye, so the others see "left" at once rather than a lost connection.
  window.addEventListener('pagehide', () => state.call?.leave());
  ui.cameraStart.addEventListener('click', startCamera);
  ui.nameInput.addEventListener('input', () => ui.nameInput.removeAttribute('aria-invalid'));
  ui.codeInput.addEventListener('input', () => ui.codeInput.removeAttribute('aria-invalid'));
  showStep('name');
  startCamera(); // not awaited: the camera never holds up signing in
}

init();
