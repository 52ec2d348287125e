#include "support/Process.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace roomgate::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(15);
constexpr const char* kFakeTimeLib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

std::vector<std::string> mergedEnv(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    // The test's own ROOMGATE_* and Twilio settings must not leak into the server under test.
    const std::string name = kv.substr(0, eq);
    if (name.starts_with("ROOMGATE_") || name.starts_with("TWILIO_") || name == "SECRET_KEY" ||
        name == "VERIFY_SERVICE_SID")
      continue;
    env[name] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

// Spawns `argvS` in `cwd`; stdout and stderr go to the given files. Returns the pid, or -errno.
int spawnProgram(std::vector<std::string> argvS, const std::string& cwd,
                 const std::map<std::string, std::string>& env, const std::string& outFile,
                 const std::string& errFile) {
  std::vector<char*> argv;
  for (auto& a : argvS) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto envS = mergedEnv(env);
  std::vector<char*> envp;
  for (auto& e : envS) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, outFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -rc;
}

std::vector<std::string> roomgateArgv(const std::vector<std::string>& args,
                                      const std::vector<std::string>& wrapper = {}) {
  std::vector<std::string> argv = wrapper;
  argv.push_back(ROOMGATE_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t collectHeader(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    static_cast<std::multimap<std::string, std::string>*>(user)->emplace(std::move(name), std::move(value));
  }
  return size * n;
}

}  // namespace

CommandResult runProgram(const std::vector<std::string>& argv, const std::string& cwd,
                         const std::map<std::string, std::string>& env) {
  TempDir io;
  const int pid = spawnProgram(argv, cwd, env, io.file("out"), io.file("err"));
  if (pid < 0) return {-1, "", "cannot start " + argv.at(0) + ": " + std::strerror(-pid)};
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, readFile(io.file("out")), readFile(io.file("err"))};
}

CommandResult runRoomgate(const std::vector<std::string>& args, const std::string& cwd,
                          const std::map<std::string, std::string>& env) {
  return runProgram(roomgateArgv(args), cwd, env);
}

HttpClient::HttpClient(std::string baseUrl) : base_(std::move(baseUrl)), curl_(curl_easy_init()) {
  curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // in-memory cookie jar
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
}
HttpClient::~HttpClient() {
  curl_easy_cleanup(curl_);
}

void HttpClient::clearCookies() {
  curl_easy_setopt(curl_, CURLOPT_COOKIELIST, "ALL");
}

HttpResponse HttpClient::get(const std::string& path, const std::vector<std::string>& extraHeaders) {
  return perform("GET", path, nullptr, "", extraHeaders);
}
HttpResponse HttpClient::post(const std::string& path, const std::string& body,
                              const std::string& contentType, const std::vector<std::string>& extraHeaders) {
  return perform("POST", path, &body, contentType, extraHeaders);
}

HttpResponse HttpClient::perform(const std::string& method, const std::string& path, const std::string* body,
                                 const std::string& contentType,
                                 const std::vector<std::string>& extraHeaders) {
  HttpResponse r;
  const std::string url = base_ + path;
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_slist* headers = nullptr;
  for (const auto& h : extraHeaders) headers = curl_slist_append(headers, h.c_str());
  if (method == "POST") {
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    headers = curl_slist_append(headers, ("Content-Type: " + contentType).c_str());
    headers = curl_slist_append(headers, "Expect:");
  } else {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, collectHeader);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &r.headers);
  const CURLcode rc = curl_easy_perform(curl_);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

FakeTime::FakeTime(const std::string& file) : file_(file) {
  set("+0");
}
void FakeTime::set(const std::string& offset) {
  std::ofstream(file_, std::ios::trunc) << offset << "\n";
}
std::map<std::string, std::string> FakeTime::env() const {
  return {{"LD_PRELOAD", kFakeTimeLib},
          {"FAKETIME_TIMESTAMP_FILE", file_},
          {"FAKETIME_NO_CACHE", "1"},
          {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
}

ServerProcess::ServerProcess(ServerOptions options)
    : options_(std::move(options)), fakeTime_(dir_.file("faketime")) {
  if (options_.dotenv) std::ofstream(dir_.file(".env")) << *options_.dotenv;
  start();
}

ServerProcess::~ServerProcess() {
  stop();
}

void ServerProcess::start() {
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--rtc-port", "0", "--db", dbPath()};
  if (options_.dev) args.push_back("--dev");
  args.insert(args.end(), options_.extraArgs.begin(), options_.extraArgs.end());
  auto env = options_.env;
  for (const auto& [k, v] : fakeTime_.env()) env.emplace(k, v);
  const std::string out = dir_.file("stdout.txt");
  std::ofstream(out, std::ios::trunc).close();
  pid_ = spawnProgram(roomgateArgv(args, options_.wrapper), dir(), env, out, dir_.file("stderr.txt"));
  if (pid_ < 0)
    throw std::runtime_error(std::string("cannot start ") + ROOMGATE_BINARY + ": " + std::strerror(-pid_));
  const std::regex listening(R"(listening on (http://127\.0\.0\.1:\d+))");
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string printed = readFile(out);
    if (std::regex_search(printed, m, listening)) {
      baseUrl_ = m[1];
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("roomgate serve exited during start-up: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("roomgate serve did not start within 15 s: " + log());
}

void ServerProcess::stop() {
  if (pid_ <= 0) return;
  int status = 0;
  const bool diedEarlier = waitpid(pid_, &status, WNOHANG) == pid_;
  if (!diedEarlier) {
    kill(pid_, SIGTERM);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  const std::string printed = log();
  const std::string report = sanitizerReport(printed);
  std::string problem;
  if (diedEarlier)
    problem = "the server died during the test";
  else if (WIFSIGNALED(status))
    problem = std::string("the server was killed by ") + strsignal(WTERMSIG(status)) + " while stopping";
  else if (WEXITSTATUS(status) != 0)
    problem = "the server exited with status " + std::to_string(WEXITSTATUS(status)) + " when stopped";
  if (!report.empty())
    problem += (problem.empty() ? "" : "; ") + std::string("a sanitizer reported an error");
  if (!problem.empty())
    ADD_FAILURE() << problem << "\n"
                  << (report.empty() ? printed.substr(printed.size() > 8000 ? printed.size() - 8000 : 0)
                                     : report);
}

uint16_t ServerProcess::port() const {
  return static_cast<uint16_t>(std::stoi(baseUrl_.substr(baseUrl_.rfind(':') + 1)));
}

std::string sanitizerReport(const std::string& log) {
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                             "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer"}) {
    const auto at = log.find(marker);
    if (at != std::string::npos) return log.substr(at > 200 ? at - 200 : 0, 12000);
  }
  return "";
}

void ServerProcess::restart() {
  stop();
  start();
}

std::string ServerProcess::log() const {
  return readFile(dir_.file("stderr.txt"));
}

CommandResult ServerProcess::cli(std::vector<std::string> args) const {
  args.push_back("--db");
  args.push_back(dbPath());
  return runRoomgate(args, dir());
}

std::string ServerProcess::codeFor(const std::string& to, std::size_t count) {
  HttpClient http(baseUrl_);
  std::string escaped = to;
  if (!escaped.empty() && escaped[0] == '+') escaped = "%2B" + escaped.substr(1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = http.get("/dev/outbox?limit=" + std::to_string(count) + "&to=" + escaped);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_array() && j.size() >= count && j[0]["code"].is_string()) return j[0]["code"].get<std::string>();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "";
}

}  // namespace roomgate::testing
