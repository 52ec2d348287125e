// How many forwarded streams one core sustains: a media::MediaServer and a media::Sfu in this process on
// 127.0.0.1, driven over real UDP by native bots — media::WebRtcClient, the engine's own ICE (controlling),
// DTLS (client) and SRTP in their browser roles. One room: P publishers, each sending a browser-shaped
// VP8 video track (30 fps, 1.5 Mbit/s, a key frame every 3 s, paced) and an Opus-shaped audio track
// (50 packets/s), and S subscribers that each receive every track. S grows step by step; at each step
// the server's media thread CPU, the forwarded packets and the loss seen by the subscribers are measured
// over a few windows. The answer is the largest step whose loss, pooled over its windows, stays under 1%.
//
// The bots run on one thread (epoll, recvmmsg) pinned to another CPU than the media thread. Subscribers
// count packets and detect loss from the RTP sequence numbers, which SRTP leaves in the clear, and from what
// the publishers sent (the server's sequence rewriting closes up long gaps); one packet
// in kDecryptSampleEvery goes through the client's SRTP for real, to prove the stream is what it claims.
//
// Usage: bench_sfu_load [--publishers P] [--subscribers S1,S2,...] [--window SECONDS] [--windows N]
//                       [--warmup SECONDS] [--server-cpu C] [--bot-cpu C] [--stop-after N] [--quick]
// Results and how to read them: docs/BENCHMARKS.md, "Media: forwarded streams per core".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "BareSrtp.hpp"
#include "common/Random.hpp"
#include "media/Bytes.hpp"
#include "media/MediaServer.hpp"
#include "media/SdpOffer.hpp"
#include "media/Sfu.hpp"
#include "media/WebRtcClient.hpp"

using namespace roomgate;
using namespace roomgate::media;
using Clock = std::chrono::steady_clock;

namespace {

// ---- traffic shape ---------------------------------------------------------------------------------------

constexpr int kFps = 30;
constexpr double kVideoBitrate = 1.5e6;
constexpr double kPacerFactor = 2.5;  // libwebrtc's pacer sends at 2.5x the target bitrate
constexpr int kKeyframeEveryFrames = 90;
constexpr int kKeyframeToDelta = 8;  // a key frame is this many average delta frames
constexpr std::size_t kMaxRtpPacket = 1200;
constexpr auto kAudioInterval = std::chrono::milliseconds(20);
constexpr std::size_t kOpusPayload = 80;  // 32 kbit/s in 20 ms frames
constexpr uint32_t kVideoTicksPerFrame = 90000 / kFps;
constexpr uint32_t kAudioTicksPerPacket = 960;
// The publisher's header extension ids, as Chromium numbers them in its offer.
constexpr uint8_t kAudioLevelId = 1, kAbsSendTimeId = 2, kTransportCcId = 3;
constexpr std::size_t kVideoExtBytes = 4 + 8;   // abs-send-time, transport-cc, padding
constexpr std::size_t kAudioExtBytes = 4 + 12;  // audio level, abs-send-time, transport-cc, padding
constexpr std::size_t kVp8DescriptorBytes = 4;  // X, I with a 15-bit picture id
constexpr std::size_t kVideoHeaderBytes = 12 + kVideoExtBytes + kVp8DescriptorBytes;
constexpr std::size_t kMaxVideoPayload = kMaxRtpPacket - kVideoHeaderBytes;

// One in this many packets a subscriber receives is decrypted and checked; the rest are counted only.
constexpr uint64_t kDecryptSampleEvery = 100;
constexpr std::size_t kDatagram = 1500;
constexpr std::size_t kBatch = 64;  // datagrams per recvmmsg
constexpr int kSubscriberReceiveBuffer = 1 << 20;
constexpr auto kClientTickInterval = std::chrono::milliseconds(20);
// Subscribers' SSRCs: track t of the room arrives as kSubSsrcBase + 2t (its RTX as + 2t + 1).
constexpr uint32_t kSubSsrcBase = 0x5B000000;

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// `prefix` then `n` (not "literal" + std::string: GCC 12 warns falsely about it at -O3, -Wrestrict).
template <typename Number>
std::string named(const char* prefix, Number n) {
  return std::string(prefix).append(std::to_string(n));
}

uint64_t lcg(uint64_t& state) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return state >> 33;
}

// ---- bots ------------------------------------------------------------------------------------------------

// What one subscriber saw of one forwarded stream, from the sequence numbers.
struct StreamCount {
  bool started = false;
  int64_t highest = 0;  // extended
  uint64_t received = 0;

  void onSeq(uint16_t seq) {
    ++received;
    if (!started) {
      started = true;
      highest = seq;
      return;
    }
    const auto delta = static_cast<int16_t>(static_cast<uint16_t>(seq - static_cast<uint16_t>(highest)));
    if (delta > 0) highest += delta;
  }
};

