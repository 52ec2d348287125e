// What the call reports of a peer connection's getStats(), the same for a mesh peer (call.js) and the
// SFU connections (sfu-link.js), in Chromium and Firefox.

// Adds an inbound-rtp report's video frames decoded and audio packets received to `out`.
export function addInbound(out, s) {
  if (s.type !== 'inbound-rtp') return;
  const kind = s.kind ?? s.mediaType;
  if (kind === 'video') out.framesDecoded += s.framesDecoded ?? 0;
  if (kind === 'audio') out.audioPacketsReceived += s.packetsReceived ?? 0;
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
