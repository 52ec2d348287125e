#pragma once
// Checkpointer: copies the WAL back into the database file from a thread of its own, every `interval`,
// so the fsync of a checkpoint never lands on a request (the server's connections run with
// autoCheckpoint off). Stops and runs a last checkpoint when destroyed.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace roomgate::store {

// Often enough that the WAL stays small (a few thousand pages at the highest login rates).
inline constexpr std::chrono::milliseconds kCheckpointInterval{1000};

class Checkpointer {
 public:
  explicit Checkpointer(std::string path, std::chrono::milliseconds interval = kCheckpointInterval);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  void run();
  std::string path_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace roomgate::store
