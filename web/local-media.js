// The local camera and microphone as both kinds of call (call.js, twilio-call.js) report them.

// Which devices the stream has at all: {audio, video} booleans.
export function availability(stream) {
  return {
    audio: (stream?.getAudioTracks().length ?? 0) > 0,
    video: (stream?.getVideoTracks().length ?? 0) > 0,
  };
}

// Whether the microphone and camera are on, as told to the others: {audio, video} booleans.
export function trackStates(stream) {
  const on = (tracks) => tracks.some((t) => t.enabled && t.readyState === 'live');
  return { audio: on(stream?.getAudioTracks() ?? []), video: on(stream?.getVideoTracks() ?? []) };
}
