#include "query.hpp"

#include <algorithm>
#include <climits>
#include <memory>

#include "error.hpp"
#include "filelock.h"
#include "paths.hpp"
#include "platform/platform.hpp"
#include "record.hpp"

namespace filelock {

int is_locked(const std::string &lock_path)
{
    platform::FileStat st;
    int rc = platform::stat_path(lock_path, &st);
    if (rc == FL_ENOENT) {
        clear_error();
        return 0;
    }
    if (rc != FL_OK) return rc;
    if (!st.regular)
        return fail(FL_EUNSAFE, lock_path + " is a " + st.kind + ", not a lock file");
    int held = platform::HeldIndex::snapshot().held(lock_path, st.id);
    if (held < 0) return fail(FL_EIO, "cannot tell whether " + lock_path + " is locked");
    return held;
}

int wait_released(const std::string &lock_path, int64_t timeout_ms, int64_t poll_cap_ms)
{
    const int64_t start = platform::monotonic_us();
    const int64_t deadline = timeout_ms < 0 ? INT64_MAX : start + timeout_ms * 1000;
    const int64_t cap_us = std::max<int64_t>(1000, poll_cap_ms * 1000);
    const std::string dir = parent_dir(lock_path);
    std::unique_ptr<platform::ChangeWatch> watch;
    int64_t backoff = 1000;
    for (;;) {
        int rc = is_locked(lock_path);
        if (rc == 0) return FL_OK;
        if (rc < 0) return rc;
        if (!watch) {
            // Arm the wake-up, then look once more before sleeping.
            watch = std::make_unique<platform::ChangeWatch>(dir, lock_path);
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
    std::string text;
    platform::FileStat st;
    if (int rc = platform::read_small_file(lock_path, kMaxRecordBytes, &text, &st); rc != FL_OK)
        return rc;
    Record r = parse_record(text);
    *pid = r.valid ? r.pid : 0;
    return FL_OK;
}

} // namespace filelock
