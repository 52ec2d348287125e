// What the call reports of a peer connection's getStats(), the same for a mesh peer (call.js) and the
// SFU connections (sfu-link.js), in Chromium and Firefox.

// Adds an inbound-rtp report's video frames decoded, picture size and bytes, and audio packets received,
// to `out`.
export function addInbound(out, s) {
  if (s.type !== 'inbound-rtp') return;
  const kind = s.kind ?? s.mediaType;
  if (kind === 'video') {
    out.framesDecoded += s.framesDecoded ?? 0;
    out.videoBytesReceived = (out.videoBytesReceived ?? 0) + (s.bytesReceived ?? 0);
    if (s.frameWidth) out.frameWidth = Math.max(out.frameWidth ?? 0, s.frameWidth);
    if (s.frameHeight) out.frameHeight = Math.max(out.frameHeight ?? 0, s.frameHeight);
  }
  if (kind === 'audio') out.audioPacketsReceived += s.packetsReceived ?? 0;
}

// What a connection that sends our camera says of it: the encoder's target and what limits it, the
// picture sent, bytes sent, and the estimate of the link (Chromium's names; absent fields stay absent).
export function outboundVideo(report) {
  const out = {};
  report.forEach((s) => {
    if (s.type === 'outbound-rtp' && (s.kind ?? s.mediaType) === 'video') {
      out.targetBitrate = (out.targetBitrate ?? 0) + (s.targetBitrate ?? 0);
      out.bytesSent = (out.bytesSent ?? 0) + (s.bytesSent ?? 0);
      if (s.frameWidth) out.frameWidth = Math.max(out.frameWidth ?? 0, s.frameWidth);
      if (s.frameHeight) out.frameHeight = Math.max(out.frameHeight ?? 0, s.frameHeight);
      if (s.qualityLimitationReason) out.qualityLimitationReason = s.qualityLimitationReason;
    }
    if (s.type === 'candidate-pair' && s.availableOutgoingBitrate) out.availableOutgoingBitrate = s.availableOutgoingBitrate;
  });
  return out;
}

// Sets out.localCandidateType / out.remoteCandidateType from the selected candidate pair: Chromium
// names it in its transport stats; Firefox marks it `selected`.
export function addCandidateTypes(out, report) {
  let selectedPairId = null;
  const pairs = [];
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) selectedPairId = s.selectedCandidatePairId;
    else if (s.type === 'candidate-pair') pairs.push(s);
  });
  const pair =
    (selectedPairId && report.get(selectedPairId)) ||
    pairs.find((p) => p.selected) ||
    pairs.find((p) => p.nominated && p.state === 'succeeded');
  if (pair) {
    out.localCandidateType = report.get(pair.localCandidateId)?.candidateType;
    out.remoteCandidateType = report.get(pair.remoteCandidateId)?.candidateType;
  }
}
