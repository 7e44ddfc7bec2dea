// paths.hpp - where a target's lock file lives (PROTOCOL "Names").
#pragma once

#include <string>

#include "options.hpp"

namespace filelock {

struct LockPaths {
    std::string lock_path;    // "<target>.lock", or in lock-dir mode
                              // "<lock_dir>/<basename>.<fnv1a64 hex>.lock"
    std::string target_abs;   // absolute target path (lock-dir mode only, else "")
};

// Validate `target` and derive its lock path.  FL_EINVAL for an empty path,
// one ending in '/', or an existing directory; FL_ENOENT in lock-dir mode
// when the target's directory does not exist.
int lock_paths_for(const std::string &target, const Options &opts, LockPaths *out);

// The directory part of `path`: "." for a bare name, "/" for "/name".
std::string parent_dir(const std::string &path);

// The last component of `path` ("x.lock" for "a/b/x.lock").
std::string base_name(const std::string &path);

// The target a lock file protects when it sits beside it: strips ".lock".
std::string target_beside(const std::string &lock_path);

// 64-bit FNV-1a, the hash in lock-dir names.
uint64_t fnv1a64(const std::string &s);

} // namespace filelock
