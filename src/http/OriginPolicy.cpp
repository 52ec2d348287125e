#include "http/OriginPolicy.hpp"

#include <algorithm>

namespace roomgate::http {

bool needsOriginCheck(std::string_view method) {
  return method != "GET" && method != "HEAD";
}

bool originAllowed(const Request& request, const OriginPolicy& policy) {
  const auto header = request.header("origin");
  if (!header) return true;
  const auto origin = parseOrigin(*header);
  if (!origin) return false;
  if (std::find(policy.allowed.begin(), policy.allowed.end(), *origin) != policy.allowed.end()) return true;
  if (policy.publicOrigin) return *origin == *policy.publicOrigin;
  const auto host = request.header("host");
  if (!host) return false;
  return originOfHost(origin->scheme, *host) == origin;
}

}  // namespace roomgate::http
