#include "file/file_engine.hpp"

#include <algorithm>
#include <climits>
#include <memory>

#include "duration.hpp"
#include "error.hpp"
#include "filelock.h"
#include "file/stale.hpp"
#include "log.hpp"
#include "file/paths.hpp"
#include "file/record.hpp"
#include "file/thread_guard.hpp"

namespace filelock {

namespace {
// Descriptors of removed lock files a waiter keeps (see retire_handle).
constexpr size_t kKeptRetired = 2;
} // namespace

FileEngine::FileEngine(std::string lock_path, std::string target_abs, const Options &opts)
    : path_(std::move(lock_path)), dir_path_(parent_dir(path_)), name_(base_name(path_)),
      target_abs_(std::move(target_abs)), opts_(opts)
{
}

FileEngine::~FileEngine()
{
    release();
}

void FileEngine::drop_file()
{
    if (fd_ == platform::kInvalid) return;
    platform::close_handle(fd_);
    fd_ = platform::kInvalid;
}

void FileEngine::retire_handle()
{
    // Whoever closes the last descriptor of a removed lock file pays for
    // freeing it (milliseconds); keep a few such descriptors until after the
    // hand-off.  Only a few: a waiter that sees many hand-offs would
    // otherwise run out of descriptors.
    if (fd_ == platform::kInvalid) return;
    if (retired_.size() >= kKeptRetired) {
        platform::close_handle(retired_.front());
        retired_.erase(retired_.begin());
    }
    retired_.push_back(fd_);
    fd_ = platform::kInvalid;
}

void FileEngine::close_retired()
{
    for (platform::Handle h : retired_) platform::close_handle(h);
    retired_.clear();
}

int FileEngine::give_up(int rc)
{
    drop_file();
    close_retired();
    dir_.close();
    return rc;
}

int FileEngine::open_file()
{
    platform::OpenHow how;
    how.create = true;
    how.write = !opts_.shared;  // a shared holder writes nothing
    how.expect_absent = opts_.remove_on_release;
    how.mode = opts_.create_mode;
    platform::FileStat st;
    int rc = dir_.open_lock(name_, how, &fd_, &st);
    if (rc != FL_OK) return rc;
    id_ = st.id;
    return FL_OK;
}

int FileEngine::busy_error(int code, const char *what)
{
    std::string holder;
    std::string text;
    platform::FileStat st;
    if (dir_.valid() && dir_.read_small(name_, kMaxRecordBytes, &text, &st) == FL_OK) {
        LockInfo info;
        info.lock_path = path_;
        info.stat = st;
        apply_record(&info, text, platform::realtime_ms());
        if (info.record.valid) {
            holder = " held by pid " + std::to_string(info.record.pid);
            if (!info.record.host.empty()) holder += " on " + info.record.host;
            if (info.age_known && info.record.acquired_ms >= 0)
                holder += " for " + format_duration_ms(info.age_ms);
        } else if (st.size_bytes == 0) {
            holder = " held (shared, or by a tool that writes no record)";
        }
    }
    return fail(code, std::string(what) + " " + path_ + holder);
}

int FileEngine::win(const platform::FileStat &st)
{
    // Only a file that is empty or a lock record is ours to write, chmod
    // and (later) remove; anything else stays exactly as it is.
    if (st.size_bytes > 0) {
        std::string text, what;
        int rc = platform::read_handle(fd_, kMaxRecordBytes, &text);
        if (rc != FL_OK) return give_up(refail(rc, last_error() + " (" + path_ + ")"));
        if (!takeover_allowed(text, &what)) {
            platform::unlock(fd_);
            return give_up(fail(FL_EUNSAFE,
                                "lock path " + path_ + " already exists and is not a lock file (" +
                                    what + "); it was left untouched.  Lock another target, set a "
                                    "lock directory, or remove the file if it is an old lock "
                                    "file of another tool"));
        }
    }
    if (!opts_.shared) {
        Record rec = make_own_record(opts_.tag, target_abs_);
        written_ = format_record(rec);
        int rc = platform::write_record(fd_, written_, path_);
        if (rc == FL_OK && opts_.mode_explicit) rc = platform::chmod_handle(fd_, opts_.create_mode, path_);
        if (rc != FL_OK) {
            // What was written may be partial: leave the file to the next
            // acquirer (a cut-short record is taken over), remove nothing.
            written_.clear();
            platform::unlock(fd_);
            return give_up(rc);
        }
    } else if (opts_.mode_explicit) {
        platform::chmod_handle(fd_, opts_.create_mode, path_);
    }
    held_ = true;
    close_retired();  // the hand-off is over
    if (opts_.deadlock_check) thread_guard::add(id_, this, opts_.shared);
    return FL_OK;
}

int FileEngine::acquire(int64_t timeout_ms, const std::atomic<bool> *cancel)
{
    if (held_) return FL_OK;
    const bool forever = waits_forever(timeout_ms);
    const bool blocking = forever && cancel == nullptr;
    const int64_t start_us = platform::monotonic_us();
    const int64_t deadline_us = forever ? INT64_MAX : start_us + timeout_ms * 1000;
    const int64_t cap_us = std::max<int64_t>(1000, opts_.poll_interval_ms * 1000);
    int64_t backoff_us = 1000;
    std::unique_ptr<platform::ChangeWatch> watch;
    bool logged_wait = false;

    if (!dir_.valid()) {
        if (int rc = platform::Dir::open(dir_path_, &dir_); rc != FL_OK)
            return refail(rc, last_error() + " (the directory of lock file " + path_ + ")");
    }
    for (;;) {
        if (fd_ == platform::kInvalid) {
            if (int rc = open_file(); rc != FL_OK) return give_up(rc);  // A1
        }
        int rc = platform::try_lock(fd_, opts_.shared, path_);  // A2
        if (rc == FL_EBUSY) {
            if (opts_.deadlock_check && thread_guard::self_deadlock(id_, this, opts_.shared))
                return give_up(fail(FL_EDEADLK, "this thread already holds " + path_ +
                                                    " through another handle; waiting would deadlock"));
            if (timeout_ms == 0) return give_up(busy_error(FL_EBUSY, "lock busy:"));
            if (!logged_wait && log::enabled(FL_LOG_INFO)) {
                logged_wait = true;
                busy_error(FL_EBUSY, "waiting for");
                log::write(FL_LOG_INFO, last_error());
                clear_error();
            }
            if (blocking) {
                rc = platform::lock_blocking(fd_, opts_.shared, path_);
            } else {
                if (!watch) {
                    watch = std::make_unique<platform::ChangeWatch>(dir_path_, path_);
                    continue;  // armed now: try once more before sleeping
                }
                if (cancel && cancel->load(std::memory_order_relaxed))
                    return give_up(fail(FL_ECANCELED, "cancelled while waiting for " + path_));
                int64_t now = platform::monotonic_us();
                if (now >= deadline_us) return give_up(busy_error(FL_ETIMEDOUT, "timed out waiting for"));
                // If the file we wait on was removed or replaced, wait on the
                // new one instead (and re-arm the watch on it).
                if (dir_.entry_is(name_, id_) != 1) {
                    retire_handle();
                    watch->rewatch_file();
                    continue;
                }
                watch->wait(std::min(backoff_us, deadline_us - now));
                backoff_us = std::min(backoff_us * 2, cap_us);
                continue;  // woken: try the lock first, it is the likely news
            }
        }
        if (rc != FL_OK) return give_up(rc);
        // A3: we hold the inode we opened; is it still the one at the path,
        // with no other name (a hard link made while we waited)?
        platform::FileStat st;
        int same = dir_.entry_is(name_, id_, &st);
        if (same == 1) return win(st);
        platform::unlock(fd_);
        if (same < 0) return give_up(same);
        retire_handle();  // released-and-removed under us: start over (A1)
        if (watch) watch->rewatch_file();
    }
}

bool FileEngine::ours_to_remove(const platform::FileStat &st)
{
    // C2 removes a file only while it still holds what a lock file holds:
    // a program that wrote its own data into the lock file while we held it
    // keeps that data.
    std::string text, what;
    if (!opts_.shared && st.size_bytes != static_cast<int64_t>(written_.size())) {
        what = "its size changed";
    } else if (platform::read_handle(fd_, kMaxRecordBytes, &text) != FL_OK) {
        what = "it could not be read back";
    } else if (opts_.shared ? takeover_allowed(text, &what) : text == written_) {
        return true;
    } else if (what.empty()) {
        what = "another program wrote to it";
    }
    log::write(FL_LOG_WARN, "left " + path_ + " in place on release: " + what +
                                " while it was held, so it is no longer only a lock file");
    return false;
}

int FileEngine::release()
{
    if (!held_) {
        give_up(FL_OK);
        return FL_OK;
    }
    thread_guard::remove(id_, this);
    if (opts_.remove_on_release) {
        // C2: unlink only while holding, only our inode, only from the
        // directory checked.  A shared holder must first become the only
        // holder.
        bool exclusive = !opts_.shared || platform::try_lock(fd_, false, path_) == FL_OK;
        platform::FileStat st;
        if (exclusive && dir_.entry_is(name_, id_, &st) == 1 && ours_to_remove(st))
            dir_.remove_entry(name_);
        clear_error();
    }
    platform::unlock(fd_);  // C3: explicit unlock, then close
    held_ = false;
    written_.clear();
    give_up(FL_OK);
    return FL_OK;
}

void FileEngine::abandon()
{
    if (held_) thread_guard::remove(id_, this);
    held_ = false;
    give_up(FL_OK);  // close only: the parent still holds
}

} // namespace filelock
