#include "file_engine.hpp"

#include <algorithm>
#include <climits>
#include <memory>

#include "duration.hpp"
#include "error.hpp"
#include "filelock.h"
#include "inspect.hpp"
#include "log.hpp"
#include "paths.hpp"
#include "record.hpp"
#include "registry.hpp"

namespace filelock {

FileEngine::FileEngine(std::string lock_path, std::string target_abs, const Options &opts)
    : path_(std::move(lock_path)), dir_(parent_dir(path_)), target_abs_(std::move(target_abs)),
      opts_(opts)
{
}

FileEngine::~FileEngine()
{
    release();
    close_retired();
}

void FileEngine::retire_handle()
{
    // Whoever closes the last descriptor of a removed lock file pays for
    // freeing it; keep such descriptors until after the hand-off.
    if (fd_ != platform::kInvalid) retired_.push_back(fd_);
    fd_ = platform::kInvalid;
}

void FileEngine::close_retired()
{
    for (platform::Handle h : retired_) platform::close_handle(h);
    retired_.clear();
}

int FileEngine::busy_error(int code, const char *what)
{
    std::string holder;
    std::string text;
    platform::FileStat st;
    if (platform::read_small_file(path_, kMaxRecordBytes, &text, &st) == FL_OK) {
        LockInfo info;
        info.lock_path = path_;
        info.stat = st;
        apply_record(&info, text, platform::realtime_ms());
        if (info.record.valid) {
            holder = " held by pid " + std::to_string(info.record.pid);
            if (!info.record.host.empty()) holder += " on " + info.record.host;
            if (info.record.acquired_ms >= 0) holder += " for " + format_duration_ms(info.age_ms);
        } else if (st.size_bytes == 0) {
            holder = " held (shared, or by a tool that writes no record)";
        }
    }
    return fail(code, std::string(what) + " " + path_ + holder);
}

int FileEngine::win()
{
    if (!opts_.shared) {
        Record rec = make_own_record(opts_.tag, target_abs_);
        int rc = platform::write_record(fd_, format_record(rec), path_);
        if (rc == FL_OK && opts_.mode_explicit) rc = platform::chmod_handle(fd_, opts_.create_mode, path_);
        if (rc != FL_OK) {
            std::string msg = last_error();
            held_ = true;
            release();
            return fail(rc, msg);
        }
    } else if (opts_.mode_explicit) {
        platform::chmod_handle(fd_, opts_.create_mode, path_);
    }
    held_ = true;
    registry::add(id_, this, opts_.shared);
    return FL_OK;
}

int FileEngine::acquire(int64_t timeout_ms, const std::atomic<bool> *cancel)
{
    if (held_) return FL_OK;
    const bool forever = timeout_ms < 0;
    const bool blocking = forever && cancel == nullptr;
    const int64_t start_us = platform::monotonic_us();
    const int64_t deadline_us = forever ? INT64_MAX : start_us + timeout_ms * 1000;
    const int64_t cap_us = std::max<int64_t>(1000, opts_.poll_interval_ms * 1000);
    int64_t backoff_us = 1000;
    std::unique_ptr<platform::ChangeWatch> watch;
    bool logged_wait = false;

    for (;;) {
        if (fd_ == platform::kInvalid) {
            int rc = platform::open_lock_file(path_, true, opts_.create_mode, &fd_, &id_);  // A1
            if (rc != FL_OK) return rc;
        }
        int rc = platform::try_lock(fd_, opts_.shared, path_);  // A2
        if (rc == FL_EBUSY) {
            if (registry::self_deadlock(id_, this, opts_.shared))
                return fail(FL_EDEADLK, "this thread already holds " + path_ +
                                            " through another handle; waiting would deadlock");
            if (timeout_ms == 0) {
                platform::close_handle(fd_);
                fd_ = platform::kInvalid;
                return busy_error(FL_EBUSY, "lock busy:");
            }
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
                    watch = std::make_unique<platform::ChangeWatch>(dir_, path_);
                    continue;  // armed now: try once more before sleeping
                }
                if (cancel && cancel->load(std::memory_order_relaxed))
                    return fail(FL_ECANCELED, "cancelled while waiting for " + path_);
                int64_t now = platform::monotonic_us();
                if (now >= deadline_us) {
                    platform::close_handle(fd_);
                    fd_ = platform::kInvalid;
                    return busy_error(FL_ETIMEDOUT, "timed out waiting for");
                }
                // If the file we wait on was removed or replaced, wait on the
                // new one instead (and re-arm the watch on it).
                if (platform::path_is(path_, id_) != 1) {
                    retire_handle();
                    watch->rewatch_file();
                    continue;
                }
                watch->wait(std::min(backoff_us, deadline_us - now));
                backoff_us = std::min(backoff_us * 2, cap_us);
                continue;  // woken: try the lock first, it is the likely news
            }
        }
        if (rc != FL_OK) {
            platform::close_handle(fd_);
            fd_ = platform::kInvalid;
            return rc;
        }
        // A3: we hold the inode we opened; is it still the one at the path?
        int same = platform::path_is(path_, id_);
        if (same == 1) return win();
        platform::unlock(fd_);
        if (same < 0) {
            platform::close_handle(fd_);
            fd_ = platform::kInvalid;
            return same;
        }
        retire_handle();  // released-and-removed under us: start over (A1)
        if (watch) watch->rewatch_file();
    }
}

int FileEngine::release()
{
    if (!held_) {
        if (fd_ != platform::kInvalid) {
            platform::close_handle(fd_);
            fd_ = platform::kInvalid;
        }
        close_retired();
        return FL_OK;
    }
    registry::remove(id_, this);
    if (opts_.remove_on_release) {
        // C2: unlink only while holding, and only our inode.  A shared holder
        // must first become the only holder.
        bool exclusive = !opts_.shared || platform::try_lock(fd_, false, path_) == FL_OK;
        if (exclusive && platform::path_is(path_, id_) == 1) platform::remove_path(path_);
        clear_error();
    }
    platform::unlock(fd_);  // C3: explicit unlock, then close
    platform::close_handle(fd_);
    fd_ = platform::kInvalid;
    held_ = false;
    close_retired();
    return FL_OK;
}

void FileEngine::abandon()
{
    if (held_) registry::remove(id_, this);
    platform::close_handle(fd_);  // close only: the parent still holds
    fd_ = platform::kInvalid;
    held_ = false;
    close_retired();
}

} // namespace filelock
