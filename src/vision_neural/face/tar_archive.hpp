// SPDX-License-Identifier: Apache-2.0
#pragma once
// Read-only access to the members of an uncompressed tar file (POSIX ustar, with the GNU long-name and
// pax `path` extensions), so that manifests can point into an archive with "ARCHIVE.tar:MEMBER" paths
// instead of needing thousands of small files on disk. No external tar program is involved.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sentio::vision::face {

struct TarMember {
  std::string name;          // path inside the archive, as stored ("train/angry/x.jpg")
  std::uint64_t offset = 0;  // byte offset of the data in the archive file
  std::uint64_t size = 0;
};

class TarArchive {
 public:
  // Reads every header once (data blocks are skipped, not read). Throws InputError naming the archive
  // for a missing file, a bad header checksum, or a member whose data runs past the end of the file
  // (the message names that member).
  explicit TarArchive(const std::string& path);
  ~TarArchive();
  TarArchive(const TarArchive&) = delete;
  TarArchive& operator=(const TarArchive&) = delete;

  const std::string& path() const { return path_; }
  // Regular files, in archive order.
  const std::vector<TarMember>& members() const { return members_; }
  // The member with that name (a leading "./" is ignored on both sides), or nullptr.
  const TarMember* find(const std::string& name) const;
  // The member's bytes. Thread-safe (positional reads on one descriptor).
  std::vector<std::uint8_t> read(const TarMember& member) const;

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<TarMember> members_;
  std::map<std::string, std::size_t> index_;
};

// Splits "DIR/ARCHIVE.tar:MEMBER" at the first ".tar:" whose prefix is an existing regular file.
// Returns false (outputs untouched) for any other path.
bool split_archive_path(const std::string& path, std::string& archive, std::string& member);

// The bytes of "ARCHIVE.tar:MEMBER". Archives are indexed once per process and kept open (a manifest
// typically names thousands of members of the same archive). Throws InputError naming the archive and
// the member when the member is absent or truncated.
std::vector<std::uint8_t> read_archive_member(const std::string& archive, const std::string& member);

}  // namespace sentio::vision::face
