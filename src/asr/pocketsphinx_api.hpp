// SPDX-License-Identifier: Apache-2.0
#pragma once
// pocketsphinx and sphinxbase, loaded with dlopen on first use instead of linked.
//
// Why: libsphinxbase pulls in OpenBLAS, LAPACK and libgfortran, whose start-up (OpenBLAS creates its
// thread pool in a library constructor) cost every `sentio` command ~5-20 ms when linked, measured on
// `sentio features` (bench/asr_wer.md). Only commands that recognize speech pay it now.
// The declarations still come from the Debian headers, so the signatures are checked at compile time.
#include <pocketsphinx.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>

namespace sentio::asr::detail {

struct PocketsphinxApi {
  decltype(&::ps_args) ps_args;
  decltype(&::ps_init) ps_init;
  decltype(&::ps_free) ps_free;
  decltype(&::ps_get_config) ps_get_config;
  decltype(&::ps_get_logmath) ps_get_logmath;
  decltype(&::ps_start_stream) ps_start_stream;
  decltype(&::ps_start_utt) ps_start_utt;
  decltype(&::ps_process_raw) ps_process_raw;
  decltype(&::ps_end_utt) ps_end_utt;
  decltype(&::ps_seg_iter) ps_seg_iter;
  decltype(&::ps_seg_next) ps_seg_next;
  decltype(&::ps_seg_word) ps_seg_word;
  decltype(&::ps_seg_frames) ps_seg_frames;
  decltype(&::ps_seg_prob) ps_seg_prob;
  decltype(&::cmd_ln_init) cmd_ln_init;
  decltype(&::cmd_ln_free_r) cmd_ln_free_r;
  decltype(&::cmd_ln_int_r) cmd_ln_int_r;
  decltype(&::err_set_logfp) err_set_logfp;
  decltype(&::err_set_callback) err_set_callback;
  decltype(&::logmath_exp) logmath_exp;
};

// Loads libpocketsphinx.so.3 (and through it libsphinxbase.so.3) once per process; thread-safe.
// Throws sentio::InputError naming the library when it or one of its functions is missing.
const PocketsphinxApi& pocketsphinx_api();

}  // namespace sentio::asr::detail
