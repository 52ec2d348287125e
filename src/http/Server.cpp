// The only translation unit that includes Boost.Beast/Asio for HTTP (compile time: keep it that way).
#include "http/Server.hpp"
#include <utility>  // before Asio, for g++ 12

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cctype>
#include <cerrno>
#include <stdexcept>

#include "http/Api.hpp"
#include "http/ConnectionCounter.hpp"
#include "http/RequestChecks.hpp"
#include "rtc/WebSocketSession.hpp"

namespace roomgate::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Bytes read and thrown away after refusing a request, so the client sees our answer rather than a reset.
constexpr std::size_t kMaxDrainBytes = 1024 * 1024;
constexpr std::chrono::seconds kDrainTimeout{2};
// Bytes asked of the socket per read while a header block arrives (at most kMaxHeaderBytes are kept).
constexpr std::size_t kHeaderReadChunk = 4096;

// Groups the requests handled in one turn of the event loop into one storage transaction (see
// Server::setTurnHooks): the first request opens it, a handler posted behind the turn's ready work
// commits it and then lets the held responses go out.
class TurnBatcher {
 public:
  explicit TurnBatcher(asio::io_context& io) : io_(io) {}
  void setHooks(std::function<void()> open, std::function<bool()> commit) {
    open_ = std::move(open);
    commit_ = std::move(commit);
  }
  void enter() {
    if (!open_ || turnOpen_) return;
    try {
      open_();
    } catch (const std::exception& e) {
      spdlog::error("could not open a storage transaction: {}", e.what());
      return;
    }
    turnOpen_ = true;
    asio::post(io_, [this] { end(); });
  }
  // Runs `then(committed)` after the turn's commit, or at once if no turn is open.
  void defer(std::function<void(bool)> then) {
    if (turnOpen_) return held_.push_back(std::move(then));
    then(true);
  }

 private:
  void end() {
    const bool ok = commit_();
    if (!ok) spdlog::error("a storage commit failed: its {} requests are answered with 503", held_.size());
    turnOpen_ = false;
    auto held = std::move(held_);
    held_.clear();
    for (auto& then : held) then(ok);
  }

  asio::io_context& io_;
  std::function<void()> open_;
  std::function<bool()> commit_;
  bool turnOpen_ = false;
  std::vector<std::function<void(bool)>> held_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `figures` outlives the session's handlers (the io_context that runs them is destroyed first).
  Session(tcp::socket socket, std::string peer, Api& api, rtc::RtcService* rtc, TurnBatcher& turns,
          app::ConnectionFigures& figures, std::shared_ptr<ConnectionCounter::Slot> slot)
      : stream_(std::move(socket)),
        peer_(std::move(peer)),
        api_(api),
        rtc_(rtc),
        turns_(turns),
        figures_(figures),
        slot_(std::move(slot)) {}

  void start() { readRequest(); }

 private:
  // What a request's reading waits for, and so which deadline a timeout breaks.
  enum class Phase { kIdle, kHeaders, kBody };

