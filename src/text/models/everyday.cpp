// SPDX-License-Identifier: Apache-2.0
// Everyday-language normalisation for the linear text model (issue 18): emoji and emoticons read as their
// Unicode names, elongations and missing apostrophes undone, negation scope and "but" contrast marked.
// See model_internal.hpp (everyday_tokens) for the rules.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "model_internal.hpp"

namespace sentio::text::detail {
namespace {

// Common emoji with their Unicode CLDR short names (lower case). Variation selectors, skin tones and
// zero-width joiners are skipped before the lookup.
constexpr std::array<std::pair<std::string_view, std::string_view>, 96> kEmoji = {{
    {"😀", "grinning face"}, {"😃", "grinning face with big eyes"}, {"😄", "grinning face with smiling eyes"},
    {"😁", "beaming face with smiling eyes"}, {"😆", "grinning squinting face"}, {"😅", "grinning face with sweat"},
    {"🤣", "rolling on the floor laughing"}, {"😂", "face with tears of joy"}, {"🙂", "slightly smiling face"},
    {"🙃", "upside down face"}, {"😉", "winking face"}, {"😊", "smiling face with smiling eyes"},
    {"😇", "smiling face with halo"}, {"🥰", "smiling face with hearts"}, {"😍", "smiling face with heart eyes"},
    {"🤩", "star struck"}, {"😘", "face blowing a kiss"}, {"😋", "face savoring food"},
    {"😛", "face with tongue"}, {"😜", "winking face with tongue"}, {"🤪", "zany face"},
    {"🤗", "hugging face"}, {"🤭", "face with hand over mouth"}, {"🤔", "thinking face"},
    {"🤐", "zipper mouth face"}, {"🤨", "face with raised eyebrow"}, {"😐", "neutral face"},
    {"😑", "expressionless face"}, {"😶", "face without mouth"}, {"😏", "smirking face"},
    {"😒", "unamused face"}, {"🙄", "face with rolling eyes"}, {"😬", "grimacing face"},
    {"😌", "relieved face"}, {"😔", "pensive face"}, {"😪", "sleepy face"},
    {"😴", "sleeping face"}, {"😷", "face with medical mask"}, {"🤒", "face with thermometer"},
    {"🤢", "nauseated face"}, {"🤮", "face vomiting"}, {"🥵", "hot face"},
    {"🥶", "cold face"}, {"😵", "dizzy face"}, {"🤯", "exploding head"},
    {"🥳", "partying face"}, {"😎", "smiling face with sunglasses"}, {"😕", "confused face"},
    {"😟", "worried face"}, {"🙁", "slightly frowning face"}, {"☹", "frowning face"},
    {"😮", "face with open mouth"}, {"😯", "hushed face"}, {"😲", "astonished face"},
    {"😳", "flushed face"}, {"🥺", "pleading face"}, {"😦", "frowning face with open mouth"},
    {"😧", "anguished face"}, {"😨", "fearful face"}, {"😰", "anxious face with sweat"},
    {"😥", "sad but relieved face"}, {"😢", "crying face"}, {"😭", "loudly crying face"},
    {"😱", "face screaming in fear"}, {"😖", "confounded face"}, {"😣", "persevering face"},
    {"😞", "disappointed face"}, {"😓", "downcast face with sweat"}, {"😩", "weary face"},
    {"😫", "tired face"}, {"🥱", "yawning face"}, {"😤", "face with steam from nose"},
    {"😡", "enraged face"}, {"😠", "angry face"}, {"🤬", "face with symbols on mouth"},
    {"😈", "smiling face with horns"}, {"💀", "skull"}, {"💩", "pile of poo"},
    {"❤", "red heart"}, {"💔", "broken heart"}, {"💕", "two hearts"},
    {"💖", "sparkling heart"}, {"😻", "smiling cat with heart eyes"}, {"😿", "crying cat"},
    {"🙀", "weary cat"}, {"👍", "thumbs up"}, {"👎", "thumbs down"},
    {"👏", "clapping hands"}, {"🙏", "folded hands"}, {"💪", "flexed biceps"},
    {"🎉", "party popper"}, {"🎊", "confetti ball"}, {"🔥", "fire"},
    {"✨", "sparkles"}, {"💯", "hundred points"}, {"😹", "cat with tears of joy"},
}};

// ASCII emoticons (matched as whole space-separated pieces, case-sensitive) and the emoji they stand for.
constexpr std::array<std::pair<std::string_view, std::string_view>, 26> kEmoticons = {{
    {":)", "slightly smiling face"}, {":-)", "slightly smiling face"}, {"(:", "slightly smiling face"},
    {":]", "slightly smiling face"}, {"=)", "slightly smiling face"}, {":D", "grinning face"},
    {":-D", "grinning face"}, {"xD", "grinning squinting face"}, {"XD", "grinning squinting face"},
    {";)", "winking face"}, {";-)", "winking face"}, {":(", "frowning face"},
    {":-(", "frowning face"}, {"):", "frowning face"}, {":[", "frowning face"},
    {"=(", "frowning face"}, {":'(", "crying face"}, {":'-(", "crying face"},
    {">:(", "angry face"}, {">:-(", "angry face"}, {":/", "confused face"},
    {":-/", "confused face"}, {":O", "face with open mouth"}, {":o", "face with open mouth"},
    {"D:", "anguished face"}, {"<3", "red heart"},
}};

// Casual spellings without apostrophes (and a few abbreviations) that are not English words themselves.
constexpr std::array<std::pair<std::string_view, std::string_view>, 30> kCasual = {{
    {"im", "i'm"},         {"ive", "i've"},       {"cant", "can't"},       {"dont", "don't"},
    {"didnt", "didn't"},   {"doesnt", "doesn't"}, {"isnt", "isn't"},       {"wasnt", "wasn't"},
    {"arent", "aren't"},   {"werent", "weren't"}, {"wont", "won't"},       {"wouldnt", "wouldn't"},
    {"couldnt", "couldn't"}, {"shouldnt", "shouldn't"}, {"havent", "haven't"}, {"hasnt", "hasn't"},
    {"aint", "ain't"},     {"thats", "that's"},   {"whats", "what's"},     {"youre", "you're"},
    {"theyre", "they're"}, {"u", "you"},          {"ur", "your"},          {"pls", "please"},
    {"plz", "please"},     {"thx", "thanks"},     {"ppl", "people"},       {"idk", "i don't know"},
    {"idc", "i don't care"}, {"wanna", "want to"},
}};

constexpr std::array<std::string_view, 11> kNegators = {"not",  "no",    "never",   "nothing", "nobody", "none",
                                                        "nor",  "neither", "nowhere", "cannot", "without"};

// The value `table` gives `key`, or nullptr.
template <std::size_t N>
const std::string_view* lookup(const std::array<std::pair<std::string_view, std::string_view>, N>& table,
                               std::string_view key) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.first == key; });
  return it == table.end() ? nullptr : &it->second;
}

