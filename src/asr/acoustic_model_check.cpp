// SPDX-License-Identifier: Apache-2.0
// Header and size checks of the Sphinx acoustic-model files, so that a damaged model is an InputError
// instead of pocketsphinx ending the process.
//
// Formats (as the files describe themselves, and as the en-us model's files are laid out):
//  * "s3" files (means, variances, transition_matrices, mixture_weights): the text "s3\n", then
//    "name value" lines up to "endhdr\n", a 32-bit byte-order mark 0x11223344, 32-bit dimensions, a
//    32-bit count of float32 values, the values, and a 32-bit checksum when the header lists "chksum0".
//    Gaussian parameters: n_codebook, n_stream, n_density, vector length of each stream, count.
//    Transition matrices: n_matrix, n_from, n_to (= n_from + 1), count. Mixture weights: n_senone,
//    n_stream, n_density, count.
//  * Binary model definition (mdef): "BMDF", version, length of a text description, the description,
//    ten 32-bit counts (n_ciphone, n_phone, n_emit_state, n_ci_senone, n_senone, n_tmat, n_sseq, n_ctx,
//    n_cd_tree, silence id), the CI phone names (NUL-terminated, padded to 4 bytes), n_cd_tree 8-byte tree
//    nodes, n_phone 12-byte phones, the 32-bit length of the senone sequences, the 16-bit senone ids,
//    and one length byte per sequence when the phones have different numbers of states (n_emit_state 0).
//    A text model definition starts with the version line "0.3".
//  * Senone dump (sendump): 32-bit length-prefixed NUL-terminated strings (title, header, then
//    "key value" strings up to a zero length), then for unclustered weights 32-bit rows and columns,
//    then per stream rows x columns 8-bit weights (4-bit: half, rounded up), after a codebook of
//    cluster_count bytes when clustered.
#include "acoustic_model_check.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio::asr::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kByteOrderMark = 0x11223344u;

constexpr std::uint32_t byte_swapped(std::uint32_t v) {
  return ((v & 0xFFu) << 24) | ((v & 0xFF00u) << 8) | ((v >> 8) & 0xFF00u) | (v >> 24);
}

// A model file read from the start with bounds checks; 32-bit values in the file's byte order.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)), in_(path_, std::ios::binary) {
    std::error_code ec;
    size_ = fs::file_size(path_, ec);
    if (ec || !in_) fail("cannot be read");
  }

  std::uint64_t size() const { return size_; }
  std::uint64_t position() const { return pos_; }
  void set_swap(bool swap) { swap_ = swap; }

  [[noreturn]] void fail(const std::string& why) const {
    throw InputError("'" + path_ + "': damaged acoustic model file: " + why);
  }

  std::string bytes(std::uint64_t n, const char* what) {
    if (n > size_ - pos_) fail(std::string("ends inside the ") + what + " (truncated?)");
    std::string out(static_cast<std::size_t>(n), '\0');
    in_.read(out.data(), static_cast<std::streamsize>(n));
    if (!in_) fail(std::string("cannot read the ") + what);
    pos_ += n;
    return out;
  }
  void skip(std::uint64_t n, const char* what) {
    if (n > size_ - pos_) fail(std::string("ends inside the ") + what + " (truncated?)");
    pos_ += n;
    in_.seekg(static_cast<std::streamoff>(pos_));
  }
  // Little-endian unless swapped (whatever the machine's byte order).
  std::uint32_t u32(const char* what) {
    const std::string b = bytes(4, what);
    const auto byte = [&b](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(b[i])); };
    const std::uint32_t little = byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
    return swap_ ? byte_swapped(little) : little;
  }
  // A count that must be in [min, max].
  std::uint64_t count(const char* what, std::uint64_t min = 1, std::uint64_t max = std::numeric_limits<std::int32_t>::max()) {
    const std::uint32_t raw = u32(what);
    const auto v = static_cast<std::int32_t>(raw);
    if (v < 0 || static_cast<std::uint64_t>(v) < min || static_cast<std::uint64_t>(v) > max)
      fail(std::string("implausible ") + what + " " + std::to_string(v));
    return static_cast<std::uint64_t>(v);
  }
  std::string c_string(const char* what) {
    std::string s;
    for (;;) {
      const std::string c = bytes(1, what);
      if (c[0] == '\0') return s;
      s += c[0];
    }
  }
  // The file must hold `rest` more bytes, exactly that many when `exact`.
  void expect_size(std::uint64_t rest, bool exact) const {
    const std::uint64_t expected = pos_ + rest;
    if (size_ < expected)
      fail("is " + std::to_string(size_) + " bytes, its header describes " + std::to_string(expected) + " (truncated?)");
    if (exact && size_ != expected)
      fail("is " + std::to_string(size_) + " bytes, its header describes " + std::to_string(expected));
  }

 private:
  std::string path_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
  std::uint64_t pos_ = 0;
  bool swap_ = false;
};

