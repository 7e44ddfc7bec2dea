// Batch policy inside one process: result order, lock failures as per-file
// results, skip mode, cancellation of waits and delays, progress, stop on
// failure, locking switched off, exceptions kept inside workers.  Contention
// comes from a Lock held by the test thread (workers are other threads, so
// they contend as another process would); the C API suite repeats the
// important cases with real processes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <new>
#include <thread>

#include "batch_fixtures.hpp"
#include "file/query.hpp"

using namespace filelock;
using namespace filelock::test;


TEST(Batch, ResultsComeBackInInputOrderNotCompletionOrder)
{
    TempDir d;
    auto files = make_files(d, 2);
    // File 0 cannot finish before file 1 has: completion order is 1, 0.
    Event second_done;
    Batch b(quick());
    b.set_workers(2);
    BatchResults res;
    b.run(files, [&](const std::string &p) {
        if (p == files[0]) {
            second_done.wait();
            return 10;
        }
        second_done.set();
        return 11;
    }, &res);
    ASSERT_EQ(res.items.size(), 2u);
    EXPECT_EQ(res.items[0].path, files[0]);
    EXPECT_EQ(res.items[0].code, 10);
    EXPECT_EQ(res.items[1].path, files[1]);
    EXPECT_EQ(res.items[1].code, 11);
    EXPECT_EQ(res.failed, 2u);
}

TEST(Batch, LockedFileIsLockedOutAfterRetriesAndTheRestIsProcessed)
{
    TempDir d;
    auto files = make_files(d, 5);
    auto held = hold(files[2]);
    LogTap tap(FL_LOG_WARN, "");
    Batch b(quick());
    b.set_workers(2);
    BatchResults res;
    std::atomic<int> calls{0};
    b.run(files, [&](const std::string &) { return ++calls, 0; }, &res);
    EXPECT_EQ(calls.load(), 4) << "the callback never runs without the lock";
    EXPECT_EQ(res.done, 4u);
    EXPECT_EQ(res.locked_out, 1u);
    const FileResult &r = res.items[2];
    EXPECT_EQ(r.status, FL_FILE_LOCKED_OUT);
    EXPECT_EQ(r.code, FL_ETIMEDOUT);
    EXPECT_EQ(r.attempts, 3) << "1 + retry_attempts";
    EXPECT_NE(r.message.find("pid " + std::to_string(getpid())), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("3 attempts"), std::string::npos) << r.message;
    int warnings = 0;
    for (auto &[level, msg] : tap.messages())
        if (level == FL_LOG_WARN && msg.find(files[2]) != std::string::npos &&
            msg.find("pid " + std::to_string(getpid())) != std::string::npos)
            ++warnings;
    EXPECT_EQ(warnings, 1) << "one warning naming path and holder";
    EXPECT_EQ(res.items[0].attempts, 1);
}

TEST(Batch, SkipModeLooksOnceAndSkips)
{
    TempDir d;
    auto files = make_files(d, 3);
    auto held = hold(files[1]);
    Config c = quick();
    c.timeout_ms = 3600000;  // would hang the test if skip mode waited
    Batch b(c);
    b.set_skip_locked(true);
    BatchResults res;
    b.run(files, [&](const std::string &) { return 0; }, &res);
    EXPECT_EQ(res.items[1].status, FL_FILE_SKIPPED);
    EXPECT_EQ(res.items[1].code, FL_EBUSY);
    EXPECT_EQ(res.items[1].attempts, 1);
    EXPECT_EQ(res.skipped, 1u);
    EXPECT_EQ(res.done, 2u);
}

TEST(Batch, LockErrorsOtherThanContentionAreErrors)
{
    TempDir d;
    auto files = make_files(d, 2);
    files.insert(files.begin() + 1, d / "missing-dir/f");
    Batch b(quick());
    BatchResults res;
    b.run(files, [&](const std::string &) { return 0; }, &res);
    EXPECT_EQ(res.items[1].status, FL_FILE_ERROR);
    EXPECT_EQ(res.items[1].code, FL_ENOENT);
    EXPECT_NE(res.items[1].message.find("missing-dir"), std::string::npos);
    EXPECT_EQ(res.done, 2u);
    EXPECT_EQ(res.errors, 1u);
}