bool is_negator(std::string_view t) {
  if (std::find(kNegators.begin(), kNegators.end(), t) != kNegators.end()) return true;
  return t.size() > 3 && t.substr(t.size() - 3) == "n't";
}

bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes of the UTF-8 sequence starting with lead byte c (1 for ASCII and stray continuation bytes).
std::size_t utf8_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// Emoji modifiers that carry no meaning of their own here: U+FE0F (variation selector 16), U+200D (zero
// width joiner) and U+1F3FB..U+1F3FF (skin tones).
bool emoji_modifier(std::string_view s) {
  return s == "\xEF\xB8\x8F" || s == "\xE2\x80\x8D" ||
         (s.size() == 4 && s.substr(0, 3) == "\xF0\x9F\x8F" && static_cast<unsigned char>(s[3]) >= 0xBB &&
          static_cast<unsigned char>(s[3]) <= 0xBF);
}

// The text with emoji and emoticons replaced by their names (so they become ordinary words), each name set
// off by commas.
std::string spell_out_symbols(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  // The name stands as a clause of its own: a negation before it does not reach into it.
  auto spell = [&out](std::string_view name) {
    out += " , ";
    out += name;
    out += " , ";
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = std::min(utf8_length(c), text.size() - i);
      const std::string_view ch = text.substr(i, n);
      i += n;
      if (emoji_modifier(ch)) continue;
      if (const std::string_view* name = lookup(kEmoji, ch)) {
        spell(*name);
      } else {
        out += ch;
      }
      continue;
    }
    // An emoticon is a whole piece between spaces (or the text's ends), possibly followed by more of them.
    if (!ascii_space(static_cast<char>(c)) && (i == 0 || ascii_space(text[i - 1]))) {
      std::size_t e = i;
      while (e < text.size() && !ascii_space(text[e])) ++e;
      const std::string_view piece = text.substr(i, e - i);
      if (const std::string_view* name = lookup(kEmoticons, piece)) {
        spell(*name);
        i = e;
        continue;
      }
    }
    out += static_cast<char>(c);
    ++i;
  }
  return out;
}

