#pragma once
// JoinFlow: the walk of one guest from a name to an access token (docs/ARCHITECTURE.md, "The walk").
//   login(): Directory.find -> Verifier.start -> DeliveryQueue.enqueue, answering with a masked destination.
//   verify(): Verifier.check -> Directory.find (room grant) -> TokenMinter.mint.
// Names not on the guest list take the same path against a decoy destination, so status, body shape,
// rate limits and work done are those of a guest (unless revealUnknown), and nothing is sent.
// Knows no HTTP: the http part parses JSON and cookies and turns Errors into responses.
// Thread: the server's I/O thread only.
#include <optional>
#include <string>

#include "app/LoginSession.hpp"
#include "common/Clock.hpp"
#include "common/Error.hpp"
#include "delivery/DeliveryQueue.hpp"
#include "directory/Directory.hpp"
#include "token/AccessToken.hpp"
#include "verify/Verifier.hpp"

namespace roomgate::app {

struct LoginRequest {
  std::string username;
  std::optional<std::string> room;     // one of the guest's rooms; none = their first
  std::optional<std::string> channel;  // "sms" or "email"; none = SMS when a phone is on file
};

struct LoginAnswer {
  std::string channel;            // "sms" or "email"
  std::string maskedDestination;  // "********21" or "m•••@example.com"
  LoginSession session;
};

struct Joined {
  std::string token;
  std::string identity;
  std::string room;
};

struct JoinFlowOptions {
  bool revealUnknown = false;  // answer 401 for names not on the list, as the tutorial did
  Seconds tokenTtl = token::kDefaultTokenTtl;
};

class JoinFlow {
 public:
  // All parts are borrowed and must outlive the flow. `secret` keys the decoys for unknown names.
  JoinFlow(directory::Directory& directory, verify::Verifier& verifier, delivery::DeliveryQueue& delivery,
           const token::TokenMinter& minter, const Clock& clock, std::string_view secret,
           JoinFlowOptions options);

  [[nodiscard]] Result<LoginAnswer> login(const LoginRequest& request);
  // `code` as the guest typed it; spaces and dashes are ignored.
  [[nodiscard]] Result<Joined> verify(const LoginSession& session, std::string_view code);

 private:
  struct Decoy {
    std::string destination;
    std::string masked;
  };
  [[nodiscard]] Decoy decoyFor(std::string_view identity) const;

  directory::Directory& directory_;
  verify::Verifier& verifier_;
  delivery::DeliveryQueue& delivery_;
  const token::TokenMinter& minter_;
  const Clock& clock_;
  std::string decoyKey_;
  JoinFlowOptions options_;
};

}  // namespace roomgate::app