std::uint64_t checked_product(Reader& r, std::initializer_list<std::uint64_t> factors) {
  std::uint64_t p = 1;
  for (std::uint64_t f : factors) {
    if (f != 0 && p > std::numeric_limits<std::uint64_t>::max() / 8 / f) r.fail("implausible dimensions");
    p *= f;
  }
  return p;
}

// The value count of an "s3" file must match its dimensions.
void expect_value_count(Reader& r, std::uint64_t n, std::initializer_list<std::uint64_t> dims) {
  const std::uint64_t expected = checked_product(r, dims);
  if (n != expected) r.fail("declares " + std::to_string(n) + " values, its dimensions give " + std::to_string(expected));
}

// Reads an "s3" header up to and including the byte-order mark; returns true when a checksum follows the data.
bool read_s3_header(Reader& r) {
  if (r.size() < 3 || r.bytes(3, "header") != "s3\n") r.fail("not in the Sphinx binary format (no 's3' header)");
  bool checksum = false;
  std::string token;
  for (;;) {
    const char c = r.bytes(1, "header")[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (token == "endhdr") {
        if (c != '\n') r.fail("bad end of header");
        break;
      }
      if (token == "chksum0") checksum = true;
      token.clear();
      continue;
    }
    token += c;
    if (r.position() > 65536) r.fail("header has no end");
  }
  const std::uint32_t mark = r.u32("byte-order mark");
  if (mark == kByteOrderMark) return checksum;
  if (byte_swapped(mark) != kByteOrderMark) r.fail("bad byte-order mark");
  r.set_swap(true);
  return checksum;
}

struct GaussianDims {
  std::uint64_t n_codebook = 0, n_stream = 0, n_density = 0;
  std::vector<std::uint64_t> vector_lengths;
  bool operator==(const GaussianDims&) const = default;
};

GaussianDims check_gaussians(const std::string& path) {
  Reader r(path);
  const bool checksum = read_s3_header(r);
  GaussianDims d;
  d.n_codebook = r.count("codebook count");
  d.n_stream = r.count("stream count", 1, 64);
  d.n_density = r.count("density count");
  std::uint64_t total_length = 0;
  for (std::uint64_t i = 0; i < d.n_stream; ++i) {
    d.vector_lengths.push_back(r.count("vector length", 1, 4096));
    total_length += d.vector_lengths.back();
  }
  const std::uint64_t n = r.count("value count");
  expect_value_count(r, n, {d.n_codebook, d.n_density, total_length});
  r.expect_size(n * 4 + (checksum ? 4 : 0), true);
  return d;
}

struct MatrixDims {
  std::uint64_t n_matrix = 0, n_from = 0;
};

MatrixDims check_transition_matrices(const std::string& path) {
  Reader r(path);
  const bool checksum = read_s3_header(r);
  MatrixDims d;
  d.n_matrix = r.count("matrix count");
  d.n_from = r.count("state count", 1, 1024);
  const std::uint64_t n_to = r.count("state count", 1, 1025);
  if (n_to != d.n_from + 1) r.fail("matrices are " + std::to_string(d.n_from) + " x " + std::to_string(n_to) + ", not n x n+1");
  const std::uint64_t n = r.count("value count");
  expect_value_count(r, n, {d.n_matrix, d.n_from, n_to});
  r.expect_size(n * 4 + (checksum ? 4 : 0), true);
  return d;
}

