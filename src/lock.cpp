#include "lock.hpp"

#include "error.hpp"
#include "file/file_engine.hpp"
#include "filelock.h"
#include "file/paths.hpp"
#include "platform/platform.hpp"

namespace filelock {

int Lock::create(const std::string &target, const Options &opts, std::unique_ptr<Lock> *out)
{
    LockPaths paths;
    if (int rc = lock_paths_for(target, opts, &paths); rc != FL_OK) return rc;
    std::unique_ptr<Lock> l(new Lock());
    l->target_ = target;
    l->opts_ = opts;
    l->owner_pid_ = platform::current_pid();
    l->engine_ = std::make_unique<FileEngine>(paths.lock_path, paths.target_abs, opts);
    *out = std::move(l);
    return FL_OK;
}

Lock::~Lock()
{
    if (forked())
        engine_->abandon();
    else
        engine_->release();
}

bool Lock::forked() const
{
    return platform::current_pid() != owner_pid_;
}

int Lock::acquire(int64_t timeout_ms, const std::atomic<bool> *cancel)
{
    if (forked())
        return fail(FL_EFORKED, "handle for " + lock_path() +
                                    " was created by process " + std::to_string(owner_pid_) +
                                    "; a forked child cannot use it");
    if (timeout_ms == FL_WAIT_DEFAULT) timeout_ms = opts_.timeout_ms;
    if (timeout_ms < FL_WAIT_FOREVER)
        return fail(FL_EINVAL, "timeout must be >= 0, FL_WAIT_FOREVER or FL_WAIT_DEFAULT");
    if (depth_ > 0) {
        ++depth_;  // reentrant: same handle, counted
        return FL_OK;
    }
    int rc = engine_->acquire(timeout_ms, cancel);
    if (rc == FL_OK) depth_ = 1;
    return rc;
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
    return engine_->release();
}

int Lock::held() const
{
    if (forked()) return FL_EFORKED;
    return depth_ > 0 ? 1 : 0;
}

} // namespace filelock
