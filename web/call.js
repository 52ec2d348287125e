// A call in a roomgate room, through the signaling connection.
//   peer-to-peer rooms: a mesh of RTCPeerConnections, one per other participant. The newcomer offers to
//                       everyone already there; the others answer.
//   group rooms:        two connections to the server's SFU (sfu-link.js), whoever is in the room.
// Standard WebRTC only (addTrack, ontrack, onicecandidate, setLocalDescription() without arguments),
// so Chromium and Firefox behave the same.
import { CallBase } from './call-base.js';
import { addCandidateTypes, addInbound } from './rtc-stats.js';
import { SfuLink } from './sfu-link.js';
import { Signaling } from './signaling.js';

/**
 * `view` is a CallView (call-view.js). `events.onEnd({code, message})` is called once when the call
 * is over by refusal or lost connection (not after leave()).
 */
export class Call extends CallBase {
  constructor({ token, localStream, view, events }) {
    super({ localStream, view, events });
    this.token = token;
    this.self = null; // {sid, identity, verified, tracks}
    this.room = null;
    this.rtcConfig = { iceServers: [], iceTransportPolicy: 'all' };
    this.peers = new Map(); // sid -> Peer (mesh) or RemoteParticipant (group room)
    this.sfu = null; // the SfuLink in a group room
    this.signaling = new Signaling({
      token,
      events: {
        onJoined: (message, { resumed }) => this.onJoined(message, resumed),
        onMessage: (message) => this.onMessage(message),
        onReconnecting: () => this.view.setNotice('Reconnecting…'),
        onEnd: (end) => this.end(end),
      },
    });
  }

  start() {
    this.view.reset();
    this.view.setControls(this.localTracks(), this.localAvailability());
    this.view.setNotice('Connecting…');
    this.signaling.start();
  }

  // ---- local media ------------------------------------------------------------------------------

  setMicrophone(on) {
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = on;
    this.tracksChanged();
  }

  setCamera(on) {
    for (const track of this.localStream?.getVideoTracks() ?? []) track.enabled = on;
    this.tracksChanged();
  }

  tracksChanged() {
    const tracks = this.localTracks();
    this.view.setControls(tracks, this.localAvailability());
    if (!this.self) return;
    this.self.tracks = tracks;
    this.view.setTracks(this.self.sid, tracks);
    this.signaling.send({ type: 'tracks', ...tracks });
  }

  // ---- the server's messages --------------------------------------------------------------------

  onJoined(message, resumed) {
    const previous = this.self;
    this.room = message.room ?? null;
    this.rtcConfig = {
      iceServers: Array.isArray(message.iceServers) ? message.iceServers : [],
      iceTransportPolicy: message.iceTransportPolicy === 'relay' ? 'relay' : 'all',
    };
    this.self = { ...message.participant, tracks: this.localTracks() };
    this.view.setNotice('');

    if (this.room?.type === 'group') {
      // The server tore our media down when the connection broke: start both connections afresh.
      for (const sid of [...this.peers.keys()]) this.dropPeer(sid);
      if (previous && previous.sid !== this.self.sid) this.view.removeTile(previous.sid);
      this.sfu?.close();
      this.sfu = new SfuLink(this);
      this.view.upsertTile({ ...this.self, local: true });
      if (this.localStream) this.view.setStream(this.self.sid, this.localStream);
      for (const p of message.participants ?? []) this.addPeer(p);
      this.sfu.publish();
    } else if (resumed && previous) {
      // The server kept us: keep every peer connection that is still in the room, offer to anyone
      // who came while we were away (their offer to us may have been lost), drop who left.
      const present = new Map((message.participants ?? []).map((p) => [p.sid, p]));
      for (const sid of [...this.peers.keys()]) if (!present.has(sid)) this.dropPeer(sid);
      for (const p of present.values()) {
        const peer = this.peers.get(p.sid);
        if (peer) {
          peer.info = { ...peer.info, ...p };
          this.view.upsertTile(peer.info);
        } else {
          this.addPeer(p).offer();
        }
      }
    } else {
      // A new participant (first join, or the server did not keep us): start the mesh afresh.
      for (const sid of [...this.peers.keys()]) this.dropPeer(sid);
      if (previous) this.view.removeTile(previous.sid);
      this.view.upsertTile({ ...this.self, local: true });
      if (this.localStream) this.view.setStream(this.self.sid, this.localStream);
      for (const p of message.participants ?? []) this.addPeer(p).offer();
    }
    this.view.upsertTile({ ...this.self, local: true });
    this.view.setTracks(this.self.sid, this.self.tracks);
    this.updateCount();

    // The server assumes microphone and camera on; say so if not (no camera, or toggled meanwhile).
    const told = message.participant?.tracks ?? {};
    if (told.audio !== this.self.tracks.audio || told.video !== this.self.tracks.video) {
      this.signaling.send({ type: 'tracks', ...this.self.tracks });
    }
  }

