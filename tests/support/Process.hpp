#pragma once
// Test helpers that run the real `roomgate` binary: one-shot CLI commands and a server process on a free
// loopback port with a fresh database, plus a small blocking HTTP client (libcurl) that keeps cookies.
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/Fakes.hpp"

namespace roomgate::testing {

struct CommandResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] found on PATH, no shell: every argument arrives byte for byte) in `cwd` with the
// test's environment plus `env`, minus roomgate's own settings; waits and returns its output. A program
// that cannot be started gives exit code -1 and the reason in `err`.
CommandResult runProgram(const std::vector<std::string>& argv, const std::string& cwd,
                         const std::map<std::string, std::string>& env = {});

// runProgram of the `roomgate` binary under test.
CommandResult runRoomgate(const std::vector<std::string>& args, const std::string& cwd,
                          const std::map<std::string, std::string>& env = {});

struct HttpResponse {
  long status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased, in the order received
  // The first header of that name ("" if none).
  [[nodiscard]] std::string header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? "" : it->second;
  }
  // Every header of that name (Set-Cookie comes once per cookie).
  [[nodiscard]] std::vector<std::string> headersNamed(const std::string& lowerName) const {
    std::vector<std::string> out;
    for (auto [it, end] = headers.equal_range(lowerName); it != end; ++it) out.push_back(it->second);
    return out;
  }
};

// A browser-like client: one cookie jar, JSON by default.
class HttpClient {
 public:
  explicit HttpClient(std::string baseUrl);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse get(const std::string& path, const std::vector<std::string>& extraHeaders = {});
  HttpResponse post(const std::string& path, const std::string& body,
                    const std::string& contentType = "application/json",
                    const std::vector<std::string>& extraHeaders = {});
  // Points the client at another server (a restarted one) keeping its cookies.
  void setBaseUrl(std::string baseUrl) { base_ = std::move(baseUrl); }
  // Drops every cookie (a new browser).
  void clearCookies();

 private:
  HttpResponse perform(const std::string& method, const std::string& path, const std::string* body,
                       const std::string& contentType, const std::vector<std::string>& extraHeaders);
  std::string base_;
  void* curl_;  // CURL*
};

// Moves the clock of a server started with `fakeTime` (libfaketime, from Debian's libfaketime package).
class FakeTime {
 public:
  explicit FakeTime(const std::string& file);
  void set(const std::string& offset);  // e.g. "+0", "+11m"
  [[nodiscard]] std::map<std::string, std::string> env() const;

 private:
  std::string file_;
};

// A SECRET_KEY that checkSecretKey accepts, for the servers tests start outside --dev: 32 random bytes in
// hex, drawn once per test process (a fixed value here would be one printed in the tests, which the
// server must refuse).
[[nodiscard]] inline std::string randomSecretKey() {
  std::random_device random;
  std::string hex;
  for (int i = 0; i < 64; ++i) hex += "0123456789abcdef"[random() % 16];
  return hex;
}
inline const std::string kTestSecretKey = randomSecretKey();

// For a server outside --dev that needs a delivery channel but no delivery (serve refuses to start
// with none): SMTP to a closed port on loopback, so every e-mail fails.
inline const std::map<std::string, std::string> kUnreachableSmtp = {
    {"ROOMGATE_SMTP_URL", "smtp://127.0.0.1:9"}, {"ROOMGATE_SMTP_FROM", "roomgate@example.com"}};

// kUnreachableSmtp with SECRET_KEY = kTestSecretKey, the environment of most servers tests run outside
// --dev.
[[nodiscard]] inline std::map<std::string, std::string> productionEnv() {
  auto env = kUnreachableSmtp;
  env.emplace("SECRET_KEY", kTestSecretKey);
  return env;
}

struct ServerOptions {
  bool dev = true;
  std::map<std::string, std::string> env{};  // extra environment (SECRET_KEY, TWILIO_*, ...)
  std::optional<std::string> dotenv{};       // contents of a .env file in the server's working directory
  std::vector<std::string> extraArgs{};
  // A command the server runs under, e.g. {"prlimit", "--nofile=256", "--"} (it must exec the server,
  // so the pid is the server's).
  std::vector<std::string> wrapper{};
};

// The first sanitizer report (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer) in `log`,
// with what follows it; empty if there is none.
[[nodiscard]] std::string sanitizerReport(const std::string& log);

// A `roomgate serve` process in its own temporary directory (the working directory, holding
// roomgate.db and any .env). Stopped with SIGTERM when destroyed. Stopping checks that the server was
// still running and exits cleanly (status 0, no sanitizer report on stderr); otherwise the current test
// fails with the server's log, so a crash or a use-after-free in the server fails whatever test saw it.
class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] const std::string& baseUrl() const { return baseUrl_; }
  [[nodiscard]] uint16_t port() const;
  [[nodiscard]] int pid() const { return pid_; }
  [[nodiscard]] std::string dir() const { return dir_.path().string(); }
  [[nodiscard]] std::string dbPath() const { return dir_.file("roomgate.db"); }
  // Runs a CLI command against this server's database.
  CommandResult cli(std::vector<std::string> args) const;
  // The newest code sent to `to` once at least `count` messages went there (delivery is asynchronous),
  // polled from /dev/outbox for up to 5 s; empty if they did not come.
  std::string codeFor(const std::string& to, std::size_t count = 1);
  // Stops and starts the server again on the same directory and database (a new port).
  void restart();
  void stop();
  [[nodiscard]] FakeTime& clock() { return fakeTime_; }
  // What the server printed on stderr so far.
  [[nodiscard]] std::string log() const;

 private:
  void start();
  ServerOptions options_;
  TempDir dir_;
  FakeTime fakeTime_;
  int pid_ = -1;
  std::string baseUrl_;
};

}  // namespace roomgate::testing
