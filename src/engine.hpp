// engine.hpp - the interface every lock backend implements, and the factory
// that picks one by options.  The engine-neutral parts (the handle's
// acquire loop in lock.cpp, batch, queries that wait) see only this.
//
// The lock-file backend is src/file/ (file_backend.cpp registers it), the
// etcd backend src/etcd/.  A further backend is a new folder with a Backend
// and a LockEngine, and its scheme in backend_for() (engine.cpp); the
// handle, batch, C API and CLI do not change.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "options.hpp"

namespace filelock {

namespace platform {
class Wakeup;
}
struct ScanOptions;
struct ScanResult;
struct CleanReport;

// What the same-thread guard keys a lock by: equal for two handles on the
// same lock object (file backend: device and inode).
struct LockId {
    uint64_t hi = 0;
    uint64_t lo = 0;
    bool operator==(const LockId &o) const { return hi == o.hi && lo == o.lo; }
};

// One lock object seen through one handle.  Not thread-safe; the handle
// serialises calls.
class LockEngine {
public:
    virtual ~LockEngine() = default;

    // One attempt without waiting: FL_OK (held now), FL_EBUSY, or an error.
    // Whatever an attempt opened stays open for the next one until
    // stop_waiting() or release().
    virtual int try_once() = 0;
    // Before the first sleep: arm whatever tells sleep() that something may
    // have changed.  The caller tries once more before sleeping.
    virtual void arm() = 0;
    // Sleep until the lock may have changed, `wake` (may be null) is
    // signalled, or `max_us` passed.
    virtual void sleep(int64_t max_us, const platform::Wakeup *wake) = 0;
    // Wait with no limit inside the OS: FL_OK (held), FL_EBUSY (try again:
    // the object changed under the wait), or an error.
    virtual int block() = 0;
    // A wait ended without the lock: drop what the attempts opened.
    virtual void stop_waiting() = 0;

    // The same-thread guard's key; valid after try_once() returned FL_OK or
    // FL_EBUSY.
    virtual LockId identity() const = 0;
    // Words naming the current holder for a message, " held by pid 12 on
    // host" style (leading space), "" when nothing is known.
    virtual std::string describe_holder() = 0;

    // Has the backend learnt, without asking anyone, that a held lock is no
    // longer ours (etcd: the lease's local deadline passed)?
    virtual bool lost() const { return false; }
    // One round trip while held: FL_OK (still ours), FL_ELOST, or an error
    // that leaves the question open (FL_EUNAVAIL).
    virtual int check() = 0;
    // While held: FL_OK with a number that grows with every new holder of
    // the lock object, or FL_ENOTSUP for a backend without one.
    virtual int fencing_token(int64_t *out) const = 0;

    // Full release; idempotent.  FL_ELOST when the lock had been lost.
    virtual int release() = 0;
    // Forked child: drop inherited resources without unlocking or removing.
    virtual void abandon() = 0;
    virtual const std::string &lock_path() const = 0;
};

// A backend as a whole: how its locks are made, and what it does before a
// batch run.
class Backend {
public:
    virtual ~Backend() = default;
    virtual const char *name() const = 0;
    // A lock protecting `target`: the backend derives its lock object.
    virtual int make(const std::string &target, const Options &opts,
                     std::unique_ptr<LockEngine> *out) const = 0;
    // A lock on the object `name` itself (an explicit lock file).  Errors
    // in `name` may wait for the first acquire when opts.defer_path_errors.
    virtual int make_explicit(const std::string &name, const Options &opts,
                              std::unique_ptr<LockEngine> *out) const = 0;
    // Is `name` (as given to fl_options_set_backend) well formed for this
    // backend?  FL_OK or FL_EINVAL with a message.
    virtual int validate(const std::string &name) const = 0;
    // The start-of-run cleanup (fl_cleanup_for_targets, a batch's start):
    // the lock-file backend removes stale lock files beside `targets`; a
    // backend whose crashed holders expire by themselves does nothing.
    virtual void clean_for_targets(const std::vector<std::string> &targets, const Options &opts,
                                   int64_t stale_threshold_ms, CleanReport *out) const = 0;

    // fl_is_locked(): 1, 0 or an error.
    virtual int is_locked(const std::string &target, const Options &opts) const = 0;
    // fl_wait_released(): FL_OK once not locked, FL_ETIMEDOUT, FL_ECANCELED, ...
    virtual int wait_released(const std::string &target, const Options &opts,
                              int64_t timeout_ms) const = 0;
    // fl_scan(): the locks under `where` (a directory for lock files; a lock
    // name or "" for all, for a backend with a key space).
    virtual int list(const std::string &where, const ScanOptions &opts, ScanResult *out) const = 0;
};

// Is `name` a backend this build has, well formed for it (Backend::validate)?
// FL_OK, FL_ENOTSUP or FL_EINVAL with a message.
int check_backend(const std::string &name);

// The backend `name` names ("" or "file": lock files; "etcd://...").
// FL_ENOTSUP with a message for a backend this build does not have.
int backend_for(const std::string &name, const Backend **out);
inline int backend_for(const Options &opts, const Backend **out)
{
    return backend_for(opts.backend, out);
}

} // namespace filelock
