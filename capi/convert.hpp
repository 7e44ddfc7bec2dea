// convert.hpp - building the public result structs from core results.  Each
// public struct is the first member of a box that owns its strings, so one
// free releases everything.
#pragma once

#include "filelock.h"
#include "file/stale.hpp"

namespace filelock::capi {

fl_lock_info *new_lock_info(const LockInfo &info);
void free_lock_info(fl_lock_info *info);

fl_scan_error *new_scan_error(const std::string &path, const std::string &message, int code);
void free_scan_error(fl_scan_error *e);

} // namespace filelock::capi
