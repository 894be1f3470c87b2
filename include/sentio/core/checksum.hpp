// SPDX-License-Identifier: Apache-2.0
#pragma once
// SHA-256 checksums of model files, and `sha256sum`-style lists of them ("<64 hex digits>  <name>" per
// line, as written by coreutils' sha256sum). Used to refuse corrupted or altered model files at load time.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace sentio {

// Lower-case hex SHA-256 of the file's bytes. Throws InputError naming the file when it cannot be read.
std::string sha256_file(const std::string& path);

// SHA-256 of bytes in memory (e.g. the hash of an inline script for a Content-Security-Policy).
std::array<std::uint8_t, 32> sha256_bytes(std::string_view data);

// Reads a sha256sum list: file name -> lower-case hex digest. A leading '*' (binary mode) on a name is
// dropped. Throws InputError naming the list and the line when a line is malformed.
std::map<std::string, std::string> read_sha256sums(const std::string& path);

// Checks `file` against `sums` (looked up by its file name, without folders). Returns false when the
// name is not listed (nothing checked); throws InputError "'<file>': checksum mismatch ..." naming
// `list_name` when listed with another digest.
bool verify_sha256(const std::string& file, const std::map<std::string, std::string>& sums,
                   const std::string& list_name);

}  // namespace sentio
