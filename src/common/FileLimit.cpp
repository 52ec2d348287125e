#include "common/FileLimit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace roomgate {
namespace {

uint64_t value(rlim_t limit) {
  return limit == RLIM_INFINITY ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(limit);
}

}  // namespace

FileLimit raiseFileLimit() {
  FileLimit out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.before = out.now = value(limit.rlim_cur);
  out.hard = value(limit.rlim_max);
  if (limit.rlim_cur == limit.rlim_max) return out;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.now = out.hard;
  return out;
}

}  // namespace roomgate
