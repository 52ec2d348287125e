#include "net/Curl.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

namespace roomgate::net {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

std::once_flag initOnce;

CurlHandle makeHandle() {
  initialize();
  CurlHandle h(curl_easy_init());
  if (!h) throw std::runtime_error("libcurl could not create a handle");
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(kConnectTimeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(kTotalTimeout.count() * 1000));
  return h;
}

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t bytes = size * n;
  if (out->size() + bytes > kMaxResponseBytes) return 0;  // stops the transfer: CURLE_WRITE_ERROR
  out->append(data, bytes);
  return bytes;
}

size_t header(char* data, size_t size, size_t n, void* user) {
  auto* retryAfter = static_cast<std::optional<int>*>(user);
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string lower(line.substr(0, kName.size()));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    if (lower == kName) {
      std::string_view v = line.substr(kName.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      int seconds = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
      if (ec == std::errc() && p != v.data() && seconds >= 0) *retryAfter = seconds;
    }
  }
  return size * n;
}

Error transportError(CURLcode rc, const char* detail) {
  const std::string what = detail[0] ? detail : curl_easy_strerror(rc);
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return Error::unavailable(
        "provider_timeout",
        "no answer within " + std::to_string(kTotalTimeout.count()) + " s (" + what + ")");
  return Error::unavailable("provider_unreachable", what);
}

struct Upload {
  std::string_view rest;
};

size_t supply(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t bytes = std::min(size * n, up->rest.size());
  std::memcpy(buffer, up->rest.data(), bytes);
  up->rest.remove_prefix(bytes);
  return bytes;
}

}  // namespace

void initialize() {
  std::call_once(initOnce, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpAnswer> postForm(const FormPost& post) {
  auto h = makeHandle();
  CURL* c = h.get();
  HttpAnswer answer;
  char detail[CURL_ERROR_SIZE] = {0};
  Slist headers(curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded"));
  headers.reset(curl_slist_append(headers.release(), "Accept: application/json"));
  curl_easy_setopt(c, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(post.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(c, CURLOPT_USERNAME, post.user.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, post.password.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "roomgate");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &answer.retryAfterSeconds);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return transportError(rc, detail);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

Status sendMail(const MailSubmission& mail) {
  auto h = makeHandle();
  CURL* c = h.get();
  char detail[CURL_ERROR_SIZE] = {0};
  const std::string from = "<" + mail.from + ">";
  Slist rcpt(curl_slist_append(nullptr, ("<" + mail.to + ">").c_str()));
  Upload upload{mail.message};
  curl_easy_setopt(c, CURLOPT_URL, mail.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL, mail.requireTls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
  if (!mail.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, mail.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, mail.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, supply);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.message.size()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return transportError(rc, detail);
  return Ok{};
}

}  // namespace roomgate::net
