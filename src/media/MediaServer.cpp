#include "media/MediaServer.hpp"

#include <utility>  // before Boost.Asio (g++ 12)

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <map>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/Check.hpp"
#include "media/Stun.hpp"

namespace roomgate::media {
namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

// The largest datagram read: a full Ethernet frame's payload, plus room to re-protect in place.
constexpr std::size_t kMaxDatagram = 1500;

Endpoint toEndpoint(const udp::endpoint& e) {
  Endpoint out;
  out.port = e.port();
  if (e.address().is_v4()) {
    out.family = AddressFamily::V4;
    const auto bytes = e.address().to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.address.begin());
  } else {
    out.family = AddressFamily::V6;
    const auto bytes = e.address().to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.address.begin());
  }
  return out;
}

udp::endpoint toUdp(const Endpoint& e) {
  if (e.family == AddressFamily::V4) {
    asio::ip::address_v4::bytes_type b;
    std::copy_n(e.address.begin(), b.size(), b.begin());
    return {asio::ip::address_v4(b), e.port};
  }
  asio::ip::address_v6::bytes_type b;
  std::copy_n(e.address.begin(), b.size(), b.begin());
  return {asio::ip::address_v6(b), e.port};
}

struct EndpointHash {
  std::size_t operator()(const Endpoint& e) const noexcept {
    std::size_t h = static_cast<std::size_t>(e.family) * 1000003u ^ e.port;
    for (uint8_t b : e.address) h = h * 131 + b;
    return h;
  }
};

// The local ufrag of a STUN USERNAME "ours:theirs" without parsing the whole message (the transport does).
std::optional<std::string> localUfragOf(std::span<const uint8_t> packet) {
  auto message = parseStun(packet);
  if (!message || !message->username) return std::nullopt;
  const auto colon = message->username->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return message->username->substr(0, colon);
}

}  // namespace

struct MediaServer::Impl {
  struct Entry;

  // Bridges one transport's events to the socket, the routing tables and its handler.
  struct Entry final : WebRtcTransport::Listener {
    Impl& server;
    std::string key;
    std::string ufrag;
    std::unique_ptr<MediaHandler> handler;
    std::unique_ptr<WebRtcTransport> transport;
    TransportCounters folded;  // the part of transport->counters() already added to the server's stats
    bool dead = false;

    Entry(Impl& s, std::string k, std::string u) : server(s), key(std::move(k)), ufrag(std::move(u)) {}
    void onTransportSend(const Endpoint& to, std::span<const uint8_t> datagram) override {
      server.sendTo(to, datagram);
    }
    void onTransportTuple(const Endpoint& from) override { server.byTuple[from] = this; }
    void onTransportConnected() override {
      spdlog::info("media: transport {} connected (DTLS done, SRTP keyed)", key);
      handler->onConnected(*transport);
    }
    void onRtp(std::span<uint8_t> buffer, std::size_t length) override {
      handler->onRtp(*transport, buffer, length);
    }
    void onRtcp(std::span<uint8_t> buffer, std::size_t length) override {
      handler->onRtcp(*transport, buffer, length);
    }
    void onTransportClosed(const std::string& reason) override {
      if (dead) return;
      dead = true;
      server.logClosed(*this, reason);
      handler->onClosed(reason);
      server.graveyard.push_back(this);
    }
  };

  MediaServerOptions options;
  std::shared_ptr<const DtlsCertificate> certificate;
  asio::io_context io{1};
  udp::socket socket{io};
  asio::steady_timer ticker{io};
  std::thread thread;
  MediaServerStats stats;

  std::map<std::string, std::unique_ptr<Entry>> byKey;
  std::unordered_map<std::string, Entry*> byUfrag;
  std::unordered_map<Endpoint, Entry*, EndpointHash> byTuple;
  std::vector<Entry*> graveyard;  // closed during a callback; removed once the callback returned
  TickHook tickHook;

  std::array<uint8_t, kMaxDatagram + kSrtpMaxOverhead> buffer{};
  udp::endpoint sender;

