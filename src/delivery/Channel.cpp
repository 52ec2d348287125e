#include "delivery/Channel.hpp"

#include <spdlog/spdlog.h>

namespace roomgate::delivery {

Status ConsoleChannel::send(const Message& m) {
  spdlog::info("code for {}: {}  ({} to {})", m.maskedTo, m.code, m.channel, m.to);
  return Ok{};
}

}  // namespace roomgate::delivery
