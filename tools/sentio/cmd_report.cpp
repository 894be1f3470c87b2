// SPDX-License-Identifier: Apache-2.0
// sentio report RESULT.json [--media FILE] -o REPORT.html [--no-thumbnails] [--blur-faces] [--title T]
// A thin layer over sentio/report/report.hpp (docs/REPORT.md).
#include <memory>
#include <string>

#include "commands.hpp"
#include "sentio/report/report.hpp"

namespace sentio::cli {

namespace {

struct ReportArgs {
  std::string result;
  std::string media;
  std::string output;
  bool no_thumbnails = false;
  bool blur_faces = false;
  std::string title;
};

int run_report(const ReportArgs& a) {
  report::ReportOptions o;
  o.media_path = a.media;
  o.thumbnails = !a.no_thumbnails;
  o.blur_faces = a.blur_faces;
  o.title = a.title;
  report::write_report(a.result, a.output, o);  // InputError -> "sentio: error: ..." and exit 2 (main.cpp)
  return kExitOk;
}

}  // namespace

Runner add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "A self-contained HTML report of one result of 'sentio analyze' (JSON, sentio.analysis/1 or /2): overview, "
      "timeline per person, moments, transcript and faces, viewable offline in any browser (docs/REPORT.md). A "
      "document that is not a Sentio result is an error (exit 2, nothing written).");
  cmd->add_option("result", args->result, "Result document of 'sentio analyze' (JSON)")->required();
  cmd->add_option("-o,--output", args->output, "The HTML file to write (written atomically)")->required();
  cmd->add_option("--media", args->media,
                  "The analysed recording: played in the page (linked by its path relative to the report, not "
                  "embedded; clicking a moment seeks to it) and, for a video, the source of the face thumbnails. A "
                  "missing file gives a report without the player and a note");
  cmd->add_flag("--no-thumbnails", args->no_thumbnails, "No face thumbnails (nothing cut from the video)");
  cmd->add_flag("--blur-faces", args->blur_faces, "Pixelate the face thumbnails (8 x 8 blocks) beyond recognition");
  cmd->add_option("--title", args->title, "Title of the page (default: 'Sentio report: <input file name>')");
  return [args] { return run_report(*args); };
}

}  // namespace sentio::cli