struct ModelDefinition {
  std::uint64_t n_senone = 0, n_tmat = 0;
};

// Binary or text model definition; the counts are only known for the binary format.
std::optional<ModelDefinition> check_model_definition(const std::string& path) {
  Reader r(path);
  if (r.size() < 4) r.fail("too short for a model definition");
  const std::string magic = r.bytes(4, "magic");
  if (magic != "BMDF" && magic != "FDMB") {
    // Text format: pocketsphinx ends the process unless the first line is the version "0.3".
    std::string line = magic;
    while (line.find('\n') == std::string::npos && r.position() < r.size() && line.size() < 256) line += r.bytes(1, "version line");
    line = line.substr(0, line.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line != "0.3") r.fail("neither a binary model definition (BMDF) nor a text one (version line 0.3)");
    return std::nullopt;
  }
  r.set_swap(magic == "FDMB");
  const std::uint32_t version = r.u32("version");
  if (version > 1) r.fail("model definition version " + std::to_string(version) + " is newer than pocketsphinx 5prealpha's");
  r.skip(r.count("description length", 0), "format description");
  ModelDefinition m;
  const std::uint64_t n_ciphone = r.count("CI phone count", 1, 65535);
  const std::uint64_t n_phone = r.count("phone count");
  const std::uint64_t n_emit_state = r.count("state count", 0, 1024);
  r.count("CI senone count", 0);
  m.n_senone = r.count("senone count");
  m.n_tmat = r.count("transition matrix count");
  const std::uint64_t n_sseq = r.count("senone sequence count");
  r.count("context count", 0);
  const std::uint64_t n_cd_tree = r.count("context tree size", 0);
  r.u32("silence phone");
  const std::uint64_t names_start = r.position();
  for (std::uint64_t i = 0; i < n_ciphone; ++i) r.c_string("phone names");
  const std::uint64_t names_length = r.position() - names_start;
  r.skip((4 - names_length % 4) % 4, "padding");
  r.skip(checked_product(r, {n_cd_tree, 8}) + checked_product(r, {n_phone, 12}), "phone tables");
  const std::uint64_t sseq_size = r.count("senone sequence length", 0);
  if (n_emit_state != 0 && sseq_size != checked_product(r, {n_sseq, n_emit_state}))
    r.fail("senone sequences do not match the state count");
  r.expect_size(sseq_size * 2 + (n_emit_state == 0 ? n_sseq : 0), false);
  return m;
}

