// SPDX-License-Identifier: Apache-2.0
// End-to-end: the `sentio features` command on speech it synthesizes itself and on bad inputs.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

struct Fixture {
  fs::path dir;
  fs::path speech;
};

// Synthesized once per test binary.
const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.dir = sentio::test::temp_dir();
    x.speech = x.dir / "speech.wav";
    sentio::test::synthesize_speech("The quick brown fox jumps over the lazy dog. I am very happy today.", x.speech);
    return x;
  }();
  return f;
}

using sentio::test::sentio_cmd;

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string c; std::getline(ss, c, sep);) out.push_back(c);
  return out;
}

}  // namespace

TEST(FeaturesCli, FunctionalsCsvForOneFile) {
  const fs::path out = sentio::test::temp_dir() / "out.csv";
  const auto r = run_command(sentio_cmd("features '" + fixture().speech.string() + "' -o '" + out.string() + "' -q"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 2u);
  const auto header = split(lines[0], ';');
  const auto row = split(lines[1], ';');
  ASSERT_EQ(header.size(), 90u);
  ASSERT_EQ(row.size(), 90u);
  EXPECT_EQ(header[0], "name");
  EXPECT_EQ(header[1], "frameTime");
  EXPECT_EQ(row[0], "'speech'");
  EXPECT_EQ(row[1], "0.000000");
  // espeak-ng's default voice speaks at about 100 Hz: 12*log2(f/27.5) is in [18, 38] for 70-250 Hz.
  const double f0_mean = std::stod(row[2]);
  EXPECT_GT(f0_mean, 18.0);
  EXPECT_LT(f0_mean, 38.0);
  const double loudness_mean = std::stod(row[12]);
  EXPECT_GT(loudness_mean, 0.05);
  EXPECT_EQ(header[89], "equivalentSoundLevel_dBp");
  const double leq = std::stod(row[89]);
  EXPECT_LT(leq, 0.0);
  EXPECT_GT(leq, -60.0);
}

TEST(FeaturesCli, JsonOutputFollowsTheSchema) {
  const auto r = run_command(sentio_cmd("features --format json -q '" + fixture().speech.string() + "' 2>/dev/null"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["schema"], "sentio.features/1");
  EXPECT_EQ(j["feature_set"], "eGeMAPSv02");
  ASSERT_EQ(j["columns"].size(), 88u);
  ASSERT_EQ(j["files"].size(), 1u);
  EXPECT_EQ(j["files"][0]["values"].size(), 88u);
}

TEST(FeaturesCli, LldRowsEveryTenMilliseconds) {
  const fs::path out = sentio::test::temp_dir() / "lld.csv";
  const auto r = run_command(
      sentio_cmd("features --set egemaps-lld -q '" + fixture().speech.string() + "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto lines = lines_of(out);
  const auto n_samples = sentio::test::load_pcm16_via_sox(fixture().speech).size();
  const std::size_t n60 = (n_samples - 960) / 160 + 1;
  ASSERT_EQ(lines.size(), 1 + n60 + 1);  // header, N60 frames, smoother's extra row
  EXPECT_EQ(split(lines[0], ';').size(), 27u);
  EXPECT_EQ(split(lines[2], ';')[1], "0.010000");
}

TEST(FeaturesCli, BatchWithBadFilesKeepsTheGoodResultsAndReportsEachFailure) {
  const fs::path dir = sentio::test::temp_dir();
  fs::copy_file(fixture().speech, dir / "a_good.wav");
  fs::copy_file(fixture().speech, dir / "d_good.wav");
  std::ofstream(dir / "b_empty.wav").close();
  std::ofstream(dir / "c_text.mp3") << "this is not audio at all\n";
  {
    // the first 2 kB of a FLAC file: a truncated stream
    const fs::path flac = dir / "e_truncated.flac";
    run_command("sox '" + fixture().speech.string() + "' '" + (dir / "full.flac").string() + "'");
    std::ifstream in(dir / "full.flac", std::ios::binary);
    std::string bytes(2048, '\0');
    in.read(bytes.data(), 2048);
    std::ofstream(flac, std::ios::binary) << bytes;
    fs::remove(dir / "full.flac");
  }
  const fs::path out = sentio::test::temp_dir() / "batch.csv";
  const auto r = run_command(sentio_cmd("features -q -j 2 '" + dir.string() + "' -o '" + out.string() + "'"));
  EXPECT_EQ(r.status, 1) << r.output;
  const auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 3u) << r.output;
  EXPECT_EQ(split(lines[1], ';')[0], "'a_good'");
  EXPECT_EQ(split(lines[2], ';')[0], "'d_good'");
  EXPECT_NE(r.output.find("b_empty.wav"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("c_text.mp3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("e_truncated.flac"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 input(s) failed"), std::string::npos) << r.output;
}

// A WAV file cut short (its header declares twice what it holds) is still analysed: its row is written,
// the exit status is 0, and a warning names the file and says how much was there.
TEST(FeaturesCli, CutShortWavIsAnalysedWithAWarning) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path cut = dir / "cut_short.wav";
  fs::copy_file(fixture().speech, cut, fs::copy_options::overwrite_existing);
  const auto size = fs::file_size(cut);
  fs::resize_file(cut, 44 + (size - 44) / 4 * 2);  // about half of the samples, whole 16-bit samples
  const fs::path out = dir / "cut.csv";
  const auto r = run_command(sentio_cmd("features -q '" + cut.string() + "' -o '" + out.string() + "'"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(lines_of(out).size(), 2u);
  EXPECT_NE(r.output.find("sentio: warning: '" + cut.string() + "': input ended after"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("its header declares"), std::string::npos) << r.output;
}

// The AVX2 and portable SIMD kernels (FFT, pitch, LPC resampler) must give the same bits. On a CPU
// without AVX2 both runs use the portable kernels and the test cannot tell them apart.
TEST(FeaturesCli, PortableKernelsGiveIdenticalOutput) {
  const fs::path dir = sentio::test::temp_dir();
  const std::string in = "'" + fixture().speech.string() + "'";
  for (const char* set : {"egemaps", "egemaps-lld"}) {
    const fs::path a = dir / (std::string(set) + "_default.csv"), b = dir / (std::string(set) + "_portable.csv");
    ASSERT_EQ(run_command(sentio_cmd("features -q --set " + std::string(set) + " " + in + " -o '" + a.string() + "'")).status, 0);
    ASSERT_EQ(run_command("SENTIO_NO_AVX2=1 " +
                          sentio_cmd("features -q --set " + std::string(set) + " " + in + " -o '" + b.string() + "'"))
                  .status,
              0);
    EXPECT_EQ(lines_of(a), lines_of(b)) << set;
  }
}

TEST(FeaturesCli, MissingFileIsOneClearLine) {
  const auto r = run_command(sentio_cmd("features -q /no/such/clip.wav"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("'/no/such/clip.wav'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not found"), std::string::npos) << r.output;
}

TEST(FeaturesCli, UnwritableOutputIsAUsageError) {
  const auto r = run_command(sentio_cmd("features -q '" + fixture().speech.string() + "' -o /no/such/dir/out.csv"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("'/no/such/dir' does not exist"), std::string::npos) << r.output;
}

TEST(FeaturesCli, HelpDocumentsEveryOption) {
  const auto r = run_command(sentio_cmd("features --help"));
  EXPECT_EQ(r.status, 0);
  for (const char* opt : {"--set", "--output", "--format", "--jobs", "--quiet", "egemaps-lld"})
    EXPECT_NE(r.output.find(opt), std::string::npos) << opt;
}

TEST(FeaturesCli, UnknownFeatureSetIsRejected) {
  const auto r = run_command(sentio_cmd("features --set compare2016 -q '" + fixture().speech.string() + "'"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("unknown feature set 'compare2016'"), std::string::npos) << r.output;
}
