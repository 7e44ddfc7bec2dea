// error.hpp - internal error reporting: codes are the public FL_E* values,
// messages go to a per-thread slot that fl_last_error_message() returns.
#pragma once

#include <string>
#include <string_view>

#include "filelock.h"

namespace filelock {

// Record `message` as this thread's last error and return `code`, so a
// failing path reads `return fail(FL_EIO, "...")`.
int fail(int code, std::string message);

// Forget this thread's last error (each C API entry point starts with this).
void clear_error();

// This thread's last error message ("" when none).
const std::string &last_error();

// Map an errno value to the closest FL_E* code.
int code_from_errno(int err);

// fail() with the code for `err` and "<what> <path>: <strerror(err)>".
int fail_errno(int err, std::string_view what, std::string_view path);

// Thread-safe strerror.
std::string os_error_text(int err);

} // namespace filelock
