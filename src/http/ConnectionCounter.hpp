#pragma once
// The open client connections, HTTP and WebSocket alike, in all and per client address (the TCP peer):
// each holds a Slot, which it gives back when it is destroyed, whenever that is (a WebSocket may outlive
// the Server's other parts at shutdown). Create with std::make_shared.
// Thread: the server's I/O thread only, slots included.
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "http/ClientAddress.hpp"

namespace roomgate::http {

class ConnectionCounter : public std::enable_shared_from_this<ConnectionCounter> {
 public:
  class Slot {
   public:
    Slot(std::shared_ptr<ConnectionCounter> counter, std::string address);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    std::shared_ptr<ConnectionCounter> counter_;
    std::string address_;  // canonical (formatIpAddress), or as given if not an IP address
  };

  enum class Verdict { kAdmitted, kAtLimit, kAddressAtLimit };

  // At most `max` open in all, and at most `maxPerAddress` from one address unless it is in `exempt`
  // (reverse proxies: all their clients share the proxy's address).
  ConnectionCounter(std::size_t max, std::size_t maxPerAddress, TrustedProxies exempt);

  // Whether a new connection from `address` may be held now.
  [[nodiscard]] Verdict admit(const std::string& address) const;
  // A slot for a connection from `address`, held whatever admit() says: the caller decides. Never null.
  [[nodiscard]] std::shared_ptr<Slot> take(const std::string& address);
  [[nodiscard]] std::size_t open() const { return open_; }
  // Connections open from `address` (any text form of it).
  [[nodiscard]] std::size_t openFrom(const std::string& address) const;
  [[nodiscard]] std::size_t limit() const { return max_; }
  [[nodiscard]] std::size_t perAddressLimit() const { return maxPerAddress_; }

 private:
  std::size_t max_;
  std::size_t maxPerAddress_;
  TrustedProxies exempt_;
  std::size_t open_ = 0;
  std::map<std::string, std::size_t> byAddress_;  // no zero entries
};

}  // namespace roomgate::http
