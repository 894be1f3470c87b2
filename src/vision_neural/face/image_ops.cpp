// SPDX-License-Identifier: Apache-2.0
#include "face/image_ops.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "face/image_header.hpp"
#include "face/tar_archive.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision {

namespace {

// A decoded OpenCV image (any depth, 1/3/4 channels) as an 8-bit grey or RGB Image.
Image to_image(cv::Mat m, const std::string& path) {
  if (m.depth() != CV_8U) {
    // 16-bit PNG/TIFF and float images: rescale to 8 bit.
    cv::Mat m8;
    const double scale = m.depth() == CV_16U ? 1.0 / 257.0 : (m.depth() == CV_32F || m.depth() == CV_64F ? 255.0 : 1.0);
    m.convertTo(m8, CV_8U, scale);
    m = m8;
  }
  Image out;
  out.width = m.cols;
  out.height = m.rows;
  cv::Mat packed;
  switch (m.channels()) {
    case 1:
      out.channels = 1;
      packed = m;
      break;
    case 3:
      cv::cvtColor(m, packed, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(m, packed, cv::COLOR_BGRA2RGB);
      break;
    default:
      throw InputError("'" + path + "': unsupported number of channels (" + std::to_string(m.channels()) + ")");
  }
  if (!packed.isContinuous()) packed = packed.clone();
  out.pixels.assign(packed.data, packed.data + packed.total() * packed.elemSize());
  return out;
}

// Refuses an image whose header declares more than kMaxImagePixels, before anything is allocated.
void check_declared_size(std::span<const std::uint8_t> head, const std::string& path) {
  const std::optional<face::DeclaredSize> size = face::declared_image_size(head);
  if (!size) return;
  if (size->width == 0 || size->height == 0)
    throw InputError("'" + path + "': the image declares no pixels (" + std::to_string(size->width) + "x" +
                     std::to_string(size->height) + ")");
  if (size->width > face::kMaxImagePixels || size->height > face::kMaxImagePixels ||
      size->width * size->height > face::kMaxImagePixels)
    throw InputError("'" + path + "': the image declares " + std::to_string(size->width) + "x" +
                     std::to_string(size->height) + " pixels (at most 64 Mpx are read)");
}

}  // namespace

Image decode_image_file(const std::string& path) {
  std::error_code ec;
  cv::Mat m;
  std::string archive, member;
  if (!std::filesystem::is_regular_file(path, ec) && face::split_archive_path(path, archive, member)) {
    // "ARCHIVE.tar:MEMBER" (face manifests may point into a tar file).
    const std::vector<std::uint8_t> bytes = face::read_archive_member(archive, member);
    if (bytes.empty()) throw InputError("'" + path + "': empty file");
    check_declared_size(bytes, path);
    try {
      m = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data())),
                       cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
      throw InputError("'" + path + "': cannot decode image (" + e.what() + ")");
    }
  } else {
    if (!std::filesystem::is_regular_file(path, ec)) throw InputError("'" + path + "': no such image file");
    if (std::filesystem::file_size(path, ec) == 0) throw InputError("'" + path + "': empty file");
    {
      std::vector<std::uint8_t> head(1 << 20);  // the JPEG frame header may follow large metadata segments
      std::ifstream in(path, std::ios::binary);
      in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
      head.resize(static_cast<std::size_t>(in.gcount()));
      check_declared_size(head, path);
    }
    try {
      m = cv::imread(path, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
      throw InputError("'" + path + "': cannot decode image (" + e.what() + ")");
    }
  }
  if (m.empty()) throw InputError("'" + path + "': not an image in a supported format, or corrupt");
  return to_image(std::move(m), path);
}

namespace face {

cv::Mat as_mat(const Image& image) {
  SENTIO_ASSERT(image.width > 0 && image.height > 0);
  SENTIO_ASSERT(image.channels == 1 || image.channels == 3);
  SENTIO_ASSERT(image.pixels.size() ==
                static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * image.channels);
  auto* data = const_cast<std::uint8_t*>(image.pixels.data());  // the Mat is only read
  return cv::Mat(image.height, image.width, image.channels == 1 ? CV_8UC1 : CV_8UC3, data);
}

cv::Mat as_rgb_mat(const Image& image, cv::Mat& storage) {
  const cv::Mat m = as_mat(image);
  if (image.channels == 3) return m;
  cv::cvtColor(m, storage, cv::COLOR_GRAY2RGB);
  return storage;
}

Point2 CropTransform::to_image(float u, float v) const {
  const float c = std::cos(angle), s = std::sin(angle);
  const float du = (u - 0.5f * static_cast<float>(size)) * scale;
  const float dv = (v - 0.5f * static_cast<float>(size)) * scale;
  return {cx + c * du - s * dv, cy + s * du + c * dv};
}

Point2 CropTransform::to_crop(float x, float y) const {
  const float c = std::cos(angle), s = std::sin(angle);
  const float dx = x - cx, dy = y - cy;
  const float half = 0.5f * static_cast<float>(size);
  return {(c * dx + s * dy) / scale + half, (-s * dx + c * dy) / scale + half};
}

cv::Mat warp_crop(const cv::Mat& src, const CropTransform& t) {
  // OpenCV indexes pixel centres at integers; our continuous coordinates put them at +0.5.
  // image_index = A * crop_index + b with A = scale * R, b = to_image(0.5, 0.5) - 0.5.
  const double c = std::cos(t.angle) * t.scale, s = std::sin(t.angle) * t.scale;
  const Point2 origin = t.to_image(0.5f, 0.5f);
  const cv::Matx23d m(c, -s, origin.x - 0.5, s, c, origin.y - 0.5);
  cv::Mat dst;
  cv::warpAffine(src, dst, m, cv::Size(t.size, t.size), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return dst;
}

void to_tensor(const cv::Mat& m, float mul, float add, Tensor& out) {
  SENTIO_ASSERT(m.depth() == CV_8U);
  const int ch = m.channels();
  out.shape = {1, m.rows, m.cols, ch};
  out.data.resize(static_cast<std::size_t>(m.rows) * m.cols * ch);
  float* dst = out.data.data();
  for (int y = 0; y < m.rows; ++y) {
    const std::uint8_t* row = m.ptr<std::uint8_t>(y);
    for (int i = 0; i < m.cols * ch; ++i) *dst++ = static_cast<float>(row[i]) * mul + add;
  }
}

}  // namespace face
}  // namespace sentio::vision
