#include "lock.hpp"

#include "cancel.hpp"
#include "error.hpp"
#include "filelock.h"
#include "log.hpp"
#include "platform/platform.hpp"
#include "thread_guard.hpp"
#include "wait.hpp"

namespace filelock {

int Lock::create(const std::string &target, const Options &opts, std::unique_ptr<Lock> *out)
{
    return make(target, opts, false, out);
}

int Lock::create_explicit(const std::string &name, const Options &opts, std::unique_ptr<Lock> *out)
{
    return make(name, opts, true, out);
}

int Lock::make(const std::string &path, const Options &opts, bool explicit_file,
               std::unique_ptr<Lock> *out)
{
    const Backend *backend = nullptr;
    if (int rc = backend_for(opts, &backend); rc != FL_OK) return rc;
    std::unique_ptr<Lock> l(new Lock());
    int rc = explicit_file ? backend->make_explicit(path, opts, &l->engine_)
                           : backend->make(path, opts, &l->engine_);
    if (rc != FL_OK) return rc;
    l->target_ = explicit_file ? "" : path;
    l->opts_ = opts;
    l->owner_pid_ = platform::current_pid();
    *out = std::move(l);
    return FL_OK;
}

Lock::~Lock()
{
    if (!engine_) return;  // create() failed
    if (forked()) {
        engine_->abandon();
        return;
    }
    if (guarded_) thread_guard::remove(engine_->identity(), this);
    engine_->release();
}

bool Lock::forked() const
{
    return platform::current_pid() != owner_pid_;
}

int Lock::acquire(int64_t timeout_ms, Cancel *cancel)
{
    if (forked())
        return fail(FL_EFORKED, "handle for " + lock_path() +
                                    " was created by process " + std::to_string(owner_pid_) +
                                    "; a forked child cannot use it");
    if (timeout_ms == FL_WAIT_DEFAULT) timeout_ms = opts_.timeout_ms;
    if (timeout_ms < FL_WAIT_FOREVER)
        return fail(FL_EINVAL, "timeout must be >= 0, FL_WAIT_FOREVER or FL_WAIT_DEFAULT");
    if (depth_ > 0) {
        if (engine_->lost())
            return fail(FL_ELOST, lock_path() + " was lost while held; release the handle first");
        ++depth_;  // reentrant: same handle, counted
        return FL_OK;
    }
    if (!cancel) cancel = opts_.cancel.get();
    if (cancel && cancel->fired())
        return fail(FL_ECANCELED, "cancelled before waiting for " + lock_path());
    int rc = wait_for(timeout_ms, cancel);
    if (rc != FL_OK) {
        engine_->stop_waiting();
        return rc;
    }
    return won();
}

int Lock::won()
{
    depth_ = 1;
    if (opts_.deadlock_check) {
        thread_guard::add(engine_->identity(), this, opts_.shared);
        guarded_ = true;
    }
    return FL_OK;
}

// PROTOCOL B: try, and while busy, wait as Wait says (arm, then sleep with
// backoff until the deadline or a cancel).
int Lock::wait_for(int64_t timeout_ms, Cancel *cancel)
{
    LockEngine &e = *engine_;
    Wait wait(timeout_ms, opts_.poll_interval_ms, cancel);
    bool logged_wait = false;
    for (;;) {
        int rc = e.try_once();
        if (rc != FL_EBUSY) return rc;
        if (opts_.deadlock_check && thread_guard::self_deadlock(e.identity(), this, opts_.shared))
            return fail(FL_EDEADLK, "this thread already holds " + lock_path() +
                                        " through another handle; waiting would deadlock");
        if (timeout_ms == 0) return fail(FL_EBUSY, "lock busy: " + lock_path() + e.describe_holder());
        if (!logged_wait && log::enabled(FL_LOG_INFO)) {
            logged_wait = true;
            log::write(FL_LOG_INFO, "waiting for " + lock_path() + e.describe_holder());
        }
        if (wait.may_block()) {
            rc = e.block();
            if (rc != FL_EBUSY) return rc;
            continue;
        }
        switch (wait.next()) {
        case Wait::kArm:
            e.arm();
            continue;  // armed now: try once more before sleeping
        case FL_ECANCELED:
            return fail(FL_ECANCELED, "cancelled while waiting for " + lock_path());
        case FL_ETIMEDOUT:
            return fail(FL_ETIMEDOUT, "timed out waiting for " + lock_path() + e.describe_holder());
        default:
            e.sleep(wait.sleep_us(), wait.wakeup());  // woken: try the lock first, it is the likely news
        }
    }
}

int Lock::release()
{
    if (forked()) {
        engine_->abandon();
        depth_ = 0;
        return fail(FL_EFORKED, "release of " + lock_path() +
                                    " in a forked child: closed the inherited descriptor only; "
                                    "the parent still holds the lock");
    }
    if (depth_ == 0) return FL_OK;
    if (--depth_ > 0) return FL_OK;
    if (guarded_) thread_guard::remove(engine_->identity(), this);
    guarded_ = false;
    return engine_->release();
}

int Lock::held() const
{
    if (forked()) return FL_EFORKED;
    return depth_ > 0 && !engine_->lost() ? 1 : 0;
}

int Lock::check()
{
    if (forked()) return fail(FL_EFORKED, "check of " + lock_path() + " in a forked child");
    if (depth_ == 0) return fail(FL_EINVAL, "check of " + lock_path() + ": this handle does not hold it");
    return engine_->check();
}

int Lock::fencing_token(int64_t *out) const
{
    if (forked()) return fail(FL_EFORKED, "fencing token of " + lock_path() + " in a forked child");
    if (depth_ == 0) return fail(FL_EINVAL, lock_path() + " is not held by this handle");
    return engine_->fencing_token(out);
}

} // namespace filelock
