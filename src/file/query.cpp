#include "file/query.hpp"

#include <algorithm>
#include <climits>
#include <memory>

#include "error.hpp"
#include "filelock.h"
#include "options.hpp"
#include "file/paths.hpp"
#include "platform/platform.hpp"
#include "file/record.hpp"

namespace filelock {

namespace {

// The lock file's directory must exist: a lock file that cannot exist is
// not "free", it is a wrong path.
int open_parent(const std::string &lock_path, platform::Dir *dir)
{
    int rc = platform::Dir::open(parent_dir(lock_path), dir);
    if (rc == FL_ENOENT)
        return refail(FL_ENOENT, "directory " + parent_dir(lock_path) + " of lock file " + lock_path +
                                   " does not exist");
    return rc;
}

int is_locked_in(const platform::Dir &dir, const std::string &name)
{
    platform::FileStat st;
    int rc = dir.stat_entry(name, &st);
    if (rc == FL_ENOENT) {
        clear_error();
        return 0;
    }
    if (rc != FL_OK) return rc;
    const std::string path = dir.entry_path(name);
    if (!st.regular) return fail(FL_EUNSAFE, path + " is a " + st.kind + ", not a lock file");
    int held = platform::HeldIndex::snapshot().held(dir, name, st.id);
    if (held < 0) return fail(FL_EIO, "cannot tell whether " + path + " is locked");
    return held;
}

} // namespace

int is_locked(const std::string &lock_path)
{
    platform::Dir dir;
    if (int rc = open_parent(lock_path, &dir); rc != FL_OK) return rc;
    return is_locked_in(dir, base_name(lock_path));
}

int wait_released(const std::string &lock_path, int64_t timeout_ms, int64_t poll_cap_ms)
{
    const bool forever = waits_forever(timeout_ms);
    const int64_t start = platform::monotonic_us();
    const int64_t deadline = forever ? INT64_MAX : start + timeout_ms * 1000;
    const int64_t cap_us = std::max<int64_t>(1000, poll_cap_ms * 1000);
    const std::string name = base_name(lock_path);
    platform::Dir dir;
    if (int rc = open_parent(lock_path, &dir); rc != FL_OK) return rc;
    std::unique_ptr<platform::ChangeWatch> watch;
    int64_t backoff = 1000;
    for (;;) {
        int rc = is_locked_in(dir, name);
        if (rc == 0) return FL_OK;
        if (rc < 0) return rc;
        if (!watch) {
            // Arm the wake-up, then look once more before sleeping.
            watch = std::make_unique<platform::ChangeWatch>(parent_dir(lock_path), lock_path);
            continue;
        }
        int64_t now = platform::monotonic_us();
        if (now >= deadline)
            return fail(FL_ETIMEDOUT, "timed out waiting for " + lock_path + " to be released");
        watch->rewatch_file();
        watch->wait(std::min(backoff, deadline - now));
        backoff = std::min(backoff * 2, cap_us);
    }
}

int holder_pid(const std::string &lock_path, int64_t *pid)
{
    platform::Dir dir;
    if (int rc = platform::Dir::open(parent_dir(lock_path), &dir); rc != FL_OK) return rc;
    std::string text;
    platform::FileStat st;
    if (int rc = dir.read_small(base_name(lock_path), kMaxRecordBytes, &text, &st); rc != FL_OK)
        return rc;
    Record r = parse_record(text);
    *pid = r.valid ? r.pid : 0;
    return FL_OK;
}

} // namespace filelock