  void sendTo(const Endpoint& to, std::span<const uint8_t> datagram) {
    boost::system::error_code ec;
    socket.send_to(asio::buffer(datagram.data(), datagram.size()), toUdp(to), 0, ec);
    if (!ec) stats.bytesOut.fetch_add(datagram.size(), std::memory_order_relaxed);
  }

  // Adds what `e`'s transport counted since the last fold to the server's totals (media thread only).
  void fold(Entry& e) {
    const auto& c = e.transport->counters();
    auto& f = e.folded;
    const auto add = [](std::atomic<uint64_t>& total, uint64_t now, uint64_t& before) {
      if (now != before) total.fetch_add(now - before, std::memory_order_relaxed);
      before = now;
    };
    add(stats.rtpPacketsIn, c.rtpPacketsIn, f.rtpPacketsIn);
    add(stats.rtpBytesIn, c.rtpBytesIn, f.rtpBytesIn);
    add(stats.rtpPacketsOut, c.rtpPacketsOut, f.rtpPacketsOut);
    add(stats.rtpBytesOut, c.rtpBytesOut, f.rtpBytesOut);
    add(stats.rtcpPacketsIn, c.rtcpPacketsIn, f.rtcpPacketsIn);
    add(stats.rtcpPacketsOut, c.rtcpPacketsOut, f.rtcpPacketsOut);
    add(stats.srtpDecryptFailures, c.srtpDecryptFailures, f.srtpDecryptFailures);
    add(stats.srtpEncryptFailures, c.srtpEncryptFailures, f.srtpEncryptFailures);
  }

  void logClosed(Entry& e, const std::string& reason) {
    fold(e);
    const auto& c = e.transport->counters();
    spdlog::info(
        "media: transport {} closed: {} (stun {} ok / {} rejected, dtls {} pkts {}, rtp in {} pkts {} B, out "
        "{} pkts "
        "{} B, rtcp in {} out {}, srtp failures {} in / {} out, dropped {})",
        e.key, reason, c.stunRequests, c.stunRejected, c.dtlsPackets, stateName(e.transport->dtlsState()),
        c.rtpPacketsIn, c.rtpBytesIn, c.rtpPacketsOut, c.rtpBytesOut, c.rtcpPacketsIn, c.rtcpPacketsOut,
        c.srtpDecryptFailures, c.srtpEncryptFailures, c.dropped);
  }

  void bury() {
    for (Entry* e : graveyard) {
      for (const auto& tuple : e->transport->ice().tuples()) {
        auto it = byTuple.find(tuple);
        if (it != byTuple.end() && it->second == e) byTuple.erase(it);
      }
      byUfrag.erase(e->ufrag);
      stats.transportsOpen.fetch_sub(1, std::memory_order_relaxed);
      byKey.erase(e->key);  // destroys the entry, its transport and handler
    }
    graveyard.clear();
  }

  void receive() {
    socket.async_receive_from(asio::buffer(buffer.data(), kMaxDatagram), sender,
                              [this](const boost::system::error_code& ec, std::size_t n) {
                                if (ec == asio::error::operation_aborted) return;
                                if (!ec) onDatagram(n);
                                receive();
                              });
  }

