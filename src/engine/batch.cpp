// SPDX-License-Identifier: Apache-2.0
#include "sentio/engine/batch.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <optional>
#include <set>
#include <span>

#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"

namespace sentio {

namespace fs = std::filesystem;

namespace {

std::string extension(DocumentFormat f) {
  switch (f) {
    case DocumentFormat::json: return ".json";
    case DocumentFormat::csv: return ".csv";
    case DocumentFormat::jsonl: return ".jsonl";
  }
  return ".json";
}

// Where each input's document goes ("" = standard output).
std::vector<std::string> destinations(const BatchJob& job) {
  const bool to_stdout = job.output.empty() || job.output == "-";
  std::error_code ec;
  const bool is_dir = !to_stdout && (fs::is_directory(job.output, ec) || job.output.ends_with('/'));
  if (job.files.size() > 1 && !is_dir) {
    if (to_stdout || fs::exists(job.output, ec))
      throw InputError("several inputs: give an output folder with -o DIR (one document per input)");
  }
  if (to_stdout) return {""};
  if (job.files.size() == 1 && !is_dir) {
    require_output_folder(job.output);  // a usage error before anything is analysed
    return {job.output};
  }
  fs::create_directories(job.output, ec);
  if (ec) throw InputError("'" + job.output + "': cannot create the output folder: " + ec.message());
  std::vector<std::string> out;
  std::set<std::string> used;
  for (const std::string& file : job.files) {
    const std::string stem = file == "-" ? std::string("stdin") : pipeline::base_name_without_extension(file);
    std::string name = stem + extension(job.format);
    for (int k = 2; used.count(name); ++k) name = stem + "-" + std::to_string(k) + extension(job.format);
    used.insert(name);
    out.push_back((fs::path(job.output) / name).string());
  }
  return out;
}

// JSON Lines of one input, written line by line to standard output or a file. A new file (or a device,
// FIFO or link) is written as the lines come, so it can be followed; an existing regular file is never
// truncated: the lines go to a temporary file that replaces it only when the input succeeded (commit()).
class LineWriter {
 public:
  LineWriter(const std::string& target, std::ostream& standard_output) : target_(target), stdout_(standard_output) {
    if (target.empty()) return;
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(target, ec))) {
      replace_.emplace(target);
      return;
    }
    file_.open(target, std::ios::binary | std::ios::trunc);
    if (!file_) throw InputError("'" + target + "': cannot open for writing");
  }
  void line(const std::string& text) {
    std::ostream& out = target_.empty() ? stdout_ : replace_ ? replace_->stream() : static_cast<std::ostream&>(file_);
    out << text << '\n';
    out.flush();
    if (!out) throw InputError("'" + (target_.empty() ? std::string("standard output") : target_) + "': write failed");
  }
  // The input succeeded: a replaced file takes the new lines (without commit() it keeps its old content).
  void commit() {
    if (replace_) replace_->commit();
  }

 private:
  std::string target_;
  std::ostream& stdout_;
  std::ofstream file_;
  std::optional<OutputFile> replace_;
};

void write_event(LineWriter& w, const Event& e) { w.line(event_json(e)); }

}  // namespace

DocumentFormat parse_document_format(const std::string& name) {
  if (name == "json") return DocumentFormat::json;
  if (name == "csv") return DocumentFormat::csv;
  if (name == "jsonl") return DocumentFormat::jsonl;
  throw InputError("unknown output format '" + name + "' (expected json, csv or jsonl)");
}

BatchReport run_batch(std::shared_ptr<const Engine> engine, const BatchJob& job, std::ostream& standard_output) {
  if (job.files.empty() && !job.transcript.empty()) {  // a transcript on its own
    BatchJob alone = job;
    alone.files = {job.transcript};
    alone.transcript.clear();
    alone.analyze.transcript_only = true;
    return run_batch(std::move(engine), alone, standard_output);
  }
  if (!job.transcript.empty() && job.files.size() > 1)
    throw InputError("--transcript belongs to one recording; give a single media input with it");
  const std::vector<std::string> dest = destinations(job);
  refuse_output_over_inputs(dest, job.files);
  if (!job.transcript.empty()) refuse_output_over_inputs(dest, std::span<const std::string>(&job.transcript, 1));
  BatchReport report;
  for (std::size_t i = 0; i < job.files.size(); ++i) {
    const std::string& file = job.files[i];
    const std::string& target = dest.size() == 1 ? dest[0] : dest[i];
    std::error_code exists_ec;
    // JSON Lines files are written as they go (followable), so an existing one may be partial: not skipped
    if (job.skip_existing && job.format != DocumentFormat::jsonl && !target.empty() &&
        fs::is_regular_file(target, exists_ec)) {
      ++report.n_skipped;
      continue;
    }
    AnalyzeOptions options = job.analyze;
    options.transcript = job.transcript;
    std::optional<LineWriter> lines;
    try {
      if (job.format == DocumentFormat::jsonl) {
        lines.emplace(target, standard_output);
        const EventCallback user = options.on_event;
        options.on_event = [&, user](const Event& e) {
          write_event(*lines, e);
          if (user) user(e);
        };
      }
      const AnalysisResult result = analyze_file(engine, file, options);
      if (lines) {
        lines->line(analysis::result_event(result, job.generator));
        lines->commit();
      } else {
        const std::string text = job.format == DocumentFormat::json ? analysis::to_json(result, job.generator)
                                                                    : analysis::to_csv(result, job.csv_table);
        if (target.empty()) {
          standard_output << text;
          standard_output.flush();
          if (!standard_output) throw InputError("standard output: write failed");
        } else {
          write_file_atomically(target, text);  // complete or untouched
        }
      }
      report.written.push_back(target);
      ++report.n_ok;
    } catch (const InputError& e) {
      if (lines) {
        try {
          lines->line(analysis::error_event(e.what()));
        } catch (const InputError&) {
          // the output itself failed: the failure below says so
        }
      }
      report.failures.push_back({file, e.what()});
    }
  }
  return report;
}

}  // namespace sentio
