// The win32 platform layer, white box: lock ranges, identity, safe opens
// and removal, listing, liveness, paths, waits; and, through the call table
// (win32_detail.hpp), the behaviours of real Windows that Wine does not
// reproduce: delete-pending names, a lock call that reports I/O pending,
// ERROR_NOT_LOCKED on unlock, a file system without POSIX-semantics
// deletion, and the mandatory-locking range.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "error.hpp"
#include "file/query.hpp"
#include "lock.hpp"
#include "options.hpp"
#include "platform/platform.hpp"
#include "platform/win32/win32_detail.hpp"

using namespace filelock;
namespace pf = filelock::platform;
namespace pd = filelock::platform::detail;

namespace {

class TempDir {
public:
    TempDir()
    {
        static unsigned n;
        wchar_t tmp[MAX_PATH];
        GetTempPathW(MAX_PATH, tmp);
        std::wstring w;
        do {  // Wine reuses small PIDs: a name left by an earlier run is skipped
            path_ = pd::to_utf8(tmp) + "flplat-" + std::to_string(GetCurrentProcessId()) + "-" + std::to_string(n++);
            pd::to_wide(path_, &w);
        } while (!CreateDirectoryW(w.c_str(), nullptr) && GetLastError() == ERROR_ALREADY_EXISTS);
    }
    ~TempDir() { remove_tree(path_); }
    std::string operator/(const std::string &name) const { return path_ + "\\" + name; }
    const std::string &path() const { return path_; }

    static void remove_tree(const std::string &dir)
    {
        std::wstring w;
        pd::to_wide(dir + "\\*", &w);
        WIN32_FIND_DATAW fd;
        HANDLE f = FindFirstFileW(w.c_str(), &fd);
        if (f != INVALID_HANDLE_VALUE) {
            do {
                std::string n = pd::to_utf8(fd.cFileName);
                if (n == "." || n == "..") continue;
                std::wstring p;
                pd::to_wide(dir + "\\" + n, &p);
                if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) remove_tree(dir + "\\" + n);
                else DeleteFileW(p.c_str());
            } while (FindNextFileW(f, &fd));
            FindClose(f);
        }
        pd::to_wide(dir, &w);
        RemoveDirectoryW(w.c_str());
    }

private:
    std::string path_;
};

std::wstring wide(const std::string &s)
{
    std::wstring w;
    pd::to_wide(s, &w);
    return w;
}

bool exists(const std::string &p)
{
    return GetFileAttributesW(wide(p).c_str()) != INVALID_FILE_ATTRIBUTES;
}

