// bench_load: a native load driver for the join flow (POST /login -> GET /dev/outbox -> POST /verify).
//
// One thread, one epoll set, N non-blocking HTTP/1.1 keep-alive connections (one per simulated client).
// Each client runs round trips back to back, each with a guest of its own (every identity is used at
// most once, so the per-phone send limit and the per-verification check limit never bite):
//   POST /login {"username": ID}                -> 200 + Set-Cookie roomgate_session=...
//   GET /dev/outbox?to=PHONE&limit=1            -> [] until the delivery thread has recorded the code;
//                                                  retried after 1 ms (the retries are counted)
//   POST /verify {"code": CODE} + the cookie    -> 200 {"token": ...}
// A round trip's latency runs from the moment the login request is written to the moment the verify
// response has been read in full. Only 127.0.0.1 (or another literal IPv4 address) is supported: this is
// a loopback benchmark, not a general HTTP client.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unordered_map>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Ns = std::chrono::nanoseconds;

// A request with no answer for this long counts as an error ("timeout") and its connection is replaced.
constexpr auto kRequestTimeout = std::chrono::seconds(10);
// A code that has not appeared in the outbox after this long fails the round trip ("no_code").
constexpr auto kCodeTimeout = std::chrono::seconds(5);
// After the duration is up, in-flight round trips get this long to finish before they count as errors.
constexpr auto kDrainGrace = std::chrono::seconds(15);
constexpr auto kPollRetry = std::chrono::milliseconds(1);

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int clients = 64;
  double duration = 10;
  long long roundTrips = 0;  // 0: run for `duration`
  std::string guestsPrefix = "guest";
  int guestsWidth = 6;
  long long first = 0;       // first guest index
  long long guests = 20000;  // how many guests, from `first`
  std::string phonePattern = "+1650%07lld";
  long long phoneBase = 2530000;  // guest i has phone sprintf(phonePattern, phoneBase + i)
  std::string room;               // sent with /login if not empty
  bool header = true;
  // Read codes from the server's --dev console log (its stderr, as a phone would get the SMS) instead of
  // polling GET /dev/outbox: the server then serves only the two requests a real guest makes.
  std::string codesFrom;
};

[[noreturn]] void usage(const char* error) {
  if (error) std::fprintf(stderr, "bench_load: %s\n\n", error);
  std::fprintf(
      stderr,
      "usage: bench_load [--url http://127.0.0.1:PORT] [--clients N] [--duration S | --round-trips M]\n"
      "                  [--guests-prefix P] [--guests-width W] [--first I] [--guests N]\n"
      "                  [--phone-pattern FMT] [--phone-base B] [--room NAME] [--no-header]\n"
      "                  [--codes-from SERVER_STDERR_LOG]\n"
      "Guest i (first <= i < first+guests) is identity P + i zero-padded to W digits, with phone\n"
      "printf(FMT, B + i) (FMT takes one %%lld), e.g. guest000000 / +16502530000 by default.\n");
  std::exit(2);
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + std::string(a)).c_str());
      return argv[++i];
    };
    if (a == "--url") {
      std::string url = value();
      constexpr std::string_view kScheme = "http://";
      if (url.rfind(kScheme, 0) != 0) usage("--url must start with http://");
      url = url.substr(kScheme.size());
      if (auto slash = url.find('/'); slash != std::string::npos) url.resize(slash);
      const auto colon = url.rfind(':');
      if (colon == std::string::npos) usage("--url needs a port: http://127.0.0.1:PORT");
      o.host = url.substr(0, colon);
      if (o.host == "localhost") o.host = "127.0.0.1";
      o.port = static_cast<uint16_t>(std::atoi(url.c_str() + colon + 1));
    } else if (a == "--clients") {
      o.clients = std::atoi(value().c_str());
    } else if (a == "--duration") {
      o.duration = std::atof(value().c_str());
    } else if (a == "--round-trips") {
      o.roundTrips = std::atoll(value().c_str());
    } else if (a == "--guests-prefix") {
      o.guestsPrefix = value();
    } else if (a == "--guests-width") {
      o.guestsWidth = std::atoi(value().c_str());
    } else if (a == "--first") {
      o.first = std::atoll(value().c_str());
    } else if (a == "--guests") {
      o.guests = std::atoll(value().c_str());
    } else if (a == "--phone-pattern") {
      o.phonePattern = value();
    } else if (a == "--phone-base") {
      o.phoneBase = std::atoll(value().c_str());
    } else if (a == "--room") {
      o.room = value();
    } else if (a == "--codes-from") {
      o.codesFrom = value();
    } else if (a == "--no-header") {
      o.header = false;
    } else if (a == "--help" || a == "-h") {
      usage(nullptr);
    } else {
      usage(("unknown option " + std::string(a)).c_str());
    }
  }
  if (o.clients < 1) usage("--clients must be at least 1");
  if (o.guests < 1) usage("--guests must be at least 1");
  if (o.roundTrips <= 0 && o.duration <= 0) usage("give --duration S > 0 or --round-trips M > 0");
  return o;
}

