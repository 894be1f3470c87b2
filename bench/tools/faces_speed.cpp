// SPDX-License-Identifier: Apache-2.0
// Face pipeline speed and interval-mode agreement (bench/faces_speed.sh writes bench/faces_speed.md).
//
//   sentio_bench_faces models [--reps N]
//       per-model milliseconds per run (BlazeFace, FaceMesh batch 1/3/6, emotion batch 1/6) on one torch
//       thread; with SENTIO_TFJS_PROFILE=1 the runner adds per-op totals on stderr.
//   sentio_bench_faces video FILE [--fps F] [--interval N] [--threads T] [--torch-threads T]
//       FaceVideoAnalyzer over the frames (decoding on the same thread; --threads: faces in parallel):
//       frames/s of the whole loop and of the analysis alone.
//   sentio_bench_faces analyze FILE [--fps F] [--interval N] [--threads T]
//       the faces frame loop of `sentio analyze` (frames decoded ahead, analysis::FaceStream with the
//       tracker, cues and group view): frames/s, tracks. Defaults: the native rate, the interval from the rate.
//   sentio_bench_faces agree FILE [--fps F] [--interval N]
//       interval mode vs detection on every frame, same frames: matched faces, box IoU, expression.
//   --no-identity (video, analyze, agree): without the faceres identity descriptions.
// One line of `key=value` results on stdout.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "sentio/analysis/face_stream.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/frame_prefetch.hpp"
#include "sentio/media/video_reader.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "sentio/vision_neural/face_video.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/vision_neural/graph_model.hpp"

namespace vision = sentio::vision;
namespace media = sentio::media;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Args {
  std::string mode, file;
  double fps = 0;  // 0 = every frame
  int interval = 0;  // 0: analyze = from the rate (FaceAnalysisOptions), video/agree = 10
  int reps = 20;
  int threads = 1;
  int torch_threads = 1;
  bool identity = true;  // --no-identity: without the faceres descriptions (tracks by geometry and appearance)
};

int usage() {
  std::fprintf(stderr,
               "usage: sentio_bench_faces models [--reps N]\n"
               "       sentio_bench_faces video|analyze|agree FILE [--fps F] [--interval N] [--threads T] "
               "[--torch-threads T] [--no-identity]\n");
  return 2;
}