  onMessage(message) {
    switch (message.type) {
      case 'participantConnected': {
        const p = message.participant;
        if (!p?.sid || p.sid === this.self?.sid) return;
        const peer = this.peers.get(p.sid) ?? this.addPeer(p); // they will offer to us
        peer.info = { ...peer.info, ...p };
        this.view.upsertTile(peer.info);
        this.updateCount();
        break;
      }
      case 'participantDisconnected':
        this.dropPeer(message.participant?.sid);
        this.updateCount();
        break;
      case 'publishAnswer':
      case 'subscribeOffer':
      case 'mediaClosed':
        this.sfu?.handle(message);
        break;
      case 'signal': {
        if (this.sfu || !message.from || message.from === this.self?.sid) return;
        const peer = this.peers.get(message.from) ?? this.addPeer({ sid: message.from, identity: '' });
        peer.handle(message.signal ?? {});
        break;
      }
      case 'tracksChanged': {
        const peer = this.peers.get(message.sid);
        if (!peer || !message.tracks) return;
        peer.info.tracks = { ...message.tracks };
        this.view.setTracks(message.sid, peer.info.tracks);
        break;
      }
      default:
        break; // unknown messages are ignored, so the server can add some
    }
  }

  addPeer(info) {
    const full = { tracks: { audio: true, video: true }, ...info };
    const peer = this.sfu ? new RemoteParticipant(this, full) : new Peer(this, full);
    this.peers.set(info.sid, peer);
    this.view.upsertTile(peer.info);
    this.sfu?.attach(info.sid);
    return peer;
  }

  dropPeer(sid) {
    const peer = this.peers.get(sid);
    if (!peer) return;
    peer.close();
    this.sfu?.forget(sid);
    this.peers.delete(sid);
    this.view.removeTile(sid);
  }

  updateCount() {
    this.view.setCount(this.self ? this.peers.size + 1 : 0);
  }

  sendSignal(to, signal) {
    this.signaling.send({ type: 'signal', to, signal });
  }

  // ---- the end ----------------------------------------------------------------------------------

  leave() {
    if (this.over) return;
    this.signaling.leave();
    this.teardown();
  }

  teardown() {
    this.over = true;
    this.signaling.stop();
    for (const sid of [...this.peers.keys()]) this.dropPeer(sid);
    this.sfu?.close();
    this.sfu = null;
    this.view.reset();
  }

  // ---- for tests and diagnostics ----------------------------------------------------------------

  // Everyone in the room, yourself first: [{sid, identity, verified, tracks, local}].
  participants() {
    if (!this.self || this.over) return [];
    return [
      { ...this.self, local: true },
      ...[...this.peers.values()].map((peer) => ({ ...peer.info, local: false })),
    ];
  }

  // Per other participant: what has arrived from them, and how the connection goes.
  async stats() {
    const result = {};
    await Promise.all(
      [...this.peers.values()].map(async (peer) => {
        result[peer.info.sid] = { identity: peer.info.identity, ...(await peer.stats()) };
      }),
    );
    return result;
  }
}

// Another participant of a group room: their media comes through the SfuLink, so there is no connection
// of theirs to manage here.
class RemoteParticipant {
  constructor(call, info) {
    this.call = call;
    this.info = info;
  }

  offer() {} // the server offers (sfu-link.js)

  stats() {
    return this.call.sfu?.stats(this.info.sid) ?? Promise.resolve({ framesDecoded: 0, audioPacketsReceived: 0 });
  }

