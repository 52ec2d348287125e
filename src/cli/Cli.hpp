#pragma once
// The `roomgate` command line: serve, participants, token. Parses flags (CLI11), loads configuration and
// dispatches; prints errors as one sentence and returns a non-zero exit status, never a stack trace.
namespace roomgate::cli {
int run(int argc, char** argv);
}