  void onDatagram(std::size_t n) {
    stats.bytesIn.fetch_add(n, std::memory_order_relaxed);
    const Endpoint from = toEndpoint(sender);
    const std::span<const uint8_t> packet(buffer.data(), n);
    Entry* entry = nullptr;
    if (auto it = byTuple.find(from); it != byTuple.end()) {
      entry = it->second;
    } else if (isStun(packet)) {
      if (const auto ufrag = localUfragOf(packet)) {
        if (auto u = byUfrag.find(*ufrag); u != byUfrag.end()) entry = u->second;
      }
    }
    if (!entry || entry->dead) {
      stats.unknownDatagrams.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    entry->transport->receive(buffer, n, from, std::chrono::steady_clock::now());
    bury();
  }

  void tick() {
    ticker.expires_after(kMediaTickInterval);
    ticker.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      const auto now = std::chrono::steady_clock::now();
      for (auto& [key, entry] : byKey) {
        if (entry->dead) continue;
        entry->transport->tick(now);
        if (!entry->dead) fold(*entry);  // a transport closed by the tick was folded as it closed
      }
      bury();
      if (tickHook) tickHook(now);
      bury();
      tick();
    });
  }

  void create(std::string key, TransportParams params, HandlerFactory makeHandler) {
    if (auto it = byKey.find(key); it != byKey.end()) {
      it->second->transport->close("replaced by a new transport of the same owner");
      bury();
    }
    if (byKey.size() >= kMaxTransports || byUfrag.count(params.local.ufrag)) {
      stats.transportsRefused.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("media: transport {} refused: {} transports open (limit {})", key, byKey.size(),
                   kMaxTransports);
      return;
    }
    params.certificate = certificate;
    auto entry = std::make_unique<Entry>(*this, key, params.local.ufrag);
    entry->handler = makeHandler();
    entry->transport =
        std::make_unique<WebRtcTransport>(std::move(params), *entry, std::chrono::steady_clock::now());
    byUfrag[entry->ufrag] = entry.get();
    entry->handler->onAttached(*entry->transport);
    byKey[key] = std::move(entry);
    stats.transportsOpen.fetch_add(1, std::memory_order_relaxed);
    stats.transportsCreated.fetch_add(1, std::memory_order_relaxed);
  }
};

MediaServer::MediaServer(MediaServerOptions options, std::shared_ptr<const DtlsCertificate> certificate)
    : impl_(std::make_unique<Impl>()), certificate_(std::move(certificate)) {
  CHECK(certificate_ != nullptr);
  impl_->certificate = certificate_;
  if (options.announceIp.empty()) options.announceIp = options.listenIp;
  impl_->options = std::move(options);
  const auto& o = impl_->options;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(o.listenIp, ec);
  if (ec) throw std::runtime_error("media: \"" + o.listenIp + "\" is not an IP address to listen on");
  const udp::endpoint at(address, o.port);
  impl_->socket.open(at.protocol(), ec);
  if (!ec) impl_->socket.bind(at, ec);
  if (ec)
    throw std::runtime_error("media: cannot listen on UDP " + o.listenIp + ":" + std::to_string(o.port) +
                             ": " + ec.message() + " (choose another with --rtc-port)");
  impl_->socket.set_option(udp::socket::receive_buffer_size(kUdpReceiveBufferBytes), ec);  // best effort
  impl_->receive();
  impl_->tick();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

MediaServer::~MediaServer() {
  asio::post(impl_->io, [this] {
    for (auto& [key, entry] : impl_->byKey)
      if (!entry->dead) entry->transport->close("the server is shutting down");
    impl_->bury();
    impl_->io.stop();
  });
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t MediaServer::port() const {
  return impl_->socket.local_endpoint().port();
}
const std::string& MediaServer::announceIp() const {
  return impl_->options.announceIp;
}
const MediaServerStats& MediaServer::stats() const {
  return impl_->stats;
}

void MediaServer::createTransport(std::string key, TransportParams params, HandlerFactory makeHandler) {
  asio::dispatch(impl_->io, [this, key = std::move(key), params = std::move(params),
                             makeHandler = std::move(makeHandler)]() mutable {
    impl_->create(std::move(key), std::move(params), std::move(makeHandler));
  });
}

void MediaServer::closeTransport(std::string key, std::string reason) {
  asio::dispatch(impl_->io, [this, key = std::move(key), reason = std::move(reason)] {
    if (auto it = impl_->byKey.find(key); it != impl_->byKey.end()) {
      it->second->transport->close(reason);
      impl_->bury();
    }
  });
}

void MediaServer::post(std::function<void()> task) {
  asio::post(impl_->io, std::move(task));
}

void MediaServer::setTickHook(TickHook hook) {
  asio::dispatch(impl_->io, [this, hook = std::move(hook)]() mutable { impl_->tickHook = std::move(hook); });
}

}  // namespace roomgate::media
