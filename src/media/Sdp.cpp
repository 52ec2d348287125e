#include "media/Sdp.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include "common/Text.hpp"

namespace roomgate::media::sdp {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// A reason a line is refused (completed into "line N ... : <reason>."), or nullopt if it is fine.
using Problem = std::optional<std::string>;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits at the first run of spaces: {"a", "b c"} for "a  b c"; the rest has no leading spaces.
std::pair<std::string_view, std::string_view> splitFirst(std::string_view s) {
  const auto end = s.find_first_of(" \t");
  if (end == std::string_view::npos) return {s, {}};
  std::string_view rest = s.substr(end);
  while (!rest.empty() && isSpace(rest.front())) rest.remove_prefix(1);
  return {s.substr(0, end), rest};
}

// The space-separated tokens of `s` (runs of spaces count as one separator).
std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto [first, rest] = splitFirst(trimSpaces(s));
    if (!first.empty()) out.push_back(first);
    s = rest;
  }
  return out;
}

// A decimal number of type T no larger than `max`: digits only, no sign, no overflow.
template <typename T>
std::optional<T> parseNumber(std::string_view s, T max = std::numeric_limits<T>::max()) {
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || value > max) return std::nullopt;
  return value;
}

// The SDP spelling of each enum value, both ways.
template <typename Enum, std::size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;
constexpr Names<MediaKind, 3> kKindNames = {
    {{MediaKind::kAudio, "audio"}, {MediaKind::kVideo, "video"}, {MediaKind::kApplication, "application"}}};
constexpr Names<Direction, 4> kDirectionNames = {{{Direction::kSendRecv, "sendrecv"},
                                                  {Direction::kSendOnly, "sendonly"},
                                                  {Direction::kRecvOnly, "recvonly"},
                                                  {Direction::kInactive, "inactive"}}};
constexpr Names<Setup, 4> kSetupNames = {{{Setup::kActpass, "actpass"},
                                          {Setup::kActive, "active"},
                                          {Setup::kPassive, "passive"},
                                          {Setup::kHoldconn, "holdconn"}}};

template <typename Enum, std::size_t N>
std::string_view nameOf(const Names<Enum, N>& names, Enum value) {
  for (const auto& [e, name] : names)
    if (e == value) return name;
  return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const Names<Enum, N>& names, std::string_view name) {
  for (const auto& [e, n] : names)
    if (n == name) return e;
  return std::nullopt;
}

std::optional<Direction> directionFrom(std::string_view s) {
  return valueOf(kDirectionNames, s);
}

bool isRtpProtocol(std::string_view protocol) {
  return protocol.find("RTP/") != std::string_view::npos;
}

std::string outOfRange(std::string_view what, std::string_view value, unsigned min, unsigned max) {
  return std::string(what) + " " + quoteForMessage(value) + " is not a number from " + std::to_string(min) +
         " to " + std::to_string(max);
}

// Sets an attribute that may appear once.
Problem setOnce(std::optional<std::string>& field, std::string_view name, std::string_view value) {
  if (field) return "a=" + std::string(name) + " is given twice";
  if (value.empty()) return "a=" + std::string(name) + " needs a value";
  field = std::string(value);
  return std::nullopt;
}

// Sets a flag attribute (one without a value); repeating it changes nothing.
Problem setFlag(bool& field, std::string_view name, std::optional<std::string_view> value) {
  if (value) return "a=" + std::string(name) + " takes no value";
  field = true;
  return std::nullopt;
}

// The parser's state for the section being read: which payload types were described already.
struct SectionState {
  std::array<std::int16_t, kMaxPayloadType + 1> codecIndex{};  // index into codecs + 1; 0: not listed
  std::array<bool, kMaxPayloadType + 1> hasRtpmap{};
  std::array<bool, kMaxPayloadType + 1> hasFmtp{};
};