// A UDP socket to the server and the client speaking through it.
class Bot : public WebRtcClient::Listener {
 public:
  Bot(uint16_t serverPort, ClientParams params) : client_(std::move(params), *this) {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &any.sin_addr);
    sockaddr_in to = any;
    to.sin_port = htons(serverPort);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&any), sizeof(any)) != 0 ||
        connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
      std::perror("bot socket");
      std::exit(1);
    }
    socklen_t len = sizeof(any);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&any), &len);
    port_ = ntohs(any.sin_port);
  }
  ~Bot() override { close(fd_); }
  Bot(const Bot&) = delete;
  Bot& operator=(const Bot&) = delete;

  void onClientSend(std::span<const uint8_t> d) override {
    if (send(fd_, d.data(), d.size(), 0) < 0) ++sendErrors;
  }
  void onClientRtp(std::span<uint8_t>, std::size_t) override {}

  // A datagram from the server; the buffer has kSrtpMaxOverhead bytes of room after `length`.
  virtual void onDatagram(std::span<uint8_t> buffer, std::size_t length, Clock::time_point now) {
    client_.receive(buffer, length, now);
  }

  WebRtcClient& client() { return client_; }
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] uint16_t port() const { return port_; }
  uint64_t sendErrors = 0;

 protected:
  WebRtcClient client_;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A browser's camera and microphone: paced VP8-shaped video and Opus-shaped audio.
class Publisher final : public Bot {
 public:
  Publisher(uint16_t serverPort, ClientParams params, uint32_t videoSsrc, uint32_t audioSsrc, int index,
            int of)
      : Bot(serverPort, std::move(params)),
        videoSsrc_(videoSsrc),
        audioSsrc_(audioSsrc),
        random_(0x9E3779B97F4A7C15ull * static_cast<uint64_t>(index + 1)),
        videoPhase_(std::chrono::microseconds(1000000 / kFps * index / of)),
        audioPhase_(std::chrono::microseconds(20000 * index / of)) {
    seq_ = static_cast<uint16_t>(lcg(random_));
    audioSeq_ = static_cast<uint16_t>(lcg(random_));
    pictureId_ = static_cast<uint16_t>(lcg(random_) & 0x7FFF);
  }

  // Sends what is due at `now`; returns when the next packet is due.
  Clock::time_point pump(Clock::time_point now) {
    if (!client_.connected()) return now + kClientTickInterval;
    if (!started_) {
      started_ = true;
      start_ = now;
      nextFrame_ = now + videoPhase_;
      nextAudio_ = now + audioPhase_;
      nextPacket_ = nextFrame_;
    }
    while (nextAudio_ <= now) {
      sendAudio(nextAudio_);
      nextAudio_ += kAudioInterval;
    }
    while (nextFrame_ <= now) {  // captured: queue it for the pacer
      ++framesQueued_;
      nextFrame_ =
          start_ + videoPhase_ + std::chrono::microseconds((frames_ + framesQueued_) * 1000000 / kFps);
    }
    while (nextPacket_ <= now && (packetsLeft_ > 0 || framesQueued_ > 0)) {
      if (packetsLeft_ == 0) beginFrame();
      nextPacket_ += sendVideoPacket();
    }
    if (packetsLeft_ == 0 && framesQueued_ == 0 && nextPacket_ < nextFrame_) nextPacket_ = nextFrame_;
    return std::min({nextAudio_, nextFrame_, std::max(nextPacket_, now)});
  }

  uint64_t videoSent = 0, audioSent = 0, bytesSent = 0;

 private:
  void beginFrame() {
    --framesQueued_;
    const bool key = frames_ % kKeyframeEveryFrames == 0;
    const double average =
        kVideoBitrate / 8 / kFps * kKeyframeEveryFrames / (kKeyframeEveryFrames - 1 + kKeyframeToDelta);
    // Delta frames vary by +-25% around their average, as an encoder's do.
    const double jitter = 0.75 + 0.5 * static_cast<double>(lcg(random_) % 1000) / 1000.0;
    frameBytes_ = static_cast<std::size_t>(key ? average * kKeyframeToDelta : average * jitter);
    packetsLeft_ = packetsOfFrame_ = (frameBytes_ + kMaxVideoPayload - 1) / kMaxVideoPayload;
    frameKey_ = key;
    frameTimestamp_ = static_cast<uint32_t>(frames_) * kVideoTicksPerFrame + 12345;
    pictureId_ = static_cast<uint16_t>((pictureId_ + 1) & 0x7FFF);
    ++frames_;
  }