  close() {}
}

// One RTCPeerConnection to one other participant. Signals are handled one at a time, in order.
class Peer {
  constructor(call, info) {
    this.call = call;
    this.info = info;
    this.stream = new MediaStream();
    this.pendingCandidates = [];
    this.queue = Promise.resolve();
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.closed = false;

    const pc = new RTCPeerConnection(call.rtcConfig);
    this.pc = pc;
    pc.ontrack = (event) => {
      if (!this.stream.getTracks().includes(event.track)) this.stream.addTrack(event.track);
      call.view.setStream(info.sid, this.stream);
    };
    pc.onicecandidate = (event) => {
      if (event.candidate) call.sendSignal(info.sid, { candidate: event.candidate.toJSON() });
    };
    pc.onconnectionstatechange = () => {
      call.view.setConnection(info.sid, pc.connectionState);
      // A path that broke (a network change) is looked for anew, by one side only.
      if (pc.connectionState === 'failed' && !this.polite) {
        pc.restartIce();
        this.offer();
      }
    };
    call.view.setConnection(info.sid, 'new');
  }

  // In an offer collision (both sides offering at once, e.g. after a reconnect) the participant
  // with the smaller SID gives way.
  get polite() {
    return (this.call.self?.sid ?? '') < this.info.sid;
  }

  // Sends our camera and microphone, once. An answering side reuses the offered transceivers.
  addLocalTracks({ receiveMissing }) {
    if (this.tracksAdded) return;
    this.tracksAdded = true;
    const stream = this.call.localStream;
    const kinds = new Set();
    for (const track of stream?.getTracks() ?? []) {
      this.pc.addTrack(track, stream);
      kinds.add(track.kind);
    }
    if (receiveMissing) {
      for (const kind of ['audio', 'video']) {
        if (!kinds.has(kind)) this.pc.addTransceiver(kind, { direction: 'recvonly' });
      }
    }
  }

  enqueue(task) {
    this.queue = this.queue.then(() => (this.closed ? undefined : task())).catch((error) => {
      if (!this.closed) console.warn(`roomgate: connection to ${this.info.identity || this.info.sid}:`, error);
    });
    return this.queue;
  }

  offer() {
    return this.enqueue(async () => {
      this.addLocalTracks({ receiveMissing: true });
      this.makingOffer = true;
      try {
        await this.pc.setLocalDescription();
        this.call.sendSignal(this.info.sid, { description: descriptionJson(this.pc.localDescription) });
      } finally {
        this.makingOffer = false;
      }
    });
  }

  handle(signal) {
    return this.enqueue(async () => {
      const pc = this.pc;
      if (signal.description) {
        const description = signal.description;
        const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
        this.ignoreOffer = collision && !this.polite;
        if (this.ignoreOffer) return;
        if (collision) await pc.setLocalDescription({ type: 'rollback' });
        await pc.setRemoteDescription(description);
        for (const candidate of this.pendingCandidates.splice(0)) await this.addCandidate(candidate);
        if (description.type === 'offer') {
          this.addLocalTracks({ receiveMissing: false });
          await pc.setLocalDescription();
          this.call.sendSignal(this.info.sid, { description: descriptionJson(pc.localDescription) });
        }
      } else if (signal.candidate) {
        if (!pc.remoteDescription) this.pendingCandidates.push(signal.candidate);
        else await this.addCandidate(signal.candidate);
      }
    });
  }

  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      if (!this.ignoreOffer) throw error; // candidates of an offer we ignored are expected to fail
    }
  }

  async stats() {
    const out = { framesDecoded: 0, audioPacketsReceived: 0, connectionState: this.pc.connectionState };
    if (this.closed) return out;
    const report = await this.pc.getStats();
    report.forEach((s) => addInbound(out, s));
    addCandidateTypes(out, report);
    return out;
  }

  close() {
    this.closed = true;
    this.pc.ontrack = null;
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    for (const track of this.stream.getTracks()) track.stop();
  }
}

// {type, sdp} of an RTCSessionDescription, as plain JSON in every browser.
function descriptionJson(description) {
  return { type: description.type, sdp: description.sdp };
}
