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
#include "record.hpp"

namespace filelock {

namespace {
// Descriptors of removed lock files a waiter keeps (see retire_handle).
constexpr size_t kKeptRetired = 2;
// A blocking wait with no file open yet (its name is still being removed)
// sleeps at most this long between attempts.
constexpr int64_t kNoFileWaitUs = 50000;
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
    // otherwise run out of descriptors.  None where an open handle keeps
    // the removed name in place (Windows): it would keep everyone,
    // ourselves included, from making the next lock file.
    if (fd_ == platform::kInvalid) return;
    if (platform::removed_names_linger()) {
        drop_file();
        return;
    }
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

void FileEngine::defer_error(int code, std::string message)
{
    deferred_code_ = code;
    deferred_message_ = std::move(message);
}

int FileEngine::open_file()
{
    platform::OpenHow how;
    how.create = !directory_;
    how.write = writes_record();
    how.expect_absent = opts_.file.remove_on_release;
    how.mode = opts_.file.create_mode;
    how.directory = directory_;
    platform::FileStat st;
    int rc = dir_.open_lock(name_, how, &fd_, &st);
    if (rc != FL_OK) return rc;
    id_ = st.id;
    return FL_OK;
}

std::string FileEngine::describe_holder()
{
    std::string text;
    platform::FileStat st;
    if (!dir_.valid() || directory_ || dir_.read_small(name_, kMaxRecordBytes, &text, &st) != FL_OK) {
        clear_error();
        return "";
    }
    LockInfo info;
    info.lock_path = path_;
    info.stat = st;
    apply_record(&info, text, platform::realtime_ms());
    std::string holder;
    if (info.record.valid && judge_holder(info.record).holder == Holder::Dead) {
        // A kept file still names an earlier holder; whoever holds it now
        // wrote no record (a shared holder, flock(1), ...).
        holder = " held (by a holder that wrote no record; the record names pid " +
                 std::to_string(info.record.pid) + ", which is not running)";
    } else if (info.record.valid) {
        holder = " held by pid " + std::to_string(info.record.pid);
        if (!info.record.host.empty()) holder += " on " + info.record.host;
        if (info.age_known && info.record.acquired_ms >= 0)
            holder += " for " + format_duration_ms(info.age_ms);
    } else if (st.size_bytes == 0) {
        holder = " held (shared, or by a tool that writes no record)";
    }
    return holder;
}

int FileEngine::win(const platform::FileStat &st)
{
    const bool writes = writes_record();
    // Only a file that is empty or a lock record is ours to write, chmod
    // and (later) remove; anything else stays exactly as it is.  A holder
    // that writes nothing and keeps the file touches no byte of it, so it
    // may lock any regular file (the flock(1) habit).
    const bool touches = writes || opts_.file.remove_on_release || opts_.file.mode_explicit;
    if (st.size_bytes > 0 && touches && !directory_) {
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
    if (writes) {
        Record rec = make_own_record(opts_.tag, target_abs_);
        written_ = format_record(rec);
        int rc = platform::write_record(fd_, written_, path_);
        if (rc == FL_OK && opts_.file.mode_explicit)
            rc = platform::chmod_handle(fd_, opts_.file.create_mode, path_);
        if (rc != FL_OK) {
            // What was written may be partial: leave the file to the next
            // acquirer (a cut-short record is taken over), remove nothing.
            written_.clear();
            platform::unlock(fd_);
            return give_up(rc);
        }
    } else if (opts_.file.mode_explicit && !directory_) {
        platform::chmod_handle(fd_, opts_.file.create_mode, path_);
    }
    held_ = true;
    watch_.reset();
    close_retired();  // the hand-off is over
    return FL_OK;
}

int FileEngine::locked()
{
    // A3: we hold the inode we opened; is it still the one at the path,
    // with no other name (a hard link made while we waited)?
    platform::FileStat st;
    int same = dir_.entry_is(name_, id_, &st);
    if (same == 1) return win(st);
    platform::unlock(fd_);
    if (same < 0) return give_up(same);
    retire_handle();  // released-and-removed under us: start over (A1)
    if (watch_) watch_->rewatch_file();
    return FL_EBUSY;
}

int FileEngine::try_once()
{
    if (held_) return FL_OK;
    if (deferred_code_ != 0) return fail(deferred_code_, deferred_message_);
    if (!dir_.valid()) {
        if (int rc = platform::Dir::open(dir_path_, &dir_); rc != FL_OK)
            return refail(rc, last_error() + " (the directory of lock file " + path_ + ")");
    }
    // A lock file that was just removed under us is retried at once: that
    // is a hand-off in progress, not contention.
    for (int turn = 0; turn < 100; ++turn) {
        if (fd_ == platform::kInvalid) {
            int rc = open_file();  // A1
            // A name that is still being removed (Windows, delete pending):
            // contention, waited out like any other.
            if (rc == FL_EBUSY) return rc;
            if (rc != FL_OK) return give_up(rc);
        }
        int rc = platform::try_lock(fd_, opts_.shared, path_);  // A2
        if (rc == FL_EBUSY) return FL_EBUSY;
        if (rc != FL_OK) return give_up(rc);
        rc = locked();
        if (rc != FL_EBUSY) return rc;
    }
    return FL_EBUSY;
}

int FileEngine::block()
{
    if (fd_ == platform::kInvalid) {  // nothing to block on yet: see try_once
        if (!watch_) arm();
        watch_->wait(kNoFileWaitUs, nullptr);
        return FL_EBUSY;
    }
    int rc = platform::lock_blocking(fd_, opts_.shared, path_);
    if (rc != FL_OK) return give_up(rc);
    return locked();
}

void FileEngine::arm()
{
    watch_ = std::make_unique<platform::ChangeWatch>(dir_path_, path_);
}

void FileEngine::sleep(int64_t max_us, const platform::Wakeup *wake)
{
    // If the file we wait on was removed or replaced, wait on the new one
    // instead (and re-arm the watch on it): no sleep, it is news.
    if (fd_ != platform::kInvalid && dir_.entry_is(name_, id_) != 1) {
        retire_handle();
        if (watch_) watch_->rewatch_file();
        return;
    }
    if (watch_) watch_->wait(max_us, wake);
}

int FileEngine::check()
{
    if (directory_ || dir_.entry_is(name_, id_) == 1) return FL_OK;
    return fail(FL_ELOST, "lock file " + path_ + " was removed or replaced while held: "
                          "another process can lock the new file");
}

int FileEngine::fencing_token(int64_t *) const
{
    return fail(FL_ENOTSUP, "lock files carry no fencing token (the etcd backend does)");
}

void FileEngine::stop_waiting()
{
    watch_.reset();
    give_up(FL_OK);
}

bool FileEngine::ours_to_remove(const platform::FileStat &st)
{
    // C2 removes a file only while it still holds what a lock file holds:
    // a program that wrote its own data into the lock file while we held it
    // keeps that data.
    std::string text, what;
    const bool wrote = writes_record();
    if (wrote && st.size_bytes != static_cast<int64_t>(written_.size())) {
        what = "its size changed";
    } else if (platform::read_handle(fd_, kMaxRecordBytes, &text) != FL_OK) {
        what = "it could not be read back";
    } else if (wrote ? text == written_ : takeover_allowed(text, &what)) {
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
    if (opts_.file.remove_on_release && !directory_) {
        // C2: unlink only while holding, only our inode, only from the
        // directory checked.  A shared holder must first become the only
        // holder: it lets its shared lock go (it is releasing anyway) and
        // tries for an exclusive one.  That is what flock's conversion does
        // too, and Windows has no conversion: a handle's own shared lock
        // refuses it an exclusive one.
        bool exclusive = true;
        if (opts_.shared) {
            platform::unlock(fd_);
            exclusive = platform::try_lock(fd_, false, path_) == FL_OK;
        }
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
    held_ = false;
    watch_.reset();
    give_up(FL_OK);  // close only: the parent still holds
}

} // namespace filelock
