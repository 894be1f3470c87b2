// SPDX-License-Identifier: Apache-2.0
// Declared image sizes read from headers, and the 64 Mpx cap of decode_image_file applied before decoding.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "face/image_header.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "tar_writer.hpp"
#include "test_support.hpp"

namespace {

using sentio::vision::face::declared_image_size;

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A PNG signature and IHDR chunk declaring w x h, followed by junk instead of image data.
std::string png_header(std::uint32_t w, std::uint32_t h) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + be32(w) + be32(h) + std::string("\x08\x02\0\0\0", 5) +
         be32(0) + std::string(64, 'x');
}

TEST(ImageHeader, DeclaredSizesOfTheCommonFormats) {
  auto png = declared_image_size(bytes_of(png_header(30000, 20000)));
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 30000u);
  EXPECT_EQ(png->height, 20000u);

  // JPEG: SOI, an APP0 segment of 16 bytes, then SOF0 with height 480 and width 640.
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0\x00\x10", 6) + std::string(14, 'j') +
                           std::string("\xFF\xC0\x00\x11\x08\x01\xE0\x02\x80\x03", 10) + std::string(16, '\0');
  auto j = declared_image_size(bytes_of(jpeg));
  ASSERT_TRUE(j);
  EXPECT_EQ(j->width, 640u);
  EXPECT_EQ(j->height, 480u);

  auto gif = declared_image_size(bytes_of(std::string("GIF89a\x40\x01\xF0\x00", 10) + std::string(8, '\0')));
  ASSERT_TRUE(gif);
  EXPECT_EQ(gif->width, 320u);
  EXPECT_EQ(gif->height, 240u);

  // BMP with a BITMAPINFOHEADER and a negative (top-down) height
  std::string bmp = "BM" + std::string(12, '\0') + std::string("\x28\0\0\0", 4) + std::string("\x10\0\0\0", 4) +
                    std::string("\xF8\xFF\xFF\xFF", 4) + std::string(16, '\0');
  auto b = declared_image_size(bytes_of(bmp));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->width, 16u);
  EXPECT_EQ(b->height, 8u);

  auto webp = declared_image_size(bytes_of(std::string("RIFF\x20\0\0\0WEBPVP8X", 16) + std::string(8, '\0') +
                                           std::string("\x3F\x1F\0\x3F\x1F\0", 6)));  // 8000 x 8000
  ASSERT_TRUE(webp);
  EXPECT_EQ(webp->width, 8000u);
  EXPECT_EQ(webp->height, 8000u);

  auto pgm = declared_image_size(bytes_of("P5\n# a comment\n 12 34\n255\n"));
  ASSERT_TRUE(pgm);
  EXPECT_EQ(pgm->width, 12u);
  EXPECT_EQ(pgm->height, 34u);

  EXPECT_FALSE(declared_image_size(bytes_of("not an image at all")));
  EXPECT_FALSE(declared_image_size(bytes_of(std::string("\x89PNG\r\n\x1a\n", 8))));  // cut short
}

// A 30000x30000 PNG used to be decoded (3.7 GB); it is refused from its header now, naming the file.
TEST(ImageHeader, HugeDeclaredImageIsRefusedBeforeDecoding) {
  const std::filesystem::path dir = sentio::test::temp_dir();
  const std::string header = png_header(30000, 30000);
  std::ofstream(dir / "huge.png", std::ios::binary) << header;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    (void)sentio::vision::decode_image_file((dir / "huge.png").string());
    FAIL() << "no error for a 30000x30000 image";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("huge.png"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("30000x30000"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
  // the same from inside a tar archive
  const std::vector<std::uint8_t> tar = sentio::test::make_tar({{"huge.png", header}});
  std::ofstream(dir / "a.tar", std::ios::binary).write(reinterpret_cast<const char*>(tar.data()),
                                                       static_cast<std::streamsize>(tar.size()));
  EXPECT_THROW((void)sentio::vision::decode_image_file((dir / "a.tar").string() + ":huge.png"), sentio::InputError);
  // a small PGM still decodes
  std::ofstream(dir / "small.pgm", std::ios::binary) << sentio::test::make_pgm(2, 2, {1, 2, 3, 4});
  EXPECT_EQ(sentio::vision::decode_image_file((dir / "small.pgm").string()).width, 2);
}

}  // namespace
