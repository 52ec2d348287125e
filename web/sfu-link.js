// A call in a group room: two RTCPeerConnections to roomgate's SFU (docs/SIGNALING.md, "Group rooms").
//   publisher   our offer (sendonly): the camera and microphone go up once, whoever is in the room
//   subscriber  the server's offers (we answer recvonly): everyone else's tracks come down; the server
//               renegotiates it as people come and go, so offers never collide
// A remote track's stream id (a=msid) is its publisher's participant SID, so it lands in their tile.
// Standard WebRTC only, so Chromium and Firefox behave the same.
import { addCandidateTypes, addInbound, outboundVideo } from './rtc-stats.js';

export class SfuLink {
  constructor(call) {
    this.call = call;
    this.publisher = null;
    this.subscriber = null;
    this.connection = 0; // the subscriber connection the server's offers are for
    this.streams = new Map(); // participant SID -> MediaStream of theirs
    this.owners = new Map(); // subscriber transceiver mid -> the participant SID its track is of
    this.gone = new Map(); // participant SID -> when (Date.now()) the offer that took their tracks away arrived
    this.queue = Promise.resolve();
    this.closed = false;
  }

  // Signaling steps run one at a time, in order; a failure is logged and the next one still runs.
  enqueue(task) {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : task()))
      .catch((error) => {
        if (!this.closed) console.warn('roomgate: group call:', error);
      });
    return this.queue;
  }

  // Offers our camera and microphone (again, on a new connection: after a resume or a lost one).
  publish() {
    return this.enqueue(async () => {
      this.publisher?.close();
      this.publisher = null;
      const stream = this.call.localStream;
      const tracks = stream?.getTracks() ?? [];
      if (tracks.length === 0) return; // nothing to send; we still receive
      const pc = new RTCPeerConnection(this.call.rtcConfig);
      this.publisher = pc;
      for (const track of tracks) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      await pc.setLocalDescription();
      this.call.signaling.send({ type: 'publish', sdp: pc.localDescription.sdp });
    });
  }

  handle(message) {
    switch (message.type) {
      case 'publishAnswer':
        return this.enqueue(async () => {
          if (this.publisher?.signalingState === 'have-local-offer') {
            await this.publisher.setRemoteDescription({ type: 'answer', sdp: message.sdp });
          }
        });
      case 'subscribeOffer': {
        const arrived = Date.now();
        return this.enqueue(async () => {
          if (!this.subscriber || message.connection !== this.connection) this.newSubscriber(message.connection);
          const pc = this.subscriber;
          const before = this.receiving();
          await pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
          await pc.setLocalDescription();
          this.call.signaling.send({ type: 'subscribeAnswer', sdp: pc.localDescription.sdp });
          const now = this.receiving();
          for (const sid of before) if (!now.includes(sid)) this.gone.set(sid, arrived);
        });
      }
      case 'mediaClosed':
        // The server's side of a connection is gone: publish again; for the subscriber a new offer follows.
        if (message.role === 'publisher') return this.publish();
        return undefined;
      default:
        return undefined;
    }
  }

  newSubscriber(connection) {
    this.subscriber?.close();
    this.connection = connection;
    const pc = new RTCPeerConnection(this.call.rtcConfig);
    this.subscriber = pc;
    this.owners.clear();
    pc.ontrack = (event) => {
      const stream = event.streams[0];
      if (!stream) return;
      // A section reused for another participant's track fires ontrack again, with their stream.
      if (event.transceiver?.mid != null) this.owners.set(event.transceiver.mid, stream.id);
      this.streams.set(stream.id, stream);
      this.call.view.setStream(stream.id, stream);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.subscriber) return;
      for (const sid of this.call.peers.keys()) this.call.view.setConnection(sid, pc.connectionState);
    };
  }

  // A participant joined: their tile shows how our subscriber connection goes.
  attach(sid) {
    this.call.view.setConnection(sid, this.subscriber?.connectionState ?? 'new');
    const stream = this.streams.get(sid);
    if (stream) this.call.view.setStream(sid, stream);
  }

  forget(sid) {
    this.streams.delete(sid);
  }

  // The participant SIDs whose tracks the server's last offer that we answered sends us (a=msid).
  receiving() {
    return [...new Set(this.receivers().map(({ sid }) => sid))];
  }

  // The subscriber connection's receivers that carry a track now, with whose it is.
  receivers() {
    return (this.subscriber?.getTransceivers() ?? [])
      .filter((t) => t.currentDirection === 'recvonly' && this.owners.has(t.mid))
      .map((t) => ({ sid: this.owners.get(t.mid), receiver: t.receiver }));
  }

  // What has arrived from participant `sid`, as Call.stats() reports it for a mesh peer.
  async stats(sid) {
    const pc = this.subscriber;
    const out = { framesDecoded: 0, audioPacketsReceived: 0, connectionState: pc?.connectionState ?? 'new' };
    if (!pc || this.closed) return out;
    for (const { receiver } of this.receivers().filter((r) => r.sid === sid)) {
      (await receiver.getStats()).forEach((s) => addInbound(out, s));
    }
    addCandidateTypes(out, await pc.getStats());
    return out;
  }

  // How our camera goes up to the server (outboundVideo of the publisher connection), or null.
  async publisherStats() {
    if (!this.publisher || this.closed) return null;
    return outboundVideo(await this.publisher.getStats());
  }

  close() {
    this.closed = true;
    for (const pc of [this.publisher, this.subscriber]) {
      if (!pc) continue;
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.close();
    }
    this.publisher = null;
    this.subscriber = null;
    this.streams.clear();
  }
}