TEST(Batch, CancelLetsTheFileInFlightFinishAndCancelsTheRest)
{
    TempDir d;
    auto files = make_files(d, 6);
    Event entered, go;
    Batch b(quick());
    b.set_workers(1);
    BatchResults res;
    std::thread runner([&] {
        b.run(files, [&](const std::string &p) {
            if (p == files[0]) {
                entered.set();
                go.wait();
            }
            return 0;
        }, &res);
    });
    entered.wait();
    b.cancel();
    go.set();
    runner.join();
    EXPECT_EQ(res.items[0].status, FL_FILE_DONE);
    for (size_t i = 1; i < files.size(); ++i) {
        EXPECT_EQ(res.items[i].status, FL_FILE_CANCELLED) << i;
        EXPECT_EQ(res.items[i].attempts, 0) << i;
    }
    EXPECT_EQ(res.cancelled, files.size() - 1);
}

namespace {

// Batch over one file this thread holds; cancel once the log says `needle`
// (the library logs it just before the wait under test begins).
FileResult cancel_when_logged(const Config &c, int level, const char *needle)
{
    TempDir d;
    auto files = make_files(d, 1);
    auto held = hold(files[0]);
    LogTap tap(level, needle);
    Batch b(c);
    BatchResults res;
    std::thread runner([&] { b.run(files, [](const std::string &) { return 0; }, &res); });
    tap.seen.wait();
    b.cancel();
    runner.join();
    return res.items.at(0);
}

} // namespace

TEST(Batch, CancelEndsALockWait)
{
    Config c = quick();
    c.timeout_ms = 3600000;  // a wait the cancel flag does not end fails by timeout
    FileResult r = cancel_when_logged(c, FL_LOG_INFO, "waiting for");
    EXPECT_EQ(r.status, FL_FILE_CANCELLED);
    EXPECT_EQ(r.code, FL_ECANCELED);
    EXPECT_EQ(r.attempts, 1);
}

TEST(Batch, CancelEndsARetryDelay)
{
    Config c = quick();
    c.retry_delay_ms = 3600000;  // a sleep instead of a cancellable wait fails by timeout
    FileResult r = cancel_when_logged(c, FL_LOG_DEBUG, "retrying in");
    EXPECT_EQ(r.status, FL_FILE_CANCELLED);
    EXPECT_EQ(r.attempts, 1) << "no second attempt after the cancel";
}

