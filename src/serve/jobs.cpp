// SPDX-License-Identifier: Apache-2.0
#include "jobs.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"

namespace sentio::serve {

namespace {

constexpr std::size_t kKeptInMemory = 1024;

std::string new_id() {
  static std::mutex m;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(m);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string state_json(const std::string& id, const char* state) {
  return nlohmann::json{{"id", id}, {"state", state}}.dump();
}

}  // namespace

bool valid_job_id(const std::string& id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

JobStore::JobStore(std::string results_dir, Analyze analyze) : dir_(std::move(results_dir)), analyze_(std::move(analyze)) {
  if (!dir_.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_, ec)) throw InputError("--results-dir '" + dir_ + "': not a folder");
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
      const std::string stem = e.path().stem().string();
      if (e.path().extension() == ".json" && valid_job_id(stem)) ++n_done_;  // counted as done (failed or not)
    }
  }
  thread_ = std::thread([this] { work(); });
}

JobStore::~JobStore() { stop(); }

void JobStore::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
    for (const Job& j : queue_) std::filesystem::remove(j.upload);
    queue_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string JobStore::submit(const std::string& upload, const AnalyzeOptions& options, const std::string& name) {
  Job j{new_id(), upload, name, options};
  const std::string id = j.id;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(j));
  }
  wake_.notify_one();
  return id;
}

void JobStore::work() {
  for (;;) {
    Job j;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      j = std::move(queue_.front());
      queue_.pop_front();
      running_ = j.id;
    }
    std::string answer;
    bool failed = false;
    try {
      const std::string doc = analyze_(j.upload, j.options, j.name);
      answer = "{\"id\":" + nlohmann::json(j.id).dump() + ",\"state\":\"done\",\"result\":" + doc + "}";
    } catch (const std::exception& e) {
      failed = true;
      answer = nlohmann::json{{"id", j.id}, {"state", "failed"},
                              {"error", {{"code", dynamic_cast<const InputError*>(&e) ? "bad_input" : "internal"},
                                         {"message", e.what()}}}}.dump();
    }
    std::error_code ec;
    std::filesystem::remove(j.upload, ec);
    finish(j.id, answer, failed);
  }
}

void JobStore::finish(const std::string& id, const std::string& answer, bool failed) {
  if (!dir_.empty()) {
    try {
      write_file_atomically((std::filesystem::path(dir_) / (id + ".json")).string(), answer + "\n");
    } catch (const std::exception&) {
      // kept in memory below; the status says done either way
    }
  }
  std::lock_guard lock(mutex_);
  running_.clear();
  done_[id] = answer;
  done_order_.push_back(id);
  if (done_order_.size() > kKeptInMemory) {
    done_.erase(done_order_.front());
    done_order_.pop_front();
  }
  ++(failed ? n_failed_ : n_done_);
}

std::optional<std::string> JobStore::status(const std::string& id) const {
  if (!valid_job_id(id)) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    if (running_ == id) return state_json(id, "running");
    for (const Job& j : queue_)
      if (j.id == id) return state_json(id, "queued");
    if (auto it = done_.find(id); it != done_.end()) return it->second;
  }
  if (!dir_.empty()) {
    std::ifstream in(std::filesystem::path(dir_) / (id + ".json"), std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      while (!text.empty() && text.back() == '\n') text.pop_back();
      return text;
    }
  }
  return std::nullopt;
}

JobCounts JobStore::counts() const {
  std::lock_guard lock(mutex_);
  return {static_cast<int>(queue_.size()), running_.empty() ? 0 : 1, n_done_, n_failed_};
}

}  // namespace sentio::serve
