// Cancellation (fl_cancel): a waiting acquire or wait-released returns
// FL_ECANCELED when another thread fires, woken at once rather than at its
// next poll.  Every wait here polls once an hour, so a cancel that only
// took effect at the next poll would hang the test instead of passing it.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api.hpp"

using namespace filelock::test;

namespace {

constexpr int64_t kHourMs = 3600000;

// Tells the test when a wait has started: the library logs "waiting for"
// once per acquire, before its first sleep.
struct WaitSeen {
    std::mutex mu;
    std::condition_variable cv;
    bool seen = false;

    static void on_log(int, const char *msg, void *self)
    {
        auto *w = static_cast<WaitSeen *>(self);
        if (std::string(msg).rfind("waiting for", 0) != 0) return;
        std::lock_guard<std::mutex> g(w->mu);
        w->seen = true;
        w->cv.notify_all();
    }
    void wait()
    {
        std::unique_lock<std::mutex> lk(mu);
        cv.wait(lk, [&] { return seen; });
    }
};

fl::options_ptr waiting_options(fl_cancel *c)
{
    auto o = fl::make_options();
    fl_options_set_poll_interval_ms(o.get(), kHourMs);
    fl_options_set_cancel(o.get(), c);
    return o;
}

} // namespace

TEST(Cancel, FiringWakesAnAcquireThatIsAlreadyWaiting)
{
    TempDir d;
    auto holder = hold_in_process(d / "t");
    auto cancel = fl::make_cancel();
    auto o = waiting_options(cancel.get());
    WaitSeen seen;
    fl_log_set_level(FL_LOG_INFO);
    fl_log_set_callback(&WaitSeen::on_log, &seen);
    std::atomic<int> rc{1};
    std::thread waiter([&] {
        auto l = fl::make_lock(d / "t", o.get());
        rc = fl_acquire(l.get(), FL_WAIT_FOREVER);
    });
    seen.wait();
    ASSERT_EQ(fl_cancel_fire(cancel.get()), FL_OK);
    waiter.join();
    fl_log_set_callback(nullptr, nullptr);
    EXPECT_EQ(rc.load(), FL_ECANCELED);
    EXPECT_EQ(fl_cancel_is_fired(cancel.get()), 1);
}

TEST(Cancel, AFiredSourceStopsEveryWaitUntilReset)
{
    TempDir d;
    auto holder = hold_in_process(d / "t");
    auto cancel = fl::make_cancel();
    auto o = waiting_options(cancel.get());
    fl_cancel_fire(cancel.get());
    auto l = fl::make_lock(d / "t", o.get());
    EXPECT_EQ(fl_acquire(l.get(), FL_WAIT_FOREVER), FL_ECANCELED) << "fired before the wait";
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_ECANCELED) << "a try is a wait too";
    EXPECT_EQ(fl_wait_released((d / "t").c_str(), o.get(), FL_WAIT_FOREVER), FL_ECANCELED);
    ASSERT_EQ(fl_cancel_reset(cancel.get()), FL_OK);
    EXPECT_EQ(fl_cancel_is_fired(cancel.get()), 0);
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_EBUSY) << "reset: waits work again";
    holder.reset();  // the holder exits
    EXPECT_EQ(fl_acquire(l.get(), FL_WAIT_FOREVER), FL_OK);
    fl_release(l.get());
}

TEST(Cancel, FiringWakesAWaitForRelease)
{
    TempDir d;
    auto holder = hold_in_process(d / "t");
    auto cancel = fl::make_cancel();
    auto o = waiting_options(cancel.get());
    std::atomic<int> rc{1};
    std::atomic<bool> started{false};
    std::thread waiter([&] {
        started = true;
        rc = fl_wait_released((d / "t").c_str(), o.get(), FL_WAIT_FOREVER);
    });
    while (!started) std::this_thread::yield();
    fl_cancel_fire(cancel.get());  // before or during the wait: both end it
    waiter.join();
    EXPECT_EQ(rc.load(), FL_ECANCELED);
}

TEST(Cancel, OneSourceCancelsManyWaitersInManyHandles)
{
    TempDir d;
    auto holder = hold_in_process(d / "t");
    auto cancel = fl::make_cancel();
    auto o = waiting_options(cancel.get());
    std::vector<std::thread> waiters;
    std::atomic<int> cancelled{0};
    for (int i = 0; i < 4; ++i)
        waiters.emplace_back([&] {
            fl_options *mine = nullptr;
            fl_options_clone(&mine, o.get());
            fl_options_set_deadlock_check(mine, 0);
            auto l = fl::make_lock(d / "t", mine);
            fl_options_free(mine);
            if (fl_acquire(l.get(), FL_WAIT_FOREVER) == FL_ECANCELED) ++cancelled;
        });
    fl_cancel_fire(cancel.get());
    for (auto &t : waiters) t.join();
    EXPECT_EQ(cancelled.load(), 4);
}

TEST(Cancel, TheSourceLivesAsLongAsOptionsAndHandlesUseIt)
{
    TempDir d;
    fl_cancel *c = nullptr;
    ASSERT_EQ(fl_cancel_new(&c), FL_OK);
    auto o = waiting_options(c);
    auto l = fl::make_lock(d / "t", o.get());
    fl_cancel_free(c);  // the caller's reference only
    o.reset();
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_OK);
    fl_release(l.get());
}

TEST(Cancel, BadHandlesAreRefused)
{
    EXPECT_EQ(fl_cancel_new(nullptr), FL_EINVAL);
    EXPECT_EQ(fl_cancel_fire(nullptr), FL_EINVAL);
    EXPECT_EQ(fl_cancel_reset(nullptr), FL_EINVAL);
    EXPECT_EQ(fl_cancel_is_fired(nullptr), FL_EINVAL);
    auto o = fl::make_options();
    EXPECT_EQ(fl_options_set_cancel(o.get(), reinterpret_cast<fl_cancel *>(o.get())), FL_EINVAL);
    EXPECT_EQ(fl_options_set_cancel(o.get(), nullptr), FL_OK);
    fl_cancel_free(nullptr);
}
