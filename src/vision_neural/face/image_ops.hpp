// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private OpenCV glue of the face pipeline (OpenCV types stay inside src/vision/face).
#include <opencv2/core.hpp>

#include "sentio/vision_neural/face_analyzer.hpp"
#include "sentio/vision_neural/graph_model.hpp"

namespace sentio::vision::face {

// Read-only view of an Image as an 8-bit Mat with its own channels (1 or 3); no copy.
cv::Mat as_mat(const Image& image);

// View of an Image as an 8-bit RGB Mat (grey images are expanded into `storage`).
cv::Mat as_rgb_mat(const Image& image, cv::Mat& storage);

// Similarity transform from a square crop of `size` pixels to the image: a crop point (u, v) (continuous
// coordinates, origin at the crop's top-left corner) maps to centre + scale * R(angle) * (u - size/2, v - size/2).
struct CropTransform {
  float cx = 0, cy = 0;  // crop centre in the image (continuous pixel coordinates)
  float scale = 1;       // image pixels per crop pixel
  float angle = 0;       // radians; the crop's x axis points along (cos angle, sin angle) in the image
  int size = 0;          // crop side in pixels

  Point2 to_image(float u, float v) const;
  Point2 to_crop(float x, float y) const;
};

// Samples the crop with bilinear interpolation (black outside the image). Returns 8-bit, same channels as `src`.
cv::Mat warp_crop(const cv::Mat& src, const CropTransform& t);

// Packs an 8-bit Mat (1 or 3 channels) into a 1xHxWxC float tensor with value = pixel * mul + add.
void to_tensor(const cv::Mat& m, float mul, float add, Tensor& out);

}  // namespace sentio::vision::face
