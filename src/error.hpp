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

// fail() for a failure the OS reported as `err` (errno on POSIX): the
// platform files map it to a code (posix_error.cpp); last_os_error() says so.
int fail_os(int code, int err, std::string message);

// fail() with a new message around the same failure: keeps last_os_error().
int refail(int code, std::string message);

// The OS error number (errno) behind this thread's last error, 0 when it did
// not come from the OS.  fail() resets it; fail_os() and fail_errno() set it.
int last_os_error();

// Forget this thread's last error (each C API entry point starts with this).
void clear_error();

// This thread's last error message ("" when none).
const std::string &last_error();


} // namespace filelock
