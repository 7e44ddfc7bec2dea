// batch_fixtures.hpp - what the batch GoogleTest suites share: a config
// with small numbers, files in a temp dir, a lock held by this thread, a
// one-shot event, and a tap on the library's log that tests wait on (the
// library says what it is about to do, so tests synchronise on states,
// never on sleeps).
#pragma once

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "batch.hpp"
#include "lock.hpp"
#include "log.hpp"
#include "tempdir.hpp"

namespace filelock::test {

// Small numbers so contention resolves quickly; no test asserts on time.
inline Config quick()
{
    Config c;
    c.timeout_ms = 50;
    c.retry_attempts = 2;
    c.retry_delay_ms = 10;
    c.cleanup_stale_locks = false;
    return c;
}

inline std::vector<std::string> make_files(const TempDir &d, int n)
{
    std::vector<std::string> v;
    for (int i = 0; i < n; ++i) {
        v.push_back(d / ("f" + std::to_string(i)));
        write_file(v.back(), "x");
    }
    return v;
}

inline std::unique_ptr<Lock> hold(const std::string &target)
{
    std::unique_ptr<Lock> l;
    EXPECT_EQ(Lock::create(target, Options(), &l), FL_OK);
    EXPECT_EQ(l->acquire(0), FL_OK);
    return l;
}

inline bool exists(const std::string &p)
{
    struct stat st;
    return lstat(p.c_str(), &st) == 0;
}

// A one-shot event between threads.
class Event {
public:
    void set()
    {
        std::lock_guard<std::mutex> g(mu_);
        set_ = true;
        cv_.notify_all();
    }
    void wait()
    {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return set_; });
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool set_ = false;
};

// Routes library log messages to a test while it lives: records them and
// fires `seen` at the first one containing `needle`.
class LogTap {
public:
    LogTap(int level, std::string needle) : needle_(std::move(needle))
    {
        old_level_ = log::level();
        log::set_level(level);
        log::set_callback(&LogTap::cb, this);
    }
    ~LogTap()
    {
        log::set_callback(nullptr, nullptr);
        log::set_level(old_level_);
    }
    std::vector<std::pair<int, std::string>> messages()
    {
        std::lock_guard<std::mutex> g(mu_);
        return messages_;
    }
    Event seen;

private:
    static void cb(int level, const char *msg, void *self)
    {
        auto *t = static_cast<LogTap *>(self);
        std::lock_guard<std::mutex> g(t->mu_);
        t->messages_.emplace_back(level, msg);
        if (!t->fired_ && !t->needle_.empty() && std::string(msg).find(t->needle_) != std::string::npos) {
            t->fired_ = true;
            t->seen.set();
        }
    }
    std::string needle_;
    int old_level_ = FL_LOG_WARN;
    std::mutex mu_;
    std::vector<std::pair<int, std::string>> messages_;
    bool fired_ = false;
};

} // namespace filelock::test
