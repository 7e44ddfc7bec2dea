// Wrong answers at the edges: huge timeouts (safety item 7), names that try
// to write record lines (item 8), impossible times (item 10), a holder whose
// main thread has exited (item 11), and what a config file may cost
// (item 12).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "child.hpp"
#include "safety.hpp"

using namespace filelock::test;

namespace {

void set_mtime(const std::string &path, time_t sec)
{
    struct timespec t[2] = {{sec, 0}, {sec, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), t, 0), 0);
}

} // namespace

TEST(Timeouts, HugeTimeoutsWaitInsteadOfTimingOutAtOnce)
{
    TempDir d;
    const int64_t huge[] = {INT64_MAX, INT64_MAX - 1, 10000000000000000LL /* 1e13 s */,
                            3155760000001LL /* a century and a millisecond */};
    for (int64_t t : huge) {
        SCOPED_TRACE(t);
        Child holder({g_locker, "hold", d / "t"});
        ASSERT_EQ(holder.read_line().rfind("held ", 0), 0u);
        std::atomic<int> result{1};
        std::thread waiter([&] {
            LockPtr l = make_lock(d / "t");
            int rc = fl_acquire(l.get(), t);
            result = rc;
        });
        ::usleep(200000);
        EXPECT_EQ(result.load(), 1) << "returned " << fl_strerror(result) << " before the release";
        holder.close_stdin();
        waiter.join();
        EXPECT_EQ(result.load(), FL_OK);
        EXPECT_EQ(holder.exit_code(), 0);
    }
    // The same through the handle's default and through wait_released.
    OptionsPtr o = make_options();
    ASSERT_EQ(fl_options_set_timeout_ms(o.get(), INT64_MAX), FL_OK);
    LockPtr l = make_lock(d / "t", o.get());
    EXPECT_EQ(fl_acquire(l.get(), FL_WAIT_DEFAULT), FL_OK);
    fl_release(l.get());
    EXPECT_EQ(fl_wait_released((d / "t").c_str(), nullptr, INT64_MAX), FL_OK);
}

TEST(RecordInjection, ATargetNameCannotWriteRecordLines)
{
    TempDir d;
    ::mkdir((d / "locks").c_str(), 0755);
    OptionsPtr o = make_options();
    fl_options_set_lock_dir(o.get(), (d / "locks").c_str());
    fl_options_set_remove_on_release(o.get(), 0);
    const std::string target = d / "x\nhost=elsewhere\nboot=other\nstart=1\n";
    char *lp = nullptr;
    ASSERT_EQ(fl_lock_path_for(target.c_str(), o.get(), &lp), FL_OK);
    const std::string lock = lp;
    fl_free(lp);
    // A holder that dies holding it: its record stays.
    EXPECT_EQ(in_child([&] {
                  LockPtr l = make_lock(target, o.get());
                  if (fl_acquire(l.get(), 0) != FL_OK) return 1;
                  _exit(0);
              }),
              0);
    fl_lock_info *info = nullptr;
    ASSERT_EQ(fl_lock_info_read(lock.c_str(), 0, &info), FL_OK);
    EXPECT_EQ(std::string(info->host), host_name());
    EXPECT_STRNE(info->boot_id, "other") << "boot= came from the name";
    EXPECT_EQ(std::string(info->target_path), target);
    EXPECT_EQ(info->holder, FL_HOLDER_DEAD);
    EXPECT_EQ(info->stale, 1) << info->reason;
    fl_lock_info_free(info);
    EXPECT_EQ(read_file(lock).find("\nhost=elsewhere"), std::string::npos);
}

TEST(ImpossibleTimes, AreUnknownAgesAndNeverStale)
{
    TempDir d;
    const std::string dead = std::to_string(dead_pid());
    struct Case {
        const char *name;
        std::string record;
        time_t mtime;  // 0: leave it
        int stale;
    };
    const Case cases[] = {
        {"mtime before the epoch", dead + "\n", -2147483647L, 0},
        {"mtime centuries ahead", dead + "\n", 15032385535L, 0},
        {"acquired= at the end of int64", dead + "\nv=1\nhost=" + host_name() + "\nacquired=9223372036854775807\n", 0, 0},
        {"acquired= a year ahead", dead + "\nv=1\nhost=" + host_name() + "\nacquired=" +
                                       std::to_string((::time(nullptr) + 366 * 86400) * 1000LL) + "\n", 0, 0},
        {"acquired= at the epoch is possible", dead + "\nv=1\nhost=" + host_name() + "\nacquired=0\n", 0, 1},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.name);
        const std::string lock = d / "t.lock";
        write_file(lock, c.record);
        if (c.mtime) set_mtime(lock, c.mtime);
        fl_lock_info *info = nullptr;
        ASSERT_EQ(fl_lock_info_read(lock.c_str(), 0, &info), FL_OK);
        EXPECT_GE(info->age_ms, 0);
        EXPECT_EQ(info->stale, c.stale) << info->reason;
        if (!c.stale) {
            EXPECT_NE(std::string(info->reason).find("impossible"), std::string::npos) << info->reason;
        }
        fl_lock_info_free(info);
        int64_t age = -1;
        EXPECT_EQ(fl_lock_age_ms(lock.c_str(), &age), FL_OK);
        EXPECT_GE(age, 0);
        EXPECT_EQ(fl_is_stale(lock.c_str(), 0), c.stale);
        EXPECT_EQ(fl_remove_if_stale(lock.c_str(), 0), c.stale);
    }
}

