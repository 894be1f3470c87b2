// SPDX-License-Identifier: Apache-2.0
#include "dsp/cpu.hpp"

#include <cstdlib>

namespace sentio::features::dsp {

bool use_avx2_kernels() {
  static const bool use = [] {
    const char* off = std::getenv("SENTIO_NO_AVX2");
    if (off != nullptr && *off != '\0') return false;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
#else
    return false;
#endif
  }();
  return use;
}

}  // namespace sentio::features::dsp