// CPU time of the calling thread: on a shared machine it counts only the cycles this run got, so it is
// steadier than wall time (with one torch thread the model runs on this thread alone).
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Median milliseconds per run: thread CPU time (wall time with more than one torch thread).
double run_ms(const vision::GraphModel& model, const vision::Tensor& input, int reps, bool cpu) {
  model.run({input});  // warm-up (oneDNN primitive creation)
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_s();
    model.run({input});
    t.push_back(1e3 * (cpu ? thread_cpu_s() - c0 : seconds_since(t0)));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

vision::Tensor pattern(std::int64_t n, std::int64_t size, std::int64_t channels, float lo, float hi) {
  vision::Tensor t;
  t.shape = {n, size, size, channels};
  t.data.resize(t.element_count());
  for (std::size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = lo + (hi - lo) * static_cast<float>((i * 2654435761u) % 1000u) / 1000.0f;
  return t;
}

int models(const Args& a) {
  const std::string dir = vision::default_face_model_dir();
  const auto blaze = vision::GraphModel::load(dir + "/blazeface.json");
  const auto mesh = vision::GraphModel::load(dir + "/facemesh.json");
  const auto emotion = vision::GraphModel::load(dir + "/emotion.json");
  const bool cpu = a.torch_threads == 1;
  std::printf("clock=%s blazeface_ms=%.2f", cpu ? "thread_cpu" : "wall", run_ms(blaze, pattern(1, 256, 3, -1, 1), a.reps, cpu));
  for (const int n : {1, 3, 6})
    std::printf(" facemesh_b%d_ms=%.2f", n, run_ms(mesh, pattern(n, 192, 3, 0, 1), a.reps, cpu));
  for (const int n : {1, 6})
    std::printf(" emotion_b%d_ms=%.2f", n, run_ms(emotion, pattern(n, 64, 1, -1, 1), a.reps, cpu));
  std::printf("\n");
  for (const auto* m : {&blaze, &mesh, &emotion}) std::fputs(m->profile_report().c_str(), stderr);
  return 0;
}

vision::FaceAnalyzer make_analyzer(const Args& a) {
  vision::FaceAnalyzerOptions o;
  o.identity = a.identity;
  return vision::FaceAnalyzer(o);
}

int video(const Args& a) {
  const vision::FaceAnalyzer analyzer = make_analyzer(a);
  vision::FaceVideoOptions vo;
  vo.detect_interval = a.interval;
  const std::shared_ptr<sentio::Executor> pool = sentio::make_thread_pool(a.threads);
  vo.executor = pool.get();
  vision::FaceVideoAnalyzer va(analyzer, vo);
  media::VideoReadOptions ro;
  ro.fps = a.fps;
  media::VideoReader reader(a.file, ro);
  media::VideoFrame frame;
  double analysis_s = 0;
  std::int64_t faces = 0;
  const auto t0 = Clock::now();
  while (reader.next(frame)) {
    const auto t1 = Clock::now();
    faces += static_cast<std::int64_t>(va.next(frame.rgb.data(), frame.width, frame.height).size());
    analysis_s += seconds_since(t1);
  }
  const double wall = seconds_since(t0);
  const auto& s = va.stats();
  std::printf("frames=%lld wall_s=%.3f fps=%.2f analysis_fps=%.2f decode_ms_per_frame=%.2f faces_per_frame=%.2f "
              "detection_frames=%lld lost=%lld cuts=%lld descriptions=%lld width=%d height=%d\n",
              static_cast<long long>(s.frames), wall, static_cast<double>(s.frames) / wall,
              static_cast<double>(s.frames) / analysis_s, 1e3 * (wall - analysis_s) / static_cast<double>(s.frames),
              static_cast<double>(faces) / static_cast<double>(s.frames), static_cast<long long>(s.detection_frames),
              static_cast<long long>(s.lost_redetections), static_cast<long long>(s.cuts),
              static_cast<long long>(s.descriptions), reader.info().width,
              reader.info().height);
  return 0;
}

int analyze(const Args& a) {
  const vision::FaceAnalyzer analyzer = make_analyzer(a);
  sentio::analysis::FaceAnalysisOptions o;
  o.fps = a.fps;
  const std::shared_ptr<sentio::Executor> pool = sentio::make_thread_pool(a.threads);
  o.executor = pool.get();
  o.detect_interval = a.interval;
  const auto t0 = Clock::now();
  media::VideoReadOptions read;
  read.fps = a.fps;
  media::VideoReader reader(a.file, read);
  sentio::analysis::FaceStream stream(analyzer, o);
  {
    std::optional<media::FramePrefetcher> prefetch;
    if (a.threads >= 2) prefetch.emplace(reader, 8);
    media::VideoFrame frame;
    while (prefetch ? prefetch->next(frame) : reader.next(frame))
      stream.push(frame.rgb.data(), frame.width, frame.height, frame.time_s);
  }
  const auto r = stream.result();
  const double wall = seconds_since(t0);
  const double video_s = reader.info().duration_s;
  std::printf("frames=%lld wall_s=%.3f fps=%.2f tracks=%zu video_s=%.2f realtime_x=%.1f\n",
              static_cast<long long>(r.frames_analysed), wall, static_cast<double>(r.frames_analysed) / wall,
              r.tracks.size(), video_s, video_s / wall);
  return 0;
}

float box_iou(const vision::FaceBox& p, const vision::FaceBox& q) {
  const float ix = std::max(0.0f, std::min(p.x1, q.x1) - std::max(p.x0, q.x0));
  const float iy = std::max(0.0f, std::min(p.y1, q.y1) - std::max(p.y0, q.y0));
  const float inter = ix * iy;
  const float uni = p.width() * p.height() + q.width() * q.height() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

int agree(const Args& a) {
  const vision::FaceAnalyzer analyzer = make_analyzer(a);
  vision::FaceVideoOptions vo;
  vo.detect_interval = a.interval;
  vision::FaceVideoAnalyzer va(analyzer, vo);
  media::VideoReadOptions ro;
  ro.fps = a.fps;
  media::VideoReader reader(a.file, ro);
  media::VideoFrame frame;
  std::int64_t ref_faces = 0, got_faces = 0, matched = 0, same_top = 0;
  std::vector<double> ious;
  double prob_l1 = 0;
  while (reader.next(frame)) {
    const auto ref = analyzer.analyze_rgb(frame.rgb.data(), frame.width, frame.height);
    const auto got = va.next(frame.rgb.data(), frame.width, frame.height);
    ref_faces += static_cast<std::int64_t>(ref.size());
    got_faces += static_cast<std::int64_t>(got.size());
    // Greedy matching by IoU (>= 0.3).
    std::vector<bool> used(got.size(), false);
    for (const auto& r : ref) {
      int best = -1;
      float best_iou = 0.3f;
      for (std::size_t j = 0; j < got.size(); ++j) {
        const float iou = box_iou(r.box, got[j].box);
        if (!used[j] && iou >= best_iou) best = static_cast<int>(j), best_iou = iou;
      }
      if (best < 0) continue;
      const auto& g = got[static_cast<std::size_t>(best)];
      used[static_cast<std::size_t>(best)] = true;
      ++matched;
      ious.push_back(best_iou);
      same_top += g.top == r.top;
      for (std::size_t k = 0; k < vision::kExpressionCount; ++k) prob_l1 += 0.5 * std::abs(g.expression[k] - r.expression[k]);
    }
  }
  std::sort(ious.begin(), ious.end());
  double mean_iou = 0;
  for (const double v : ious) mean_iou += v;
  const double n = std::max<double>(1.0, static_cast<double>(matched));
  const auto& s = va.stats();
  std::printf("frames=%lld interval=%d ref_faces=%lld interval_faces=%lld matched=%lld recall=%.4f "
              "mean_iou=%.4f p05_iou=%.4f min_iou=%.4f top_label_agreement=%.4f mean_prob_tv=%.4f "
              "detection_frames=%lld lost=%lld\n",
              static_cast<long long>(s.frames), a.interval, static_cast<long long>(ref_faces),
              static_cast<long long>(got_faces), static_cast<long long>(matched),
              static_cast<double>(matched) / std::max<double>(1.0, static_cast<double>(ref_faces)), mean_iou / n,
              ious.empty() ? 0.0 : ious[ious.size() / 20], ious.empty() ? 0.0 : ious.front(),
              static_cast<double>(same_top) / n, prob_l1 / n, static_cast<long long>(s.detection_frames),
              static_cast<long long>(s.lost_redetections));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  Args a;
  a.mode = argv[1];
  int i = 2;
  if (a.mode != "models") {
    if (argc < 3) return usage();
    a.file = argv[2];
    i = 3;
  }
  for (; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-identity") {
      a.identity = false;
      continue;
    }
    if (i + 1 >= argc) return usage();
    const char* v = argv[++i];
    if (k == "--fps") a.fps = std::atof(v);
    else if (k == "--interval") a.interval = std::atoi(v);
    else if (k == "--reps") a.reps = std::atoi(v);
    else if (k == "--threads") a.threads = std::atoi(v);
    else if (k == "--torch-threads") a.torch_threads = std::atoi(v);
    else return usage();
  }
  if (a.mode != "analyze" && a.interval == 0) a.interval = 10;
  if (a.interval < 0 || a.reps < 1 || a.threads < 1 || a.torch_threads < 1) return usage();
  sentio::torch_runtime::set_threads(a.torch_threads);
  try {
    if (a.mode == "models") return models(a);
    if (a.mode == "video") return video(a);
    if (a.mode == "analyze") {
      if (a.fps <= 0) {  // the analysis needs a rate: the native one
        media::VideoReader probe(a.file);
        a.fps = probe.info().native_fps;
      }
      return analyze(a);
    }
    if (a.mode == "agree") return agree(a);
  } catch (const sentio::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return usage();
}
