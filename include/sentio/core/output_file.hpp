// SPDX-License-Identifier: Apache-2.0
#pragma once
// Output files that never destroy data (the one implementation every writer uses).
//
//  * A regular file (or a path that does not exist yet) is written to a temporary file in the same
//    folder and renamed over the target only by commit(): the target is either the complete new
//    document or left as it was. Without commit() (an error, an exception) the temporary file is
//    removed.
//  * A symbolic link is followed: the file it points to is replaced as above, the link stays.
//  * An existing device, FIFO or socket (e.g. /dev/null, /dev/stdout) is opened and written through,
//    never replaced.
//  * A missing parent folder is an InputError (nothing is created).
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace sentio {

class OutputFile {
 public:
  // Opens `path` for writing as described above; throws InputError (naming `path`) when it cannot.
  explicit OutputFile(const std::string& path, bool binary = true);
  ~OutputFile();  // without commit(): discards what was written; an existing target is untouched
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  const std::string& path() const { return path_; }
  // Flushes, closes and moves the document into place; throws InputError when any write failed.
  void commit();

 private:
  struct Impl;
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

// Writes `text` to `path` through an OutputFile (complete or untouched).
void write_file_atomically(const std::string& path, std::string_view text);

// Throws InputError when an output path resolves to the same file (device and inode) as one of the
// inputs, so that `-o INPUT` can never empty or overwrite an input. Missing paths, "-" and "" are ignored.
void refuse_output_over_inputs(std::span<const std::string> outputs, std::span<const std::string> inputs);
void refuse_output_over_inputs(const std::string& output, std::span<const std::string> inputs);

// Throws InputError when the folder that would hold `path` does not exist ("" and "-" are fine).
void require_output_folder(const std::string& path);

}  // namespace sentio
