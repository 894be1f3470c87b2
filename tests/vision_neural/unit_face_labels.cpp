// SPDX-License-Identifier: Apache-2.0
// Expression label mapping and the circumplex valence/arousal.
#include <gtest/gtest.h>

#include "sentio/vision_neural/face_analyzer.hpp"

namespace {

using namespace sentio::vision;

TEST(FaceLabels, FerAndCkNamesMapToCoreLabels) {
  struct Case {
    const char* label;
    Expression e;
  };
  const Case cases[] = {{"angry", Expression::anger},     {"anger", Expression::anger},       {"happy", Expression::happiness},
                        {"sad", Expression::sadness},     {"sadness", Expression::sadness},   {"neutral", Expression::neutral},
                        {"surprise", Expression::surprise}, {"fear", Expression::fear},     {"disgust", Expression::disgust},
                        {" Happy ", Expression::happiness}};
  for (const auto& c : cases) {
    const auto m = map_expression_label(c.label);
    EXPECT_EQ(m.status, LabelStatus::supported) << c.label;
    EXPECT_EQ(m.expression, c.e) << c.label;
  }
  EXPECT_EQ(map_expression_label("contempt").status, LabelStatus::unsupported);
  EXPECT_EQ(map_expression_label("bored").status, LabelStatus::unknown);
  EXPECT_EQ(expression_name(Expression::happiness), "happiness");
  EXPECT_EQ(expression_name(Expression::surprise), "surprise");
}

// The face reading of the shared label table: spellings of core labels, calm as neutral, contempt
// unsupported, other extras unknown.
TEST(FaceLabels, ReadingsOfTheSharedTable) {
  EXPECT_EQ(map_expression_label("Calm").status, LabelStatus::supported);
  EXPECT_EQ(map_expression_label("Calm").expression, Expression::neutral);
  EXPECT_EQ(map_expression_label("neutrality").expression, Expression::neutral);
  EXPECT_EQ(map_expression_label("joy").expression, Expression::happiness);
  EXPECT_EQ(map_expression_label("Fearful").expression, Expression::fear);
  EXPECT_EQ(map_expression_label("disgusted").expression, Expression::disgust);
  EXPECT_EQ(map_expression_label("SURPRISED").expression, Expression::surprise);
  EXPECT_EQ(map_expression_label("contemptuous").status, LabelStatus::unsupported);
  for (const char* l : {"boredom", "powerful", "admiration", "none", "uncertain", ""})
    EXPECT_EQ(map_expression_label(l).status, LabelStatus::unknown) << l;
  for (std::size_t i = 0; i < kExpressionCount; ++i) {
    const auto e = static_cast<Expression>(i);
    EXPECT_EQ(map_expression_label(expression_name(e)).expression, e);
    const Affect a = circumplex_coordinates(e), b = sentio::emotion_affect(e);
    EXPECT_EQ(a.valence, b.valence);
    EXPECT_EQ(a.arousal, b.arousal);
  }
}

TEST(FaceCircumplex, WeightedMeanOfTheTable) {
  ExpressionProbs p{};
  p[static_cast<std::size_t>(Expression::neutral)] = 1.0f;
  Affect a = circumplex_affect(p);
  EXPECT_FLOAT_EQ(a.valence, 0.0f);
  EXPECT_FLOAT_EQ(a.arousal, 0.0f);
  // 50 % happiness (0.85, 0.35) + 50 % sadness (-0.80, -0.40) = (0.025, -0.025).
  p = {};
  p[static_cast<std::size_t>(Expression::happiness)] = 0.5f;
  p[static_cast<std::size_t>(Expression::sadness)] = 0.5f;
  a = circumplex_affect(p);
  EXPECT_NEAR(a.valence, 0.025f, 1e-6);
  EXPECT_NEAR(a.arousal, -0.025f, 1e-6);
  // Signs of the quadrants: anger and fear negative-aroused, happiness positive, sadness low arousal.
  EXPECT_LT(circumplex_coordinates(Expression::anger).valence, 0);
  EXPECT_GT(circumplex_coordinates(Expression::anger).arousal, 0);
  EXPECT_GT(circumplex_coordinates(Expression::fear).arousal, 0.5f);
  EXPECT_GT(circumplex_coordinates(Expression::happiness).valence, 0.5f);
  EXPECT_LT(circumplex_coordinates(Expression::sadness).arousal, 0);
}

}  // namespace
