#pragma once
// Parser for `.env` files as python-dotenv (the tutorial's loader) reads them:
//   KEY=value   KEY="double quoted\n"   KEY='single quoted'   export KEY=value   # comment
// Pure: text in, a map or an error naming the line out.
#include <map>
#include <string>
#include <string_view>

#include "common/Error.hpp"

namespace roomgate::config {

[[nodiscard]] Result<std::map<std::string, std::string>> parseDotEnv(std::string_view text);

}  // namespace roomgate::config
