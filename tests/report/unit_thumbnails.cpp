// SPDX-License-Identifier: Apache-2.0
// Thumbnails' building blocks: JPEG encoding (media::encode_jpeg) survives a decode round trip.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <vector>

#include "sentio/media/image_encoder.hpp"
#include "sentio/media/video_reader.hpp"
#include "test_support.hpp"

TEST(Thumbnails, JpegRoundTrip) {
  const int w = 64, h = 48;
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w * h * 3));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = &rgb[static_cast<std::size_t>((y * w + x) * 3)];
      p[0] = static_cast<std::uint8_t>(x * 4);
      p[1] = static_cast<std::uint8_t>(y * 5);
      p[2] = static_cast<std::uint8_t>(x < w / 2 ? 200 : 40);
    }
  const std::vector<std::uint8_t> jpeg = sentio::media::encode_jpeg(rgb, w, h, 90);
  ASSERT_GT(jpeg.size(), 100u);
  EXPECT_EQ(jpeg[0], 0xFF);  // SOI
  EXPECT_EQ(jpeg[1], 0xD8);
  EXPECT_EQ(jpeg[jpeg.size() - 2], 0xFF);  // EOI
  EXPECT_EQ(jpeg[jpeg.size() - 1], 0xD9);
  EXPECT_LT(sentio::media::encode_jpeg(rgb, w, h, 5).size(), jpeg.size());  // lower quality, fewer bytes

  const auto path = sentio::test::temp_dir() / "gradient.jpg";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(jpeg.data()),
                                              static_cast<std::streamsize>(jpeg.size()));
  sentio::media::VideoReader reader(path.string());
  sentio::media::VideoFrame frame;
  ASSERT_TRUE(reader.next(frame));
  ASSERT_EQ(frame.width, w);
  ASSERT_EQ(frame.height, h);
  double error = 0;
  for (std::size_t i = 0; i < rgb.size(); ++i) error += std::abs(double(frame.rgb[i]) - double(rgb[i]));
  EXPECT_LT(error / static_cast<double>(rgb.size()), 6.0);  // mean absolute error per channel, of 255
}
