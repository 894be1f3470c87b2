// SPDX-License-Identifier: Apache-2.0
// Tar reader. Layout (POSIX.1-1988 ustar, IEEE Std 1003.1): the archive is a sequence of 512-byte
// blocks; each member is one header block followed by its data padded to a whole block; the archive
// ends with two zero blocks. Header fields used: name[100] @0, size[12] @124 (octal text, or GNU
// base-256 when the top bit of the first byte is set), chksum[8] @148 (sum of the header bytes with
// the checksum field taken as spaces), typeflag @156, magic "ustar" @257, prefix[155] @345 (name =
// prefix + "/" + name). Type 'L' (GNU) carries the next member's long name as data; type 'x' (pax)
// carries "LEN key=value\n" records whose `path` overrides the next member's name.
#include "face/tar_archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <list>
#include <mutex>

#include "sentio/core/error.hpp"

namespace sentio::vision::face {

namespace {

constexpr std::uint64_t kBlock = 512;
constexpr std::uint64_t kMaxNameRecord = 1 << 20;  // bytes of a GNU 'L' or pax 'x' record

std::string field(const unsigned char* h, std::size_t offset, std::size_t length) {
  const char* p = reinterpret_cast<const char*>(h + offset);
  std::size_t n = 0;
  while (n < length && p[n] != '\0') ++n;
  return std::string(p, n);
}

// Numeric header field: octal digits (leading spaces/zeros, ending at NUL or space), or base-256.
bool parse_number(const unsigned char* h, std::size_t offset, std::size_t length, std::uint64_t& value) {
  value = 0;
  if (h[offset] & 0x80) {  // GNU base-256: big-endian, top bit of the first byte is the marker
    for (std::size_t k = 0; k < length; ++k) {
      const unsigned char byte = k == 0 ? static_cast<unsigned char>(h[offset] & 0x7f) : h[offset + k];
      if (value >> 56) return false;
      value = (value << 8) | byte;
    }
    return true;
  }
  std::size_t k = 0;
  while (k < length && h[offset + k] == ' ') ++k;
  bool any = false;
  for (; k < length; ++k) {
    const unsigned char c = h[offset + k];
    if (c == '\0' || c == ' ') break;
    if (c < '0' || c > '7') return false;
    value = value * 8 + (c - '0');
    any = true;
  }
  return any;
}

std::string strip_dot_slash(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  return name;
}

bool read_exact(int fd, std::uint64_t offset, void* dst, std::size_t size) {
  auto* out = static_cast<char*>(dst);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// `path` value of pax records "LEN key=value\n...", or "" when absent.
std::string pax_path(const std::string& records) {
  std::size_t pos = 0;
  std::string path;
  while (pos < records.size()) {
    const std::size_t space = records.find(' ', pos);
    if (space == std::string::npos) break;
    std::size_t len = 0;
    for (std::size_t k = pos; k < space; ++k) {
      if (records[k] < '0' || records[k] > '9') return path;
      len = len * 10 + static_cast<std::size_t>(records[k] - '0');
    }
    if (len == 0 || pos + len > records.size()) break;
    const std::string kv = records.substr(space + 1, pos + len - space - 2);  // without the newline
    if (kv.rfind("path=", 0) == 0) path = kv.substr(5);
    pos += len;
  }
  return path;
}

}  // namespace

TarArchive::TarArchive(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw InputError("'" + path + "': cannot open the archive (" + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw InputError("'" + path + "': not a regular file");
  }
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  auto fail = [&](const std::string& what) {
    ::close(fd_);
    fd_ = -1;
    throw InputError("'" + path + "': " + what);
  };
  unsigned char h[kBlock];
  std::uint64_t pos = 0;
  std::string next_name;  // from a GNU 'L' or pax 'x' record
  while (true) {
    if (pos + kBlock > file_size) {
      if (pos == file_size && pos > 0) break;  // no end-of-archive blocks: tolerated, like GNU tar
      fail("truncated tar header at byte " + std::to_string(pos));
    }
    if (!read_exact(fd_, pos, h, kBlock)) fail("read error at byte " + std::to_string(pos));
    bool zero = true;
    for (const unsigned char c : h) zero = zero && c == 0;
    if (zero) break;  // end of archive
    std::uint64_t stored_sum = 0;
    if (!parse_number(h, 148, 8, stored_sum)) fail("not a tar file (bad header at byte " + std::to_string(pos) + ")");
    std::uint64_t sum = 0;
    for (std::size_t k = 0; k < kBlock; ++k) sum += (k >= 148 && k < 156) ? ' ' : h[k];
    if (sum != stored_sum) fail("not a tar file or corrupt (header checksum mismatch at byte " + std::to_string(pos) + ")");
    std::uint64_t size = 0;
    if (!parse_number(h, 124, 12, size)) fail("bad size field in the header at byte " + std::to_string(pos));
    std::string name = field(h, 0, 100);
    if (std::memcmp(h + 257, "ustar", 5) == 0) {
      const std::string prefix = field(h, 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!next_name.empty()) name = next_name;
    const char type = static_cast<char>(h[156]);
    const std::uint64_t data = pos + kBlock;
    if (size > file_size - data)  // not `data + size`: a declared size near 2^64 would wrap around
      fail("member '" + name + "' is truncated (" + std::to_string(size) + " bytes declared, " +
           std::to_string(file_size - data) + " present)");
    if (type == 'L' || type == 'x') {
      if (size > kMaxNameRecord)
        fail("long-name record of " + std::to_string(size) + " bytes at byte " + std::to_string(pos) +
             " (at most " + std::to_string(kMaxNameRecord) + ")");
      std::string text(size, '\0');
      if (!read_exact(fd_, data, text.data(), size)) fail("read error at byte " + std::to_string(data));
      if (type == 'L') {
        next_name = text.substr(0, text.find('\0'));
      } else {
        const std::string p = pax_path(text);
        if (!p.empty()) next_name = p;
      }
    } else {
      if (type == '0' || type == '\0' || type == '7') {
        index_[strip_dot_slash(name)] = members_.size();
        members_.push_back({name, data, size});
      }
      next_name.clear();
    }
    pos = data + (size + kBlock - 1) / kBlock * kBlock;
  }
}

TarArchive::~TarArchive() {
  if (fd_ >= 0) ::close(fd_);
}

const TarMember* TarArchive::find(const std::string& name) const {
  const auto it = index_.find(strip_dot_slash(name));
  return it == index_.end() ? nullptr : &members_[it->second];
}

std::vector<std::uint8_t> TarArchive::read(const TarMember& member) const {
  std::vector<std::uint8_t> bytes(member.size);
  if (!read_exact(fd_, member.offset, bytes.data(), bytes.size()))
    throw InputError("'" + path_ + ":" + member.name + "': read error");
  return bytes;
}

bool split_archive_path(const std::string& path, std::string& archive, std::string& member) {
  std::size_t from = 0;
  while (true) {
    const std::size_t at = path.find(".tar:", from);
    if (at == std::string::npos) return false;
    const std::string candidate = path.substr(0, at + 4);
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) {
      archive = candidate;
      member = path.substr(at + 5);
      return true;
    }
    from = at + 1;
  }
}

std::vector<std::uint8_t> read_archive_member(const std::string& archive, const std::string& member) {
  // The indexes of the archives opened most recently (a manifest usually points into one or two), at most
  // kOpenArchives of them: the least recently used one is closed first.
  constexpr std::size_t kOpenArchives = 4;
  static std::mutex mutex;
  static std::list<std::pair<std::string, std::shared_ptr<const TarArchive>>> open;  // most recent first
  std::shared_ptr<const TarArchive> tar;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    const auto it = std::find_if(open.begin(), open.end(), [&](const auto& e) { return e.first == archive; });
    if (it != open.end()) {
      open.splice(open.begin(), open, it);
    } else {
      open.emplace_front(archive, std::make_shared<const TarArchive>(archive));  // an InputError leaves no entry
      if (open.size() > kOpenArchives) open.pop_back();
    }
    tar = open.front().second;
  }
  const TarMember* m = tar->find(member);
  if (!m) throw InputError("'" + archive + ":" + member + "': no such member in the archive");
  return tar->read(*m);
}

}  // namespace sentio::vision::face
