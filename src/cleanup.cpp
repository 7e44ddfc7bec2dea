// cleanup.cpp - PROTOCOL H: a lock file is removed only by a process that
// holds its OS lock, has checked that the path still names the inode it
// locked, and has judged the record it read through that descriptor stale.
// Whoever else is racing (an acquirer, a releaser, another cleaner) then
// either sees the file busy, sees it gone, or fails its own identity check.
#include "cleanup.hpp"

#include <algorithm>

#include "error.hpp"
#include "filelock.h"
#include "log.hpp"
#include "platform/platform.hpp"
#include "record.hpp"

namespace filelock {

namespace {

// "Left alone" with the reason in *info: not an error.
int leave(LockInfo *info, std::string reason)
{
    info->stale = false;
    info->reason = std::move(reason);
    clear_error();
    return 0;
}

const char *const kGone = "already gone: someone else removed it first";

} // namespace

StaleCandidate::~StaleCandidate()
{
    if (locked_) platform::unlock(h_);  // explicitly, as PROTOCOL C3
    platform::close_handle(h_);
}

int StaleCandidate::open(const std::string &lock_path, LockInfo *info)
{
    *info = LockInfo{};
    info->lock_path = path_ = lock_path;
    // Refuse what is plainly not a lock file before opening it: opening a
    // FIFO or a device read-write is not free of effects on others.
    platform::FileStat st;
    int rc = platform::stat_path(lock_path, &st);
    if (rc == FL_ENOENT) return leave(info, kGone);
    if (rc != FL_OK) return rc;
    if (!st.regular)
        return fail(FL_EUNSAFE, lock_path + " is a " + st.kind + ", not a lock file; left alone");
    // H1: never O_CREAT; regular files only (open_lock_file checks again,
    // on what it opened).
    rc = platform::open_lock_file(lock_path, false, 0, &h_, &id_);
    if (rc == FL_ENOENT) return leave(info, kGone);
    if (rc != FL_OK) return rc;
    if (rc = platform::stat_handle(h_, &st); rc != FL_OK) return rc;
    if (st.size_bytes > static_cast<int64_t>(kMaxRecordBytes))
        return fail(FL_EUNSAFE, lock_path + " is " + std::to_string(st.size_bytes) +
                                    " bytes, larger than any lock record (" +
                                    std::to_string(kMaxRecordBytes) + "); left alone");
    return 1;
}

int StaleCandidate::remove_if_stale(int64_t threshold_ms, bool dry_run, LockInfo *info)
{
    // H2: busy means someone holds it, so it is not stale.
    int rc = platform::try_lock(h_, false, path_);
    if (rc == FL_EBUSY) return leave(info, "held now (OS lock taken); not stale");
    if (rc != FL_OK) return rc;
    locked_ = true;

    // H3: the path must still name the inode we locked.
    rc = platform::path_is(path_, id_);
    if (rc < 0) return rc;
    if (rc == 0)
        return leave(info, "replaced or removed since it was opened (an acquirer or another "
                           "cleaner was first); left alone");

    // H4: judge what the file says now, read through the locked descriptor.
    // Nobody else holds it, so held = false.
    if (rc = platform::stat_handle(h_, &info->stat); rc != FL_OK) return rc;
    std::string text;
    if (rc = platform::read_handle(h_, kMaxRecordBytes, &text); rc != FL_OK)
        return fail(rc, last_error() + " (" + path_ + ")");
    apply_record(info, text, platform::realtime_ms());
    decide_stale(info, threshold_ms, 0);
    if (!info->stale) {
        clear_error();
        return 0;
    }
    if (dry_run) return 1;

    // H5: unlink while holding; unlock and close follow in the destructor.
    rc = platform::remove_path(path_);
    if (rc == FL_ENOENT) return leave(info, kGone);
    if (rc != FL_OK) return rc;
    if (log::enabled(FL_LOG_INFO)) log::write(FL_LOG_INFO, "removed " + path_ + ": " + info->reason);
    return 1;
}

int remove_if_stale(const std::string &lock_path, int64_t threshold_ms, bool dry_run,
                    LockInfo *info)
{
    StaleCandidate c;
    int rc = c.open(lock_path, info);
    return rc == 1 ? c.remove_if_stale(threshold_ms, dry_run, info) : rc;
}

void remove_stale(ScanResult scan, const ScanOptions &opts, CleanReport *out)
{
    out->removed.clear();
    out->errors.clear();
    out->dry_run = opts.dry_run;
    for (ScanError &e : scan.errors)
        if (e.code != FL_ENOENT) out->errors.push_back(std::move(e));
    for (const LockInfo &found : scan.locks) {
        if (!found.stale) continue;
        LockInfo judged;
        int rc = remove_if_stale(found.lock_path, opts.threshold_ms, opts.dry_run, &judged);
        if (rc == 1) out->removed.push_back(std::move(judged));
        else if (rc < 0) out->errors.push_back(ScanError{found.lock_path, last_error(), rc});
    }
    clear_error();
    std::stable_sort(out->errors.begin(), out->errors.end(),
                     [](const ScanError &a, const ScanError &b) { return a.path < b.path; });
}

int cleanup_stale_locks(const std::string &dir, const ScanOptions &opts, CleanReport *out)
{
    ScanResult scan;
    if (int rc = scan_locks(dir, opts, &scan); rc != FL_OK) return rc;
    remove_stale(std::move(scan), opts, out);
    return FL_OK;
}

} // namespace filelock
