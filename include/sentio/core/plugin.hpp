// SPDX-License-Identifier: Apache-2.0
#pragma once
// Plugins: shared objects loaded at run time that add implementations to the libraries.
//
// Sentio's libtorch models (the speech CNN, the face models, the neural text encoder) live in the
// plugin `sentio-torch`, so that a program that only extracts features or reads transcripts never
// loads libtorch (~0.4 s and ~130 MB). A plugin has one entry point, `sentio_register_plugin`
// (C linkage), called once when the plugin is loaded: it registers its model loaders with the modules
// (ser::register_emotion_model_format, vision::register_face_backend, text::register_text_model_format)
// and lists the command-line commands it implements. The module loaders call load_plugin() themselves
// the first time they meet a model they cannot run without it.
#include <string>
#include <vector>

namespace sentio {

inline constexpr int kPluginAbiVersion = 1;
// The plugin with Sentio's libtorch models and commands.
inline constexpr const char* kTorchPlugin = "sentio-torch";

// A command of the `sentio` program implemented in a plugin; `args` points to the command's argument
// struct (tools/sentio). Returns the process exit status.
struct PluginCommand {
  std::string name;
  int (*run)(const void* args) = nullptr;
};

struct PluginRegistration {
  int abi_version = kPluginAbiVersion;
  std::string path;                     // the file loaded
  std::vector<PluginCommand> commands;  // filled by the plugin
};

// The entry point a plugin exports: fills `registration` (commands) and registers its model loaders.
// Exceptions must not escape it.
using PluginEntry = void (*)(PluginRegistration* registration);
inline constexpr const char* kPluginEntrySymbol = "sentio_register_plugin";

// Loads plugin `name` (file `<name>.so`) once per process and returns what it registered; later calls
// return the same registration. Looked for in $SENTIO_PLUGIN_DIR, next to the shared library libsentio
// (the build folder), in <libdir>/sentio/ (an installed copy) and next to the running executable.
// Thread-safe. Throws InputError naming the file and the loader's reason when it cannot be loaded.
const PluginRegistration& load_plugin(const std::string& name);

// The command `command` of plugin `name` (loading the plugin). Throws InputError when it has none.
PluginCommand plugin_command(const std::string& name, const std::string& command);

// Folder of the shared library libsentio (or of the executable when Sentio is linked statically).
std::string library_dir();

}  // namespace sentio
