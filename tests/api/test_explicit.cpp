// Explicit lock files (fl_lock_new_file): the named file itself is the lock,
// as with flock(1), py-filelock and gofrs/flock; kept on release by default;
// a directory may be the lock object; path errors may wait for acquire.
#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>

#include "api.hpp"

using namespace filelock::test;

namespace {

bool exists(const std::string &p)
{
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0;
}

// flock(1) on `path` without waiting: its exit status.
int flock_tool(const std::string &path, const char *mode = "-x")
{
    std::string cmd = "flock -n " + std::string(mode) + " '" + path + "' true";
    int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

} // namespace

TEST(ExplicitFile, LocksTheNamedFileAgainstOtherProcessesAndKeepsIt)
{
    TempDir d;
    const std::string p = d / "job.lock";
    auto l = fl::make_file_lock(p);
    ASSERT_TRUE(l);
    EXPECT_EQ(std::string(fl_lock_path(l.get())), p);
    EXPECT_EQ(std::string(fl_lock_target_path(l.get())), "");
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    EXPECT_TRUE(exists(p));
    EXPECT_FALSE(exists(p + ".lock")) << "no derived lock file";
    EXPECT_EQ(try_from_child(p, true), -FL_EBUSY);
    EXPECT_NE(flock_tool(p), 0) << "flock(1) sees the same lock";
    ASSERT_EQ(fl_release(l.get()), FL_OK);
    EXPECT_TRUE(exists(p)) << "an explicit lock file is kept";
    EXPECT_EQ(try_from_child(p, true), FL_OK);
    EXPECT_EQ(flock_tool(p), 0);
}

TEST(ExplicitFile, ExcludesAHolderInAnotherProcess)
{
    TempDir d;
    const std::string p = d / "job.lock";
    auto holder = hold_in_process(p, {"file"});
    auto l = fl::make_file_lock(p);
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_EBUSY);
    holder.reset();
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_OK);
}

TEST(ExplicitFile, ItsDirectoryMayBeReachedThroughASymlink)
{
    TempDir d;
    ASSERT_EQ(::mkdir((d / "real").c_str(), 0755), 0);
    ASSERT_EQ(::symlink((d / "real").c_str(), (d / "link").c_str()), 0);
    auto l = fl::make_file_lock(d / "link/job.lock");
    ASSERT_TRUE(l) << fl_last_error_message();
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    EXPECT_TRUE(exists(d / "real/job.lock"));
    EXPECT_EQ(try_from_child(d / "real/job.lock", true), -FL_EBUSY) << "one file, two spellings";
}

TEST(ExplicitFile, RemovedOnReleaseOnlyWhenChosen)
{
    TempDir d;
    const std::string p = d / "job.lock";
    auto o = fl::make_options();
    fl_options_set_remove_on_release(o.get(), 1);
    auto l = fl::make_file_lock(p, o.get());
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    fl_release(l.get());
    EXPECT_FALSE(exists(p));
}

TEST(ExplicitFile, ADirectoryIsLockedReadOnlyAndNeverTouched)
{
    TempDir d;
    const std::string dir = d / "spool";
    ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
    write_file(dir + "/inside", "data");
    const Snapshot before = snapshot(dir);
    auto o = fl::make_options();
    fl_options_set_remove_on_release(o.get(), 1);  // asked for, and still never removed
    auto l = fl::make_file_lock(dir, o.get());
    ASSERT_TRUE(l);
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK) << fl_last_error_message();
    EXPECT_EQ(try_from_child(dir, true), -FL_EBUSY);
    EXPECT_NE(flock_tool(dir), 0);
    fl_release(l.get());
    EXPECT_EQ(snapshot(dir), before);
    EXPECT_EQ(read_file(dir + "/inside"), "data");
    EXPECT_EQ(try_from_child(dir, true), FL_OK);
}

TEST(ExplicitFile, ADirectoryTakesSharedHolders)
{
    TempDir d;
    const std::string dir = d / "spool";
    ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
    auto o = fl::make_options();
    fl_options_set_shared(o.get(), 1);
    auto l = fl::make_file_lock(dir, o.get());
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    EXPECT_EQ(try_from_child(dir, true, true), FL_OK) << "two readers";
    EXPECT_EQ(try_from_child(dir, true, false), -FL_EBUSY) << "a writer waits";
}

TEST(ExplicitFile, WithoutARecordAnyRegularFileIsLockedAndLeftAsItWas)
{
    TempDir d;
    const std::string p = d / "script.sh";
    write_file(p, "#!/bin/sh\necho hello\n");
    const Snapshot before = snapshot(p);
    auto o = fl::make_options();
    fl_options_set_write_record(o.get(), 0);
    auto l = fl::make_file_lock(p, o.get());
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK) << fl_last_error_message();
    EXPECT_EQ(snapshot(p), before) << "not written while held";
    EXPECT_EQ(try_from_child(p, true), -FL_EBUSY);
    fl_release(l.get());
    EXPECT_EQ(snapshot(p), before);
}

