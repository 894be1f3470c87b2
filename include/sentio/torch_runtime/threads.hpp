// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one place where the threads of libtorch (intra-op, OpenMP) and of the system BLAS (Debian's
// OpenBLAS keeps its own pool, sized to all cores) are set.
//
// Inference runs one torch thread per call: the analysis is parallel across speech segments, faces and
// sessions (the Engine's executor), and nested parallelism only oversubscribes the cores (measured:
// BlazeFace 53 ms with OpenBLAS's default pool vs 18 ms with one thread). OpenMP keeps its setting per
// thread, so every model call first applies the setting to its calling thread (cheap once applied).
// A thread that trains a model raises its own count with set_threads().
namespace sentio::torch_runtime {

// The calling thread's intra-op threads (n >= 1), and the size of OpenBLAS's pool (process-wide). The
// sentio-torch plugin calls set_threads(1) when it is loaded.
void set_threads(int n);

// Called at the start of every model call: a thread that never called set_threads() runs one intra-op
// thread.
void apply_to_this_thread();

}  // namespace sentio::torch_runtime
