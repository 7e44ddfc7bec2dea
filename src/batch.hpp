// batch.hpp - many files, a pool of worker threads, each file processed
// under its own lock with the config's policy (fl_batch behind the C API).
// Lock failures are per-file results, never a failure of the whole run.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "cancel.hpp"
#include "config.hpp"
#include "filelock.h"
#include "options.hpp"

namespace filelock {

// One file's outcome.  status is FL_FILE_*; code is the callback's return
// (FAILED), the FL_E* code behind LOCKED_OUT / SKIPPED / CANCELLED / ERROR,
// or 0 (DONE).
struct FileResult {
    std::string path;
    int status = FL_FILE_CANCELLED;  // until a worker reaches the file
    int code = FL_ECANCELED;
    int attempts = 0;          // lock attempts made; 0 when locking is off
    int64_t lock_wait_us = 0;  // obtaining the lock, retry delays included
    int64_t process_us = 0;    // inside the callback
    std::string message;
};

struct BatchResults {
    std::vector<FileResult> items;  // input order
    size_t done = 0, failed = 0, locked_out = 0, skipped = 0, cancelled = 0, errors = 0;
    int64_t wall_us = 0;
};

// The work on one file; 0 = success.  Runs while the file's lock is held.
using ProcessFn = std::function<int(const std::string &path)>;
using ProgressFn = std::function<void(size_t done, size_t total)>;

class Batch {
public:
    explicit Batch(const Config &cfg);
    Batch(const Batch &) = delete;
    Batch &operator=(const Batch &) = delete;

    // Settings are read once at the start of each run, so changing them
    // during a run affects only later runs.
    // 0 = number of CPUs; FL_EINVAL beyond kMaxWorkers.
    int set_workers(size_t workers);
    static constexpr size_t kMaxWorkers = 1024;
    void set_skip_locked(bool skip);
    void set_stop_on_failure(bool stop);
    void set_progress(ProgressFn fn);

    // Cancel every run of this batch that is in progress now (nested runs
    // started from callbacks included).  Safe from any thread.  A cancel
    // with no run in progress is not remembered for a later run.
    void cancel();

    // Run `process` on each path.  Throws only std::bad_alloc (before any
    // callback runs); per-file problems are in the results.
    void run(const std::vector<std::string> &paths, const ProcessFn &process,
             BatchResults *out);

    // One file, on the calling thread, with the same policy (no stale
    // cleanup: that belongs to the start of a batch).  `out->path` is set.
    void run_one(const std::string &path, const ProcessFn &process, FileResult *out);

    const Config &config() const { return cfg_; }

private:
    // One run's shared state: its cancellation source (also fired by stop
    // on failure), which ends lock waits and retry delays early.
    struct Run {
        Cancel cancel;
        std::atomic<bool> stopped{false};  // raised by stop-on-failure
    };
    struct Settings {
        size_t workers = 0;
        bool skip_locked = false;
        bool stop_on_failure = false;
        ProgressFn progress;
    };
    class Registration;  // adds a Run to runs_ for its lifetime

    Settings settings() const;
    void process_file(const std::string &path, const ProcessFn &process, Run &run,
                      bool skip_locked, FileResult *r) const;
    int acquire_with_retries(class Lock &lock, Run &run, bool skip_locked, FileResult *r) const;
    bool delay(Run &run, int64_t ms) const;  // false: cancelled during the delay
    static void stop(Run &run);  // fire the run's cancel
    static void mark_not_started(const Run &run, FileResult *r);

    Config cfg_;
    Options opts_;
    mutable std::mutex mu_;  // guards settings_ and runs_
    Settings settings_;
    std::vector<Run *> runs_;
};

// Count statuses into the totals of `res`.
void tally(BatchResults *res);

} // namespace filelock
