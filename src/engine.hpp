// engine.hpp - the interface every lock backend implements.  Today the only
// backend is the lock file (src/file/file_engine.cpp); a coordination-service backend
// (etcd: lease + revision) will implement the same interface, so handles,
// batch and CLI do not change.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace filelock {

class LockEngine {
public:
    virtual ~LockEngine() = default;
    // timeout_ms: 0 one attempt, < 0 no limit, > 0 limit.  `cancel` (may be
    // null) ends a wait early with FL_ECANCELED.  Returns FL_* codes.
    virtual int acquire(int64_t timeout_ms, const std::atomic<bool> *cancel) = 0;
    // Full release; idempotent.
    virtual int release() = 0;
    // Forked child: drop inherited resources without unlocking or removing.
    virtual void abandon() = 0;
    virtual bool held() const = 0;
    virtual const std::string &lock_path() const = 0;
};

} // namespace filelock
