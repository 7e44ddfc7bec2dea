// win32_process.cpp - this process and this host on Windows: PID, host
// name, boot identity, liveness of other processes by OpenProcess and their
// creation time, processor count, clocks.  Windows has no fork: at_fork()
// does nothing and a handle never reaches a child (no handle is opened
// inheritable).
#include <chrono>
#include <thread>

#include "win32_detail.hpp"

namespace filelock::platform {

int64_t current_pid()
{
    return static_cast<int64_t>(GetCurrentProcessId());
}

const std::string &host_name()
{
    static const std::string name = [] {
        wchar_t buf[256];
        DWORD n = sizeof buf / sizeof buf[0];
        if (!GetComputerNameExW(ComputerNameDnsHostname, buf, &n)) return std::string();
        return detail::to_utf8(std::wstring_view(buf, n));
    }();
    return name;
}

namespace {

// The creation time of a process, in 100 ns units since 1601: the start
// token a record carries (PROTOCOL E: a reused PID has another).
int64_t creation_time(HANDLE process)
{
    FILETIME created, exited, kernel, user;
    if (!GetProcessTimes(process, &created, &exited, &kernel, &user)) return -1;
    return static_cast<int64_t>((static_cast<uint64_t>(created.dwHighDateTime) << 32) | created.dwLowDateTime);
}

// Windows counts boots in the registry (the prefetcher's BootId); where it
// does not, the boot time to the second (now minus the uptime) stands in.
std::string read_boot_id()
{
    DWORD value = 0, size = sizeof value;
    if (RegGetValueW(HKEY_LOCAL_MACHINE,
                     L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Memory Management\\PrefetchParameters",
                     L"BootId", RRF_RT_REG_DWORD, nullptr, &value, &size) == ERROR_SUCCESS)
        return "bootid-" + std::to_string(value);
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    const uint64_t t = (static_cast<uint64_t>(now.dwHighDateTime) << 32) | now.dwLowDateTime;
    const uint64_t boot_s = t / 10000000 - GetTickCount64() / 1000;
    // Rounded to 10 s: two processes reading it a moment apart agree.
    return "boottime-" + std::to_string(boot_s / 10 * 10);
}

} // namespace

const std::string &boot_id()
{
    static const std::string id = read_boot_id();
    return id;
}

const std::string &pid_namespace()
{
    static const std::string none;  // Windows has no PID namespaces
    return none;
}

int64_t self_start_token()
{
    static const int64_t token = creation_time(GetCurrentProcess());
    return token;
}

ProcessState process_state(int64_t pid)
{
    ProcessState ps;
    if (pid <= 0 || pid > 0xffffffffLL) return ps;
    const DWORD id = static_cast<DWORD>(pid);
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, id);
    if (!h && GetLastError() == ERROR_ACCESS_DENIED)  // some may be queried, not waited on
        h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, id);
    if (!h) {
        // Access denied: it exists (another user's, or protected).  Any
        // other failure (ERROR_INVALID_PARAMETER): no such process.
        ps.exists = GetLastError() == ERROR_ACCESS_DENIED;
        return ps;
    }
    ps.exists = true;
    ps.start_token = creation_time(h);
    // An exited process whose object someone still holds open is the
    // analogue of a zombie: its handle is signalled, or (a handle without
    // SYNCHRONIZE) its exit code is no longer STILL_ACTIVE.
    const DWORD w = WaitForSingleObject(h, 0);
    DWORD code = STILL_ACTIVE;
    if (w == WAIT_OBJECT_0 || (w == WAIT_FAILED && GetExitCodeProcess(h, &code) && code != STILL_ACTIVE))
        ps.zombie = true;
    CloseHandle(h);
    return ps;
}

void at_fork(void (*)(), void (*)(), void (*)())
{
}

int cpu_count()
{
    unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? static_cast<int>(n) : 1;
}

int64_t monotonic_us()
{
    LARGE_INTEGER f, c;
    static const LONGLONG freq = (QueryPerformanceFrequency(&f), f.QuadPart);
    QueryPerformanceCounter(&c);
    return static_cast<int64_t>(c.QuadPart / freq * 1000000 + c.QuadPart % freq * 1000000 / freq);
}

int64_t realtime_ms()
{
    FILETIME now;
    GetSystemTimePreciseAsFileTime(&now);
    const uint64_t t = (static_cast<uint64_t>(now.dwHighDateTime) << 32) | now.dwLowDateTime;
    return static_cast<int64_t>(t / 10000) - INT64_C(11644473600000);
}

} // namespace filelock::platform
