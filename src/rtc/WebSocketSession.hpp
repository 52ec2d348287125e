#pragma once
// The signaling WebSocket (Boost.Beast). Included only by http/Server.cpp (which hands over upgraded
// connections) and rtc/WebSocketSession.cpp: Beast stays in few translation units.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <utility>  // before Asio, for g++ 12

namespace roomgate::rtc {

class RtcService;

// Accepts the WebSocket upgrade in `request` on `socket` and runs the session until it closes.
// `connectionSlot` is held as long as the session lives: the server counts it as an open connection.
void startWebSocketSession(boost::asio::ip::tcp::socket socket,
                           boost::beast::http::request<boost::beast::http::string_body> request,
                           RtcService& service, std::shared_ptr<void> connectionSlot);

}  // namespace roomgate::rtc
