// SPDX-License-Identifier: Apache-2.0
// VideoReader on synthetic clips: frame selection at an output rate, timestamps, RGB conversion,
// downscaling, start offsets, containers, and skipping of a corrupt frame.
#include "sentio/media/video_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "media_fixtures.hpp"

namespace sentio::media {
namespace {

using namespace sentio::test::media_fixtures;
namespace fs = std::filesystem;

std::vector<VideoFrame> read_all(const fs::path& path, VideoReadOptions options) {
  VideoReader reader(path.string(), options);
  std::vector<VideoFrame> frames;
  VideoFrame f;
  while (reader.next(f)) frames.push_back(f);
  return frames;
}

// 2 s, 32x32, 25 fps, lossless FFV1; frame N is uniformly grey with level 5 N (full range), so
// a frame's content says which source frame it is.
fs::path ramp_clip() {
  return ffmpeg_fixture("ramp.mkv", "-f lavfi -i \"nullsrc=s=32x32:r=25:d=2,format=gray,geq=lum='N*5'\" "
                                    "-pix_fmt yuv420p -c:v ffv1");
}

// Source frame number shown by a ramp frame (grey level / 5, limited-range YUV round trip).
int ramp_frame_number(const VideoFrame& f) {
  const int centre = (f.height / 2 * f.width + f.width / 2) * 3;
  return static_cast<int>(std::lround(f.rgb[static_cast<std::size_t>(centre)] / 5.0));
}

TEST(VideoReader, EveryFrameWithItsTimestamp) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path clip = fixture("av_h264_aac.mp4");  // 160x120, 25 fps, 2 s
  VideoReader reader(clip.string());
  EXPECT_EQ(reader.info().codec, "h264");
  EXPECT_EQ(reader.info().width, 160);
  EXPECT_EQ(reader.info().height, 120);
  EXPECT_NEAR(reader.info().native_fps, 25.0, 1e-9);
  EXPECT_NEAR(reader.info().duration_s, 2.0, 0.01);
  VideoFrame f;
  int n = 0;
  while (reader.next(f)) {
    EXPECT_EQ(f.index, n);
    EXPECT_NEAR(f.time_s, n / 25.0, 1e-6);
    EXPECT_EQ(f.width, 160);
    EXPECT_EQ(f.height, 120);
    EXPECT_EQ(f.rgb.size(), 160u * 120u * 3u);
    ++n;
  }
  EXPECT_EQ(n, 50);
  EXPECT_EQ(reader.skipped_frames(), 0);
}

TEST(VideoReader, TenFramesPerSecondFromTwentyFive) {
  SENTIO_REQUIRE_FFMPEG();
  const auto frames = read_all(fixture("av_h264_aac.mp4"), {10.0, 0});
  ASSERT_EQ(frames.size(), 20u);  // ticks 0, 0.1, ..., 1.9 within the 2 s clip
  for (std::size_t k = 0; k < frames.size(); ++k) {
    EXPECT_EQ(frames[k].index, static_cast<std::int64_t>(k));
    EXPECT_NEAR(frames[k].time_s, static_cast<double>(k) / 10.0, 1e-9);
    if (k > 0) {
      EXPECT_GT(frames[k].time_s, frames[k - 1].time_s);
    }
  }
}

// Tick t = k / fps shows the latest source frame with time <= t: frame floor(25 t).
TEST(VideoReader, PicksLatestFrameAtOrBeforeEachTick) {
  SENTIO_REQUIRE_FFMPEG();
  for (double fps : {10.0, 30.0, 7.0}) {
    const auto frames = read_all(ramp_clip(), {fps, 0});
    EXPECT_EQ(frames.size(), static_cast<std::size_t>(std::ceil(2.0 * fps - 1e-9))) << fps;
    for (std::size_t k = 0; k < frames.size(); ++k) {
      const int want = static_cast<int>(std::floor(25.0 * static_cast<double>(k) / fps + 1e-9));
      EXPECT_EQ(ramp_frame_number(frames[k]), want) << "fps " << fps << " tick " << k;
    }
  }
  const auto every = read_all(ramp_clip(), {0.0, 0});
  ASSERT_EQ(every.size(), 50u);
  for (std::size_t n = 0; n < every.size(); ++n) EXPECT_EQ(ramp_frame_number(every[n]), static_cast<int>(n));
}

// A stream that pauses: 25 frames from 0 s, the next 25 from 60 s. At a fixed rate the last frame
// before the pause is shown for at most 10 s; the ticks of the rest of the pause are skipped (a file
// whose timestamps claim hundreds of hours would otherwise yield millions of copies).
TEST(VideoReader, LongPauseIsNotFilledWithCopies) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path clip = ffmpeg_fixture("pause.mkv", "-f lavfi -i \"nullsrc=s=32x32:r=25:d=2,format=gray,geq=lum='N*5',"
                                                    "setpts='if(lt(N,25),N,N+1475)/25/TB'\" -fps_mode passthrough "
                                                    "-pix_fmt yuv420p -c:v ffv1");
  const auto frames = read_all(clip, {10.0, 0});
  ASSERT_EQ(frames.size(), 120u);  // ticks 0 .. 10.9 s, then 60.0 .. 60.9 s
  for (std::size_t k = 0; k < frames.size(); ++k) EXPECT_EQ(frames[k].index, static_cast<std::int64_t>(k));
  EXPECT_NEAR(frames[109].time_s, 10.9, 1e-9);
  EXPECT_EQ(ramp_frame_number(frames[109]), 24);
  EXPECT_NEAR(frames[110].time_s, 60.0, 1e-9);
  EXPECT_EQ(ramp_frame_number(frames[110]), 25);
  EXPECT_EQ(ramp_frame_number(frames[119]), 47);  // 60.9 s: source frame 25 + 22
  // Every decoded frame is still read when no rate is asked for.
  EXPECT_EQ(read_all(clip, {0.0, 0}).size(), 50u);
}

