// SPDX-License-Identifier: Apache-2.0
// Online speaker clustering on the diarization data test's recordings (assembled from RAVDESS and
// EmoDB clips, bench/tools/diarization_corpus.hpp): the pieces of the `sentio analyze` chain fed one
// by one to OnlineSpeakerClustering, against the reference (DER) and against the offline
// cluster_speakers() ids on the same pieces (agreement: 1 - the DER of the online ids scored against
// the offline ones, no collar, i.e. the time with the same speaker under the best one-to-one mapping).
// Skipped without ../shared. Thresholds: measured values (printed) plus a margin; the full study is
// bench/online_diarization.sh.
#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "diarization_corpus.hpp"
#include "sentio/speech/diarization_error.hpp"
#include "sentio/speech/online_clustering.hpp"
#include "test_support.hpp"

namespace {

using sentio::bench::Recording;
using sentio::speech::DiarizationErrorResult;

void add(DiarizationErrorResult& into, const DiarizationErrorResult& e) {
  into.scored_s += e.scored_s;
  into.missed_s += e.missed_s;
  into.false_alarm_s += e.false_alarm_s;
  into.confusion_s += e.confusion_s;
}

struct Score {
  DiarizationErrorResult offline, online, agreement;                    // count estimated
  DiarizationErrorResult offline_given, online_given, agreement_given;  // count given
};

std::vector<sentio::speech::SpeakerTurn> online_turns(const std::vector<sentio::speech::SpeakerPiece>& pieces,
                                                      const sentio::speech::DiarizationOptions& options) {
  sentio::speech::OnlineSpeakerClustering online(options);
  std::vector<int> ids;
  for (const auto& p : pieces) ids.push_back(online.add(p));
  return sentio::bench::to_turns(pieces, ids);
}

Score score(const std::vector<Recording>& set) {
  Score s;
  for (const Recording& rec : set) {
    const auto run = sentio::bench::run_diarization(rec, {}, true);
    sentio::speech::DiarizationOptions given;
    given.n_speakers = rec.n_speakers;
    const auto est = online_turns(run.pieces, {});
    const auto known = online_turns(run.pieces, given);
    add(s.offline, sentio::speech::diarization_error(rec.reference, run.estimated));
    add(s.online, sentio::speech::diarization_error(rec.reference, est));
    add(s.agreement, sentio::speech::diarization_error(run.estimated, est, 0.0));
    add(s.offline_given, sentio::speech::diarization_error(rec.reference, run.given));
    add(s.online_given, sentio::speech::diarization_error(rec.reference, known));
    add(s.agreement_given, sentio::speech::diarization_error(run.given, known, 0.0));
  }
  std::cout << "DER offline " << s.offline.der() << ", online " << s.online.der() << ", agreement "
            << 1.0 - s.agreement.der() << "; count given: DER offline " << s.offline_given.der() << ", online "
            << s.online_given.der() << ", agreement " << 1.0 - s.agreement_given.der() << "\n";
  return s;
}

sentio::bench::SetSpec data_test_set(std::uint32_t seed) {  // as in data_diarization.cpp
  sentio::bench::SetSpec spec;
  spec.seed = seed;
  spec.ravdess[1] = 2, spec.ravdess[2] = 4, spec.ravdess[3] = 1;
  spec.emodb[1] = 1, spec.emodb[2] = 3, spec.emodb[4] = 1;
  return spec;
}

TEST(OnlineDiarizationData, AllEmotions) {
  SENTIO_REQUIRE_SHARED(shared_ravdess, "data/ser/ravdess/manifest.csv");
  SENTIO_REQUIRE_SHARED(shared_emodb, "data/ser/emodb_2s/manifest.csv");
  const Score s = score(sentio::bench::make_set(sentio::test::shared_dir(), data_test_set(3)));
  EXPECT_LT(s.online.der(), 0.50);                 // measured 0.444 (offline 0.371)
  EXPECT_GT(1.0 - s.agreement.der(), 0.70);        // measured 0.772
  EXPECT_LT(s.online_given.der(), 0.45);           // measured 0.376 (offline 0.395)
  EXPECT_GT(1.0 - s.agreement_given.der(), 0.85);  // measured 0.917
}

TEST(OnlineDiarizationData, NeutralAndCalmClips) {
  SENTIO_REQUIRE_SHARED(shared_ravdess, "data/ser/ravdess/manifest.csv");
  SENTIO_REQUIRE_SHARED(shared_emodb, "data/ser/emodb_2s/manifest.csv");
  sentio::bench::SetSpec spec = data_test_set(4);
  spec.emotions = {"neutral", "calm"};
  const Score s = score(sentio::bench::make_set(sentio::test::shared_dir(), spec));
  EXPECT_LT(s.online.der(), 0.50);                 // measured 0.425 (offline 0.271)
  EXPECT_GT(1.0 - s.agreement.der(), 0.70);        // measured 0.779
  EXPECT_LT(s.online_given.der(), 0.37);           // measured 0.302 (offline 0.214)
  EXPECT_GT(1.0 - s.agreement_given.der(), 0.78);  // measured 0.848
}

}  // namespace