void check_senone_dump(const std::string& path, const GaussianDims& g, const std::optional<ModelDefinition>& mdef) {
  Reader r(path);
  std::uint64_t title_length = r.u32("title length");
  if (title_length < 1 || title_length > 999) {
    r.set_swap(true);
    title_length = byte_swapped(static_cast<std::uint32_t>(title_length));
    if (title_length < 1 || title_length > 999) r.fail("not a senone dump (bad title length)");
  }
  if (r.bytes(title_length, "title").back() != '\0') r.fail("not a senone dump (bad title)");
  std::map<std::string, std::uint64_t> keys;
  for (bool first = true;; first = false) {
    const std::uint64_t n = r.count("header string length", 0, 1000);
    if (n == 0) {
      if (first) r.fail("not a senone dump (no header)");
      break;
    }
    const std::string s = r.bytes(n, "header strings");
    if (first && s.back() != '\0') r.fail("not a senone dump (bad header)");  // later strings need no NUL
    const std::size_t space = s.find(' ');
    if (space != std::string::npos) {
      const std::string key = s.substr(0, space);
      if (key == "feature_count" || key == "mixture_count" || key == "model_count" || key == "cluster_count" ||
          key == "cluster_bits") {
        try {
          keys[key] = std::stoull(s.substr(space + 1));
        } catch (const std::exception&) {
          r.fail("bad " + key);
        }
      }
    }
  }
  const std::uint64_t n_stream = keys.count("feature_count") ? keys["feature_count"] : g.n_stream;
  std::uint64_t n_cluster = keys.count("cluster_count") ? keys["cluster_count"] : 0;
  const std::uint64_t n_bits = keys.count("cluster_bits") ? keys["cluster_bits"] : 8;
  std::uint64_t rows = keys.count("mixture_count") ? keys["mixture_count"] : g.n_density;
  std::uint64_t columns = keys.count("model_count") ? keys["model_count"] : (mdef ? mdef->n_senone : 0);
  if (n_cluster == 0) {
    rows = r.count("row count");
    columns = r.count("column count");
  }
  if (n_cluster != 0 && n_cluster != 15 && n_cluster != 16) r.fail("cluster count must be 0, 15 or 16");
  if (n_cluster == 15) n_cluster = 16;
  if (n_bits != 8 && n_bits != 4) r.fail("cluster bits must be 4 or 8");
  if (n_stream != g.n_stream) r.fail(std::to_string(n_stream) + " streams, the Gaussians have " + std::to_string(g.n_stream));
  if (rows != g.n_density) r.fail(std::to_string(rows) + " densities, the Gaussians have " + std::to_string(g.n_density));
  if (mdef && columns != mdef->n_senone)
    r.fail(std::to_string(columns) + " senones, the model definition has " + std::to_string(mdef->n_senone));
  const std::uint64_t row_bytes = n_bits == 4 ? (columns + 1) / 2 : columns;
  r.expect_size(n_cluster + checked_product(r, {n_stream, rows, row_bytes}), false);
}

void check_mixture_weights(const std::string& path, const GaussianDims& g, const std::optional<ModelDefinition>& mdef) {
  Reader r(path);
  const bool checksum = read_s3_header(r);
  const std::uint64_t n_senone = r.count("senone count");
  const std::uint64_t n_stream = r.count("stream count", 1, 64);
  const std::uint64_t n_density = r.count("density count");
  const std::uint64_t n = r.count("value count");
  expect_value_count(r, n, {n_senone, n_stream, n_density});
  if (n_stream != g.n_stream) r.fail(std::to_string(n_stream) + " streams, the Gaussians have " + std::to_string(g.n_stream));
  if (n_density != g.n_density) r.fail(std::to_string(n_density) + " densities, the Gaussians have " + std::to_string(g.n_density));
  if (mdef && n_senone != mdef->n_senone)
    r.fail(std::to_string(n_senone) + " senones, the model definition has " + std::to_string(mdef->n_senone));
  r.expect_size(n * 4 + (checksum ? 4 : 0), true);
}

std::string join(const std::string& dir, const char* name) { return (fs::path(dir) / name).string(); }

}  // namespace

void check_acoustic_model(const std::string& folder) {
  const std::optional<ModelDefinition> mdef = check_model_definition(join(folder, "mdef"));
  const GaussianDims means = check_gaussians(join(folder, "means"));
  const GaussianDims variances = check_gaussians(join(folder, "variances"));
  if (!(means == variances))
    throw InputError("'" + join(folder, "variances") + "': damaged acoustic model file: its dimensions differ from '" +
                     join(folder, "means") + "'");
  const MatrixDims tmat = check_transition_matrices(join(folder, "transition_matrices"));
  if (mdef && tmat.n_matrix != mdef->n_tmat)
    throw InputError("'" + join(folder, "transition_matrices") + "': damaged acoustic model file: " +
                     std::to_string(tmat.n_matrix) + " matrices, the model definition has " + std::to_string(mdef->n_tmat));
  // pocketsphinx uses the senone dump when there is one, else the mixture weights.
  std::error_code ec;
  if (const std::string sendump = join(folder, "sendump"); fs::exists(sendump, ec)) {
    check_senone_dump(sendump, means, mdef);
  } else if (const std::string mixw = join(folder, "mixture_weights"); fs::exists(mixw, ec)) {
    check_mixture_weights(mixw, means, mdef);
  } else {
    throw InputError("'" + folder + "': acoustic model has no mixture weights (sendump or mixture_weights)");
  }
}

}  // namespace sentio::asr::detail
