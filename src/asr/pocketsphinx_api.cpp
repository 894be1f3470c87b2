// SPDX-License-Identifier: Apache-2.0
#include "pocketsphinx_api.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "sentio/core/error.hpp"

namespace sentio::asr::detail {
namespace {

constexpr const char* kLibrary = "libpocketsphinx.so.3";

template <typename Fn>
void bind(void* handle, Fn& fn, const char* name) {
  void* symbol = dlsym(handle, name);
  if (!symbol) throw InputError(std::string(kLibrary) + ": function " + name + " not found (incompatible pocketsphinx version)");
  fn = reinterpret_cast<Fn>(symbol);
}

PocketsphinxApi load() {
  // Never closed: the decoders and the log callback live until the process ends.
  void* handle = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw InputError(std::string(kLibrary) + ": cannot load the speech recognizer (install the Debian package "
                     "libpocketsphinx3): " + (why ? why : "unknown error"));
  }
  PocketsphinxApi api{};
#define SENTIO_BIND(name) bind(handle, api.name, #name)
  SENTIO_BIND(ps_args);
  SENTIO_BIND(ps_init);
  SENTIO_BIND(ps_free);
  SENTIO_BIND(ps_get_config);
  SENTIO_BIND(ps_get_logmath);
  SENTIO_BIND(ps_start_stream);
  SENTIO_BIND(ps_start_utt);
  SENTIO_BIND(ps_process_raw);
  SENTIO_BIND(ps_end_utt);
  SENTIO_BIND(ps_seg_iter);
  SENTIO_BIND(ps_seg_next);
  SENTIO_BIND(ps_seg_word);
  SENTIO_BIND(ps_seg_frames);
  SENTIO_BIND(ps_seg_prob);
  // sphinxbase functions resolve through libpocketsphinx's dependency.
  SENTIO_BIND(cmd_ln_init);
  SENTIO_BIND(cmd_ln_free_r);
  SENTIO_BIND(cmd_ln_int_r);
  SENTIO_BIND(err_set_logfp);
  SENTIO_BIND(err_set_callback);
  SENTIO_BIND(logmath_exp);
#undef SENTIO_BIND
  return api;
}

}  // namespace

const PocketsphinxApi& pocketsphinx_api() {
  // A function-local static retries on the next call if loading threw.
  static const PocketsphinxApi api = load();
  return api;
}

}  // namespace sentio::asr::detail
