#include "rtc/WebSocketSession.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "rtc/Limits.hpp"
#include "rtc/RateLimiter.hpp"
#include "rtc/RtcService.hpp"

namespace roomgate::rtc {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// One WebSocket connection. Owns itself through shared_from_this while an operation is pending.
// Thread: the I/O thread only. One write in flight; the queue holds at most kMaxQueuedMessages.
class Session final : public Peer, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, RtcService& service, std::shared_ptr<void> slot)
      : ws_(std::move(socket)),
        service_(service),
        slot_(std::move(slot)),
        joinTimer_(ws_.get_executor()),
        limiter_(kMaxMessagesPerSecond, kMessageBurst) {}

  ~Session() override { service_.onClosed(this, "closed"); }

  void start(beast::http::request<beast::http::string_body> request) {
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(10);
    timeouts.idle_timeout = kHeartbeatTimeout;  // a ping goes out at half of it
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "roomgate"); }));
    ws_.read_message_max(kMaxMessageBytes);
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->armJoinTimer();
      self->read();
    });
  }

  void send(Outgoing message) override {
    if (closing_) return;
    if (queue_.size() >= kMaxQueuedMessages) {
      spdlog::warn("a signaling client fell {} messages behind; disconnecting it", kMaxQueuedMessages);
      closing_ = true;
      closeCode_ = CloseCode::kSlowConsumer;
      closeReason_ = "slow_consumer";
      queue_.erase(queue_.begin() + (writing_ ? 1 : 0), queue_.end());  // keep the one being written
      leaveLater();
      if (!writing_) doClose(closeCode_, closeReason_);
      return;
    }
    queue_.push_back(std::move(message));
    if (queue_.size() == 1 && !writing_) write();
  }

  void close(CloseCode code, std::string_view errorCode, std::string_view message) override {
    if (closing_) return;
    closeCode_ = code;
    closeReason_ = std::string(errorCode);
    send(errorMessage(errorCode, message));
    closing_ = true;  // after the error is queued: nothing else goes out
    leaveLater();
    if (!writing_ && queue_.empty()) doClose(code, errorCode);
  }

 private:
  // Tells the service this peer is gone, from a later turn: send() and close() are called by the
  // registry while it walks a room, and must not change that room under it (Peer.hpp).
  void leaveLater() {
    asio::post(ws_.get_executor(),
               [self = shared_from_this()] { self->service_.onClosed(self.get(), "closed"); });
  }

  void armJoinTimer() {
    joinTimer_.expires_after(kJoinTimeout);
    joinTimer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->joinedOnce_) return;
      self->close(CloseCode::kJoinTimeout, "join_timeout", "No join message arrived within 5 seconds.");
    });
  }

  void read() {
    ws_.async_read(buffer_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec) {
      // 1009 for an oversized message is sent by Beast itself; here we only leave the room.
      joinTimer_.cancel();
      if (ec == beast::error::timeout) return service_.onClosed(this, "timeout");
      if (ec == websocket::error::closed || closing_) return service_.onClosed(this, "closed");
      return service_.onLost(this);  // no close frame: maybe a network blip, keep the place for a resume
    }
    if (closing_) return read();  // drain until the close handshake completes
    if (!limiter_.allow(RateLimiter::Clock::now())) {
      close(CloseCode::kRateLimited, "rate_limited", "Too many messages: at most 50 per second.");
      return read();
    }
    if (!ws_.got_text()) {
      close(CloseCode::kBadMessage, "invalid_message", "Messages must be JSON text.");
      return read();
    }
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    service_.onText(this, text);
    if (service_.registry().joined(this)) {
      joinedOnce_ = true;
      joinTimer_.cancel();
    }
    read();
  }

  void write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (ec) {
                        self->queue_.clear();
                        return;
                      }
                      if (!self->queue_.empty()) self->queue_.pop_front();
                      if (!self->queue_.empty()) return self->write();
                      if (self->closing_) self->doClose(self->closeCode_, self->closeReason_);
                    });
  }

  void doClose(CloseCode code, std::string_view reason) {
    if (closeSent_) return;
    closeSent_ = true;
    joinTimer_.cancel();
    websocket::close_reason cr(static_cast<websocket::close_code>(code),
                               beast::string_view(reason.data(), reason.size()));
    ws_.async_close(cr, [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<beast::tcp_stream> ws_;
  RtcService& service_;
  std::shared_ptr<void> slot_;  // the server's count of open connections
  asio::steady_timer joinTimer_;
  RateLimiter limiter_;
  beast::flat_buffer buffer_;
  std::deque<Outgoing> queue_;
  bool writing_ = false;
  bool closing_ = false;
  bool closeSent_ = false;
  bool joinedOnce_ = false;
  CloseCode closeCode_ = CloseCode::kBadMessage;
  std::string closeReason_;
};

}  // namespace

void startWebSocketSession(tcp::socket socket, beast::http::request<beast::http::string_body> request,
                           RtcService& service, std::shared_ptr<void> connectionSlot) {
  std::make_shared<Session>(std::move(socket), service, std::move(connectionSlot))->start(std::move(request));
}

}  // namespace roomgate::rtc