class Parser {
 public:
  Result<SessionDescription> run(std::string_view text) {
    if (text.size() > kMaxSdpBytes)
      return invalidSdp("The SDP is " + std::to_string(text.size()) + " bytes long; at most " +
                        std::to_string(kMaxSdpBytes) + " are accepted.");
    std::size_t lineNumber = 0;
    bool sawVersion = false;
    bool sawOrigin = false;
    while (!text.empty()) {
      const auto end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (++lineNumber > kMaxLines)
        return invalidSdp("The SDP has more than " + std::to_string(kMaxLines) + " lines.");
      if (line.empty()) continue;
      Problem problem = checkShape(line);
      if (!problem && !sawVersion) {
        if (line != "v=0") problem = "the first line must be v=0";
        sawVersion = true;
      } else if (!problem) {
        if (line[0] == 'o') sawOrigin = true;
        problem = onLine(line[0], line.substr(2));
      }
      if (problem)
        return invalidSdp("Line " + std::to_string(lineNumber) + " (" + quoteForMessage(line) +
                          "): " + *problem + ".");
    }
    if (!sawVersion) return invalidSdp("The SDP is empty; it must start with v=0.");
    if (!sawOrigin) return invalidSdp("The SDP has no o= line.");
    if (Problem problem = finishSection()) return invalidSdp("The last m= section: " + *problem + ".");
    return std::move(d_);
  }

