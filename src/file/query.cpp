#include "file/query.hpp"

#include <memory>

#include "cancel.hpp"
#include "error.hpp"
#include "filelock.h"
#include "options.hpp"
#include "file/paths.hpp"
#include "platform/platform.hpp"
#include "record.hpp"
#include "wait.hpp"

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

int wait_released(const std::string &lock_path, int64_t timeout_ms, int64_t poll_cap_ms,
                  Cancel *cancel)
{
    if (cancel && cancel->fired())
        return fail(FL_ECANCELED, "cancelled before waiting for " + lock_path + " to be released");
    const std::string name = base_name(lock_path);
    platform::Dir dir;
    if (int rc = open_parent(lock_path, &dir); rc != FL_OK) return rc;
    std::unique_ptr<platform::ChangeWatch> watch;
    Wait wait(timeout_ms, poll_cap_ms, cancel);
    for (;;) {
        int rc = is_locked_in(dir, name);
        if (rc == 0) return FL_OK;
        if (rc < 0) return rc;
        switch (wait.next()) {
        case Wait::kArm:  // arm the wake-up, then look once more before sleeping
            watch = std::make_unique<platform::ChangeWatch>(parent_dir(lock_path), lock_path);
            continue;
        case FL_ECANCELED:
            return fail(FL_ECANCELED, "cancelled while waiting for " + lock_path + " to be released");
        case FL_ETIMEDOUT:
            return fail(FL_ETIMEDOUT, "timed out waiting for " + lock_path + " to be released");
        default:
            watch->rewatch_file();
            watch->wait(wait.sleep_us(), wait.wakeup());
        }
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

namespace {

bool ends_with_lock(const std::string &p)
{
    return !target_beside(p).empty();
}

// Is `path` a lock file by what it holds or what holds it: a record, or an
// OS lock on it now?
bool looks_like_lock_file(const std::string &path)
{
    platform::Dir dir;
    if (platform::Dir::open(parent_dir(path), &dir) != FL_OK) return false;
    const std::string name = base_name(path);
    std::string text;
    platform::FileStat st;
    if (dir.read_small(name, kMaxRecordBytes, &text, &st) != FL_OK) return false;
    if (parse_record(text).valid) return true;
    return platform::HeldIndex::snapshot().held(dir, name, st.id) == 1;
}

} // namespace

int check_target_query(const std::string &target, const std::string &lock_path)
{
    if (!ends_with_lock(target)) return FL_OK;
    platform::FileStat st;
    if (platform::stat_path(lock_path, &st) != FL_ENOENT) {
        clear_error();
        return FL_OK;  // the derived lock file exists: a target named *.lock
    }
    clear_error();
    if (!looks_like_lock_file(target)) {
        clear_error();
        return FL_OK;
    }
    return fail(FL_EINVAL, target + " is a lock file, not a target: pass the target it protects (" +
                               target_beside(target) + "), or ask about the lock file itself "
                               "(fl_lock_info_read, fl_holder_pid)");
}

int check_lock_path_query(const std::string &lock_path)
{
    if (ends_with_lock(lock_path)) return FL_OK;
    platform::FileStat st;
    const std::string beside = lock_path + ".lock";
    int rc = platform::stat_path(beside, &st);
    clear_error();
    if (rc != FL_OK || !st.regular) return FL_OK;
    if (looks_like_lock_file(lock_path)) return FL_OK;
    clear_error();
    return fail(FL_EINVAL, lock_path + " is not a lock file; the lock file of target " + lock_path +
                               " is " + beside);
}

} // namespace filelock
