// SPDX-License-Identifier: Apache-2.0
#pragma once
// Persons: which visible face is the voice that speaks, and who the transcript's names are.
//
// Active-speaker evidence, per speech segment and per face track visible during it: how much the face's
// mouth moves (mouth_opening of its observations, FaceCues) and how well that movement follows the voice's
// energy over the segment (SpeechSegment::energy_db, sampled at the observations' times). The evidence of
// all of a speaker's segments is pooled, and speakers are assigned to face tracks one to one (a face is one
// person's); a segment gets its speaker's face track when that face is visible during the segment and the
// segment's own evidence does not contradict it, else none. Names: a transcript speaker name goes to the
// speaker whose segments its utterances overlap most.
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

struct PersonLinkOptions {
  // A speaker is linked to a face track only when the pooled evidence reaches this confidence, [0, 1].
  float min_link_confidence = 0.5f;
  // A segment's face: its speaker's track must be seen in at least this share of the frames analysed
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