std::string identityOf(const Options& o, long long i) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%0*lld", o.guestsWidth, i);
  return o.guestsPrefix + digits;
}

std::string phoneOf(const Options& o, long long i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, o.phonePattern.c_str(), o.phoneBase + i);
  return buf;
}

std::string percentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Identities here are ASCII letters and digits, so no JSON escaping is needed; refuse anything else.
std::string jsonString(std::string_view s) {
  for (char c : s)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      std::fprintf(stderr, "bench_load: identity/room needs JSON escaping, not supported: %.*s\n",
                   static_cast<int>(s.size()), s.data());
      std::exit(2);
    }
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

// ---- a minimal HTTP/1.1 response parser (Content-Length bodies only: what the server sends) ------------

struct Response {
  int status = 0;
  std::string setCookie;  // the value of roomgate_session from Set-Cookie, if any
  bool close = false;
  std::string body;
};

bool ieq(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses one complete response at the start of `in`. Returns the bytes it used, 0 if `in` holds less than
// one whole response, or -1 if the bytes are not a response this parser understands.
long parseResponse(std::string_view in, Response& out) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return in.size() > 64 * 1024 ? -1 : 0;
  std::string_view head = in.substr(0, end);
  const auto eol = head.find("\r\n");
  const std::string_view statusLine = head.substr(0, eol);
  if (statusLine.size() < 12 || statusLine.substr(0, 5) != "HTTP/") return -1;
  out = Response{};
  out.status = std::atoi(std::string(statusLine.substr(9, 3)).c_str());
  long long length = -1;
  std::string_view rest = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
  while (!rest.empty()) {
    const auto e = rest.find("\r\n");
    const std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view{} : rest.substr(e + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (ieq(name, "content-length")) {
      length = std::atoll(std::string(value).c_str());
    } else if (ieq(name, "transfer-encoding")) {
      return -1;  // chunked: not produced by the server for these endpoints
    } else if (ieq(name, "connection")) {
      out.close = ieq(value, "close");
    } else if (ieq(name, "set-cookie")) {
      constexpr std::string_view kName = "roomgate_session=";
      if (value.substr(0, kName.size()) == kName) {
        std::string_view v = value.substr(kName.size());
        out.setCookie = std::string(v.substr(0, v.find(';')));
      }
    }
  }
  if (length < 0) return -1;
  const std::size_t total = end + 4 + static_cast<std::size_t>(length);
  if (in.size() < total) return 0;
  out.body.assign(in.substr(end + 4, static_cast<std::size_t>(length)));
  return static_cast<long>(total);
}

// The "code" of the first outbox entry: the newest one for the phone. Empty if there is none yet.
std::string codeFromOutbox(std::string_view body) {
  constexpr std::string_view kKey = "\"code\":\"";
  const auto at = body.find(kKey);
  if (at == std::string_view::npos) return {};
  const auto start = at + kKey.size();
  const auto stop = body.find('"', start);
  if (stop == std::string_view::npos) return {};
  return std::string(body.substr(start, stop - start));
}

// ---- clients -------------------------------------------------------------------------------------------

enum class Phase { kIdle, kLogin, kPollWait, kPoll, kAwaitCode, kVerify, kDone };

struct Client {
  int fd = -1;
  Phase phase = Phase::kIdle;
  std::string in;
  std::string out;
  std::size_t outOff = 0;
  bool wantWrite = false;
  long long guest = -1;
  std::string phone, cookie;
  Clock::time_point rtStart, codeDeadline, sentAt, wakeAt;
  int polls = 0;
  std::string rawPhone;  // E.164, as the console log names it
};

struct Stats {
  std::vector<double> latenciesMs;
  long long started = 0;
  long long polls = 0;  // outbox requests of completed round trips (1 = the code was there at once)
  long long requests = 0;
  std::map<std::string, long long> errors;  // "login 429", "verify 401", "poll timeout", "connect", ...
  long long errorCount() const {
    long long n = 0;
    for (const auto& [k, v] : errors) n += v;
    return n;
  }
};

class Driver {
 public:
  explicit Driver(const Options& o) : o_(o), clients_(static_cast<std::size_t>(o.clients)) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) die("epoll_create1");
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(o.port);
    if (inet_pton(AF_INET, o.host.c_str(), &addr_.sin_addr) != 1) {
      std::fprintf(stderr, "bench_load: %s is not an IPv4 address\n", o.host.c_str());
      std::exit(2);
    }
    if (!o.room.empty()) roomField_ = ",\"room\":" + jsonString(o.room);
    nextGuest_ = o.first;
  }

  void run() {
    for (std::size_t i = 0; i < clients_.size(); ++i)
      if (!connect(i)) {
        std::fprintf(stderr, "bench_load: cannot connect to %s:%u: %s\n", o_.host.c_str(), o_.port,
                     std::strerror(errno));
        std::exit(1);
      }
    start_ = Clock::now();
    deadline_ =
        start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.duration));
    for (std::size_t i = 0; i < clients_.size(); ++i) startRoundTrip(i);

    std::vector<epoll_event> events(clients_.size() + 1);
    for (;;) {
      const auto now = Clock::now();
      bool busy = false;
      Clock::time_point nextWake = now + std::chrono::milliseconds(50);
      for (std::size_t i = 0; i < clients_.size(); ++i) {
        Client& c = clients_[i];
        if (c.phase == Phase::kIdle || c.phase == Phase::kDone) continue;
        busy = true;
        if (c.phase == Phase::kAwaitCode) {
          readCodes();
          auto it = codes_.find(c.rawPhone);
          if (it != codes_.end()) {
            const std::string code = it->second;
            codes_.erase(it);
            sendVerify(i, code);
          } else if (now > c.codeDeadline) {
            fail(i, "log no_code", false);
          } else {
            nextWake = std::min(nextWake, now + std::chrono::microseconds(200));
          }
        } else if (c.phase == Phase::kPollWait) {
          if (c.wakeAt <= now)
            sendPoll(i);
          else
            nextWake = std::min(nextWake, c.wakeAt);
        } else if (now - c.sentAt > kRequestTimeout || now > hardStop()) {
          fail(i, std::string(phaseName(c.phase)) + " timeout", /*reconnect=*/true);
        }
      }
      if (!busy) break;
      const auto waitNs = std::chrono::duration_cast<Ns>(nextWake - Clock::now()).count();
      const int timeoutMs = waitNs <= 0 ? 0 : static_cast<int>((waitNs + 999'999) / 1'000'000);
      const int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), timeoutMs);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int k = 0; k < n; ++k) {
        const std::size_t i = events[k].data.u64;
        if (events[k].events & EPOLLOUT) flush(i);
        if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) onReadable(i);
      }
    }
    end_ = lastDone_ > start_ ? lastDone_ : Clock::now();
    for (auto& c : clients_)
      if (c.fd >= 0) ::close(c.fd);
  }

  void report() {
    auto& lat = stats_.latenciesMs;
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) {
      if (lat.empty()) return 0.0;
      const std::size_t idx =
          std::min(lat.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(lat.size())));
      return lat[idx];
    };
    const double secs = std::chrono::duration<double>(end_ - start_).count();
    const double rate = secs > 0 ? static_cast<double>(lat.size()) / secs : 0;
    if (o_.header)
      std::printf("%7s %11s %7s %9s %8s %8s %8s %8s %9s %8s\n", "clients", "round_trips", "errors", "rt/s",
                  "p50_ms", "p90_ms", "p99_ms", "max_ms", "polls/rt", "req/s");
    std::printf("%7d %11zu %7lld %9.0f %8.2f %8.2f %8.2f %8.2f %9.2f %8.0f\n", o_.clients, lat.size(),
                stats_.errorCount(), rate, pct(50), pct(90), pct(99), lat.empty() ? 0.0 : lat.back(),
                lat.empty() ? 0.0 : static_cast<double>(stats_.polls) / static_cast<double>(lat.size()),
                secs > 0 ? static_cast<double>(stats_.requests) / secs : 0);
    if (!stats_.errors.empty()) {
      std::printf("  errors:");
      for (const auto& [k, v] : stats_.errors) std::printf(" [%s] x%lld", k.c_str(), v);
      std::printf("\n");
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double cpuUs = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    if (!lat.empty())
      std::printf("  driver CPU: %.0f us per round trip (%.0f%% of one core)\n",
                  cpuUs / static_cast<double>(lat.size()), secs > 0 ? cpuUs / 1e4 / secs : 0.0);
    if (ranOut_) std::printf("  note: ran out of guests (%lld) before the run was done\n", o_.guests);
    std::fflush(stdout);
  }

 private:
  static const char* phaseName(Phase p) {
    switch (p) {
      case Phase::kLogin:
        return "login";
      case Phase::kPoll:
      case Phase::kPollWait:
      case Phase::kAwaitCode:
        return "poll";
      case Phase::kVerify:
        return "verify";
      default:
        return "idle";
    }
  }

  [[noreturn]] static void die(const char* what) {
    std::perror(what);
    std::exit(1);
  }

  // In --duration mode, in-flight round trips are abandoned (as errors) this long after the duration.
  Clock::time_point hardStop() const {
    return o_.roundTrips > 0 ? Clock::time_point::max() : deadline_ + kDrainGrace;
  }

  bool connect(std::size_t i) {
    Client& c = clients_[i];
    if (c.fd >= 0) {
      epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
    }
    c.fd = -1;
    c.in.clear();
    c.out.clear();
    c.outOff = 0;
    c.wantWrite = false;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    // Blocking connect on loopback: immediate, and it keeps the state machine simple.
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_) != 0) {
      ::close(fd);
      return false;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
    c.fd = fd;
    return true;
  }

  bool mayStart() {
    if (o_.roundTrips > 0) {
      if (stats_.started >= o_.roundTrips) return false;
    } else if (Clock::now() >= deadline_) {
      return false;
    }
    if (nextGuest_ >= o_.first + o_.guests) {
      ranOut_ = true;
      return false;
    }
    return true;
  }

  void startRoundTrip(std::size_t i) {
    Client& c = clients_[i];
    if (!mayStart()) {
      c.phase = Phase::kDone;
      return;
    }
    ++stats_.started;
    c.guest = nextGuest_++;
    c.rawPhone = phoneOf(o_, c.guest);
    c.phone = percentEncode(c.rawPhone);
    c.cookie.clear();
    c.polls = 0;
    const std::string body = "{\"username\":" + jsonString(identityOf(o_, c.guest)) + roomField_ + "}";
    c.phase = Phase::kLogin;
    c.rtStart = Clock::now();
    send(i, "POST /login HTTP/1.1\r\nHost: " + host() +
                "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body);
  }

  void sendPoll(std::size_t i) {
    Client& c = clients_[i];
    c.phase = Phase::kPoll;
    ++c.polls;
    send(i, "GET /dev/outbox?to=" + c.phone + "&limit=1 HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
  }

  void sendVerify(std::size_t i, const std::string& code) {
    Client& c = clients_[i];
    c.phase = Phase::kVerify;
    const std::string body = "{\"code\":" + jsonString(code) + "}";
    send(i, "POST /verify HTTP/1.1\r\nHost: " + host() +
                "\r\nContent-Type: application/json\r\nCookie: roomgate_session=" + c.cookie +
                "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }

  std::string host() const { return o_.host + ":" + std::to_string(o_.port); }

  void send(std::size_t i, std::string request) {
    Client& c = clients_[i];
    ++stats_.requests;
    c.out = std::move(request);
    c.outOff = 0;
    c.sentAt = Clock::now();
    flush(i);
  }

  void flush(std::size_t i) {
    Client& c = clients_[i];
    while (c.outOff < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.outOff, c.out.size() - c.outOff, MSG_NOSIGNAL);
      if (n > 0) {
        c.outOff += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        setWantWrite(i, true);
        return;
      }
      fail(i, std::string(phaseName(c.phase)) + " send failed", /*reconnect=*/true);
      return;
    }
    setWantWrite(i, false);
  }

  void setWantWrite(std::size_t i, bool want) {
    Client& c = clients_[i];
    if (c.wantWrite == want) return;
    c.wantWrite = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.u64 = i;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void onReadable(std::size_t i) {
    Client& c = clients_[i];
    char buf[16 * 1024];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < sizeof buf) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      // Closed by the server (or an error): whatever was in flight failed.
      if (c.phase == Phase::kLogin || c.phase == Phase::kPoll || c.phase == Phase::kVerify)
        fail(i, std::string(phaseName(c.phase)) + " connection closed", /*reconnect=*/true);
      else
        connect(i);
      return;
    }
    Response r;
    const long used = parseResponse(c.in, r);
    if (used == 0) return;
    if (used < 0) {
      fail(i, std::string(phaseName(c.phase)) + " bad response", /*reconnect=*/true);
      return;
    }
    c.in.erase(0, static_cast<std::size_t>(used));
    // The server will close this connection: open the next one before the next request goes out.
    if (r.close && !connect(i)) {
      ++stats_.errors["connect failed"];
      c.phase = Phase::kDone;
      return;
    }
    onResponse(i, r);
  }

  void onResponse(std::size_t i, const Response& r) {
    Client& c = clients_[i];
    switch (c.phase) {
      case Phase::kLogin:
        if (r.status != 200 || r.setCookie.empty())
          return fail(i, "login " + std::to_string(r.status), false);
        c.cookie = r.setCookie;
        c.codeDeadline = Clock::now() + kCodeTimeout;
        if (codesFd_ >= 0) {
          c.phase = Phase::kAwaitCode;
          return;
        }
        sendPoll(i);
        return;
      case Phase::kPoll: {
        if (r.status != 200) return fail(i, "poll " + std::to_string(r.status), false);
        const std::string code = codeFromOutbox(r.body);
        if (!code.empty()) return sendVerify(i, code);
        if (Clock::now() > c.codeDeadline) return fail(i, "poll no_code", false);
        c.phase = Phase::kPollWait;
        c.wakeAt = Clock::now() + kPollRetry;
        return;
      }
      case Phase::kVerify: {
        if (r.status != 200 || r.body.find("\"token\"") == std::string::npos)
          return fail(i, "verify " + std::to_string(r.status), false);
        const auto now = Clock::now();
        stats_.latenciesMs.push_back(std::chrono::duration<double, std::milli>(now - c.rtStart).count());
        stats_.polls += c.polls;
        lastDone_ = now;
        startRoundTrip(i);
        return;
      }
      default:
        fail(i, "unexpected response", true);
    }
  }

  void fail(std::size_t i, const std::string& what, bool reconnect) {
    ++stats_.errors[what];
    if (reconnect && !connect(i)) {
      ++stats_.errors["connect failed"];
      clients_[i].phase = Phase::kDone;
      return;
    }
    startRoundTrip(i);
  }

  // Reads what the server appended to its log since the last call and records the codes in it. The
  // --dev console line is: "... code for ********23: 123456  (sms to +16502530123)".
  void readCodes() {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(codesFd_, buf, sizeof buf);
      if (n <= 0) break;
      codeLog_.append(buf, static_cast<std::size_t>(n));
    }
    std::size_t start = 0;
    for (std::size_t nl; (nl = codeLog_.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string_view line(codeLog_.data() + start, nl - start);
      const auto at = line.find("code for ");
      if (at == std::string_view::npos) continue;
      const auto colon = line.find(": ", at);
      const auto to = line.find(" to ", colon);
      if (colon == std::string_view::npos || to == std::string_view::npos) continue;
      std::string_view code = line.substr(colon + 2);
      code = code.substr(0, code.find(' '));
      std::string_view phone = line.substr(to + 4);
      phone = phone.substr(0, phone.find(')'));
      codes_[std::string(phone)] = std::string(code);
    }
    codeLog_.erase(0, start);
  }

 public:
  void openCodeLog(const std::string& path) {
    codesFd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (codesFd_ < 0) die(("open " + path).c_str());
    ::lseek(codesFd_, 0, SEEK_END);  // only codes sent from now on
  }

 private:
  int codesFd_ = -1;
  std::string codeLog_;
  std::unordered_map<std::string, std::string> codes_;  // phone -> newest code

  const Options& o_;
  std::vector<Client> clients_;
  int ep_ = -1;
  sockaddr_in addr_{};
  std::string roomField_;
  long long nextGuest_ = 0;
  bool ranOut_ = false;
  Stats stats_;
  Clock::time_point start_, deadline_, end_, lastDone_;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parseOptions(argc, argv);
  Driver d(o);
  if (!o.codesFrom.empty()) d.openCodeLog(o.codesFrom);
  d.run();
  d.report();
  return 0;
}
