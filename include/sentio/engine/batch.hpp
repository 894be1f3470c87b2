// SPDX-License-Identifier: Apache-2.0
#pragma once
// `sentio analyze` over many inputs: each input is analysed with analyze_file() and its document written
// as soon as it is done, so a failure or an interruption never loses finished results.
//  * one input: the document goes to standard output, to OUT, or into OUT/ when OUT is a directory;
//  * several inputs: OUT must be a directory (created if missing); one document per input named after
//    the input's base name (".json", ".csv" or ".jsonl"; "-2", "-3", ... appended when two inputs share a
//    name).
// JSON and CSV documents are written to a temporary name and renamed, so a document is either complete
// or absent. JSON Lines (docs/ANALYSIS.md, "Streaming") are written as the events happen, one whole line
// at a time (flushed): the last line is the "result" event, or an "error" event when the input failed.
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "sentio/analysis/result_writer.hpp"
#include "sentio/engine/analyze.hpp"
#include "sentio/pipeline/inputs.hpp"

namespace sentio {

enum class DocumentFormat { json, csv, jsonl };
DocumentFormat parse_document_format(const std::string& name);  // "json", "csv", "jsonl"

struct BatchJob {
  std::vector<std::string> files;  // expanded inputs ("-" = standard input)
  std::string output;              // "" or "-" = standard output (one input only), file, or directory
  DocumentFormat format = DocumentFormat::json;
  analysis::CsvTable csv_table = analysis::CsvTable::segments;  // with format csv
  AnalyzeOptions analyze;          // for every input (on_event is the batch's own with jsonl)
  std::string transcript;          // transcript of the (single) media input, or analysed on its own
                                   // when `files` is empty
  std::string generator;           // e.g. "sentio 0.1.0"
  // Resume an interrupted batch: an input whose document already exists under its final name (documents
  // are renamed into place only when complete) is skipped. JSON and CSV documents only (JSON Lines files
  // are written as they go and may be partial), not standard output.
  bool skip_existing = false;
};

struct BatchReport {
  int n_ok = 0;
  int n_skipped = 0;  // inputs whose document already existed (skip_existing)
  std::vector<pipeline::InputProblem> failures;  // one line per failed input, in input order
  std::vector<std::string> written;             // documents written (empty entries for stdout)
};

// Documents for standard output (output "" or "-") go to `standard_output`. Throws InputError for
// job-level problems (output not writable, several inputs without a directory); per-input problems are
// collected in the report.
BatchReport run_batch(std::shared_ptr<const Engine> engine, const BatchJob& job, std::ostream& standard_output);

}  // namespace sentio