TEST(VideoReader, SolidRedIsRed) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path red = ffmpeg_fixture("red.mp4", "-f lavfi -i color=c=red:s=64x48:r=25:d=1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
  for (int max_width : {0, 16}) {
    const auto frames = read_all(red, {0.0, max_width});
    ASSERT_EQ(frames.size(), 25u);
    for (const VideoFrame& f : frames) {
      double sum[3] = {0, 0, 0};
      for (std::size_t i = 0; i < f.rgb.size(); ++i) sum[i % 3] += f.rgb[i];
      const double px = static_cast<double>(f.width) * f.height;
      EXPECT_NEAR(sum[0] / px, 255.0, 6.0);
      EXPECT_NEAR(sum[1] / px, 0.0, 6.0);
      EXPECT_NEAR(sum[2] / px, 0.0, 6.0);
    }
  }
}

TEST(VideoReader, DownscalesKeepingAspect) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path clip = fixture("av_h264_aac.mp4");
  auto frames = read_all(clip, {5.0, 80});
  ASSERT_EQ(frames.size(), 10u);
  EXPECT_EQ(frames[0].width, 80);
  EXPECT_EQ(frames[0].height, 60);
  EXPECT_EQ(frames[0].rgb.size(), 80u * 60u * 3u);
  frames = read_all(clip, {5.0, 100});  // 160x120 -> 100x75
  EXPECT_EQ(frames[0].width, 100);
  EXPECT_EQ(frames[0].height, 75);
  frames = read_all(clip, {5.0, 400});  // never upscaled
  EXPECT_EQ(frames[0].width, 160);
  EXPECT_EQ(frames[0].height, 120);
}

