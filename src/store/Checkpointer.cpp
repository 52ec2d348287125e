#include "store/Checkpointer.hpp"

#include <spdlog/spdlog.h>

#include "store/Database.hpp"

namespace roomgate::store {

Checkpointer::Checkpointer(std::string path, std::chrono::milliseconds interval)
    : path_(std::move(path)), interval_(interval), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::run() {
  try {
    Database db(path_);
    std::unique_lock lock(mu_);
    for (;;) {
      const bool stop = wake_.wait_for(lock, interval_, [&] { return stopping_; });
      lock.unlock();
      // PASSIVE: copies what it can without waiting for readers or blocking writers.
      db.exec(stop ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)");
      lock.lock();
      if (stop) return;
    }
  } catch (const std::exception& e) {
    spdlog::error("WAL checkpoints stopped: {}", e.what());
  }
}

}  // namespace roomgate::store
