#include "batch.hpp"

#include <algorithm>
#include <climits>
#include <memory>
#include <new>
#include <set>
#include <system_error>
#include <thread>

#include "cancel.hpp"
#include "duration.hpp"
#include "engine.hpp"
#include "error.hpp"
#include "filelock.h"
#include "lock.hpp"
#include "log.hpp"
#include "file/cleanup.hpp"
#include "file/paths.hpp"
#include "platform/platform.hpp"

namespace filelock {

namespace {

bool contention(int rc)
{
    return rc == FL_EBUSY || rc == FL_ETIMEDOUT;
}

} // namespace

// Keeps a run visible to cancel() exactly while it is in progress.
class Batch::Registration {
public:
    Registration(Batch &b, Run &run) : b_(b), run_(run)
    {
        std::lock_guard<std::mutex> g(b_.mu_);
        b_.runs_.push_back(&run_);
    }
    ~Registration()
    {
        std::lock_guard<std::mutex> g(b_.mu_);
        b_.runs_.erase(std::find(b_.runs_.begin(), b_.runs_.end(), &run_));
    }

private:
    Batch &b_;
    Run &run_;
};

Batch::Batch(const Config &cfg) : cfg_(cfg), opts_(cfg.to_options()) {}

int Batch::set_workers(size_t workers)
{
    if (workers > kMaxWorkers)
        return fail(FL_EINVAL, "workers must be 0 (number of CPUs) .. " + std::to_string(kMaxWorkers));
    std::lock_guard<std::mutex> g(mu_);
    settings_.workers = workers;
    return FL_OK;
}

void Batch::set_skip_locked(bool skip)
{
    std::lock_guard<std::mutex> g(mu_);
    settings_.skip_locked = skip;
}

void Batch::set_stop_on_failure(bool stop)
{
    std::lock_guard<std::mutex> g(mu_);
    settings_.stop_on_failure = stop;
}

void Batch::set_progress(ProgressFn fn)
{
    std::lock_guard<std::mutex> g(mu_);
    settings_.progress = std::move(fn);
}

Batch::Settings Batch::settings() const
{
    std::lock_guard<std::mutex> g(mu_);
    return settings_;
}

void Batch::stop(Run &run)
{
    run.cancel.fire();
}

void Batch::cancel()
{
    std::lock_guard<std::mutex> g(mu_);
    for (Run *r : runs_) stop(*r);
}

bool Batch::delay(Run &run, int64_t ms) const
{
    // The wake-up stays signalled once fired: a cancel that comes before
    // the sleep starts is not lost.
    if (run.cancel.fired()) return false;
    const int64_t until = platform::monotonic_us() + std::max<int64_t>(0, ms) * 1000;
    for (int64_t left; (left = until - platform::monotonic_us()) > 0;)
        if (run.cancel.wakeup()->wait(left)) return false;
    return !run.cancel.fired();
}

void Batch::mark_not_started(const Run &run, FileResult *r)
{
    r->status = FL_FILE_CANCELLED;
    r->code = FL_ECANCELED;
    r->attempts = 0;
    r->message = run.stopped.load() ? "not started: stopped after an earlier failure"
                                    : "not started: batch cancelled";
}

int Batch::acquire_with_retries(Lock &lock, Run &run, bool skip_locked, FileResult *r) const
{
    // The seed's policy: wait up to the timeout, and on contention try again
    // retry_attempts more times after retry_delay.  Skip mode looks once.
    const int64_t tries =
        skip_locked ? 1 : 1 + std::clamp<int64_t>(cfg_.retry_attempts, 0, INT_MAX - 1);
    const int64_t timeout = skip_locked ? 0 : cfg_.timeout_ms;
    int rc = FL_OK;
    for (int64_t attempt = 1;; ++attempt) {
        r->attempts = static_cast<int>(attempt);
        rc = lock.acquire(timeout, &run.cancel);
        if (rc == FL_OK) return FL_OK;
        if (!contention(rc) || attempt >= tries) break;
        if (log::enabled(FL_LOG_DEBUG))
            log::write(FL_LOG_DEBUG, "batch: " + last_error() + "; retrying in " +
                                         format_duration_ms(cfg_.retry_delay_ms) + " (attempt " +
                                         std::to_string(attempt + 1) + " of " +
                                         std::to_string(tries) + ")");
        if (!delay(run, cfg_.retry_delay_ms)) {
            rc = fail(FL_ECANCELED, "cancelled while waiting to retry " + lock.lock_path());
            break;
        }
    }
    r->code = rc;
    if (contention(rc) && skip_locked) {
        r->status = FL_FILE_SKIPPED;
        r->message = "skipped: " + last_error();
    } else if (contention(rc)) {
        r->status = FL_FILE_LOCKED_OUT;
        r->message = last_error() + " (gave up after " + std::to_string(r->attempts) +
                     (r->attempts == 1 ? " attempt)" : " attempts)");
        log::write(FL_LOG_WARN, "batch: locked out of " + r->path + ": " + r->message);
    } else if (rc == FL_ECANCELED) {
        r->status = FL_FILE_CANCELLED;
        r->message = last_error();
    } else {
        r->status = FL_FILE_ERROR;
        r->message = last_error();
    }
    return rc;
}

void Batch::process_file(const std::string &path, const ProcessFn &process, Run &run,
                         bool skip_locked, FileResult *r) const
{
    bool processed = false;  // the callback has run: its outcome must survive
    try {
        if (run.cancel.fired()) {
            mark_not_started(run, r);
            return;
        }
        std::unique_ptr<Lock> lock;
        if (cfg_.enabled) {
            if (int rc = Lock::create(path, opts_, &lock); rc != FL_OK) {
                r->status = FL_FILE_ERROR;
                r->code = rc;
                r->message = last_error();
                return;
            }
            const int64_t t0 = platform::monotonic_us();
            int rc = acquire_with_retries(*lock, run, skip_locked, r);
            r->lock_wait_us = platform::monotonic_us() - t0;
            if (rc != FL_OK) return;
        }
        const int64_t t0 = platform::monotonic_us();
        const int code = process(path);
        r->process_us = platform::monotonic_us() - t0;
        r->status = code == 0 ? FL_FILE_DONE : FL_FILE_FAILED;
        r->code = code;
        processed = true;
        if (lock) lock->release();  // only now: never while the callback runs
        r->message = code == 0 ? "done" : "callback returned " + std::to_string(code);
    } catch (const std::bad_alloc &) {
        if (!processed) {
            r->status = FL_FILE_ERROR;
            r->code = FL_ENOMEM;
        }
        r->message.clear();  // fits the small-string buffer: allocates nothing
        r->message = "out of memory";
    } catch (...) {
        // C callbacks throw nothing; a C++ caller's exception stops here so
        // that it cannot end a worker thread (and with it the process).
        if (!processed) {
            r->status = FL_FILE_ERROR;
            r->code = FL_EINTERNAL;
        }
        try {
            r->message = "internal error: exception while processing " + path;
        } catch (...) {
            r->message.clear();
        }
    }
}

void Batch::run(const std::vector<std::string> &paths, const ProcessFn &process,
                BatchResults *out)
{
    const int64_t start_us = platform::monotonic_us();
    const Settings s = settings();
    const size_t n = paths.size();
    BatchResults res;
    res.items.resize(n);
    for (size_t i = 0; i < n; ++i) res.items[i].path = paths[i];

    Run run;
    Registration reg(*this, run);
    if (cfg_.enabled && cfg_.cleanup_stale_locks) {
        const Backend *backend = nullptr;
        CleanReport rep;
        if (backend_for(opts_, &backend) == FL_OK)
            backend->clean_for_targets(paths, opts_, cfg_.stale_threshold_ms, &rep);
        clear_error();
        if (!rep.removed.empty() && log::enabled(FL_LOG_INFO))
            log::write(FL_LOG_INFO, "removed " + std::to_string(rep.removed.size()) +
                                        " stale lock file(s) before the run");
        for (const ScanError &e : rep.errors)
            log::write(FL_LOG_WARN, "stale lock cleanup skipped: " + e.message);
    }

    std::atomic<size_t> next{0};
    std::mutex progress_mu;  // serialises progress calls and orders `done`
    size_t done = 0;
    auto worker = [&]() noexcept {
        for (size_t i; (i = next.fetch_add(1)) < n;) {
            FileResult &r = res.items[i];
            process_file(paths[i], process, run, s.skip_locked, &r);
            if (s.stop_on_failure && (r.status == FL_FILE_FAILED || r.status == FL_FILE_ERROR)) {
                run.stopped.store(true);
                stop(run);
            }
            std::lock_guard<std::mutex> g(progress_mu);
            ++done;
            if (s.progress) {
                try {
                    s.progress(done, n);
                } catch (...) {  // see process_file: nothing may end a worker
                }
            }
        }
    };

    const size_t cpus = static_cast<size_t>(platform::cpu_count());
    const size_t wanted = std::min(s.workers ? s.workers : cpus, n);
    std::vector<std::thread> threads;
    threads.reserve(wanted);
    for (size_t k = 0; k < wanted; ++k) {
        try {
            threads.emplace_back(worker);
        } catch (const std::system_error &) {
            log::write(FL_LOG_WARN, "batch: could only start " + std::to_string(k) + " of " +
                                        std::to_string(wanted) + " worker threads");
            break;
        }
    }
    if (threads.empty()) worker();  // no thread at all: do the work here
    for (std::thread &t : threads) t.join();

    res.wall_us = platform::monotonic_us() - start_us;
    tally(&res);
    *out = std::move(res);
}

void Batch::run_one(const std::string &path, const ProcessFn &process, FileResult *out)
{
    const Settings s = settings();
    Run run;
    Registration reg(*this, run);
    FileResult r;
    r.path = path;
    process_file(path, process, run, s.skip_locked, &r);
    *out = std::move(r);
}

void tally(BatchResults *res)
{
    res->done = res->failed = res->locked_out = res->skipped = res->cancelled = res->errors = 0;
    for (const FileResult &r : res->items) {
        switch (r.status) {
        case FL_FILE_DONE: ++res->done; break;
        case FL_FILE_FAILED: ++res->failed; break;
        case FL_FILE_LOCKED_OUT: ++res->locked_out; break;
        case FL_FILE_SKIPPED: ++res->skipped; break;
        case FL_FILE_CANCELLED: ++res->cancelled; break;
        default: ++res->errors; break;
        }
    }
}

} // namespace filelock
