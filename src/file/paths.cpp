#include "file/paths.hpp"

#include <cstdio>

#include "error.hpp"
#include "filelock.h"
#include "platform/platform.hpp"

namespace filelock {

uint64_t fnv1a64(const std::string &s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string parent_dir(const std::string &path)
{
    size_t slash = platform::last_separator(path);
    if (slash == std::string::npos) return ".";
    return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

std::string base_name(const std::string &path)
{
    size_t slash = platform::last_separator(path);
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string target_beside(const std::string &lock_path)
{
    static const std::string ext = ".lock";
    if (lock_path.size() > ext.size() &&
        lock_path.compare(lock_path.size() - ext.size(), ext.size(), ext) == 0)
        return lock_path.substr(0, lock_path.size() - ext.size());
    return "";
}

int lock_paths_for(const std::string &target, const Options &opts, LockPaths *out)
{
    if (target.empty()) return fail(FL_EINVAL, "target path is empty");
    if (platform::is_separator(target.back())) return fail(FL_EINVAL, "target path " + target + " ends in '/'");
    if (target.size() > 4000) return fail(FL_EINVAL, "target path is too long");
    platform::FileStat st;
    if (platform::stat_path(target, &st) == FL_OK && st.directory)
        return fail(FL_EINVAL, "target " + target + " is a directory; lock a file instead");
    clear_error();

    if (opts.file.lock_dir.empty()) {
        out->lock_path = target + ".lock";
        out->target_abs.clear();
        return FL_OK;
    }
    const std::string base = base_name(target);
    std::string real;
    if (int rc = platform::real_dir(parent_dir(target), &real); rc != FL_OK) return rc;
    const std::string abs = platform::join_path(real, base);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(abs)));
    out->lock_path = platform::join_path(opts.file.lock_dir, base + "." + hex + ".lock");
    out->target_abs = abs;
    return FL_OK;
}

} // namespace filelock
