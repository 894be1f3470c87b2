// SPDX-License-Identifier: Apache-2.0
// Byte decoding and text cleanup for transcripts: encodings, binary detection, control characters,
// Windows-1252 C1 quirks, white space, subtitle markup.
#include <array>
#include <cstdint>
#include <string>

#include "sentio/core/error.hpp"
#include "transcript_internal.hpp"

namespace sentio::text::detail {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Windows-1252 bytes 0x80..0x9F (0 = undefined in Windows-1252).
constexpr std::array<char32_t, 32> kCp1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
// ASCII look-alikes of the same characters ("" = drop).
constexpr std::array<const char*, 32> kCp1252Ascii = {
    "EUR", "",  ",", "f", "\"", "...", "+",  "+", "^", "%", "S", "<", "OE", "", "Z", "",
    "",    "'", "'", "\"", "\"", "*",  "-",  "-", "~", "(TM)", "s", ">", "oe", "", "z", "Y"};

// Appends code point `cp` (already decoded) with the control-character policy. Returns 1 when a
// control character was removed, 2 when a C1 character was mapped, 0 otherwise.
int append_clean(std::string& out, char32_t cp, Cp1252Controls c1, bool keep_newlines) {
  if (cp < 0x20 || cp == 0x7F) {
    if (cp == '\t' || (keep_newlines && cp == '\n')) {
      out.push_back(static_cast<char>(cp));
      return 0;
    }
    if (!keep_newlines && cp == '\n') {
      out.push_back(' ');
      return 0;
    }
    return 1;
  }
  if (cp >= 0x80 && cp <= 0x9F) {
    const std::size_t k = cp - 0x80;
    if (c1 == Cp1252Controls::typographic && kCp1252[k] != 0) {
      append_utf8(out, kCp1252[k]);
      return 2;
    }
    if (c1 == Cp1252Controls::ascii && kCp1252Ascii[k][0] != '\0') {
      out += kCp1252Ascii[k];
      return 2;
    }
    return 1;
  }
  if (cp == 0xFEFF) return 1;  // stray byte-order mark / zero-width no-break space
  append_utf8(out, cp);
  return 0;
}

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i, or returns kReplacement
// and advances by one byte for an invalid/overlong/surrogate/truncated sequence (sets `invalid`).
char32_t decode_utf8(std::string_view s, std::size_t& i, bool& invalid) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  invalid = false;
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    ++i;
    invalid = true;
    return kReplacement;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    invalid = true;
    return kReplacement;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      invalid = true;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    invalid = true;
    return kReplacement;
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

// UTF-16 (either byte order) -> UTF-8 without cleanup; unpaired surrogates -> U+FFFD (counted).
std::string utf16_to_utf8(std::string_view bytes, bool big_endian, std::size_t& invalid) {
  std::string out;
  out.reserve(bytes.size());
  auto unit = [&](std::size_t i) {
    const auto a = static_cast<unsigned char>(bytes[i]);
    const auto b = static_cast<unsigned char>(bytes[i + 1]);
    return static_cast<char32_t>(big_endian ? (a << 8) | b : (b << 8) | a);
  };
  const std::size_t n = bytes.size() & ~std::size_t{1};
  if (n != bytes.size()) ++invalid;  // odd trailing byte
  for (std::size_t i = 0; i < n; i += 2) {
    char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
      const char32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      ++invalid;
      u = kReplacement;
    }
    append_utf8(out, u);
  }
  return out;
}

// True when the NUL bytes follow the UTF-16 pattern: nearly every byte at `zero_parity` is 0 for
// ASCII-range text while the other parity rarely is.
bool looks_like_bomless_utf16(std::string_view b, std::size_t zero_parity) {
  const std::size_t n = std::min<std::size_t>(b.size(), 4096) & ~std::size_t{1};
  if (n < 4) return false;
  std::size_t zero_here = 0;
  std::size_t zero_other = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (b[i] != '\0') continue;
    (i % 2 == zero_parity ? zero_here : zero_other)++;
  }
  const std::size_t half = n / 2;
  return zero_here * 10 >= half * 7 && zero_other * 20 <= half;
}

[[noreturn]] void throw_binary(const ParseContext& ctx, const std::string& why) {
  throw InputError(ctx.name + ": looks like a binary file, not a transcript (" + why + ")");
}

}  // namespace

