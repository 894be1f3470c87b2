// SPDX-License-Identifier: Apache-2.0
#include "ffmpeg_api.hpp"

#include <dlfcn.h>

extern "C" {
#include <libavcodec/version.h>
#include <libavformat/version.h>
#include <libavutil/log.h>
#include <libavutil/version.h>
#include <libswresample/version.h>
#include <libswscale/version.h>
}

#include <array>
#include <string>

#include "sentio/core/error.hpp"

namespace sentio::media::detail {
namespace {

// Dependencies first: dlopen then finds each one already loaded. The soname is lib<name>.so.<major>, and
// Debian's package for it is lib<name><major>.
#define SENTIO_SONAME(name, major) "lib" name ".so." AV_STRINGIFY(major)
constexpr std::array<const char*, 5> kLibraries = {
    SENTIO_SONAME("avutil", LIBAVUTIL_VERSION_MAJOR),
    SENTIO_SONAME("avcodec", LIBAVCODEC_VERSION_MAJOR),
    SENTIO_SONAME("avformat", LIBAVFORMAT_VERSION_MAJOR),
    SENTIO_SONAME("swresample", LIBSWRESAMPLE_VERSION_MAJOR),
    SENTIO_SONAME("swscale", LIBSWSCALE_VERSION_MAJOR),
};
#undef SENTIO_SONAME

// "libavformat.so.59" -> "libavformat59".
std::string debian_package(const std::string& soname) {
  const auto so = soname.find(".so.");
  return soname.substr(0, so) + soname.substr(so + 4);
}

FfmpegApi load() {
  // Never closed: decoders and contexts may live until the process ends.
  std::array<void*, kLibraries.size()> handles{};
  for (std::size_t i = 0; i < kLibraries.size(); ++i) {
    handles[i] = dlopen(kLibraries[i], RTLD_NOW | RTLD_LOCAL);
    if (handles[i] == nullptr) {
      const char* why = dlerror();
      throw InputError(std::string("cannot load FFmpeg's ") + kLibraries[i] + ", needed to read media (install the Debian package " +
                       debian_package(kLibraries[i]) + "): " + (why != nullptr ? why : "unknown error"));
    }
  }
  FfmpegApi api;
  const auto bind = [&](auto& fn, const char* name) {
    for (void* handle : handles) {
      if (void* symbol = dlsym(handle, name)) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(symbol);
        return;
      }
    }
    throw InputError(std::string("FFmpeg's libraries have no function ") + name + " (a version other than the one Sentio was built with?)");
  };
#define SENTIO_FFMPEG_BIND(name) bind(api.name, #name);
  SENTIO_FFMPEG_FUNCTIONS(SENTIO_FFMPEG_BIND)
#undef SENTIO_FFMPEG_BIND
  api.av_log_set_level(AV_LOG_QUIET);
  return api;
}

}  // namespace

const FfmpegApi& ffmpeg() {
  static const FfmpegApi api = load();  // a failed load throws and is tried again on the next call
  return api;
}

}  // namespace sentio::media::detail