 private:
  static Problem checkShape(std::string_view line) {
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) return "it holds a control character";
    }
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
      return "a line must be <letter>=<value>";
    return std::nullopt;
  }

  Problem onLine(char type, std::string_view value) {
    MediaSection* m = d_.media.empty() ? nullptr : &d_.media.back();
    switch (type) {
      case 'v':
        return "v= may only be the first line";
      case 'm':
        if (Problem p = finishSection()) return "the m= section before this one: " + *p;
        return onMediaLine(value);
      case 'a':
        return m ? onMediaAttribute(*m, value) : onSessionAttribute(value);
      case 'c': {
        auto& connection = m ? m->connection : d_.connection;
        if (connection) return "c= is given twice";
        connection = std::string(value);
        return std::nullopt;
      }
      default:
        break;
    }
    if (m) {
      if (type == 'o' || type == 's' || type == 't') return "this line belongs before the first m= line";
      m->otherLines.emplace_back(std::string(1, type) + "=" + std::string(value));
      return std::nullopt;
    }
    if (type == 'o') return onOrigin(value);
    if (type == 's' && !sawSessionName_) {
      sawSessionName_ = true;
      d_.sessionName = std::string(value);
      return std::nullopt;
    }
    if (type == 's') return "s= is given twice";
    if (type == 't' && !sawTiming_) {
      sawTiming_ = true;
      d_.timing = std::string(value);
      return std::nullopt;
    }
    d_.otherLines.emplace_back(std::string(1, type) + "=" + std::string(value));
    return std::nullopt;
  }

  Problem onOrigin(std::string_view value) {
    if (sawOrigin_) return "o= is given twice";
    sawOrigin_ = true;
    const auto t = tokens(value);
    if (t.size() != 6) return "o= needs 6 fields: username sess-id sess-version nettype addrtype address";
    const auto id = parseNumber<std::uint64_t>(t[1]);
    const auto version = parseNumber<std::uint64_t>(t[2]);
    if (!id || !version) return "the session id and version must be numbers below 2^64";
    d_.origin = {std::string(t[0]), *id, *version, std::string(t[3]), std::string(t[4]), std::string(t[5])};
    return std::nullopt;
  }

  // m=<media> <port> <proto> <fmt> ...
  Problem onMediaLine(std::string_view value) {
    if (d_.media.size() >= kMaxMediaSections)
      return "more than " + std::to_string(kMaxMediaSections) + " m= sections";
    const auto t = tokens(value);
    if (t.size() < 4) return "m= needs media, port, protocol and at least one format";
    const auto port = parseNumber<std::uint16_t>(t[1]);
    if (!port) return outOfRange("the port", t[1], 0, std::numeric_limits<std::uint16_t>::max());
    MediaSection m;
    m.kind = valueOf(kKindNames, t[0]).value_or(MediaKind::kOther);
    if (m.kind == MediaKind::kOther) m.otherKind = std::string(t[0]);
    m.port = *port;
    m.protocol = std::string(t[2]);
    section_ = SectionState{};
    for (std::size_t i = 3; i < t.size(); ++i) {
      if (!m.isRtp()) {
        m.formats.emplace_back(t[i]);
        continue;
      }
      const auto pt = parseNumber<std::uint8_t>(t[i], kMaxPayloadType);
      if (!pt) return outOfRange("the payload type", t[i], 0, kMaxPayloadType);
      if (section_.codecIndex[*pt] != 0) return "payload type " + std::to_string(*pt) + " is listed twice";
      m.codecs.emplace_back().payloadType = *pt;
      section_.codecIndex[*pt] = static_cast<std::int16_t>(m.codecs.size());
    }
    d_.media.push_back(std::move(m));
    return std::nullopt;
  }

  // Checks what only the whole section shows: RTX codecs repair a listed payload type.
  Problem finishSection() const {
    if (d_.media.empty()) return std::nullopt;
    for (const Codec& c : d_.media.back().codecs) {
      if (!c.isNamed("rtx")) continue;
      const auto apt = c.fmtpValue("apt");
      if (apt && !parseNumber<std::uint8_t>(*apt, kMaxPayloadType))
        return "the apt of RTX payload type " + std::to_string(c.payloadType) + " is not a payload type";
    }
    return std::nullopt;
  }

  // The attributes that mean the same at session and media level: false if `name` is not one of them,
  // else true with `problem` set if the line is refused.
  template <typename Target>
  bool onCommonAttribute(Target& target, std::string_view name, std::optional<std::string_view> value,
                         Problem& problem) {
    const std::string_view v = value.value_or("");
    if (name == "ice-ufrag") {
      problem = setOnce(target.iceUfrag, name, v);
    } else if (name == "ice-pwd") {
      problem = setOnce(target.icePwd, name, v);
    } else if (name == "ice-options") {
      problem = setOnce(target.iceOptions, name, v);
    } else if (name == "fingerprint") {
      auto [algorithm, fingerprint] = splitFirst(v);
      if (algorithm.empty() || fingerprint.empty()) problem = "a=fingerprint needs an algorithm and a value";
      target.fingerprints.push_back({std::string(algorithm), std::string(fingerprint)});
    } else if (name == "setup") {
      const auto setup = valueOf(kSetupNames, v);
      if (!setup) problem = "a=setup must be actpass, active, passive or holdconn";
      if (target.setup) problem = "a=setup is given twice";
      target.setup = setup;
    } else if (const auto direction = directionFrom(name)) {
      if (value) problem = "a direction attribute takes no value";
      if (target.direction) problem = "the direction is given twice";
      target.direction = direction;
    } else if (name == "extmap-allow-mixed") {
      problem = setFlag(target.extmapAllowMixed, name, value);
    } else {
      return false;
    }
    return true;
  }

  static std::pair<std::string_view, std::optional<std::string_view>> splitAttribute(std::string_view a) {
    const auto colon = a.find(':');
    if (colon == std::string_view::npos) return {a, std::nullopt};
    return {a.substr(0, colon), a.substr(colon + 1)};
  }

  Problem onSessionAttribute(std::string_view attribute) {
    const auto [name, value] = splitAttribute(attribute);
    if (name.empty()) return "an attribute needs a name";
    Problem problem;
    if (onCommonAttribute(d_, name, value, problem)) return problem;
    if (name == "ice-lite") return setFlag(d_.iceLite, name, value);
    if (name == "msid-semantic") {
      const auto v = trimSpaces(value.value_or(""));
      if (d_.msidSemantic) return "a=msid-semantic is given twice";
      if (v.empty()) return "a=msid-semantic needs a value";
      d_.msidSemantic = std::string(v);
    } else if (name == "group" && value && value->starts_with("BUNDLE") && !d_.bundleMids &&
               (value->size() == 6 || isSpace((*value)[6]))) {
      d_.bundleMids.emplace();
      for (auto mid : tokens(value->substr(6))) d_.bundleMids->emplace_back(mid);
    } else {
      d_.otherAttributes.emplace_back(attribute);
    }
    return std::nullopt;
  }

  Problem onMediaAttribute(MediaSection& m, std::string_view attribute) {
    const auto [name, value] = splitAttribute(attribute);
    if (name.empty()) return "an attribute needs a name";
    Problem problem;
    if (onCommonAttribute(m, name, value, problem)) return problem;
    const std::string_view v = value.value_or("");
    if (name == "mid") {
      // RFC 5888 4: a token, so that a=group lists can hold it.
      if (v.find_first_of(" \t") != std::string_view::npos) return "a mid cannot hold a space";
      return setOnce(m.mid, name, v);
    }
    if (name == "rtcp-mux") return setFlag(m.rtcpMux, name, value);
    if (name == "rtcp-rsize") return setFlag(m.rtcpRsize, name, value);
    if (name == "bundle-only") return setFlag(m.bundleOnly, name, value);
    if (name == "end-of-candidates") return setFlag(m.endOfCandidates, name, value);
    if (name == "candidate") {
      if (v.empty()) return "a=candidate needs a value";
      m.candidates.emplace_back(v);
      return std::nullopt;
    }
    if (name == "extmap") return onExtmap(m, v);
    if (name == "msid") return onMsid(m.msids.emplace_back(), v);
    if (name == "ssrc") return onSsrc(m, v);
    if (name == "ssrc-group") return onSsrcGroup(m, v);
    if (m.isRtp() && (name == "rtpmap" || name == "fmtp" || (name == "rtcp-fb" && !v.starts_with('*'))))
      return onCodecAttribute(m, name, v);
    m.otherAttributes.emplace_back(attribute);
    return std::nullopt;
  }

  // a=rtpmap:<pt> <name>/<clock>[/<channels>], a=fmtp:<pt> <params>, a=rtcp-fb:<pt> <feedback>
  Problem onCodecAttribute(MediaSection& m, std::string_view name, std::string_view value) {
    const auto [ptText, rest] = splitFirst(value);
    const auto pt = parseNumber<std::uint8_t>(ptText, kMaxPayloadType);
    if (!pt) return outOfRange("the payload type", ptText, 0, kMaxPayloadType);
    if (section_.codecIndex[*pt] == 0)
      return "payload type " + std::to_string(*pt) + " is not on the m= line";
    Codec& codec = m.codecs[static_cast<std::size_t>(section_.codecIndex[*pt] - 1)];
    if (name == "rtcp-fb") {
      if (rest.empty()) return "a=rtcp-fb needs a feedback type";
      codec.rtcpFeedback.emplace_back(rest);
      return std::nullopt;
    }
    if (name == "fmtp") {
      if (std::exchange(section_.hasFmtp[*pt], true)) return "a second a=fmtp for this payload type";
      std::string_view params = rest;
      while (!params.empty()) {
        const auto semicolon = params.find(';');
        const auto param = trimSpaces(params.substr(0, semicolon));
        params = semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
        if (param.empty()) continue;
        const auto eq = param.find('=');
        if (eq == 0) return "an fmtp parameter has no name";
        if (eq == std::string_view::npos)
          codec.fmtp.push_back({"", std::string(param)});
        else
          codec.fmtp.push_back({std::string(param.substr(0, eq)), std::string(param.substr(eq + 1))});
      }
      return std::nullopt;
    }
    if (std::exchange(section_.hasRtpmap[*pt], true)) return "a second a=rtpmap for this payload type";
    const auto slash = rest.find('/');
    if (rest.empty() || slash == 0 || slash == std::string_view::npos)
      return "a=rtpmap needs <encoding>/<clock rate>";
    std::string_view rate = rest.substr(slash + 1);
    std::optional<std::string_view> channelsText;
    if (const auto second = rate.find('/'); second != std::string_view::npos) {
      channelsText = rate.substr(second + 1);
      rate = rate.substr(0, second);
    }
    const auto clock = parseNumber<std::uint32_t>(rate);
    if (!clock || *clock == 0) return "the clock rate must be a positive number below 2^32";
    if (channelsText) {
      const auto channels = parseNumber<std::uint16_t>(*channelsText);
      if (!channels || *channels == 0) return "the channel count must be a number from 1 to 65535";
      codec.channels = channels;
    }
    const auto encoding = rest.substr(0, slash);
    if (encoding.find_first_of(" \t") != std::string_view::npos) return "the encoding name holds a space";
    codec.name = std::string(encoding);
    codec.clockRate = *clock;
    return std::nullopt;
  }

  // a=extmap:<id>[/<direction>] <uri> [<attributes>]
  static Problem onExtmap(MediaSection& m, std::string_view value) {
    auto [idPart, rest] = splitFirst(value);
    auto [uri, attributes] = splitFirst(rest);
    HeaderExtension e;
    if (const auto slash = idPart.find('/'); slash != std::string_view::npos) {
      e.direction = directionFrom(idPart.substr(slash + 1));
      if (!e.direction) return "the extmap direction must be sendrecv, sendonly, recvonly or inactive";
      idPart = idPart.substr(0, slash);
    }
    const auto id = parseNumber<std::uint16_t>(idPart, kMaxExtensionId);
    if (!id || *id < kMinExtensionId)
      return outOfRange("the extmap id", idPart, kMinExtensionId, kMaxExtensionId);
    if (uri.empty()) return "a=extmap needs a URI";
    for (const auto& other : m.extensions)
      if (other.id == *id) return "extmap id " + std::to_string(*id) + " is used twice";
    e.id = *id;
    e.uri = std::string(uri);
    e.attributes = std::string(attributes);
    m.extensions.push_back(std::move(e));
    return std::nullopt;
  }

  // a=msid:<stream id> [<track id>]
  static Problem onMsid(Msid& msid, std::string_view value) {
    const auto t = tokens(value);
    if (t.empty() || t.size() > 2) return "a=msid needs a stream id and an optional track id";
    msid.streamId = std::string(t[0]);
    if (t.size() == 2) msid.trackId = std::string(t[1]);
    return std::nullopt;
  }

  // a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 4.1)
  static Problem onSsrc(MediaSection& m, std::string_view value) {
    const auto [ssrcText, attribute] = splitFirst(value);
    const auto ssrc = parseNumber<std::uint32_t>(ssrcText);
    if (!ssrc) return "the SSRC " + quoteForMessage(ssrcText) + " is not a number below 2^32";
    if (attribute.empty()) return "a=ssrc needs an attribute after the SSRC";
    Ssrc* entry = nullptr;
    for (auto& s : m.ssrcs)
      if (s.ssrc == *ssrc) entry = &s;
    if (!entry) {
      entry = &m.ssrcs.emplace_back();
      entry->ssrc = *ssrc;
    }
    const auto [name, attributeValue] = splitAttribute(attribute);
    if (name == "cname") {
      if (!entry->cname.empty()) return "the SSRC's cname is given twice";
      if (trimSpaces(attributeValue.value_or("")).empty()) return "cname needs a value";
      entry->cname = std::string(trimSpaces(*attributeValue));
    } else if (name == "msid") {
      if (entry->msid) return "the SSRC's msid is given twice";
      return onMsid(entry->msid.emplace(), attributeValue.value_or(""));
    } else {
      entry->otherAttributes.emplace_back(attribute);
    }
    return std::nullopt;
  }

  // a=ssrc-group:<semantics> <ssrc> ... (RFC 5576 4.2)
  static Problem onSsrcGroup(MediaSection& m, std::string_view value) {
    const auto t = tokens(value);
    if (t.size() < 2) return "a=ssrc-group needs semantics and at least one SSRC";
    SsrcGroup group{.semantics = std::string(t[0]), .ssrcs = {}};
    for (std::size_t i = 1; i < t.size(); ++i) {
      const auto ssrc = parseNumber<std::uint32_t>(t[i]);
      if (!ssrc) return "the SSRC " + quoteForMessage(t[i]) + " is not a number below 2^32";
      group.ssrcs.push_back(*ssrc);
    }
    m.ssrcGroups.push_back(std::move(group));
    return std::nullopt;
  }

  SessionDescription d_;
  SectionState section_;
  bool sawOrigin_ = false;
  bool sawSessionName_ = false;
  bool sawTiming_ = false;
};

