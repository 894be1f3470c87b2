// SPDX-License-Identifier: Apache-2.0
#include "sentio/torch_runtime/threads.hpp"

#include <dlfcn.h>

#include <ATen/Parallel.h>

#include "sentio/core/error.hpp"

namespace sentio::torch_runtime {

namespace {

thread_local bool t_configured = false;

}  // namespace

void set_threads(int n) {
  SENTIO_ASSERT(n >= 1);
  if (at::get_num_threads() != n) at::set_num_threads(n);
  using SetThreads = void (*)(int);
  static const auto openblas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (openblas != nullptr) openblas(n);
  t_configured = true;
}

void apply_to_this_thread() {
  if (t_configured) return;
  if (at::get_num_threads() != 1) at::set_num_threads(1);
  t_configured = true;
}

}  // namespace sentio::torch_runtime