TEST(ExplicitFile, WithARecordAFileWithOtherContentIsRefusedUntouched)
{
    TempDir d;
    const std::string p = d / "data.json";
    write_file(p, "{\"a\": 1}\n");
    const Snapshot before = snapshot(p);
    auto l = fl::make_file_lock(p);
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_EUNSAFE);
    EXPECT_EQ(snapshot(p), before);
}

TEST(ExplicitFile, ASymlinkIsNotFollowed)
{
    TempDir d;
    write_file(d / "victim", "precious");
    ASSERT_EQ(::symlink((d / "victim").c_str(), (d / "link").c_str()), 0);
    auto o = fl::make_options();
    fl_options_set_write_record(o.get(), 0);
    auto l = fl::make_file_lock(d / "link", o.get());
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_EUNSAFE);
    EXPECT_EQ(read_file(d / "victim"), "precious");
}

TEST(ExplicitFile, PathErrorsComeAtOnceOrFromAcquireWhenDeferred)
{
    TempDir d;
    const std::string p = d / "missing/job.lock";
    int rc = 0;
    auto l = fl::make_file_lock(p, nullptr, &rc);
    EXPECT_EQ(rc, FL_ENOENT);
    EXPECT_FALSE(l);
    EXPECT_EQ(fl::make_file_lock("", nullptr, &rc), nullptr);
    EXPECT_EQ(rc, FL_EINVAL);

    auto o = fl::make_options();
    fl_options_set_defer_path_errors(o.get(), 1);
    auto later = fl::make_file_lock(p, o.get(), &rc);
    ASSERT_EQ(rc, FL_OK);
    EXPECT_EQ(fl_acquire(later.get(), 0), FL_ENOENT);
    EXPECT_NE(std::string(fl_last_error_message()).find("does not exist"), std::string::npos);
    EXPECT_EQ(fl_acquire(later.get(), FL_WAIT_FOREVER), FL_ENOENT) << "every acquire says so";
}

TEST(NoRecord, TheLockFileStaysEmptyAndQueriesStillSeeItHeld)
{
    TempDir d;
    auto o = fl::make_options();
    fl_options_set_write_record(o.get(), 0);
    auto l = fl::make_lock(d / "t", o.get());
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    EXPECT_EQ(read_file(d / "t.lock"), "");
    EXPECT_EQ(fl_is_locked((d / "t").c_str(), nullptr), 1);
    auto info = fl::read_lock_info(d / "t.lock", 0);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->held, 1);
    EXPECT_EQ(info->record_valid, 0);
    EXPECT_EQ(info->stale, 0) << "held: never stale";
    EXPECT_EQ(try_from_child(d / "t", false), -FL_EBUSY);
    fl_release(l.get());
    struct stat st;
    EXPECT_NE(::lstat((d / "t.lock").c_str(), &st), 0) << "removed on release as usual";
}

TEST(CreateMode, AppliesToACreatedFileAndNeverChmodsAnExistingOne)
{
    TempDir d;
    const mode_t old = ::umask(0);
    auto o = fl::make_options();
    fl_options_set_create_mode(o.get(), 0600);
    fl_options_set_remove_on_release(o.get(), 0);
    auto l = fl::make_lock(d / "t", o.get());
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    fl_release(l.get());
    struct stat st;
    ASSERT_EQ(::stat((d / "t.lock").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);

    ASSERT_EQ(::chmod((d / "t.lock").c_str(), 0640), 0);
    fl_options_set_create_mode(o.get(), 0666);
    auto again = fl::make_lock(d / "t", o.get());
    ASSERT_EQ(fl_acquire(again.get(), 0), FL_OK);
    fl_release(again.get());
    ASSERT_EQ(::stat((d / "t.lock").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u) << "existing file: mode left alone";

    fl_options_set_file_mode(o.get(), 0660);  // the 1.0 option does chmod
    auto chmodded = fl::make_lock(d / "t", o.get());
    ASSERT_EQ(fl_acquire(chmodded.get(), 0), FL_OK);
    fl_release(chmodded.get());
    ASSERT_EQ(::stat((d / "t.lock").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0660u);
    ::umask(old);
    EXPECT_EQ(fl_options_set_create_mode(o.get(), 010000), FL_EINVAL);
}

TEST(Backend, TheFileBackendByNameAndOthersAreNotSupported)
{
    TempDir d;
    auto o = fl::make_options();
    ASSERT_EQ(fl_options_set_backend(o.get(), "file"), FL_OK);
    auto l = fl::make_lock(d / "t", o.get());
    EXPECT_EQ(fl_acquire(l.get(), 0), FL_OK);
    ASSERT_EQ(fl_options_set_backend(o.get(), "zk://127.0.0.1:2181/locks"), FL_OK);
    int rc = 0;
    EXPECT_FALSE(fl::make_lock(d / "u", o.get(), &rc));
    EXPECT_EQ(rc, FL_ENOTSUP);
    EXPECT_NE(std::string(fl_last_error_message()).find("'zk' is not part of this build"), std::string::npos);
    EXPECT_EQ(fl_options_set_backend(nullptr, "file"), FL_EINVAL);
}
