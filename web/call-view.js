// What the call looks like: one tile per participant in a grid, the count line, the controls.
// State is shown with attributes (data-*, hidden) and styled in style.css: the CSP allows no inline style.

const byId = (id) => document.getElementById(id);

const CHANNEL_NAMES = { sms: 'SMS', call: 'phone call', voice: 'phone call', email: 'e-mail', whatsapp: 'WhatsApp' };

// "✓ SMS to ••21", "✓ e-mail to m•••@e•••.com": how the participant proved who they are.
export function verifiedText(verified) {
  if (!verified?.channel) return '';
  const how = CHANNEL_NAMES[verified.channel] ?? verified.channel;
  return verified.to ? `✓ ${how} to ${verified.to}` : `✓ ${how}`;
}

// "mabel" -> "M", "Zoë Ångström" -> "ZÅ": shown instead of a black picture when the camera is off.
export function initials(identity) {
  const words = String(identity ?? '').trim().split(/[\s._-]+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const first = (word) => Array.from(word)[0] ?? '';
  const letters = words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0]);
  return letters.toLocaleUpperCase();
}

// One of 8 avatar colours (style.css), the same for a name everywhere.
function hue(identity) {
  let h = 0;
  for (const ch of String(identity ?? '')) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return String(h % 8);
}

// Columns of the grid for n tiles: as large as possible while all fit on a laptop screen.
function columnsFor(n) {
  if (n <= 1) return 1;
  if (n <= 4) return 2;
  if (n <= 9) return 3;
  return 4;
}

export function countText(n) {
  return n === 1 ? '1 participant online.' : `${n} participants online.`;
}

export class CallView {
  constructor() {
    this.section = byId('call');
    this.grid = byId('tiles');
    this.template = byId('tile-template');
    this.count = byId('call-count');
    this.notice = byId('call-notice');
    this.mic = byId('toggle-mic');
    this.camera = byId('toggle-camera');
    this.rejoin = byId('rejoin');
    this.tiles = new Map(); // sid -> {element, video}
  }

  reset() {
    for (const tile of this.tiles.values()) detachVideo(tile.video);
    this.tiles.clear();
    this.grid.replaceChildren();
    this.layout();
    this.count.textContent = '';
    this.notice.textContent = '';
  }

  // Shown while the call runs (true) or after it ended by refusal or lost connection (false).
  setLive(live) {
    this.section.dataset.live = String(live);
    this.mic.hidden = !live;
    this.camera.hidden = !live;
    this.rejoin.hidden = live;
  }

  setNotice(text) {
    this.notice.textContent = text;
  }

  setCount(n) {
    this.count.textContent = n > 0 ? countText(n) : '';
  }

  // The buttons show what a press does: "Mute" while the microphone is on, "Unmute" while off.
  setControls(tracks, available) {
    setToggle(this.mic, tracks.audio, available.audio, 'Mute', 'Unmute', 'No microphone');
    setToggle(this.camera, tracks.video, available.video, 'Stop video', 'Start video', 'No camera');
  }

  // Adds the tile of participant `info` ({sid, identity, verified, tracks, local}) or updates it.
  upsertTile(info) {
    let tile = this.tiles.get(info.sid);
    if (!tile) {
      const element = this.template.content.firstElementChild.cloneNode(true);
      const video = element.querySelector('video');
      tile = { element, video };
      element.dataset.sid = info.sid;
      const showPicture = () => {
        element.dataset.picture = String(video.videoWidth > 0);
      };
      video.addEventListener('loadedmetadata', showPicture);
      video.addEventListener('resize', showPicture);
      video.addEventListener('emptied', showPicture);
      this.tiles.set(info.sid, tile);
      // Yourself first, the others in the order they came.
      if (info.local) this.grid.prepend(element);
      else this.grid.append(element);
      this.layout();
    }
    const { element, video } = tile;
    if (info.local !== undefined) {
      element.dataset.local = String(Boolean(info.local));
      video.muted = Boolean(info.local); // never play yourself back
      if (info.local) element.dataset.connection = 'connected';
    }
    if (info.identity !== undefined && info.identity !== '') {
      const identity = String(info.identity);
      element.querySelector('.tile-name').textContent = element.dataset.local === 'true' ? `${identity} (you)` : identity;
      element.querySelector('.tile-initials').textContent = initials(identity);
      element.querySelector('.tile-avatar').dataset.hue = hue(identity);
      element.dataset.identity = identity;
    }
    if (info.verified !== undefined) {
      const badge = element.querySelector('.tile-verified');
      badge.textContent = verifiedText(info.verified);
      badge.hidden = badge.textContent === '';
    }
    if (info.tracks) this.setTracks(info.sid, info.tracks);
  }

  setStream(sid, stream) {
    const tile = this.tiles.get(sid);
    if (!tile) return;
    if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
    // Autoplay can be refused until the page has had a click; the guest has typed and pressed
    // Enter by now, and a refused play only means a still picture: nothing to tell.
    tile.video.play().catch(() => {});
  }

  setTracks(sid, tracks) {
    const tile = this.tiles.get(sid);
    if (!tile) return;
    const { element } = tile;
    element.dataset.audio = tracks.audio === false ? 'off' : 'on';
    element.dataset.video = tracks.video === false ? 'off' : 'on';
    element.querySelector('.tile-mic-off').hidden = tracks.audio !== false;
    element.querySelector('.tile-camera-off').hidden = tracks.video !== false;
  }

  setConnection(sid, state) {
    const tile = this.tiles.get(sid);
    if (!tile || tile.element.dataset.local === 'true') return;
    tile.element.dataset.connection = state;
    const text = {
      new: 'Connecting…',
      connecting: 'Connecting…',
      disconnected: 'Connection interrupted…',
      failed: 'Could not connect to them.',
    }[state];
    tile.element.querySelector('.tile-state').textContent = text ?? '';
  }

  removeTile(sid) {
    const tile = this.tiles.get(sid);
    if (!tile) return;
    detachVideo(tile.video);
    tile.element.remove();
    this.tiles.delete(sid);
    this.layout();
  }

  layout() {
    const n = this.tiles.size;
    this.grid.dataset.count = String(n);
    this.grid.dataset.cols = String(columnsFor(n));
  }
}

function setToggle(button, on, available, labelOn, labelOff, labelMissing) {
  button.dataset.on = String(on);
  button.disabled = !available;
  button.querySelector('.control-label').textContent = !available ? labelMissing : on ? labelOn : labelOff;
}

function detachVideo(video) {
  video.pause();
  video.srcObject = null;
}