// Output time 0 is the start of the file even when its timestamps start later: MPEG-PS starts near
// 0.5 s, and here the whole MP4 is shifted by 3 s.
TEST(VideoReader, TimeStartsAtZero) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path shifted = ffmpeg_fixture("shifted.mp4", "-f lavfi -i \"nullsrc=s=32x32:r=25:d=2,format=gray,geq=lum='N*5'\" "
                                                         "-c:v libx264 -preset ultrafast -qp 0 -pix_fmt yuv420p -output_ts_offset 3");
  const auto every = read_all(shifted, {0.0, 0});
  ASSERT_EQ(every.size(), 50u);
  EXPECT_NEAR(every[0].time_s, 0.0, 1e-6);
  EXPECT_NEAR(every[49].time_s, 1.96, 1e-6);
  const auto at10 = read_all(shifted, {10.0, 0});
  ASSERT_EQ(at10.size(), 20u);
  EXPECT_EQ(ramp_frame_number(at10[3]), 7);

  const auto mpg = read_all(fixture("av_mpeg1_mp2.mpg"), {10.0, 0});
  EXPECT_GE(mpg.size(), 20u);
  EXPECT_LE(mpg.size(), 21u);
  EXPECT_EQ(mpg[0].time_s, 0.0);
  const auto mpg_every = read_all(fixture("av_mpeg1_mp2.mpg"), {0.0, 0});
  ASSERT_EQ(mpg_every.size(), 50u);
  EXPECT_GE(mpg_every[0].time_s, 0.0);
  EXPECT_LT(mpg_every[0].time_s, 0.04);
}

// The video side of the container matrix: all 50 frames of each clip. AVI's MPEG-4 stream has a
// timestamp gap after its first frame (0, 0.08, 0.12, ...; ffprobe agrees), so times are only
// checked to increase and to stay within the clip.
TEST(VideoReader, ReadsEveryContainer) {
  SENTIO_REQUIRE_FFMPEG();
  std::vector<FormatCase> video_cases;
  for (const FormatCase& c : format_cases())
    if (c.has_video) video_cases.push_back(c);
  const auto paths = make_fixtures(video_cases);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const FormatCase& c = video_cases[i];
    VideoReader reader(paths[i].string());
    VideoFrame f;
    int n = 0;
    double last = -1;
    while (reader.next(f)) {
      EXPECT_GT(f.time_s, last) << c.file;
      EXPECT_LT(f.time_s, 2.05) << c.file;
      last = f.time_s;
      ++n;
    }
    EXPECT_EQ(n, 50) << c.file;
    EXPECT_EQ(reader.skipped_frames(), 0) << c.file;
  }
}

// A Motion-JPEG clip (every frame independent) with frame 10 wiped: 24 frames come out, one is
// counted as skipped, and the frames after it are intact.
TEST(VideoReader, CorruptFrameIsSkippedAndCounted) {
  SENTIO_REQUIRE_FFMPEG();
  const fs::path clip = ffmpeg_fixture("ramp_mjpeg.avi", "-f lavfi -i \"nullsrc=s=32x32:r=25:d=1,format=gray,geq=lum='N*5'\" "
                                                         "-pix_fmt yuvj420p -c:v mjpeg -q:v 2");
  std::ifstream in(clip, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::size_t> soi;  // JPEG start-of-image markers FF D8 FF
  for (std::size_t i = 0; i + 2 < bytes.size(); ++i)
    if (static_cast<unsigned char>(bytes[i]) == 0xFF && static_cast<unsigned char>(bytes[i + 1]) == 0xD8 &&
        static_cast<unsigned char>(bytes[i + 2]) == 0xFF)
      soi.push_back(i);
  ASSERT_EQ(soi.size(), 25u);
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(soi[10]), bytes.begin() + static_cast<std::ptrdiff_t>(soi[11] - 8), 0);
  const fs::path broken = sentio::test::temp_dir() / "broken.avi";
  std::ofstream(broken, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));

  VideoReader reader(broken.string());
  VideoFrame f;
  std::vector<int> seen;
  while (reader.next(f)) seen.push_back(ramp_frame_number(f));
  EXPECT_EQ(reader.skipped_frames(), 1);
  ASSERT_EQ(seen.size(), 24u);
  for (int n = 0; n < 24; ++n) EXPECT_EQ(seen[static_cast<std::size_t>(n)], n < 10 ? n : n + 1);
}

TEST(VideoReader, MovedReaderKeepsReading) {
  SENTIO_REQUIRE_FFMPEG();
  VideoReader a(ramp_clip().string(), {10.0, 0});
  VideoFrame f;
  ASSERT_TRUE(a.next(f));
  VideoReader b = std::move(a);
  int n = 1;
  while (b.next(f)) ++n;
  EXPECT_EQ(n, 20);
  EXPECT_FALSE(b.next(f));
}

}  // namespace
}  // namespace sentio::media