// --- serialize --------------------------------------------------------------------------------------

class Writer {
 public:
  void line(char type, std::string_view value) {
    out_ += type;
    out_ += '=';
    out_ += value;
    out_ += kCrlf;
  }
  void attribute(std::string_view name) { line('a', name); }
  void attribute(std::string_view name, std::string_view value) {
    out_ += "a=";
    out_ += name;
    out_ += ':';
    out_ += value;
    out_ += kCrlf;
  }
  std::string take() && { return std::move(out_); }

  // The attributes a session and a section share, in the order Chromium writes them.
  template <typename Source>
  void transport(const Source& s) {
    if (s.iceUfrag) attribute("ice-ufrag", *s.iceUfrag);
    if (s.icePwd) attribute("ice-pwd", *s.icePwd);
    if (s.iceOptions) attribute("ice-options", *s.iceOptions);
    for (const auto& f : s.fingerprints) attribute("fingerprint", f.algorithm + " " + f.value);
    if (s.setup) attribute("setup", toString(*s.setup));
  }

 private:
  std::string out_;
};

std::string joinFmtp(const std::vector<FmtpParameter>& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += ';';
    out += p.name.empty() ? p.value : p.name + "=" + p.value;
  }
  return out;
}

std::string msidText(const Msid& msid) {
  return msid.trackId.empty() ? msid.streamId : msid.streamId + " " + msid.trackId;
}