  // Writes the fixed header and the one-byte extension block; returns where the payload starts.
  std::size_t header(uint8_t payloadType, bool marker, uint16_t seq, uint32_t timestamp, uint32_t ssrc,
                     bool audio) {
    std::span<uint8_t> b(buffer_);
    b[0] = 0x90;  // V=2, X
    b[1] = static_cast<uint8_t>(payloadType | (marker ? 0x80 : 0));
    writeU16(b, 2, seq);
    writeU32(b, 4, timestamp);
    writeU32(b, 8, ssrc);
    writeU16(b, 12, kRtpOneByteExtensionProfile);
    const uint32_t absSendTime = static_cast<uint32_t>(++transportSeq_ * 37);
    std::size_t at = 16;
    if (audio) {
      b[at++] = static_cast<uint8_t>(kAudioLevelId << 4);
      b[at++] = 0x80 | 40;  // voice, -40 dBov
    }
    b[at++] = static_cast<uint8_t>(kAbsSendTimeId << 4 | 2);
    b[at++] = static_cast<uint8_t>(absSendTime >> 16);
    b[at++] = static_cast<uint8_t>(absSendTime >> 8);
    b[at++] = static_cast<uint8_t>(absSendTime);
    b[at++] = static_cast<uint8_t>(kTransportCcId << 4 | 1);
    writeU16(b, at, transportSeq_);
    at += 2;
    const std::size_t end = 12 + (audio ? kAudioExtBytes : kVideoExtBytes);
    while (at < end) b[at++] = 0;
    writeU16(b, 14, static_cast<uint16_t>((end - 16) / 4));
    return end;
  }

  // Sends the next packet of the current frame; returns the pacer's gap after it.
  Clock::duration sendVideoPacket() {
    const std::size_t index = packetsOfFrame_ - packetsLeft_;
    const std::size_t payload = frameBytes_ / packetsOfFrame_ + (index < frameBytes_ % packetsOfFrame_);
    const bool last = --packetsLeft_ == 0;
    std::size_t at = header(sdp::kOfferVp8Pt, last, seq_++, frameTimestamp_, videoSsrc_, false);
    std::span<uint8_t> b(buffer_);
    b[at++] = static_cast<uint8_t>(0x80 | (index == 0 ? 0x10 : 0));  // X, S on the frame's first packet
    b[at++] = 0x80;                                                  // I: a picture id follows
    writeU16(b, at, static_cast<uint16_t>(0x8000 | pictureId_));     // M: 15 bits
    at += 2;
    if (index == 0) {  // the VP8 frame header: P (bit 0) clear on key frames, their start code
      b[at] = frameKey_ ? 0x00 : 0x01;
      b[at + 3] = 0x9d;
      b[at + 4] = 0x01;
      b[at + 5] = 0x2a;
    }
    const std::size_t length = at + payload;
    if (client_.sendRtp(b, length)) {
      ++videoSent;
      bytesSent += length;
    }
    return std::chrono::nanoseconds(static_cast<int64_t>(length * 8 * 1e9 / (kVideoBitrate * kPacerFactor)));
  }

  void sendAudio(Clock::time_point capture) {
    const auto ts =
        static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(capture - start_).count() / 20) *
        kAudioTicksPerPacket;
    const std::size_t at = header(sdp::kOfferOpusPt, false, audioSeq_++, ts + 777, audioSsrc_, true);
    const std::size_t length = at + kOpusPayload;
    if (client_.sendRtp(buffer_, length)) {
      ++audioSent;
      bytesSent += length;
    }
  }

  uint32_t videoSsrc_, audioSsrc_;
  uint64_t random_;
  Clock::duration videoPhase_, audioPhase_;
  bool started_ = false;
  Clock::time_point start_, nextFrame_, nextAudio_, nextPacket_;
  int64_t frames_ = 0, framesQueued_ = 0;
  std::size_t frameBytes_ = 0, packetsOfFrame_ = 0, packetsLeft_ = 0;
  bool frameKey_ = false;
  uint32_t frameTimestamp_ = 0;
  uint16_t seq_ = 0, audioSeq_ = 0, pictureId_ = 0, transportSeq_ = 0;
  std::array<uint8_t, kDatagram + kSrtpMaxOverhead> buffer_{};
};

// A browser receiving every track of the room: counts, and decrypts a sample.
class Subscriber final : public Bot {
 public:
  Subscriber(uint16_t serverPort, ClientParams params, std::size_t tracks)
      : Bot(serverPort, std::move(params)), streams(tracks) {
    const int size = kSubscriberReceiveBuffer;
    setsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }

  void onDatagram(std::span<uint8_t> buffer, std::size_t length, Clock::time_point now) override {
    // RTP (not RTCP, RFC 5761) once keyed: the header is in the clear under SRTP.
    if (length >= 12 && client_.connected() && (buffer[0] & 0xC0) == 0x80 &&
        (buffer[1] < 192 || buffer[1] > 223)) {
      const uint32_t index = readU32(buffer, 8) - kSubSsrcBase;
      if (index % 2 != 0 || index / 2 >= streams.size()) {
        ++unknown;
        return;
      }
      streams[index / 2].onSeq(readU16(buffer, 2));
      bytes += length;
      if (++counted % kDecryptSampleEvery != 0) return;
    }
    client_.receive(buffer, length, now);
  }
  void onClientRtp(std::span<uint8_t> buffer, std::size_t length) override {
    const uint32_t index = readU32(buffer.first(length), 8) - kSubSsrcBase;
    if (index % 2 == 0 && index / 2 < streams.size()) ++decrypted;
  }

  std::vector<StreamCount> streams;  // by track index
  uint64_t counted = 0, bytes = 0, decrypted = 0, unknown = 0;
};

// All bots on one thread: epoll, recvmmsg, the publishers' pacing and the clients' timers.
class BotLoop {
 public:
  BotLoop() : epoll_(epoll_create1(0)) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      iov_[i] = {buffers_[i].data(), kDatagram};
      msgs_[i].msg_hdr.msg_iov = &iov_[i];
      msgs_[i].msg_hdr.msg_iovlen = 1;
    }
  }
  ~BotLoop() { close(epoll_); }

  void add(Bot& bot) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.ptr = &bot;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, bot.fd(), &e);
    bots_.push_back(&bot);
  }
  void addPublisher(Publisher& p) {
    add(p);
    publishers_.push_back(&p);
  }

  // Runs until `until` (checked every few milliseconds) or `deadline`.
  template <typename Done>
  bool run(Clock::time_point deadline, Done until) {
    std::array<epoll_event, 256> events{};
    auto nextCheck = Clock::now();
    while (true) {
      const auto now = Clock::now();
      if (now >= nextCheck) {
        if (until()) return true;
        nextCheck = now + std::chrono::milliseconds(5);
      }
      if (now >= deadline) return false;
      if (now >= nextTick_) {
        for (Bot* b : bots_) b->client().tick(now);
        nextTick_ = now + kClientTickInterval;
      }
      auto wake = std::min({nextTick_, nextCheck, deadline});
      for (Publisher* p : publishers_) wake = std::min(wake, p->pump(now));
      const auto wait = std::max(Clock::duration::zero(), wake - Clock::now());
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
      const timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
      const int n = epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
      for (int i = 0; i < n; ++i) drain(*static_cast<Bot*>(events[i].data.ptr));
    }
  }

  [[nodiscard]] const std::vector<Bot*>& bots() const { return bots_; }

 private:
  void drain(Bot& bot) {
    for (int round = 0; round < 4; ++round) {
      const int n = recvmmsg(bot.fd(), msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) return;
      const auto now = Clock::now();
      for (int i = 0; i < n; ++i) bot.onDatagram(buffers_[i], msgs_[i].msg_len, now);
      if (static_cast<std::size_t>(n) < kBatch) return;
    }
  }

  int epoll_;
  std::vector<Bot*> bots_;
  std::vector<Publisher*> publishers_;
  Clock::time_point nextTick_{};
  std::array<std::array<uint8_t, kDatagram + kSrtpMaxOverhead>, kBatch> buffers_{};
  std::array<iovec, kBatch> iov_{};
  std::array<mmsghdr, kBatch> msgs_{};
};

// ---- measurement -----------------------------------------------------------------------------------------

void pinTo(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
    std::fprintf(stderr, "note: could not pin a thread to CPU %d\n", cpu);
}

double threadCpuSeconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Seconds thread `tid` of this process was runnable but waiting for a CPU (schedstat's second field): the
// machine's other load taking the media thread's core.
double runQueueSeconds(pid_t tid) {
  std::ifstream in(named("/proc/self/task/", tid).append("/schedstat"));
  uint64_t running = 0, waiting = 0;
  in >> running >> waiting;
  return static_cast<double>(waiting) / 1e9;
}

// Thread `tid`'s CPU time in the kernel and in user space, in clock ticks (/proc/self/task/TID/stat,
// fields 15 and 14): the kernel's share is mostly the socket calls.
std::pair<uint64_t, uint64_t> kernelAndUserTicks(pid_t tid) {
  std::ifstream in(named("/proc/self/task/", tid).append("/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  for (int i = 3; i < 14; ++i) fields >> field;  // state .. cmajflt
  uint64_t user = 0, kernel = 0;
  fields >> user >> kernel;
  return {kernel, user};
}

// Datagrams the kernel dropped per local UDP port (the socket buffer was full): /proc/net/udp, "drops".
std::map<uint16_t, uint64_t> udpDrops() {
  std::map<uint16_t, uint64_t> drops;
  std::ifstream in("/proc/net/udp");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string sl, local, field;
    fields >> sl >> local;
    for (int i = 0; i < 10; ++i) fields >> field;  // rem st queues tr retrnsmt uid timeout inode ref pointer
    uint64_t dropped = 0;
    fields >> dropped;
    const auto colon = local.find(':');
    if (colon != std::string::npos)
      drops[static_cast<uint16_t>(std::stoul(local.substr(colon + 1), nullptr, 16))] += dropped;
  }
  return drops;
}

struct Snapshot {
  Clock::time_point at;
  double mediaCpu = 0, botCpu = 0, mediaWait = 0;
  std::pair<uint64_t, uint64_t> mediaTicks;  // kernel, user
  uint64_t forwarded = 0;
  uint64_t serverDrops = 0, botDrops = 0;
  std::vector<std::vector<StreamCount>> streams;  // by subscriber
  std::vector<uint64_t> bytes;
  std::vector<uint64_t> sent;  // by track: what its publisher sent
};

struct Window {
  double forwardedPps = 0, receivedPps = 0, mbps = 0, mediaCpu = 0, mediaWait = 0, mediaKernel = 0,
         botCpu = 0, lossPct = 0, worstPct = 0, usPerPacket = 0;
  uint64_t serverDrops = 0, botDrops = 0, silent = 0;
  uint64_t expected = 0, received = 0;
};

struct Options {
  int publishers = 4;
  std::vector<int> subscribers = {10,  20,  30,  40,  50,  60,  70,  80,  90,
                                  100, 120, 140, 160, 200, 250, 300, 400, 500};
  double window = 5, warmup = 2;
  int windows = 3;
  int serverCpu = 0, botCpu = 1;
  int stopAfterFailures = 1;
};

std::vector<int> parseList(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stoi(item));
  return out;
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--publishers")
      o.publishers = std::stoi(value());
    else if (a == "--subscribers")
      o.subscribers = parseList(value());
    else if (a == "--window")
      o.window = std::stod(value());
    else if (a == "--windows")
      o.windows = std::stoi(value());
    else if (a == "--warmup")
      o.warmup = std::stod(value());
    else if (a == "--server-cpu")
      o.serverCpu = std::stoi(value());
    else if (a == "--bot-cpu")
      o.botCpu = std::stoi(value());
    else if (a == "--stop-after")
      o.stopAfterFailures = std::stoi(value());
    else if (a == "--quick") {
      o.publishers = 2;
      o.subscribers = {2, 4};
      o.window = 1;
      o.windows = 1;
      o.warmup = 1;
    } else {
      std::fprintf(stderr,
                   "usage: bench_sfu_load [--publishers P] [--subscribers S1,S2,...] [--window SECONDS] "
                   "[--windows N] [--warmup SECONDS] [--server-cpu C] [--bot-cpu C] [--stop-after N] "
                   "[--quick]\n");
      std::exit(a == "--help" ? 0 : 2);
    }
  }
  return o;
}

class Bench {
 public:
  explicit Bench(Options options)
      : o_(std::move(options)),
        serverCert_(DtlsCertificate::generate()),
        clientCert_(DtlsCertificate::generate()),
        server_({"127.0.0.1", 0, ""}, serverCert_),
        sfu_(server_, sfuRandom_,
             [](const std::string&, const std::string& sid, TransportRole, const std::string& why) {
               std::fprintf(stderr, "transport of %s closed: %s\n", sid.c_str(), why.c_str());
             }) {
    // The media thread's CPU clock and thread id, and its CPU.
    std::promise<std::pair<clockid_t, pid_t>> media;
    const int cpu = o_.serverCpu;
    server_.post([&media, cpu] {
      pinTo(cpu);
      clockid_t c{};
      pthread_getcpuclockid(pthread_self(), &c);
      media.set_value({c, gettid()});
    });
    std::tie(mediaClock_, mediaTid_) = media.get_future().get();
    pinTo(o_.botCpu);
    pthread_getcpuclockid(pthread_self(), &botClock_);
  }

