// cleanup.cpp - PROTOCOL H: a lock file is removed only by a process that
// holds its OS lock, has checked that the path still names the inode it
// locked, and has judged the record it read through that descriptor stale.
// Whoever else is racing (an acquirer, a releaser, another cleaner) then
// either sees the file busy, sees it gone, or fails its own identity check.
#include "file/cleanup.hpp"

#include <algorithm>
#include <set>

#include "error.hpp"
#include "filelock.h"
#include "log.hpp"
#include "options.hpp"
#include "file/paths.hpp"
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
    info->lock_path = lock_path;
    int rc = platform::Dir::open(parent_dir(lock_path), &own_dir_);
    if (rc == FL_ENOENT) return leave(info, kGone);
    if (rc != FL_OK) return rc;
    rc = open(own_dir_, base_name(lock_path), info);
    path_ = info->lock_path = lock_path;  // as the caller spelled it
    return rc;
}

int StaleCandidate::open(const platform::Dir &dir, const std::string &name, LockInfo *info)
{
    *info = LockInfo{};
    dir_ = &dir;
    name_ = name;
    info->lock_path = path_ = dir.entry_path(name);
    // H1: never O_CREAT; regular files with one link only, looked at before
    // they are opened (opening a FIFO or a device is not free of effects).
    platform::OpenHow how;
    how.create = false;
    platform::FileStat st;
    int rc = dir.open_lock(name, how, &h_, &st);
    if (rc == FL_ENOENT) return leave(info, kGone);
    if (rc == FL_EUNSAFE) return refail(rc, last_error() + "; not a lock file, left alone");
    if (rc != FL_OK) return rc;
    id_ = st.id;
    if (st.size_bytes > static_cast<int64_t>(kMaxRecordBytes))
        return fail(FL_EUNSAFE, path_ + " is " + std::to_string(st.size_bytes) +
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

    // H3: the name must still be the inode we locked, with no other name,
    // in the directory we opened it from.
    rc = dir_->entry_is(name_, id_);
    if (rc < 0) return rc;
    if (rc == 0)
        return leave(info, "replaced, removed or linked elsewhere since it was opened (an "
                           "acquirer or another cleaner was first); left alone");

    // H4: judge what the file says now, read through the locked descriptor.
    // Nobody else holds it, so held = false.
    if (rc = platform::stat_handle(h_, &info->stat); rc != FL_OK) return rc;
    std::string text;
    if (rc = platform::read_handle(h_, kMaxRecordBytes, &text); rc != FL_OK)
        return refail(rc, last_error() + " (" + path_ + ")");
    apply_record(info, text, platform::realtime_ms());
    decide_stale(info, threshold_ms, 0);
    if (!info->stale) {
        clear_error();
        return 0;
    }
    if (dry_run) return 1;

    // H5: unlink while holding, from the same open directory; unlock and
    // close follow in the destructor.
    rc = dir_->remove_entry(name_);
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
    for (size_t i = 0; i < scan.locks.size(); ++i) {
        const LockInfo &found = scan.locks[i];
        if (!found.stale) continue;
        const platform::Dir *dir = nullptr;
        int rc = scan.tree->open(scan.refs[i].dir_node, &dir);
        LockInfo judged;
        if (rc == FL_OK) {
            StaleCandidate c;
            rc = c.open(*dir, scan.refs[i].name, &judged);
            if (rc == 1) rc = c.remove_if_stale(opts.threshold_ms, opts.dry_run, &judged);
        }
        if (rc == 1) {
            judged.lock_path = found.lock_path;
            out->removed.push_back(std::move(judged));
        } else if (rc < 0 && rc != FL_ENOENT) {
            out->errors.push_back(ScanError{found.lock_path, last_error(), rc});
        }
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

void cleanup_for_targets(const std::vector<std::string> &targets, const Options &opts,
                         int64_t threshold_ms, CleanReport *out)
{
    std::set<std::string> dirs{"."};
    if (!opts.file.lock_dir.empty())
        dirs.insert(opts.file.lock_dir);
    else
        for (const std::string &t : targets) dirs.insert(parent_dir(t));
    ScanOptions so;
    so.threshold_ms = threshold_ms;
    so.max_depth = 0;
    for (const std::string &dir : dirs) {
        CleanReport rep;
        if (int rc = cleanup_stale_locks(dir, so, &rep); rc != FL_OK) {
            out->errors.push_back(ScanError{dir, last_error(), rc});
            clear_error();
            continue;
        }
        for (LockInfo &i : rep.removed) out->removed.push_back(std::move(i));
        for (ScanError &e : rep.errors) out->errors.push_back(std::move(e));
    }
}

} // namespace filelock
