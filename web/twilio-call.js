// A call in a Twilio Video room (ROOMGATE_VIDEO=twilio), through the official twilio-video SDK, which
// roomgate serves itself at /vendor/twilio-video.min.js (copied from the npm package at build time; no
// CDN). Same interface as Call (call.js), so the page, its tiles and its controls are the same.
import { CallBase } from './call-base.js';

export const SDK_URL = '/vendor/twilio-video.min.js';

let loading = null;

// twilio-video 2.x builds one helper with `new Function("url", "return import(url);")` while it loads,
// which the page's Content-Security-Policy (no 'unsafe-eval') refuses, and the SDK then does not start.
// While the script runs, that one call gets the same helper written here; every other use of Function
// is passed through, and Function is restored once the script has run. The CSP stays strict.
function whileSdkLoads() {
  const RealFunction = window.Function;
  function SdkFunction(...args) {
    if (args.length === 2 && args[0] === 'url' && args[1] === 'return import(url);') return (url) => import(url);
    return RealFunction(...args);
  }
  SdkFunction.prototype = RealFunction.prototype;
  window.Function = SdkFunction;
  return () => {
    window.Function = RealFunction;
  };
}

// Resolves to the SDK's `Twilio.Video`, loading the script once.
export function loadTwilioVideo() {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = SDK_URL;
    script.async = true;
    const restore = whileSdkLoads();
    script.addEventListener('load', () => {
      restore();
      if (window.Twilio?.Video?.connect) resolve(window.Twilio.Video);
      else reject(new Error('the Twilio Video SDK did not start'));
    });
    script.addEventListener('error', () => {
      restore();
      reject(new Error('the Twilio Video SDK could not be loaded from this server'));
    });
    document.head.append(script);
  });
  loading.catch(() => {
    loading = null; // a later try loads it again
  });
  return loading;
}

// What the guest reads when Twilio cannot be reached or refuses the pass.
function failureMessage(error) {
  const code = error?.code ? ` (Twilio error ${error.code})` : '';
  const what = error?.message ? `: ${error.message}` : '';
  return `Could not connect to Twilio Video${what}${code}. Check your connection and join again; if it keeps failing, ask the host.`;
}

/**
 * `view` is a CallView. `events.onEnd({code, message})` is called once when the call ends by failure or
 * lost connection (not after leave()).
 */
export class TwilioCall extends CallBase {
  constructor({ token, room, localStream, view, events }) {
    super({ localStream, view, events });
    this.token = token;
    this.roomName = room;
    this.self = null; // {sid, identity, tracks}
    this.room = null; // the SDK's Room once connected
    this.rtcConfig = { iceServers: [], iceTransportPolicy: 'all' }; // Twilio chooses its own
    this.remote = new Map(); // sid -> {info, stream}
  }

  start() {
    this.view.reset();
    this.view.setControls(this.localTracks(), this.localAvailability());
    this.view.setNotice('Connecting to Twilio Video…');
    this.connect();
  }

  async connect() {
    try {
      const Video = await loadTwilioVideo();
      if (this.over) return;
      const room = await Video.connect(this.token, {
        name: this.roomName,
        tracks: this.localStream?.getTracks() ?? [],
      });
      if (this.over) {
        room.disconnect();
        return;
      }
      this.joined(room);
    } catch (error) {
      this.end({ code: 'twilio_unreachable', message: failureMessage(error) });
    }
  }

  joined(room) {
    this.room = room;
    const me = room.localParticipant;
    this.self = { sid: me.sid, identity: me.identity, tracks: this.localTracks() };
    this.view.setNotice('');
    this.view.upsertTile({ ...this.self, local: true });
    if (this.localStream) this.view.setStream(this.self.sid, this.localStream);
    room.participants.forEach((p) => this.addParticipant(p));
    room.on('participantConnected', (p) => this.addParticipant(p));
    room.on('participantDisconnected', (p) => this.dropParticipant(p.sid));
    room.on('reconnecting', () => this.view.setNotice('Reconnecting…'));
    room.on('reconnected', () => this.view.setNotice(''));
    room.on('disconnected', (_, error) => {
      if (error) this.end({ code: 'connection_lost', message: failureMessage(error) });
    });
    this.updateCount();
  }

  addParticipant(p) {
    const entry = { info: { sid: p.sid, identity: p.identity, tracks: { audio: true, video: true } }, stream: new MediaStream() };
    this.remote.set(p.sid, entry);
    this.view.upsertTile(entry.info);
    this.view.setConnection(p.sid, 'connected');
    const show = () => this.view.setStream(p.sid, entry.stream);
    p.on('trackSubscribed', (track) => {
      entry.stream.addTrack(track.mediaStreamTrack);
      show();
    });
    p.on('trackUnsubscribed', (track) => entry.stream.removeTrack(track.mediaStreamTrack));
    for (const [event, on] of [['trackEnabled', true], ['trackDisabled', false]]) {
      p.on(event, (publication) => {
        entry.info.tracks = { ...entry.info.tracks, [publication.kind]: on };
        this.view.setTracks(p.sid, entry.info.tracks);
      });
    }
    this.updateCount();
  }

  dropParticipant(sid) {
    if (!this.remote.delete(sid)) return;
    this.view.removeTile(sid);
    this.updateCount();
  }

  updateCount() {
    this.view.setCount(this.self ? this.remote.size + 1 : 0);
  }

  // ---- local media ------------------------------------------------------------------------------

  setMicrophone(on) {
    this.setKind('audio', on);
  }

  setCamera(on) {
    this.setKind('video', on);
  }

  setKind(kind, on) {
    for (const track of this.localStream?.getTracks() ?? []) if (track.kind === kind) track.enabled = on;
    const publications = this.room?.localParticipant[`${kind}Tracks`];
    publications?.forEach((pub) => (on ? pub.track.enable() : pub.track.disable()));
    const tracks = this.localTracks();
    this.view.setControls(tracks, this.localAvailability());
    if (this.self) this.view.setTracks(this.self.sid, tracks);
  }

  // ---- the end ----------------------------------------------------------------------------------

  leave() {
    if (!this.over) this.teardown();
  }

  teardown() {
    this.over = true;
    this.room?.disconnect();
    this.room = null;
    for (const sid of [...this.remote.keys()]) this.dropParticipant(sid);
    this.view.reset();
  }

  // ---- for tests and diagnostics ----------------------------------------------------------------

  participants() {
    if (!this.self || this.over) return [];
    return [{ ...this.self, local: true }, ...[...this.remote.values()].map((r) => ({ ...r.info, local: false }))];
  }

  async stats() {
    return {};
  }
}