  // Everyone leaves before the Sfu goes: a handler running on the media thread while the Sfu's state is
  // destroyed here would use a freed router.
  ~Bench() {
    for (std::size_t i = 0; i < publishers_.size(); ++i) sfu_.leave(kRoom, named("p", i));
    for (std::size_t i = 0; i < subscribers_.size(); ++i) sfu_.leave(kRoom, named("s", i));
    std::promise<void> done;
    server_.post([&done] { done.set_value(); });
    done.get_future().wait();
  }
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  int run() {
    std::printf(
        "SFU load: one room, %d publishers (VP8 %.1f Mbit/s %d fps + Opus 50 pps each), subscribers "
        "receiving every track; media thread on CPU %d, bots on CPU %d; %d window(s) of %.0f s per step "
        "after %.0f s warm-up; loss pooled over the windows, the rest their medians\n\n",
        o_.publishers, kVideoBitrate / 1e6, kFps, o_.serverCpu, o_.botCpu, o_.windows, o_.window, o_.warmup);
    for (int p = 0; p < o_.publishers; ++p) addPublisher(p);
    if (!connectAll()) return 1;
    std::printf(
        "| subscribers | streams | forwarded pkt/s | received Mbit/s | media thread CPU %% | of which "
        "kernel %% | media thread waiting for a CPU %% | loss %% (worst subscriber in a window) | µs media "
        "CPU per "
        "forwarded pkt | bot thread CPU %% | kernel drops server / bots |\n");
    std::printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    std::fflush(stdout);
    int failures = 0;
    int best = -1;
    uint64_t failedWhilePassing = 0;  // SRTP failures up to the last step under 1% loss
    Window bestWindow;
    for (const int target : o_.subscribers) {
      if (target + o_.publishers > static_cast<int>(kMaxTransports)) break;
      while (static_cast<int>(subscribers_.size()) < target) addSubscriber();
      if (!connectAll()) return 1;
      loop_.run(Clock::now() +
                    std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.warmup)),
                [] { return false; });
      std::vector<Window> windows;
      for (int w = 0; w < o_.windows; ++w) {
        const Snapshot before = snapshot();
        loop_.run(Clock::now() +
                      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.window)),
                  [] { return false; });
        windows.push_back(measure(before, snapshot()));
      }
      const Window m = medians(windows);
      const int streams = target * 2 * o_.publishers;
      std::printf("| %d | %d | %.0f | %.0f | %.1f | %.0f | %.1f | %.2f (%.2f) | %.2f | %.1f | %" PRIu64
                  " / %" PRIu64 "%s |\n",
                  target, streams, m.forwardedPps, m.mbps, m.mediaCpu * 100, m.mediaKernel * 100,
                  m.mediaWait * 100, m.lossPct, m.worstPct, m.usPerPacket, m.botCpu * 100, m.serverDrops,
                  m.botDrops, m.silent ? named(" (", m.silent).append(" silent streams)").c_str() : "");
      std::fflush(stdout);
      if (m.lossPct < 1.0 && m.silent == 0) {
        best = target;
        bestWindow = m;
        failedWhilePassing = decryptFailures();
      } else if (++failures >= o_.stopAfterFailures) {
        break;
      }
    }
    uint64_t decrypted = 0, counted = 0;
    for (const auto& s : subscribers_) {
      decrypted += s->decrypted;
      counted += s->counted;
    }
    // Failures past the limit come with the overload (packets far out of order); before it there are none.
    const uint64_t failed = decryptFailures();
    std::printf("\nSRTP check: %" PRIu64 " of %" PRIu64 " received packets decrypted (1 in %" PRIu64
                "), %" PRIu64 " failed, %" PRIu64 " of them in steps under 1%% loss\n",
                decrypted, counted, kDecryptSampleEvery, failed, failedWhilePassing);
    if (best < 0) {
      std::printf("no step stayed under 1%% loss\n");
      return 1;
    }
    const int streams = best * 2 * o_.publishers;
    std::printf(
        "largest step under 1%% loss: %d subscribers, %d forwarded streams (%d video + %d audio), "
        "%.0f packets/s, media thread at %.1f%% of a core\n",
        best, streams, streams / 2, streams / 2, bestWindow.forwardedPps, bestWindow.mediaCpu * 100);
    if (bestWindow.mediaCpu < 0.95)
      std::printf("forwarded streams per core: %.0f (scaled by the media thread's CPU: %d / %.2f)\n",
                  streams / bestWindow.mediaCpu, streams, bestWindow.mediaCpu);
    else
      std::printf("forwarded streams per core: %d (the media thread was saturated)\n", streams);
    return failedWhilePassing ? 1 : 0;
  }

 private:
  uint64_t decryptFailures() const {
    uint64_t n = 0;
    for (const auto& s : subscribers_) n += s->client().decryptFailures();
    return n;
  }

  std::pair<ClientParams, TransportParams> credentials(const std::string& name) {
    const IceCredentials server{std::string("s").append(name),
                                std::string("server-pwd-").append(name).append("-0123456789abcdef")};
    const IceCredentials client{std::string("c").append(name),
                                std::string("client-pwd-").append(name).append("-0123456789abcdef")};
    return {ClientParams{client, server, serverCert_->fingerprint(), clientCert_, randomU32(random_) + 1ull},
            TransportParams{server, client.ufrag, clientCert_->fingerprint(), nullptr}};
  }

  static std::string trackId(int publisher, bool video) {
    return named("p", publisher).append(video ? ":video" : ":audio");
  }

  void addPublisher(int index) {
    const std::string sid = named("p", index);
    auto [client, transport] = credentials(sid + "xxxx");
    const auto videoSsrc = 0x1000 + 2 * static_cast<uint32_t>(index), audioSsrc = videoSsrc + 0x100;
    sdp::Codec vp8{sdp::kOfferVp8Pt, "VP8", 90000,
                   std::nullopt,     {},    {"nack", "nack pli", "ccm fir", "goog-remb"}};
    sdp::Codec opus{sdp::kOfferOpusPt, "opus", 48000, 2, {{"minptime", "10"}, {"useinbandfec", "1"}}, {}};
    const auto ext = [](uint8_t id, std::string_view uri) {
      return sdp::HeaderExtension{id, std::string(uri), std::nullopt, ""};
    };
    std::vector<TrackSpec> tracks = {
        {trackId(index, false),
         sdp::MediaKind::kAudio,
         audioSsrc,
         std::nullopt,
         {{opus, std::nullopt}},
         {ext(kAudioLevelId, sdp::kExtAudioLevel), ext(kAbsSendTimeId, sdp::kExtAbsSendTime),
          ext(kTransportCcId, sdp::kExtTransportCc)}},
        {trackId(index, true),
         sdp::MediaKind::kVideo,
         videoSsrc,
         videoSsrc + 1,
         {{vp8, sdp::kOfferVp8RtxPt}},
         {ext(kAbsSendTimeId, sdp::kExtAbsSendTime), ext(kTransportCcId, sdp::kExtTransportCc)}},
    };
    sfu_.publish(kRoom, sid, transport, std::move(tracks));
    publishers_.push_back(
        std::make_unique<Publisher>(server_.port(), client, videoSsrc, audioSsrc, index, o_.publishers));
    publishers_.back()->client().start(Clock::now());
    loop_.addPublisher(*publishers_.back());
    for (const bool video : {false, true}) tracks_.push_back({publishers_.back().get(), video});
  }

  void addSubscriber() {
    const std::string sid = named("s", subscribers_.size());
    auto [client, transport] = credentials(sid + "xxxx");
    sfu_.openSubscriber(kRoom, sid, transport);
    for (std::size_t t = 0; t < tracks_.size(); ++t) {
      const auto kind = tracks_[t].second ? sdp::MediaKind::kVideo : sdp::MediaKind::kAudio;
      const uint32_t ssrc = kSubSsrcBase + 2 * static_cast<uint32_t>(t);
      sfu_.subscribe(kRoom, sid, trackId(static_cast<int>(t / 2), tracks_[t].second),
                     {ssrc, tracks_[t].second ? std::optional<uint32_t>(ssrc + 1) : std::nullopt,
                      sdp::subscriberCodecs(kind), sdp::subscriberExtensions(kind)});
    }
    subscribers_.push_back(std::make_unique<Subscriber>(server_.port(), client, tracks_.size()));
    subscribers_.back()->client().start(Clock::now());
    loop_.add(*subscribers_.back());
  }

  bool connectAll() {
    const auto t0 = Clock::now();
    const bool ok = loop_.run(t0 + std::chrono::seconds(30), [&] {
      for (Bot* b : loop_.bots())
        if (!b->client().connected()) return false;
      return true;
    });
    if (!ok) std::fprintf(stderr, "not every bot connected within 30 s\n");
    return ok;
  }

  Snapshot snapshot() {
    Snapshot s;
    s.at = Clock::now();
    s.mediaCpu = threadCpuSeconds(mediaClock_);
    s.mediaWait = runQueueSeconds(mediaTid_);
    s.mediaTicks = kernelAndUserTicks(mediaTid_);
    s.botCpu = threadCpuSeconds(botClock_);
    s.forwarded = sfu_.stats().packetsForwarded.load(std::memory_order_relaxed);
    const auto drops = udpDrops();
    const auto dropsOf = [&](uint16_t port) {
      const auto it = drops.find(port);
      return it == drops.end() ? 0 : it->second;
    };
    s.serverDrops = dropsOf(server_.port());
    for (const auto& sub : subscribers_) {
      s.botDrops += dropsOf(sub->port());
      s.streams.push_back(sub->streams);
      s.bytes.push_back(sub->bytes);
    }
    for (const auto& [publisher, video] : tracks_)
      s.sent.push_back(video ? publisher->videoSent : publisher->audioSent);
    return s;
  }

  Window measure(const Snapshot& a, const Snapshot& b) const {
    Window w;
    const double wall = seconds(b.at - a.at);
    uint64_t expected = 0, received = 0, bytes = 0;
    for (std::size_t s = 0; s < b.streams.size(); ++s) {
      uint64_t subExpected = 0, subReceived = 0;
      for (std::size_t t = 0; t < b.streams[s].size(); ++t) {
        const StreamCount& x = a.streams[s][t];
        const StreamCount& y = b.streams[s][t];
        const uint64_t got = y.received - x.received;
        // Expected: the larger of the sequence-number range and what the publisher sent meanwhile. The
        // second catches what the first cannot: a stream that delivered nothing, and the losses the server's
        // SeqRewriter closes up (a jump over kMaxSeqJump starts a new segment at the next number). Packets in
        // flight at the window's edges are a fraction of a millisecond's worth unless the server is behind.
        const uint64_t want = std::max(static_cast<uint64_t>(y.highest - x.highest), b.sent[t] - a.sent[t]);
        if (got == 0) ++w.silent;
        subExpected += std::max(want, got);
        subReceived += got;
      }
      expected += subExpected;
      received += subReceived;
      bytes += b.bytes[s] - a.bytes[s];
      if (subExpected)
        w.worstPct = std::max(w.worstPct, 100.0 * static_cast<double>(subExpected - subReceived) /
                                              static_cast<double>(subExpected));
    }
    w.expected = expected;
    w.received = received;
    w.lossPct =
        expected ? 100.0 * static_cast<double>(expected - received) / static_cast<double>(expected) : 0;
    w.receivedPps = static_cast<double>(received) / wall;
    w.mbps = static_cast<double>(bytes) * 8 / wall / 1e6;
    const uint64_t forwarded = b.forwarded - a.forwarded;
    w.forwardedPps = static_cast<double>(forwarded) / wall;
    w.mediaCpu = (b.mediaCpu - a.mediaCpu) / wall;
    w.mediaWait = (b.mediaWait - a.mediaWait) / wall;
    const uint64_t kernel = b.mediaTicks.first - a.mediaTicks.first,
                   user = b.mediaTicks.second - a.mediaTicks.second;
    w.mediaKernel = kernel + user ? static_cast<double>(kernel) / static_cast<double>(kernel + user) : 0;
    w.botCpu = (b.botCpu - a.botCpu) / wall;
    w.usPerPacket = forwarded ? (b.mediaCpu - a.mediaCpu) * 1e6 / static_cast<double>(forwarded) : 0;
    w.serverDrops = b.serverDrops - a.serverDrops;
    w.botDrops = b.botDrops - a.botDrops;
    return w;
  }

  static Window medians(const std::vector<Window>& ws) {
    const auto med = [&](auto field) {
      std::vector<double> v;
      for (const auto& w : ws) v.push_back(static_cast<double>(w.*field));
      return bench::median(v);
    };
    Window m;
    m.forwardedPps = med(&Window::forwardedPps);
    m.receivedPps = med(&Window::receivedPps);
    m.mbps = med(&Window::mbps);
    m.mediaCpu = med(&Window::mediaCpu);
    m.mediaWait = med(&Window::mediaWait);
    m.mediaKernel = med(&Window::mediaKernel);
    m.botCpu = med(&Window::botCpu);
    // Loss pooled over the windows, not their median: one bad window out of three must count.
    for (const auto& w : ws) {
      m.expected += w.expected;
      m.received += w.received;
    }
    m.lossPct = m.expected
                    ? 100.0 * static_cast<double>(m.expected - m.received) / static_cast<double>(m.expected)
                    : 0;
    m.worstPct = 0;
    for (const auto& w : ws) m.worstPct = std::max(m.worstPct, w.worstPct);
    m.usPerPacket = med(&Window::usPerPacket);
    m.serverDrops = static_cast<uint64_t>(med(&Window::serverDrops));
    m.botDrops = static_cast<uint64_t>(med(&Window::botDrops));
    m.silent = 0;
    for (const auto& w : ws) m.silent = std::max(m.silent, w.silent);
    return m;
  }

  static constexpr const char* kRoom = "bench";
  Options o_;
  OpenSslRandom random_;     // the bots' (this thread's)
  OpenSslRandom sfuRandom_;  // the Sfu's (the media thread's)
  std::shared_ptr<const DtlsCertificate> serverCert_, clientCert_;
  MediaServer server_;
  Sfu sfu_;
  clockid_t mediaClock_{}, botClock_{};
  pid_t mediaTid_ = 0;
  BotLoop loop_;
  std::vector<std::unique_ptr<Publisher>> publishers_;
  std::vector<std::unique_ptr<Subscriber>> subscribers_;
  std::vector<std::pair<Publisher*, bool>>
      tracks_;  // the room's tracks in subscription order: (publisher, video)
};

}  // namespace

int main(int argc, char** argv) {
  Options options = parseOptions(argc, argv);
  spdlog::set_level(spdlog::level::warn);  // one "connected" line per transport otherwise
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  Bench bench(std::move(options));
  return bench.run();
}