TEST(Liveness, AHolderWhoseMainThreadExitedIsAlive)
{
    TempDir d;
    Child holder({g_locker, "pexit", d / "t"});
    std::string line = holder.read_line();
    ASSERT_EQ(line.rfind("held ", 0), 0u) << line;
    const int64_t pid = std::stoll(line.substr(5));
    // Its main thread is gone: wait until the kernel shows the leader as Z.
    for (int i = 0; i < 5000; ++i) {
        std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
        std::string all((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
        size_t close = all.rfind(')');
        if (close != std::string::npos && close + 2 < all.size() && all[close + 2] == 'Z') break;
        ::usleep(1000);
    }
    EXPECT_EQ(fl_process_is_running(pid), 1);
    fl_lock_info *info = nullptr;
    ASSERT_EQ(fl_lock_info_read((d / "t.lock").c_str(), 0, &info), FL_OK);
    EXPECT_EQ(info->holder, FL_HOLDER_ALIVE) << info->reason;
    fl_lock_info_free(info);
    holder.close_stdin();
    EXPECT_EQ(holder.exit_code(), 0);
}

namespace {
std::mutex g_log_mu;
std::string g_log;
void capture(int, const char *msg, void *)
{
    std::lock_guard<std::mutex> g(g_log_mu);
    g_log += msg;
    g_log += '\n';
}
} // namespace

TEST(Config, AFifoGivenAsTheConfigIsRefusedWithoutBlocking)
{
    TempDir d;
    ASSERT_EQ(::mkfifo((d / "cfg").c_str(), 0644), 0);
    int rc = in_child([&] {
        ::alarm(20);  // a blocked open would end here (SIGALRM), failing the test
        fl_config *cfg = nullptr;
        return fl_config_load_file(&cfg, (d / "cfg").c_str(), 0) == FL_ECONFIG ? 0 : 1;
    });
    EXPECT_EQ(rc, 0);
}

TEST(Config, SizeIsCappedAndALargeLegalFileUnderTheCapLoads)
{
    TempDir d;
    {
        std::ofstream f(d / "big.yaml");
        f << "other:\n";
        for (int i = 0; i < 300000; ++i) f << "  key" << i << ": " << i << "\n";
        f << "file_locking:\n  timeout_seconds: 7\n";
    }
    fl_config *cfg = nullptr;
    EXPECT_EQ(fl_config_load_file(&cfg, (d / "big.yaml").c_str(), 0), FL_ECONFIG);
    EXPECT_NE(std::string(fl_last_error_message()).find("larger than"), std::string::npos)
        << fl_last_error_message();
    {
        std::ofstream f(d / "ok.yaml");
        f << "other:\n";
        for (int i = 0; i < 30000; ++i) f << "  key" << i << ": " << i << "\n";
        f << "file_locking:\n  timeout_seconds: 7\n";
    }
    ASSERT_EQ(fl_config_load_file(&cfg, (d / "ok.yaml").c_str(), 0), FL_OK) << fl_last_error_message();
    char *v = nullptr;
    ASSERT_EQ(fl_config_get(cfg, "timeout_seconds", &v), FL_OK);
    EXPECT_STREQ(v, "7");
    fl_free(v);
    fl_config_free(cfg);
}

TEST(Config, AMisspeltEnvironmentVariableIsReportedWithASuggestion)
{
    ::setenv("FILELOCK_TIMEOUT", "5", 1);
    fl_log_set_callback(capture, nullptr);
    fl_config *cfg = nullptr;
    EXPECT_EQ(fl_config_new(&cfg, 0), FL_OK);
    fl_config_free(cfg);
    fl_log_set_callback(nullptr, nullptr);
    ::unsetenv("FILELOCK_TIMEOUT");
    std::lock_guard<std::mutex> g(g_log_mu);
    EXPECT_NE(g_log.find("FILELOCK_TIMEOUT is not a filelock setting"), std::string::npos) << g_log;
    EXPECT_NE(g_log.find("did you mean FILELOCK_TIMEOUT_SECONDS?"), std::string::npos) << g_log;
}