std::string decode_document(std::string_view bytes, const ParseContext& ctx, std::vector<std::string>& warnings) {
  std::string converted;
  std::size_t invalid = 0;
  std::string_view s = bytes;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  if (bytes.size() >= 3 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) {
    s = bytes.substr(3);
  } else if (bytes.size() >= 2 && ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF))) {
    converted = utf16_to_utf8(bytes.substr(2), byte(0) == 0xFE, invalid);
    s = converted;
  } else if (bytes.find('\0') != std::string_view::npos) {
    if (looks_like_bomless_utf16(bytes, 1)) {
      converted = utf16_to_utf8(bytes, false, invalid);
    } else if (looks_like_bomless_utf16(bytes, 0)) {
      converted = utf16_to_utf8(bytes, true, invalid);
    } else {
      throw_binary(ctx, "contains NUL bytes");
    }
    s = converted;
    warnings.push_back(ctx.name + ": UTF-16 without a byte-order mark; decoded by its NUL-byte pattern");
  }
  // After UTF-16 conversion a NUL can only come from the text itself.
  if (s.find('\0') != std::string_view::npos) throw_binary(ctx, "contains NUL characters");

  std::string out;
  out.reserve(s.size());
  std::size_t removed = 0;
  std::size_t mapped = 0;
  std::size_t bad_bytes = 0;  // invalid UTF-8 bytes + C0 controls other than TAB/LF/CR/FF
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x7F) {  // ASCII fast path
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    if (b == '\r') {  // CRLF and lone CR -> LF
      out.push_back('\n');
      i += (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    bool bad = false;
    const char32_t cp = decode_utf8(s, i, bad);
    if (bad) {
      ++invalid;
      ++bad_bytes;
      append_utf8(out, kReplacement);
      continue;
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') ++bad_bytes;
    const int r = append_clean(out, cp, ctx.cp1252, true);
    removed += r == 1 ? 1 : 0;
    mapped += r == 2 ? 1 : 0;
  }
  // "Mostly non-text": more than 30% of the bytes are invalid UTF-8 or control characters.
  if (s.size() >= 16 && bad_bytes * 10 > s.size() * 3) {
    throw_binary(ctx, std::to_string(bad_bytes) + " of " + std::to_string(s.size()) +
                          " bytes are invalid UTF-8 or control characters");
  }
  if (invalid > 0) {
    warnings.push_back(ctx.name + ": " + std::to_string(invalid) +
                       " invalid UTF-8 byte(s) or UTF-16 unit(s) replaced with U+FFFD");
  }
  if (mapped > 0) {
    warnings.push_back(ctx.name + ": " + std::to_string(mapped) +
                       " C1 control character(s) (U+0080..U+009F) read as Windows-1252 punctuation");
  }
  if (removed > 0) {
    warnings.push_back(ctx.name + ": " + std::to_string(removed) + " stray control character(s) removed");
  }
  return out;
}

std::string clean_field(std::string_view s, Cp1252Controls cp1252) {
  std::string tmp;
  tmp.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x7F) {
      tmp.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    bool bad = false;
    const char32_t cp = decode_utf8(s, i, bad);
    if (cp == 0xA0 || cp == 0x3000 || cp == 0x2028 || cp == 0x2029) {  // NBSP, ideographic space, separators
      tmp.push_back(' ');
      continue;
    }
    append_clean(tmp, cp, cp1252, false);
  }
  // Collapse white space (space, TAB, and LF already turned into space) and trim.
  std::string out;
  out.reserve(tmp.size());
  bool pending_space = false;
  for (const char c : tmp) {
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

namespace {

// Decodes the entity starting at s[i] == '&'; on success appends it, advances i and returns true.
bool decode_entity(std::string_view s, std::size_t& i, std::string& out) {
  std::size_t semi = s.substr(i, 12).find(';');  // bounded look-ahead: linear on a line of '&'
  if (semi == std::string_view::npos || semi > 10) return false;
  semi += i;
  const std::string_view name = s.substr(i + 1, semi - i - 1);
  char32_t cp = 0;
  if (name == "amp") cp = '&';
  else if (name == "lt") cp = '<';
  else if (name == "gt") cp = '>';
  else if (name == "quot") cp = '"';
  else if (name == "apos") cp = '\'';
  else if (name == "nbsp") cp = ' ';
  else if (name == "lrm" || name == "rlm") cp = 0;  // direction marks: dropped
  else if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return false;
    std::uint32_t v = 0;
    for (const char c : digits) {
      std::uint32_t d = 0;
      if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
      else if (hex && c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (hex && c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
      v = v * (hex ? 16u : 10u) + d;
      if (v > 0x10FFFF) return false;
    }
    if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) return false;
    cp = v;
  } else {
    return false;
  }
  if (cp != 0) append_utf8(out, cp);
  i = semi + 1;
  return true;
}

}  // namespace

std::string strip_markup(std::string_view s, std::string* voice) {
  std::string out;
  out.reserve(s.size());
  bool voice_found = false;
  // The next '>' and '}' at or after the current position, found once and reused (a line of 2 MB of '<'
  // would otherwise be searched to its end for every '<'); npos stays npos.
  std::size_t next_gt = 0, next_brace = 0;
  const auto next = [&s](std::size_t& cached, char ch, std::size_t from) {
    if (cached != std::string_view::npos && cached < from) cached = s.find(ch, from);
    return cached;
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '<') {
      const std::size_t close = next(next_gt, '>', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view tag = s.substr(i + 1, close - i - 1);
        // <v Name> or <v.class Name>: the annotation after the first white space is the speaker.
        if (voice != nullptr && !voice_found && tag.size() >= 2 && tag[0] == 'v' &&
            (tag[1] == ' ' || tag[1] == '\t' || tag[1] == '.')) {
          const std::size_t sp = tag.find_first_of(" \t");
          if (sp != std::string_view::npos) {
            *voice = std::string(trim(tag.substr(sp + 1)));
            voice_found = true;
          }
        }
        i = close + 1;
        continue;
      }
    } else if (c == '{' && i + 1 < s.size() && s[i + 1] == '\\') {  // ASS override block {\an8}
      const std::size_t close = next(next_brace, '}', i + 2);
      if (close != std::string_view::npos) {
        i = close + 1;
        continue;
      }
    } else if (c == '&' && decode_entity(s, i, out)) {
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace sentio::text::detail
