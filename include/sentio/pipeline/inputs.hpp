// SPDX-License-Identifier: Apache-2.0
#pragma once
// Expands what the user named on the command line into a list of media files: files as given,
// directories searched recursively for media files (by extension, sorted), and list files
// (*.txt, *.lst or @FILE: one path per line, '#' comments, paths relative to the list's folder).
#include <string>
#include <vector>

namespace sentio::pipeline {

struct InputProblem {
  std::string input;
  std::string message;  // one line naming the input and the cause
};

struct ExpandedInputs {
  std::vector<std::string> files;
  std::vector<InputProblem> problems;  // inputs that could not be expanded (e.g. missing)
};

// include_images: directory scans also pick up image files (for commands that analyse faces).
// txt_lists: *.txt files are list files (else only *.lst and @FILE are; `analyze` reads a .txt as a
// plain-text transcript). "@FILE" is a list file whatever its extension. A FIFO, device or socket named
// as an input (or in a list) is a problem, not a file: standard input is "-".
ExpandedInputs expand_inputs(const std::vector<std::string>& args, bool include_images = false,
                             bool txt_lists = true);

// What a file holds, judged from its extension (case-insensitive).
enum class MediaKind { audio, video, image, subtitles, other };  // subtitles: .srt, .vtt
MediaKind media_kind_from_extension(const std::string& path);

// True for extensions of audio/video containers FFmpeg reads that directory scans pick up.
bool has_media_extension(const std::string& path);

// "dir/a.b.wav" -> "a.b"
std::string base_name_without_extension(const std::string& path);

}  // namespace sentio::pipeline