  void readRequest() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    phase_ = Phase::kIdle;
    stream_.expires_after(kIdleTimeout);
    readHeader();
  }

  // Reads until the whole header block is in buffer_ (Beast parses a header only once it is all there
  // anyway), checks it for obsolete line folding (which Beast accepts), then lets Beast parse it.
  // Each deadline is absolute: a basic_stream's expiry is a time point, not renewed by reads.
  void readHeader() {
    if (phase_ == Phase::kIdle && buffer_.size() > 0) {
      phase_ = Phase::kHeaders;
      stream_.expires_after(kHeaderDeadline);
    }
    const std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const auto end = data.find("\r\n\r\n");
    if (end == std::string_view::npos && data.size() <= kMaxHeaderBytes) {
      stream_.async_read_some(buffer_.prepare(kHeaderReadChunk),
                              [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->buffer_.commit(n);
                                if (ec) return self->onRead(ec);
                                self->readHeader();
                              });
      return;
    }
    if (end != std::string_view::npos && hasObsoleteLineFolding(data.substr(0, end))) {
      ++figures_.foldedHeaders;
      return refuse(Api::errorResponse(Error::badRequest(
          "folded_header",
          "A header line starts with a space or tab (obsolete line folding, RFC 9112 section 5.2). Send "
          "each header on one line.")));
    }
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->onRead(ec);
                               self->readBody();
                             });
  }

  void readBody() {
    if (parser_->is_done()) return onRequest();
    phase_ = Phase::kBody;
    stream_.expires_after(kBodyDeadline);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->onRead(ec);
                        self->onRequest();
                      });
  }

  // A failed read.
  void onRead(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      if (phase_ == Phase::kHeaders) ++figures_.slowHeaders;
      if (phase_ == Phase::kBody) ++figures_.slowBodies;
      return close();
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec == bhttp::error::body_limit) return refuse(Api::errorResponse(bodyTooLarge()));
    if (ec == bhttp::error::header_limit)
      return refuse(Api::errorResponse({431, "headers_too_large", "The request headers are too large.", {}}));
    return refuse(Api::errorResponse(Error::badRequest("bad_request", "The request is not valid HTTP/1.1.")));
  }

  // The request as the Api sees it.
  Request toRequest(const bhttp::request<bhttp::string_body>& req) const {
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      auto [it, inserted] = request.headers.emplace(std::move(name), std::string(field.value()));
      if (!inserted) it->second += (it->first == "cookie" ? "; " : ", ") + std::string(field.value());
    }
    request.remoteAddress = peer_;
    return request;
  }

  void onRequest() {
    auto& req = parser_->get();
    if (rtc_ && boost::beast::websocket::is_upgrade(req) && req.target() == "/rtc") {
      if (!isValidWebSocketKey(req[bhttp::field::sec_websocket_key])) {
        ++figures_.invalidWebSocketKeys;
        return refuse(Api::errorResponse(Error::badRequest(
            "invalid_websocket_key",
            "Sec-WebSocket-Key must be the base64 of 16 random bytes: 24 characters ending in \"==\" (RFC "
            "6455 section 4.2.1).")));
      }
      if (auto refused = api_.refuseForeignOrigin(toRequest(req))) return refuse(*refused);
      stream_.expires_never();
      return rtc::startWebSocketSession(stream_.release_socket(), parser_->release(), *rtc_, slot_);
    }
    Request request = toRequest(req);
    request.body = std::move(req.body());
    const bool keepAlive = req.keep_alive();
    const unsigned version = req.version();
    const bool head = req.method() == bhttp::verb::head;
    turns_.enter();
    Reply reply = api_.handle(request);
    if (reply.now) {
      turns_.defer([self = shared_from_this(), response = std::move(*reply.now), version, keepAlive,
                    head](bool committed) mutable {
        if (!committed) response = uncommitted();
        self->write(response, version, keepAlive, head);
      });
      return;
    }
    // A provider must be asked: only once this turn's state is committed, never holding the turn open.
    // The answer comes back on this thread, maybe inside a later turn whose commit it then waits for.
    turns_.defer([self = shared_from_this(), later = std::move(reply.later), version, keepAlive,
                  head](bool committed) mutable {
      if (!committed) return self->write(uncommitted(), version, keepAlive, head);
      later([self, version, keepAlive, head](Response response) {
        self->turns_.defer([self, response = std::move(response), version, keepAlive, head](bool ok) mutable {
          if (!ok) response = uncommitted();
          self->write(response, version, keepAlive, head);
        });
      });
    });
  }

  static Response uncommitted() {
    return Api::errorResponse(Error::unavailable(
        "storage_unavailable", "The server could not save your request. Try again in a moment."));
  }

  // The client has kIdleTimeout to take the response (a deferred one may come long after the request).
  void write(const Response& r, unsigned version, bool keepAlive, bool head, bool thenDrain = false) {
    stream_.expires_after(kIdleTimeout);
    auto res =
        std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), version);
    res->set(bhttp::field::server, "roomgate");
    res->set(bhttp::field::content_type, r.contentType);
    for (const auto& [name, value] : r.headers) res->insert(name, value);
    res->keep_alive(keepAlive);
    res->body() = r.body;
    res->prepare_payload();
    if (head) res->body().clear();  // Content-Length stays that of the GET
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keepAlive, thenDrain, after = r.afterWrite](
                           beast::error_code ec, std::size_t) {
                         if (after) after();
                         if (ec) return self->close();
                         if (thenDrain) return self->drain();
                         if (!keepAlive) return self->close();
                         self->readRequest();
                       });
  }

  // Answers a request we will not process, then closes after draining what the client still sends.
  void refuse(const Response& r) { write(r, 11, /*keepAlive=*/false, /*head=*/false, /*thenDrain=*/true); }

  void drain() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kDrainTimeout);
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code e, std::size_t n) {
                              self->drained_ += n;
                              if (e || self->drained_ > kMaxDrainBytes) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::string peer_;  // the client's IP address, for Request::remoteAddress
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Phase phase_ = Phase::kIdle;
  Api& api_;
  rtc::RtcService* rtc_;
  TurnBatcher& turns_;
  app::ConnectionFigures& figures_;                // the server's counters
  std::shared_ptr<ConnectionCounter::Slot> slot_;  // handed on to the WebSocket on an upgrade
  std::array<char, 4096> scratch_{};
  std::size_t drained_ = 0;
};

tcp::endpoint parseEndpoint(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("listen address \"" + listen + "\" is not host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw std::runtime_error("listen address \"" + listen + "\": \"" + host + "\" is not an IP address");
  return {address, static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)))};
}

}  // namespace

