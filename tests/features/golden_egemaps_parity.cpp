// SPDX-License-Identifier: Apache-2.0
// Golden: the 88 eGeMAPS v02 functionals of the synthetic reference clips against openSMILE 3.0.2's
// output (../shared/reference/opensmile/egemaps_v02). Tolerances: see kTolerances and bench/RESULTS.md.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "sentio/features/egemaps.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace sentio;

namespace {

const char* kClips[] = {"s0_v0_en-us_p50_s175", "s1_v1_en-gb_p25_s140", "s2_v2_en-us-f3_p80_s200",
                        "s3_v3_en-gb-scotland_p65_s160", "s4_v4_en-us-m3_p35_s120", "s5_v5_en-f2_p99_s220"};

// Allowed error per feature: |ours - ref| <= rel * |ref| + abs.
struct Tolerance {
  double rel, abs;
};
Tolerance tolerance_for(std::string_view name) {
  static const std::map<std::string_view, Tolerance> kTolerances = {
#include "golden_egemaps_tolerances.inc"
  };
  auto it = kTolerances.find(name);
  return it != kTolerances.end() ? it->second : Tolerance{5e-4, 1e-6};
}

features::EgemapsFunctionals extract(const fs::path& audio, int n_threads, std::size_t chunk) {
  media::AudioDecoder decoder(audio.string(), features::kEgemapsSampleRate);
  features::EgemapsExtractor ex(features::EgemapsOptions{.n_threads = n_threads, .lld_frames = false});
  std::vector<float> buf(chunk);
  while (std::size_t n = decoder.read(buf)) ex.push({buf.data(), n});
  return ex.finish();
}

}  // namespace

TEST(EgemapsGolden, SyntheticClipsMatchOpenSmile) {
  SENTIO_REQUIRE_SHARED(ref_dir, "reference/opensmile");
  const auto& names = features::egemaps_functional_names();
  int checked = 0;
  for (const char* clip : kClips) {
    const auto ref = test::read_opensmile_csv(ref_dir / "egemaps_v02" / (std::string(clip) + ".func.csv"));
    ASSERT_EQ(ref.columns.size(), 89u);  // frameTime + 88
    const auto ours = extract(ref_dir / "audio" / (std::string(clip) + ".flac"), 1, 4096);
    for (std::size_t j = 0; j < 88; ++j) {
      ASSERT_EQ(ref.columns[j + 1], names[j]);
      const double r = ref.rows[0][j + 1];
      const Tolerance t = tolerance_for(names[j]);
      EXPECT_LE(std::abs(ours[j] - r), t.rel * std::abs(r) + t.abs) << clip << " " << names[j] << ": sentio " << ours[j]
                                                                   << ", openSMILE " << r;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6 * 88);
}

TEST(EgemapsGolden, ThreadsAndChunkSizesDoNotChangeTheResult) {
  SENTIO_REQUIRE_SHARED(ref_dir, "reference/opensmile");
  const fs::path audio = ref_dir / "audio" / "s1_v1_en-gb_p25_s140.flac";
  const auto a = extract(audio, 1, 4096);
  const auto b = extract(audio, 2, 777);
  const auto c = extract(audio, 3, 1 << 20);
  for (std::size_t j = 0; j < 88; ++j) {
    EXPECT_EQ(a[j], b[j]) << j;
    EXPECT_EQ(a[j], c[j]) << j;
  }
}
