// SPDX-License-Identifier: Apache-2.0
#pragma once
// The commands of the `sentio` program that run inside the sentio-torch plugin (they need libtorch and
// OpenCV). Each takes a pointer to its argument struct (tools/sentio/*_args.hpp) and returns the exit
// status; register.cpp lists them under the names the command line asks for (plugin_loader.hpp).
namespace sentio::cli {

int eval_face_command(const void* args);          // EvalFaceArgs
int train_face_command(const void* args);         // TrainFaceArgs
int train_face_cues_command(const void* args);    // TrainFaceCuesArgs
int train_ser_command(const void* args);          // TrainSerArgs (neural, ensemble)
int eval_ser_command(const void* args);           // EvalSerArgs
int train_text_neural_command(const void* args);  // TrainTextNeuralArgs
int eval_text_neural_command(const void* args);   // EvalTextNeuralArgs

}  // namespace sentio::cli