void writeSection(Writer& w, const MediaSection& m) {
  std::string mline = m.kind == MediaKind::kOther ? m.otherKind : std::string(toString(m.kind));
  mline += " " + std::to_string(m.port) + " " + m.protocol;
  if (m.isRtp()) {
    for (const auto& c : m.codecs) mline += " " + std::to_string(c.payloadType);
  } else {
    for (const auto& f : m.formats) mline += " " + f;
  }
  w.line('m', mline);
  if (m.connection) w.line('c', *m.connection);
  for (const auto& l : m.otherLines) w.line(l.empty() ? 'x' : l[0], l.size() > 2 ? l.substr(2) : "");
  for (const auto& c : m.candidates) w.attribute("candidate", c);
  w.transport(m);
  if (m.mid) w.attribute("mid", *m.mid);
  if (m.bundleOnly) w.attribute("bundle-only");
  for (const auto& e : m.extensions) {
    std::string v = std::to_string(e.id);
    if (e.direction) v += "/" + std::string(toString(*e.direction));
    v += " " + e.uri;
    if (!e.attributes.empty()) v += " " + e.attributes;
    w.attribute("extmap", v);
  }
  if (m.extmapAllowMixed) w.attribute("extmap-allow-mixed");
  if (m.direction) w.attribute(toString(*m.direction));
  for (const auto& msid : m.msids) w.attribute("msid", msidText(msid));
  if (m.rtcpMux) w.attribute("rtcp-mux");
  if (m.rtcpRsize) w.attribute("rtcp-rsize");
  for (const auto& c : m.codecs) {
    const std::string pt = std::to_string(c.payloadType);
    if (!c.name.empty()) {
      std::string map = pt + " " + c.name + "/" + std::to_string(c.clockRate);
      if (c.channels) map += "/" + std::to_string(*c.channels);
      w.attribute("rtpmap", map);
    }
    for (const auto& fb : c.rtcpFeedback) w.attribute("rtcp-fb", pt + " " + fb);
    if (!c.fmtp.empty()) w.attribute("fmtp", pt + " " + joinFmtp(c.fmtp));
  }
  for (const auto& g : m.ssrcGroups) {
    std::string v = g.semantics;
    for (auto s : g.ssrcs) v += " " + std::to_string(s);
    w.attribute("ssrc-group", v);
  }
  for (const auto& s : m.ssrcs) {
    const std::string prefix = std::to_string(s.ssrc) + " ";
    if (!s.cname.empty()) w.attribute("ssrc", prefix + "cname:" + s.cname);
    if (s.msid) w.attribute("ssrc", prefix + "msid:" + msidText(*s.msid));
    for (const auto& a : s.otherAttributes) w.attribute("ssrc", prefix + a);
  }
  for (const auto& a : m.otherAttributes) w.attribute(a);
  if (m.endOfCandidates) w.attribute("end-of-candidates");
}

}  // namespace