struct Server::Impl {
  Impl(const std::string& listen, Api& a, rtc::RtcService* r, std::size_t max, std::size_t maxPerAddress,
       TrustedProxies trusted)
      : api(a),
        rtc(r),
        connections(std::make_shared<ConnectionCounter>(max, maxPerAddress, std::move(trusted))),
        acceptor(io),
        acceptPause(io),
        signals(io, SIGINT, SIGTERM) {
    const auto endpoint = parseEndpoint(listen);
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + listen + ": " + ec.message());
    signals.async_wait([this](beast::error_code e, int sig) {
      if (!e) spdlog::info("received signal {}, stopping", sig);
      io.stop();
    });
    accept();
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec && outOfResources(ec)) return pauseAccepting(ec);
      if (!ec) {
        beast::error_code peerError;
        const auto peer = socket.remote_endpoint(peerError);
        const std::string address = peerError ? std::string() : peer.address().to_string();
        const auto verdict = connections->admit(address);
        if (verdict != ConnectionCounter::Verdict::kAdmitted) {
          ++(verdict == ConnectionCounter::Verdict::kAtLimit ? figures.refused : figures.refusedPerAddress);
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          socket.set_option(tcp::no_delay(true), ec);
          std::make_shared<Session>(std::move(socket), address, api, rtc, turns, figures,
                                    connections->take(address))
              ->start();
        }
      }
      accept();  // other errors (a connection aborted before it was accepted) concern that one only
    });
  }

  static bool outOfResources(const beast::error_code& ec) {
    if (ec.category() != boost::system::system_category()) return false;
    const int e = ec.value();
    return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
  }

  // The pending connections wait in the backlog until descriptors are free again; retrying at once
  // would spin at full CPU (the accept would fail the same way forever).
  void pauseAccepting(const beast::error_code& ec) {
    if (figures.acceptPauses++ % 40 == 0)  // at most every ~10 s while it lasts
      spdlog::warn("cannot accept connections: {} ({} open, limit {}); pausing {} ms", ec.message(),
                   connections->open(), connections->limit(), kAcceptPause.count());
    acceptPause.expires_after(kAcceptPause);
    acceptPause.async_wait([this](beast::error_code e) {
      if (!e) accept();
    });
  }

  void schedule(std::shared_ptr<asio::steady_timer> timer, std::chrono::milliseconds period,
                std::function<void()> task) {
    timer->expires_after(period);
    timer->async_wait([this, timer, period, task = std::move(task)](beast::error_code ec) mutable {
      if (ec) return;
      try {
        task();
      } catch (const std::exception& e) {
        spdlog::error("periodic task failed: {}", e.what());
      }
      schedule(timer, period, std::move(task));
    });
  }

  asio::io_context io{1};
  Api& api;
  rtc::RtcService* rtc;
  TurnBatcher turns{io};
  std::shared_ptr<ConnectionCounter> connections;
  app::ConnectionFigures figures;  // the counters; open and the limits are read from `connections`
  tcp::acceptor acceptor;
  asio::steady_timer acceptPause;
  asio::signal_set signals;
};

Server::Server(const std::string& listen, Api& api, rtc::RtcService* rtc, std::size_t maxConnections,
               std::size_t maxPerAddress, TrustedProxies trustedProxies)
    : impl_(std::make_unique<Impl>(listen, api, rtc, maxConnections, maxPerAddress,
                                   std::move(trustedProxies))) {}
Server::~Server() = default;

uint16_t Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

app::ConnectionFigures Server::connectionStats() const {
  app::ConnectionFigures f = impl_->figures;
  f.open = impl_->connections->open();
  f.limit = impl_->connections->limit();
  f.perAddressLimit = impl_->connections->perAddressLimit();
  f.foreignOrigins = impl_->api.originRefusals();
  return f;
}

void Server::every(std::chrono::milliseconds period, std::function<void()> task) {
  impl_->schedule(std::make_shared<asio::steady_timer>(impl_->io), period, std::move(task));
}

void Server::after(std::chrono::milliseconds delay, std::function<void()> task) {
  auto timer = std::make_shared<asio::steady_timer>(impl_->io, delay);
  timer->async_wait([timer, task = std::move(task)](beast::error_code ec) {
    if (!ec) task();
  });
}

void Server::setTurnHooks(std::function<void()> open, std::function<bool()> commit) {
  impl_->turns.setHooks(std::move(open), std::move(commit));
}

void Server::joinTurn() {
  impl_->turns.enter();
}

void Server::post(std::function<void()> task) {
  asio::post(impl_->io, std::move(task));
}

void Server::poll() {
  impl_->io.restart();
  impl_->io.poll();
}

void Server::run() {
  impl_->io.run();
}
void Server::stop() {
  asio::post(impl_->io, [this] { impl_->io.stop(); });
}

}  // namespace roomgate::http
