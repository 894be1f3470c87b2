// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "sentio/core/error.hpp"

namespace sentio {

namespace fs = std::filesystem;

namespace {

// Reserves a new, empty file next to `target` (same folder, so the final rename stays on one file
// system) and returns its path.
std::string reserve_temporary(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  const fs::path folder = target.parent_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = "." + target.filename().string() + "." + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1)) + ".part";
    const fs::path tmp = folder.empty() ? fs::path(name) : folder / name;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return tmp.string();
    }
    if (errno != EEXIST) break;
  }
  throw InputError("'" + target.string() + "': cannot create a temporary file in its folder");
}

std::pair<dev_t, ino_t> identity(const struct stat& st) { return {st.st_dev, st.st_ino}; }

}  // namespace

struct OutputFile::Impl {
  std::ofstream out;
  std::string tmp;     // the temporary file; empty when writing through a device, FIFO or link
  bool finished = false;
};

OutputFile::OutputFile(const std::string& path, bool binary) : path_(path), impl_(std::make_unique<Impl>()) {
  const std::ios::openmode mode = std::ios::out | std::ios::trunc | (binary ? std::ios::binary : std::ios::openmode{});
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  const bool exists = !ec && fs::exists(link);
  if (exists && fs::is_directory(fs::status(path, ec)))
    throw InputError("'" + path + "': is a folder, not a file");
  if (exists && !fs::is_regular_file(link)) {
    // a symbolic link, device, FIFO or socket: write through it, never replace it
    impl_->out.open(path, mode);
    if (!impl_->out) throw InputError("'" + path + "': cannot open for writing");
    return;
  }
  require_output_folder(path);
  impl_->tmp = reserve_temporary(path);
  impl_->out.open(impl_->tmp, mode);
  if (!impl_->out) {
    fs::remove(impl_->tmp, ec);
    throw InputError("'" + path + "': cannot open for writing");
  }
}

OutputFile::~OutputFile() {
  if (impl_->finished || impl_->tmp.empty()) return;
  impl_->out.close();
  std::error_code ec;
  fs::remove(impl_->tmp, ec);
}

std::ostream& OutputFile::stream() { return impl_->out; }

void OutputFile::commit() {
  SENTIO_ASSERT(!impl_->finished);
  impl_->finished = true;
  impl_->out.flush();
  impl_->out.close();
  std::error_code ec;
  if (!impl_->out) {
    if (!impl_->tmp.empty()) fs::remove(impl_->tmp, ec);
    throw InputError("'" + path_ + "': write failed (disk full?)");
  }
  if (impl_->tmp.empty()) return;
  // keep the permissions of the file being replaced
  const fs::file_status old = fs::status(path_, ec);
  if (!ec && fs::is_regular_file(old)) fs::permissions(impl_->tmp, old.permissions(), ec);
  fs::rename(impl_->tmp, path_, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(impl_->tmp, ignored);
    throw InputError("'" + path_ + "': cannot be written: " + ec.message());
  }
}

void write_file_atomically(const std::string& path, std::string_view text) {
  OutputFile file(path);
  file.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  file.commit();
}

void refuse_output_over_inputs(std::span<const std::string> outputs, std::span<const std::string> inputs) {
  std::set<std::pair<dev_t, ino_t>> out_ids;
  for (const std::string& o : outputs) {
    struct stat st {};
    // only regular files can be destroyed by writing; "-", missing paths and devices are fine
    if (o.empty() || o == "-" || ::stat(o.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    out_ids.insert(identity(st));
  }
  if (out_ids.empty()) return;
  for (const std::string& in : inputs) {
    struct stat st {};
    if (in.empty() || in == "-" || ::stat(in.c_str(), &st) != 0) continue;
    if (!out_ids.count(identity(st))) continue;
    for (const std::string& o : outputs) {
      struct stat so {};
      if (!o.empty() && o != "-" && ::stat(o.c_str(), &so) == 0 && identity(so) == identity(st))
        throw InputError("output '" + o + "' is the input '" + in + "': refusing to overwrite an input");
    }
  }
}

void refuse_output_over_inputs(const std::string& output, std::span<const std::string> inputs) {
  refuse_output_over_inputs(std::span<const std::string>(&output, 1), inputs);
}

void require_output_folder(const std::string& path) {
  if (path.empty() || path == "-") return;
  const fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) return;
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw InputError("'" + path + "': the output folder '" + folder.string() + "' does not exist");
}

}  // namespace sentio