void write_file(const std::string &p, const std::string &text)
{
    HANDLE h = CreateFileW(wide(p).c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    ASSERT_NE(h, INVALID_HANDLE_VALUE);
    DWORD n;
    WriteFile(h, text.data(), static_cast<DWORD>(text.size()), &n, nullptr);
    CloseHandle(h);
}

std::string read_file(const std::string &p)
{
    std::string text;
    std::string kind;
    pf::read_regular_file(p, 1 << 20, &text, &kind);
    return text;
}

std::unique_ptr<Lock> make(const std::string &target, Options o = {})
{
    std::unique_ptr<Lock> l;
    EXPECT_EQ(Lock::create(target, o, &l), FL_OK) << last_error();
    return l;
}

pf::Handle open_lock(const pf::Dir &d, const std::string &name, pf::FileStat *st = nullptr)
{
    pf::OpenHow how;
    how.create = true;
    pf::FileStat local;
    pf::Handle h = pf::kInvalid;
    EXPECT_EQ(d.open_lock(name, how, &h, st ? st : &local), FL_OK) << last_error();
    return h;
}

// One uncontended cycle on d/t.txt: acquired, released, its lock file gone.
void cycle_removes_the_file(const TempDir &d)
{
    auto l = make(d / "t.txt");
    ASSERT_EQ(l->acquire(0), FL_OK) << last_error();
    EXPECT_EQ(l->release(), FL_OK);
    EXPECT_FALSE(exists(d / "t.txt.lock"));
}

// Puts the real call table back when a test ends, whatever it swapped.
struct RestoreCalls {
    ~RestoreCalls() { pd::calls() = pd::real_calls(); }
};

// --- injected behaviours ----------------------------------------------------

std::atomic<int> g_pending_opens{0};   // opens of a "*.lock" name still to fail
std::atomic<int> g_pending_seen{0};

NTSTATUS NTAPI pending_create(PHANDLE h, ACCESS_MASK a, POBJECT_ATTRIBUTES oa, PIO_STATUS_BLOCK io,
                              PLARGE_INTEGER size, ULONG attrs, ULONG share, ULONG disp, ULONG opts,
                              PVOID ea, ULONG ea_len)
{
    std::wstring name(oa->ObjectName->Buffer, oa->ObjectName->Length / sizeof(wchar_t));
    if (name.size() > 5 && name.compare(name.size() - 5, 5, L".lock") == 0 && g_pending_opens > 0) {
        --g_pending_opens;
        ++g_pending_seen;
        return static_cast<NTSTATUS>(0xC0000056);  // STATUS_DELETE_PENDING
    }
    return pd::real_calls().nt_create_file(h, a, oa, io, size, attrs, share, disp, opts, ea, ea_len);
}

std::atomic<int> g_lock_calls{0};
std::atomic<uint64_t> g_lock_offset{0};
std::atomic<DWORD> g_lock_length{0};

BOOL WINAPI pending_lock(HANDLE, DWORD, DWORD, DWORD, DWORD, LPOVERLAPPED)
{
    ++g_lock_calls;
    SetLastError(ERROR_IO_PENDING);
    return FALSE;
}

BOOL WINAPI recording_lock(HANDLE h, DWORD flags, DWORD r, DWORD lo, DWORD hi, LPOVERLAPPED ov)
{
    ++g_lock_calls;
    g_lock_offset = (static_cast<uint64_t>(ov->OffsetHigh) << 32) | ov->Offset;
    g_lock_length = lo;
    return pd::real_calls().lock_file_ex(h, flags, r, lo, hi, ov);
}

std::atomic<int> g_unlock_calls{0};

BOOL WINAPI not_locked_unlock(HANDLE h, DWORD r, DWORD lo, DWORD hi, LPOVERLAPPED ov)
{
    ++g_unlock_calls;
    pd::real_calls().unlock_file_ex(h, r, lo, hi, ov);
    SetLastError(ERROR_NOT_LOCKED);
    return FALSE;
}

std::atomic<int> g_posix_refused{0};

BOOL WINAPI no_posix_delete(HANDLE h, FILE_INFO_BY_HANDLE_CLASS cls, LPVOID info, DWORD size)
{
    if (static_cast<int>(cls) == 21) {  // FileDispositionInfoEx
        ++g_posix_refused;
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return pd::real_calls().set_file_information(h, cls, info, size);
}

} // namespace

// --- locks --------------------------------------------------------------------

TEST(Win32Lock, ExclusiveIsPerHandleAndSharedCoexists)
{
    TempDir d;
    pf::Dir dir;
    ASSERT_EQ(pf::Dir::open(d.path(), &dir), FL_OK) << last_error();
    pf::Handle a = open_lock(dir, "x.lock"), b = open_lock(dir, "x.lock");
    EXPECT_EQ(pf::try_lock(a, false, "x"), FL_OK);
    EXPECT_EQ(pf::try_lock(b, false, "x"), FL_EBUSY) << "a second handle of this process is refused too";
    EXPECT_EQ(pf::try_lock(b, true, "x"), FL_EBUSY);
    EXPECT_EQ(dir.probe_held("x.lock"), 1);
    pf::unlock(a);
    EXPECT_EQ(dir.probe_held("x.lock"), 0);
    EXPECT_EQ(pf::try_lock(a, true, "x"), FL_OK);
    EXPECT_EQ(pf::try_lock(b, true, "x"), FL_OK);
    EXPECT_EQ(dir.probe_held("x.lock"), 1);
    pf::unlock(a);
    pf::unlock(b);
    pf::close_handle(a);
    pf::close_handle(b);
}

TEST(Win32Lock, TheLockedRangeIsOneBytePastAnyData)
{
    RestoreCalls restore;
    pd::calls().lock_file_ex = recording_lock;
    TempDir d;
    auto l = make(d / "t.txt");
    ASSERT_EQ(l->acquire(0), FL_OK) << last_error();
    EXPECT_GE(g_lock_calls.load(), 1);
    EXPECT_EQ(g_lock_offset.load(), uint64_t{1} << 62);
    EXPECT_EQ(g_lock_length.load(), 1u);
    // Where byte-range locks are mandatory (real Windows), the record's
    // bytes stay readable and writable by other handles while held.
    HANDLE h = CreateFileW(wide(d / "t.txt.lock").c_str(), GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    ASSERT_NE(h, INVALID_HANDLE_VALUE);
    char buf[16];
    DWORD n = 0;
    EXPECT_TRUE(ReadFile(h, buf, sizeof buf, &n, nullptr)) << GetLastError();
    EXPECT_GT(n, 0u);
    CloseHandle(h);
    ASSERT_EQ(l->release(), FL_OK);
}

TEST(Win32Lock, IoPendingOnALockCallIsContentionNeverAWait)
{
    RestoreCalls restore;
    pd::calls().lock_file_ex = pending_lock;
    TempDir d;
    auto l = make(d / "t.txt");
    g_lock_calls = 0;
    EXPECT_EQ(l->acquire(0), FL_EBUSY);
    EXPECT_EQ(l->acquire(300), FL_ETIMEDOUT) << "a timed wait ends at its deadline";
    EXPECT_GT(g_lock_calls.load(), 1) << "it kept trying";
    pd::calls() = pd::real_calls();
    EXPECT_EQ(l->acquire(0), FL_OK) << last_error();
    EXPECT_EQ(l->release(), FL_OK);
}

TEST(Win32Lock, NotLockedOnUnlockIsTheStateWanted)
{
    RestoreCalls restore;
    pd::calls().unlock_file_ex = not_locked_unlock;
    TempDir d;
    cycle_removes_the_file(d);
    EXPECT_GE(g_unlock_calls.load(), 1);
    cycle_removes_the_file(d);  // and the next acquire works
}

// --- delete-pending names -------------------------------------------------------

TEST(Win32DeletePending, OpenSaysBusyAndIdentitySaysGone)
{
    RestoreCalls restore;
    TempDir d;
    write_file(d / "p.lock", "");
    pf::Dir dir;
    ASSERT_EQ(pf::Dir::open(d.path(), &dir), FL_OK);
    pf::FileStat st;
    pf::Handle h = open_lock(dir, "p.lock", &st);
    pd::calls().nt_create_file = pending_create;
    g_pending_opens = 3;
    pf::OpenHow how;
    how.create = true;
    pf::Handle h2 = pf::kInvalid;
    EXPECT_EQ(dir.open_lock("p.lock", how, &h2, &st), FL_EBUSY) << "a name being removed is contention";
    EXPECT_NE(last_error().find("delete pending"), std::string::npos) << last_error();
    EXPECT_EQ(dir.entry_is("p.lock", st.id), 0) << "a delete-pending name is no longer the lock file";
    EXPECT_EQ(dir.remove_entry("p.lock"), FL_ENOENT);
    pf::close_handle(h);
}

// Five opens of the lock file meet a delete-pending name; the acquire with
// `timeout_ms` must wait them out and get the lock.
static void acquire_through_pending_names(int64_t timeout_ms)
{
    RestoreCalls restore;
    pd::calls().nt_create_file = pending_create;
    TempDir d;
    auto l = make(d / "t.txt");
    g_pending_seen = 0;
    g_pending_opens = 5;
    ASSERT_EQ(l->acquire(timeout_ms), FL_OK) << last_error();
    EXPECT_EQ(g_pending_seen.load(), 5);
    EXPECT_EQ(l->release(), FL_OK);
}

TEST(Win32DeletePending, TimedAcquireWaitsItOut)
{
    acquire_through_pending_names(30000);
}

TEST(Win32DeletePending, ForeverAcquireWaitsItOut)
{
    acquire_through_pending_names(FL_WAIT_FOREVER);  // the blocking path, with no file to block on
}

TEST(Win32DeletePending, RemovalFallsBackWithoutPosixSemantics)
{
    RestoreCalls restore;
    pd::calls().set_file_information = no_posix_delete;
    TempDir d;
    cycle_removes_the_file(d);  // by the classic disposition
    EXPECT_GE(g_posix_refused.load(), 1);
}

// --- what is at the lock path -------------------------------------------------------

TEST(Win32Safety, AHardLinkIsRefusedAndLeftAlone)
{
    TempDir d;
    write_file(d / "data.txt", "precious");
    if (!CreateHardLinkW(wide(d / "t.txt.lock").c_str(), wide(d / "data.txt").c_str(), nullptr))
        GTEST_SKIP() << "no hard links here (error " << GetLastError() << ")";
    auto l = make(d / "t.txt");
    EXPECT_EQ(l->acquire(0), FL_EUNSAFE);
    EXPECT_NE(last_error().find("hard links"), std::string::npos) << last_error();
    EXPECT_EQ(read_file(d / "data.txt"), "precious");
    EXPECT_TRUE(exists(d / "t.txt.lock"));
}

TEST(Win32Safety, AForeignFileIsNeverWrittenOrRemoved)
{
    TempDir d;
    write_file(d / "t.txt.lock", "{\"json\": true}\n");
    auto l = make(d / "t.txt");
    EXPECT_EQ(l->acquire(0), FL_EUNSAFE);
    EXPECT_EQ(read_file(d / "t.txt.lock"), "{\"json\": true}\n");
}

TEST(Win32Safety, ADirectoryAtTheLockPathIsRefused)
{
    TempDir d;
    CreateDirectoryW(wide(d / "t.txt.lock").c_str(), nullptr);
    auto l = make(d / "t.txt");
    EXPECT_EQ(l->acquire(0), FL_EUNSAFE) << last_error();
    EXPECT_TRUE(exists(d / "t.txt.lock"));
}

TEST(Win32Safety, RemoveEntryChecksNothingButRemovesOnlyItsName)
{
    TempDir d;
    write_file(d / "a.lock", "x");
    write_file(d / "b.lock", "y");
    pf::Dir dir;
    ASSERT_EQ(pf::Dir::open(d.path(), &dir), FL_OK);
    EXPECT_EQ(dir.remove_entry("a.lock"), FL_OK);
    EXPECT_EQ(dir.remove_entry("a.lock"), FL_ENOENT);
    EXPECT_FALSE(exists(d / "a.lock"));
    EXPECT_TRUE(exists(d / "b.lock"));
}

// --- identity, listing, stat ----------------------------------------------------------

TEST(Win32Dir, IdentityFollowsTheFileNotTheName)
{
    TempDir d;
    pf::Dir dir;
    ASSERT_EQ(pf::Dir::open(d.path(), &dir), FL_OK);
    pf::FileStat st;
    pf::Handle h = open_lock(dir, "i.lock", &st);
    EXPECT_TRUE(st.regular);
    EXPECT_EQ(st.nlink, 1u);
    EXPECT_EQ(dir.entry_is("i.lock", st.id), 1);
    pf::FileStat by_handle;
    ASSERT_EQ(pf::stat_handle(h, &by_handle), FL_OK);
    EXPECT_EQ(by_handle.id, st.id);
    write_file(d / "j.lock", "");
    EXPECT_EQ(dir.entry_is("j.lock", st.id), 0) << "another file under another name";
    EXPECT_EQ(dir.entry_is("missing.lock", st.id), 0);
    ASSERT_EQ(dir.remove_entry("i.lock"), FL_OK);
    pf::close_handle(h);
    EXPECT_EQ(dir.entry_is("i.lock", st.id), 0);
    EXPECT_FALSE(exists(d / "i.lock"));
}

TEST(Win32Dir, ListNamesEntriesWithTheirTypes)
{
    TempDir d;
    write_file(d / "f.lock", "");
    CreateDirectoryW(wide(d / "sub").c_str(), nullptr);
    pf::Dir dir;
    ASSERT_EQ(pf::Dir::open(d.path(), &dir), FL_OK);
    std::vector<pf::DirEntry> es;
    ASSERT_EQ(dir.list(&es), FL_OK) << last_error();
    ASSERT_EQ(es.size(), 2u);
    for (const auto &e : es) {
        if (e.name == "f.lock") {
            EXPECT_EQ(e.type, pf::DirEntry::Type::Regular);
        } else {
            EXPECT_EQ(e.name, "sub");
            EXPECT_EQ(e.type, pf::DirEntry::Type::Directory);
        }
    }
    pf::Dir sub;
    EXPECT_EQ(dir.open_subdir("sub", &sub), FL_OK) << last_error();
    EXPECT_EQ(dir.open_subdir("f.lock", &sub), FL_EINVAL);
    EXPECT_EQ(pf::Dir::open(d / "f.lock", &sub), FL_EINVAL);
    EXPECT_EQ(pf::Dir::open(d / "missing", &sub), FL_ENOENT);
}

TEST(Win32Dir, RecordWriteAndReadBack)
{
    TempDir d;
    pf::Dir dir;
    ASSERT_EQ(pf::Dir::open(d.path(), &dir), FL_OK);
    pf::Handle h = open_lock(dir, "r.lock");
    ASSERT_EQ(pf::write_record(h, "a longer first record\n", "r"), FL_OK);
    ASSERT_EQ(pf::write_record(h, "short\n", "r"), FL_OK);
    std::string text;
    ASSERT_EQ(pf::read_handle(h, 4096, &text), FL_OK);
    EXPECT_EQ(text, "short\n") << "cut to its length";
    pf::FileStat st;
    ASSERT_EQ(dir.read_small("r.lock", 4096, &text, &st), FL_OK);
    EXPECT_EQ(text, "short\n");
    EXPECT_EQ(st.size_bytes, 6);
    EXPECT_LE(std::llabs(st.mtime_ms - pf::realtime_ms()), 60000) << "mtime in Unix milliseconds";
    pf::close_handle(h);
}

// --- paths ----------------------------------------------------------------------------

TEST(Win32Path, SeparatorsAndAbsolutePaths)
{
    EXPECT_TRUE(pf::is_absolute("C:\\x"));
    EXPECT_TRUE(pf::is_absolute("c:/x"));
    EXPECT_TRUE(pf::is_absolute("\\\\server\\share\\x"));
    EXPECT_TRUE(pf::is_absolute("\\\\?\\C:\\x"));
    EXPECT_FALSE(pf::is_absolute("C:x"));
    EXPECT_FALSE(pf::is_absolute("x\\y"));
    EXPECT_EQ(pf::last_separator("a/b\\c"), 3u);
    EXPECT_EQ(pf::join_path("C:\\d", "n"), "C:\\d\\n");
    EXPECT_EQ(pf::join_path("C:/d", "n"), "C:/d/n");
    EXPECT_EQ(pf::join_path("C:\\d\\", "n"), "C:\\d\\n");
}

TEST(Win32Path, Utf8NamesRoundTrip)
{
    TempDir d;
    const std::string target = d / "gr\xc3\xbc\xc3\x9f-\xe6\x97\xa5\xe6\x9c\xac.txt";
    auto l = make(target);
    ASSERT_EQ(l->acquire(0), FL_OK) << last_error();
    EXPECT_TRUE(exists(target + ".lock"));
    pf::Dir dir;
    ASSERT_EQ(pf::Dir::open(d.path(), &dir), FL_OK);
    std::vector<pf::DirEntry> es;
    ASSERT_EQ(dir.list(&es), FL_OK);
    ASSERT_EQ(es.size(), 1u);
    EXPECT_EQ(es[0].name, "gr\xc3\xbc\xc3\x9f-\xe6\x97\xa5\xe6\x9c\xac.txt.lock");
    EXPECT_EQ(l->release(), FL_OK);
    std::unique_ptr<Lock> bad;
    EXPECT_EQ(Lock::create(d / "bad\xff.txt", Options{}, &bad) == FL_OK ? bad->acquire(0) : FL_EINVAL,
              FL_EINVAL) << "a name that is not UTF-8";
}

TEST(Win32Path, LongPathsPastMaxPath)
{
    TempDir d;
    std::string dir = d.path();
    for (int i = 0; i < 6; ++i) {
        dir += "\\" + std::string(60, static_cast<char>('a' + i));
        std::wstring w;
        ASSERT_EQ(pd::win_path(dir, &w), FL_OK);
        ASSERT_TRUE(CreateDirectoryW(w.c_str(), nullptr)) << GetLastError();
    }
    ASSERT_GT(dir.size(), 300u);
    auto l = make(dir + "\\t.txt");
    ASSERT_EQ(l->acquire(0), FL_OK) << last_error();
    EXPECT_EQ(is_locked(dir + "\\t.txt.lock"), 1);
    EXPECT_EQ(l->release(), FL_OK);
    std::string real;
    EXPECT_EQ(pf::real_dir(dir, &real), FL_OK) << last_error();
}

// --- processes, waits ------------------------------------------------------------------

TEST(Win32Process, LivenessAndStartToken)
{
    EXPECT_EQ(pf::current_pid(), static_cast<int64_t>(GetCurrentProcessId()));
    pf::ProcessState me = pf::process_state(pf::current_pid());
    EXPECT_TRUE(me.exists);
    EXPECT_FALSE(me.zombie);
    EXPECT_EQ(me.start_token, pf::self_start_token());
    EXPECT_GT(me.start_token, 0);
    EXPECT_FALSE(pf::boot_id().empty());
    EXPECT_FALSE(pf::host_name().empty());
    EXPECT_TRUE(pf::pid_namespace().empty());

    // A process that has exited while its object is still open reads as
    // exited (the zombie case); once closed, as gone.
    STARTUPINFOW si = {};
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    wchar_t cmd[] = L"cmd.exe /c exit 0";
    if (!CreateProcessW(nullptr, cmd, nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si, &pi))
        GTEST_SKIP() << "cannot start cmd.exe";
    WaitForSingleObject(pi.hProcess, 60000);
    pf::ProcessState exited = pf::process_state(pi.dwProcessId);
    EXPECT_TRUE(!exited.exists || exited.zombie);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

TEST(Win32Wait, WakeupAndChangeWatch)
{
    pf::Wakeup w;
    EXPECT_FALSE(w.wait(1000));
    w.signal();
    EXPECT_TRUE(w.wait(0)) << "a signal before the wait is not lost";
    w.clear();
    EXPECT_FALSE(w.wait(0));
    EXPECT_EQ(w.fd(), -1);

    TempDir d;
    write_file(d / "w.lock", "");
    pf::ChangeWatch watch(d.path(), d / "w.lock");
    std::thread remover([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        DeleteFileW(wide(d / "w.lock").c_str());
    });
    // Woken by the removal (the hint), or at worst at the timeout: either
    // way the wait returns, and the file is gone after the join.
    watch.wait(30000000, nullptr);
    remover.join();
    EXPECT_FALSE(exists(d / "w.lock"));
    std::thread signaller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        w.signal();
    });
    watch.wait(30000000, &w);
    signaller.join();
    EXPECT_TRUE(w.wait(0));
}

TEST(Win32Errors, CodesAndMessages)
{
    EXPECT_EQ(code_from_win32(ERROR_FILE_NOT_FOUND), FL_ENOENT);
    EXPECT_EQ(code_from_win32(ERROR_ACCESS_DENIED), FL_EPERM);
    EXPECT_EQ(code_from_win32(ERROR_LOCK_VIOLATION), FL_EBUSY);
    EXPECT_EQ(code_from_win32(ERROR_NOT_SUPPORTED), FL_ENOTSUP);
    EXPECT_NE(os_error_text(ERROR_FILE_NOT_FOUND).find("Windows error 2"), std::string::npos);
    pf::Dir dir;
    EXPECT_EQ(pf::Dir::open("Z:\\no\\such\\dir\\here", &dir), FL_ENOENT);
    EXPECT_NE(last_os_error(), 0) << "the Windows error code is kept";
}