TEST(Batch, ProgressIsSerialisedMonotonicAndComplete)
{
    TempDir d;
    auto files = make_files(d, 60);
    std::atomic<bool> inside{false};
    std::atomic<int> overlaps{0};
    std::vector<size_t> seen;  // written only inside the (serialised) callback
    Batch b(quick());
    b.set_workers(4);
    b.set_progress([&](size_t done, size_t total) {
        if (inside.exchange(true)) ++overlaps;
        EXPECT_EQ(total, files.size());
        seen.push_back(done);
        std::this_thread::yield();  // widen the window an overlap would need
        inside = false;
    });
    BatchResults res;
    b.run(files, [](const std::string &) { return 0; }, &res);
    EXPECT_EQ(overlaps.load(), 0);
    ASSERT_EQ(seen.size(), files.size());
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

TEST(Batch, StopOnFailureStartsNothingAfterTheFirstFailure)
{
    TempDir d;
    auto files = make_files(d, 8);
    Batch b(quick());
    b.set_workers(1);
    b.set_stop_on_failure(true);
    BatchResults res;
    std::atomic<int> calls{0};
    b.run(files, [&](const std::string &p) { return ++calls, p == files[2] ? 5 : 0; }, &res);
    EXPECT_EQ(calls.load(), 3);
    EXPECT_EQ(res.items[1].status, FL_FILE_DONE);
    EXPECT_EQ(res.items[2].status, FL_FILE_FAILED);
    EXPECT_EQ(res.items[2].code, 5);
    for (size_t i = 3; i < files.size(); ++i) {
        EXPECT_EQ(res.items[i].status, FL_FILE_CANCELLED);
        EXPECT_NE(res.items[i].message.find("stopped"), std::string::npos);
    }
}

TEST(Batch, WithoutStopOnFailureEveryFileRuns)
{
    TempDir d;
    auto files = make_files(d, 4);
    Batch b(quick());
    b.set_workers(1);
    BatchResults res;
    b.run(files, [&](const std::string &p) { return p == files[0] ? 1 : 0; }, &res);
    EXPECT_EQ(res.failed, 1u);
    EXPECT_EQ(res.done, 3u);
}

TEST(Batch, DisabledRunsWithoutLockingAnything)
{
    TempDir d;
    auto files = make_files(d, 3);
    auto held = hold(files[0]);  // ignored when locking is off
    Config c = quick();
    c.enabled = false;
    Batch b(c);
    BatchResults res;
    std::atomic<int> lock_files{0};
    b.run(files, [&](const std::string &p) {
        if (p != files[0] && exists(p + ".lock")) ++lock_files;
        return 0;
    }, &res);
    EXPECT_EQ(res.done, 3u);
    EXPECT_EQ(lock_files.load(), 0);
    EXPECT_EQ(res.items[0].attempts, 0);
    EXPECT_FALSE(exists(files[1] + ".lock"));
}

TEST(Batch, LockIsHeldDuringTheCallbackAndReleasedAfter)
{
    TempDir d;
    auto files = make_files(d, 4);
    Batch b(quick());
    b.set_workers(2);
    BatchResults res;
    std::atomic<int> held_inside{0};
    b.run(files, [&](const std::string &p) {
        if (is_locked(p + ".lock") == 1) ++held_inside;
        return 0;
    }, &res);
    EXPECT_EQ(held_inside.load(), 4);
    for (auto &f : files) EXPECT_FALSE(exists(f + ".lock"));
}

TEST(Batch, RunOneHasTheSamePolicy)
{
    TempDir d;
    auto files = make_files(d, 2);
    auto held = hold(files[0]);
    Batch b(quick());
    FileResult r;
    // run_one works on the calling thread: contend from another one.
    auto on_thread = [&](const std::string &path, const ProcessFn &fn) {
        std::thread([&] { b.run_one(path, fn, &r); }).join();
    };
    on_thread(files[0], [](const std::string &) { return 0; });
    EXPECT_EQ(r.path, files[0]);
    EXPECT_EQ(r.status, FL_FILE_LOCKED_OUT);
    EXPECT_EQ(r.attempts, 3);
    on_thread(files[1], [&](const std::string &p) { return is_locked(p + ".lock") == 1 ? 0 : 9; });
    EXPECT_EQ(r.status, FL_FILE_DONE);
    b.set_skip_locked(true);
    on_thread(files[0], [](const std::string &) { return 0; });
    EXPECT_EQ(r.status, FL_FILE_SKIPPED);
    // The calling thread itself holds files[0]: an error at once, not a wait.
    b.set_skip_locked(false);
    b.run_one(files[0], [](const std::string &) { return 0; }, &r);
    EXPECT_EQ(r.status, FL_FILE_ERROR);
    EXPECT_EQ(r.code, FL_EDEADLK);
}

TEST(Batch, ExceptionsStayInsideTheFileThatThrewThem)
{
    TempDir d;
    auto files = make_files(d, 3);
    Batch b(quick());
    b.set_workers(2);
    BatchResults res;
    b.run(files, [&](const std::string &p) -> int {
        if (p == files[0]) throw std::bad_alloc();
        if (p == files[1]) throw std::runtime_error("boom");
        return 0;
    }, &res);
    EXPECT_EQ(res.items[0].status, FL_FILE_ERROR);
    EXPECT_EQ(res.items[0].code, FL_ENOMEM);
    EXPECT_EQ(res.items[1].status, FL_FILE_ERROR);
    EXPECT_EQ(res.items[1].code, FL_EINTERNAL);
    EXPECT_EQ(res.items[2].status, FL_FILE_DONE);
    EXPECT_FALSE(exists(files[0] + ".lock")) << "the lock is released on the way out";
}

TEST(Batch, EmptyInputGivesEmptyResults)
{
    Batch b(quick());
    BatchResults res;
    b.run({}, [](const std::string &) { return 0; }, &res);
    EXPECT_TRUE(res.items.empty());
}
