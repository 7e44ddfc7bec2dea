#include "file/query.hpp"

#include <memory>

#include "cancel.hpp"
#include "error.hpp"
#include "filelock.h"
#include "options.hpp"
#include "file/paths.hpp"
#include "platform/platform.hpp"
#include "file/record.hpp"
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

} // namespace filelock
