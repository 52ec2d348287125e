// What both kinds of call (call.js: roomgate's rooms; twilio-call.js: Twilio Video) share: the local
// camera and microphone as they report them, and ending once, telling the page why.
// A subclass sets `localStream` and implements teardown().
export class CallBase {
  constructor({ localStream, view, events }) {
    this.localStream = localStream;
    this.view = view;
    this.events = events;
    this.over = false; // true once left or ended
  }

  // Which devices the stream has at all: {audio, video} booleans.
  localAvailability() {
    return {
      audio: (this.localStream?.getAudioTracks().length ?? 0) > 0,
      video: (this.localStream?.getVideoTracks().length ?? 0) > 0,
    };
  }

  // Whether the microphone and camera are on, as told to the others: {audio, video} booleans.
  localTracks() {
    const on = (tracks) => tracks.some((t) => t.enabled && t.readyState === 'live');
    return { audio: on(this.localStream?.getAudioTracks() ?? []), video: on(this.localStream?.getVideoTracks() ?? []) };
  }

  // Ends by refusal, failure or lost connection (not by leave()): events.onEnd({code, message}), once.
  end(end) {
    if (this.over) return;
    this.teardown();
    this.events.onEnd?.(end);
  }
}
