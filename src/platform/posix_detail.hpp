// posix_detail.hpp - helpers the POSIX platform files share (not part of the
// platform seam).
#pragma once

#include <sys/stat.h>

#include <string>

#include "platform.hpp"

namespace filelock::platform::detail {

// "regular file", "symlink", "FIFO", ...
std::string kind_of(mode_t m);

// struct stat -> FileStat.  Times beyond what int64 milliseconds can hold
// saturate instead of overflowing.
void fill_stat(const struct stat &s, FileStat *st);

} // namespace filelock::platform::detail