std::string_view toString(MediaKind kind) {
  return nameOf(kKindNames, kind);
}
std::string_view toString(Direction direction) {
  return nameOf(kDirectionNames, direction);
}
std::string_view toString(Setup setup) {
  return nameOf(kSetupNames, setup);
}

bool sends(Direction d) {
  return d == Direction::kSendRecv || d == Direction::kSendOnly;
}
bool receives(Direction d) {
  return d == Direction::kSendRecv || d == Direction::kRecvOnly;
}
Direction makeDirection(bool send, bool receive) {
  if (send && receive) return Direction::kSendRecv;
  if (send) return Direction::kSendOnly;
  if (receive) return Direction::kRecvOnly;
  return Direction::kInactive;
}

std::optional<std::string_view> Codec::fmtpValue(std::string_view parameter) const {
  for (const auto& p : fmtp)
    if (equalsIgnoreCase(p.name, parameter)) return p.value;
  return std::nullopt;
}

std::optional<std::uint8_t> Codec::rtxApt() const {
  if (!isNamed("rtx")) return std::nullopt;
  const auto apt = fmtpValue("apt");
  return apt ? parseNumber<std::uint8_t>(*apt, kMaxPayloadType) : std::nullopt;
}

bool Codec::isNamed(std::string_view codecName) const {
  return equalsIgnoreCase(name, codecName);
}

