# ROOMGATE_PURE_SOURCES: the sources that need only the standard library and OpenSSL (no Boost, no
# spdlog, no sockets), so the fuzzers (and anything else that wants the parsers alone) can link them
# without the server's dependencies. The rule, kept here and nowhere else:
#   every src/common/*.cpp and src/media/*.cpp, except the media files whose name contains Transport,
#   Server, Dtls, Srtp, Socket, Session or Sfu (the I/O side of the media part).
# A new pure parser in src/media/ (Sdp.cpp, ...) is picked up without edits; an I/O file must be named
# so that the rule leaves it out, or be added to the exclusion below.
file(GLOB ROOMGATE_PURE_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/src/common/*.cpp
  ${CMAKE_SOURCE_DIR}/src/media/*.cpp)
list(FILTER ROOMGATE_PURE_SOURCES EXCLUDE REGEX "/src/media/[^/]*(Transport|Server|Dtls|Srtp|Socket|Session|Sfu)[^/]*\\.cpp$")
