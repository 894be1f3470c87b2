// SPDX-License-Identifier: Apache-2.0
#pragma once
// Persons: which visible face is the voice that speaks, and who the transcript's names are.
//
// Active-speaker evidence, per speech segment and per face track measured during it (mouth_opening of its
// observations, FaceCues): how much more the mouth moves (std over the segment) than that face's own resting
// movement (a low quantile over the recording's segments and pauses), than the most moving face's, and how
// well it follows the voice's energy (SpeechSegment::energy_db, sampled at the observations' times). A
// segment gets the face its own evidence names clearly; otherwise its speaker's face. The evidence of all
// of a speaker's segments is pooled, and speakers are linked to face tracks one to one (a face is one
// person's); a speaker's face is used for an unclear segment when it is measured during the segment and no
// other face's evidence is stronger; otherwise the segment has none (an off-screen voice). A speaker the
// pooled evidence links to no face is still the person of the face most of its clear segments name. Names:
// a transcript speaker name goes to the person whose speech its utterances overlap most (a segment's speech
// is its face's person's, or its speaker's without a face), one name per person.
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

struct PersonLinkOptions {
  // A speaker is linked to a face track only when the pooled evidence reaches this confidence, [0, 1]
  // (a logistic of the pooled score).
  float min_link_confidence = 0.5f;
  // A face is measured during a segment when it is seen in at least this share of the frames analysed
  // during the segment.
  float min_visible_share = 0.5f;
};

struct PersonLinks {
  std::vector<int> segment_track;          // per speech segment: face track ID, -1 = none or unclear
  std::vector<float> segment_confidence;   // per speech segment, [0, 1] (0 without a face)
  std::vector<Person> persons;             // ids, speakers, tracks, names, link confidence (summaries empty)
  std::vector<std::string> warnings;       // e.g. a transcript name that matches no voice
};

// Links the voices, faces and names of one recording. Any part may be missing or empty (then the persons
// come from what is there: a speaker without faces, faces without speech, names without times).
PersonLinks link_persons(const SpeechResult* speech, const FacesResult* faces, const TextResult* text,
                         const PersonLinkOptions& options = {});

// Writes the links into the result: segments' face_track and person, tracks' and utterances' person,
// result.persons (the summaries are filled by the moments, moments.hpp).
void apply_person_links(const PersonLinks& links, AnalysisResult& result);

}  // namespace sentio::analysis