bool MediaSection::isRtp() const {
  return isRtpProtocol(protocol);
}

const Codec* MediaSection::findCodec(std::uint8_t payloadType) const {
  for (const auto& c : codecs)
    if (c.payloadType == payloadType) return &c;
  return nullptr;
}

const Ssrc* MediaSection::findSsrc(std::uint32_t ssrc) const {
  for (const auto& s : ssrcs)
    if (s.ssrc == ssrc) return &s;
  return nullptr;
}

const std::string* SessionDescription::iceUfragOf(const MediaSection& m) const {
  return m.iceUfrag ? &*m.iceUfrag : iceUfrag ? &*iceUfrag : nullptr;
}

const std::string* SessionDescription::icePwdOf(const MediaSection& m) const {
  return m.icePwd ? &*m.icePwd : icePwd ? &*icePwd : nullptr;
}

const std::vector<Fingerprint>& SessionDescription::fingerprintsOf(const MediaSection& m) const {
  return m.fingerprints.empty() ? fingerprints : m.fingerprints;
}

std::optional<Setup> SessionDescription::setupOf(const MediaSection& m) const {
  return m.setup ? m.setup : setup;
}

Direction SessionDescription::directionOf(const MediaSection& m) const {
  return m.direction.value_or(direction.value_or(Direction::kSendRecv));
}

const MediaSection* SessionDescription::findMid(std::string_view mid) const {
  for (const auto& m : media)
    if (m.mid == mid) return &m;
  return nullptr;
}

const Fingerprint* findSha256(const std::vector<Fingerprint>& fingerprints) {
  for (const auto& f : fingerprints)
    if (asciiLower(f.algorithm) == "sha-256") return &f;
  return nullptr;
}

Error invalidSdp(std::string message) {
  return Error::badRequest(std::string(kInvalidSdp), std::move(message));
}

Result<SessionDescription> parse(std::string_view text) {
  return Parser{}.run(text);
}

std::string serialize(const SessionDescription& d) {
  Writer w;
  w.line('v', "0");
  const Origin& o = d.origin;
  w.line('o', o.username + " " + std::to_string(o.sessionId) + " " + std::to_string(o.sessionVersion) + " " +
                  o.netType + " " + o.addressType + " " + o.address);
  w.line('s', d.sessionName);
  w.line('t', d.timing);
  for (const auto& l : d.otherLines) w.line(l.empty() ? 'x' : l[0], l.size() > 2 ? l.substr(2) : "");
  if (d.connection) w.line('c', *d.connection);
  if (d.iceLite) w.attribute("ice-lite");
  if (d.bundleMids) {
    std::string v = "BUNDLE";
    for (const auto& mid : *d.bundleMids) v += " " + mid;
    w.attribute("group", v);
  }
  if (d.extmapAllowMixed) w.attribute("extmap-allow-mixed");
  if (d.msidSemantic) w.attribute("msid-semantic", " " + *d.msidSemantic);
  w.transport(d);
  if (d.direction) w.attribute(toString(*d.direction));
  for (const auto& a : d.otherAttributes) w.attribute(a);
  for (const auto& m : d.media) writeSection(w, m);
  return std::move(w).take();
}

}  // namespace roomgate::media::sdp
