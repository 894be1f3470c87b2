// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sentio: emotion recognition from speech, faces and words. The public API in one include:
//  * sentio::Engine  — models loaded once, shared by every session (engine/engine.hpp)
//  * sentio::Session — one recording or live stream: push audio, frames, words; events; finish()
//  * sentio::analyze_file — a file or standard input through a session (engine/analyze.hpp)
//  * sentio::analysis::to_json / to_csv and the JSON Lines events (analysis/result_writer.hpp)
//  * sentio::report::render_report / write_report — the self-contained HTML report of a result (report/report.hpp)
// docs/EMBEDDING.md shows a program that embeds it.
#include "sentio/analysis/result.hpp"
#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/engine/analyze.hpp"
#include "sentio/engine/batch.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/engine/session.hpp"
#include "sentio/report/report.hpp"