// Runs of three or more equal letters: one letter at the end of a word ("sooo" -> "so"), two inside it
// ("cooool" -> "cool").
std::string undo_elongation(const std::string& w) {
  std::string out;
  for (std::size_t i = 0; i < w.size();) {
    std::size_t j = i;
    while (j < w.size() && w[j] == w[i]) ++j;
    const bool letter = w[i] >= 'a' && w[i] <= 'z';
    std::size_t keep = j - i;
    if (letter && keep >= 3) keep = j == w.size() ? 1 : 2;
    out.append(keep, w[i]);
    i = j;
  }
  return out;
}

bool sentence_end(unsigned char c) { return c == '.' || c == '!' || c == '?'; }
bool clause_end(unsigned char c) { return sentence_end(c) || c == ',' || c == ';' || c == ':'; }

}  // namespace

std::vector<EverydayToken> everyday_tokens(std::string_view text) {
  const std::string spelled = spell_out_symbols(text);
  // Split into tokens, remembering after which tokens a clause or a sentence ends.
  struct Piece {
    std::string word;
    bool clause_end_after = false, sentence_end_after = false;
  };
  std::vector<Piece> pieces;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= spelled.size(); ++i) {
    const bool end = i == spelled.size();
    const auto c = end ? static_cast<unsigned char>('.') : static_cast<unsigned char>(spelled[i]);
    if (!end && !clause_end(c)) continue;
    for (std::string& t : tokenize(std::string_view(spelled).substr(from, i - from)))
      pieces.push_back({std::move(t)});
    if (c == '!' || c == '?') pieces.push_back({std::string(1, static_cast<char>(c))});
    if (!pieces.empty()) {
      pieces.back().clause_end_after = true;
      pieces.back().sentence_end_after = pieces.back().sentence_end_after || sentence_end(c);
    }
    from = i + 1;
  }

  std::vector<EverydayToken> out;
  out.reserve(pieces.size() + 4);
  for (Piece& p : pieces) {
    if (p.word != "!" && p.word != "?") p.word = undo_elongation(p.word);
    if (const std::string_view* expanded = lookup(kCasual, p.word)) {  // may be several words ("idk")
      for (std::string& w : tokenize(*expanded)) out.push_back({w, w, 1.0f, false});
    } else {
      out.push_back({p.word, p.word, 1.0f, false});
    }
    // The boundary flags travel on the last token of the piece.
    out.back().clause_end_after = p.clause_end_after;
    out.back().sentence_end_after = p.sentence_end_after;
  }

  // Negation scope: the words after a negator up to the end of its clause (or "but") read as "not_<word>".
  bool negating = false;
  for (EverydayToken& t : out) {
    const bool negator = is_negator(t.text);
    if (t.text == "but" || t.text == "however") negating = false;
    else if (negating && t.text != "!" && t.text != "?") {
      t.negated = true;
      t.display = "not " + t.text;
      t.text = "not_" + t.text;
    }
    if (negator) negating = true;
    if (t.clause_end_after) negating = false;
  }

  // Contrast: within a sentence, the words before "but" / "however" count half, those after it 1.5 times
  // (the factors VADER uses for its sentiment scores, Hutto & Gilbert 2014).
  std::size_t start = 0;
  for (std::size_t k = 0; k <= out.size(); ++k) {
    const bool end = k == out.size() || out[k].sentence_end_after;
    if (!end) continue;
    const std::size_t stop = std::min(k + 1, out.size());
    for (std::size_t b = start; b < stop; ++b) {
      if (out[b].text != "but" && out[b].text != "however") continue;
      if (b == start) break;  // a sentence that starts with "but" contrasts with the one before it
      for (std::size_t a = start; a < b; ++a) out[a].weight = 0.5f;
      for (std::size_t a = b + 1; a < stop; ++a) out[a].weight = 1.5f;
      break;
    }
    start = stop;
  }
  return out;
}

}  // namespace sentio::text::detail
