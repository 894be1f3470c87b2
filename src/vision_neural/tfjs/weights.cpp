// SPDX-License-Identifier: Apache-2.0
// Weight shards: each manifest group lists shard files whose concatenation holds the group's
// tensors back to back, little-endian, in manifest order (tfjs-converter layout).
#include "tfjs/weights.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "sentio/core/error.hpp"

namespace sentio::vision::tfjs {
namespace {

static_assert(std::endian::native == std::endian::little, "weight shards are little-endian");

template <typename T>
T load_le(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

std::int64_t checked_count(const WeightSpec& w, const std::string& where) {
  std::int64_t n = 1;
  for (const std::int64_t d : w.shape) {
    if (d < 0) throw InputError(where + ": weight '" + w.name + "': negative dimension");
    if (d != 0 && n > std::numeric_limits<std::int32_t>::max() / d)
      throw InputError(where + ": weight '" + w.name + "': shape too large");
    n *= d;
  }
  return n;
}

}  // namespace

std::int64_t HostTensor::element_count() const {
  std::int64_t n = 1;
  for (const std::int64_t d : shape) n *= d;
  return n;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = (h >> 15) & 1u;
  const std::uint32_t exponent = (h >> 10) & 0x1Fu;
  const std::uint32_t mantissa = h & 0x3FFu;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // subnormal: m * 2^-24
  } else if (exponent == 31) {
    magnitude = mantissa == 0 ? std::numeric_limits<float>::infinity() : std::numeric_limits<float>::quiet_NaN();
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
  }
  return sign ? -magnitude : magnitude;
}

std::size_t stored_element_bytes(const WeightSpec& w) {
  switch (w.quantization.kind) {
    case Quantization::Kind::uint8: return 1;
    case Quantization::Kind::uint16:
    case Quantization::Kind::float16: return 2;
    case Quantization::Kind::none: return 4;  // float32 or int32
  }
  return 4;
}

std::map<std::string, HostTensor> decode_weight_group(const WeightGroup& group, const std::vector<std::uint8_t>& bytes,
                                                      const std::string& where) {
  std::map<std::string, HostTensor> out;
  std::size_t offset = 0;
  for (const WeightSpec& w : group.weights) {
    const std::int64_t count = checked_count(w, where);
    const std::size_t size = static_cast<std::size_t>(count) * stored_element_bytes(w);
    if (offset + size > bytes.size())
      throw InputError(where + ": weight '" + w.name + "': needs " + std::to_string(size) + " bytes at offset " +
                       std::to_string(offset) + " but the shards hold only " + std::to_string(bytes.size()) +
                       " bytes (truncated shard or shape mismatch)");
    if (out.count(w.name)) throw InputError(where + ": weight '" + w.name + "' appears twice in the manifest");
    HostTensor t;
    t.dtype = w.dtype;
    t.shape = w.shape;
    const std::uint8_t* p = bytes.data() + offset;
    const std::size_t n = static_cast<std::size_t>(count);
    const auto put = [&](std::size_t k, double v) {
      if (w.dtype == DType::float32) {
        t.f32[k] = static_cast<float>(v);
      } else {
        t.i32[k] = static_cast<std::int32_t>(std::lround(v));
      }
    };
    if (w.dtype == DType::float32) t.f32.resize(n); else t.i32.resize(n);
    switch (w.quantization.kind) {
      case Quantization::Kind::none:
        if (size == 0) {  // a tensor with a 0 dimension: nothing to copy (and no buffer to copy into)
        } else if (w.dtype == DType::float32) {
          std::memcpy(t.f32.data(), p, size);
        } else {
          std::memcpy(t.i32.data(), p, size);
        }
        break;
      case Quantization::Kind::uint8:  // value = q * scale + min
        for (std::size_t k = 0; k < n; ++k) put(k, p[k] * w.quantization.scale + w.quantization.min);
        break;
      case Quantization::Kind::uint16:
        for (std::size_t k = 0; k < n; ++k)
          put(k, load_le<std::uint16_t>(p + 2 * k) * w.quantization.scale + w.quantization.min);
        break;
      case Quantization::Kind::float16:
        for (std::size_t k = 0; k < n; ++k) t.f32[k] = half_to_float(load_le<std::uint16_t>(p + 2 * k));
        break;
    }
    offset += size;
    out.emplace(w.name, std::move(t));
  }
  if (offset != bytes.size())
    throw InputError(where + ": the weight shards hold " + std::to_string(bytes.size()) + " bytes but the manifest describes " +
                     std::to_string(offset) + " (a tensor's shape does not match its data)");
  return out;
}

constexpr std::streamoff kMaxShardBytes = std::streamoff{1} << 31;  // a face model is a few MB

std::map<std::string, HostTensor> load_weights(const ModelSpec& spec, const std::string& model_dir) {
  const std::string where = "model '" + spec.path + "'";
  std::map<std::string, HostTensor> all;
  for (const WeightGroup& group : spec.weight_groups) {
    std::vector<std::uint8_t> bytes;
    for (const std::string& rel : group.paths) {
      const std::filesystem::path shard = std::filesystem::path(model_dir) / rel;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(shard, ec))  // e.g. "." or a folder: its size means nothing
        throw InputError(where + ": weight shard '" + shard.string() + "' is not a regular file");
      std::ifstream in(shard, std::ios::binary);
      if (!in) throw InputError(where + ": cannot open weight shard '" + shard.string() + "'");
      in.seekg(0, std::ios::end);
      const std::streamoff size = in.tellg();
      in.seekg(0, std::ios::beg);
      if (size < 0 || size > kMaxShardBytes)
        throw InputError(where + ": weight shard '" + shard.string() + "' is larger than 2 GiB or unreadable");
      const std::size_t old = bytes.size();
      bytes.resize(old + static_cast<std::size_t>(size));
      if (!in.read(reinterpret_cast<char*>(bytes.data() + old), size))
        throw InputError(where + ": cannot read weight shard '" + shard.string() + "'");
    }
    for (auto& [name, tensor] : decode_weight_group(group, bytes, where)) {
      if (!all.emplace(name, std::move(tensor)).second)
        throw InputError(where + ": weight '" + name + "' appears in two manifest groups");
    }
  }
  return all;
}

}  // namespace sentio::vision::tfjs
