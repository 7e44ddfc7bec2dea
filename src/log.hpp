// log.hpp - the library's one logger (spdlog inside).  Quiet by default:
// warnings and errors to stderr.  Hosts route messages with a callback.
#pragma once

#include <string>

#include "filelock.h"

namespace filelock::log {

// Cheap check before building a message.
bool enabled(int level);
void write(int level, const std::string &message);

// The C API's knobs (fl_log_*).  cb == nullptr restores stderr.
void set_callback(fl_log_cb cb, void *user_data);
int set_level(int level);  // FL_OK or FL_EINVAL
int level();

} // namespace filelock::log
