// win32_child.cpp - running COMMAND as a child process on Windows:
// CreateProcessW with a command line quoted as the C runtime parses it, in a
// job object that ends COMMAND if filelock dies (the analogue of Linux's
// parent-death signal), and the console's Ctrl-C left to COMMAND while
// filelock waits to release the lock.  Mode::Run only (batch is POSIX-only
// for now: win32_unported.cpp).
#include "child.hpp"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <cerrno>

namespace flcli {

namespace {

std::wstring wide(const std::string &s)
{
    if (s.empty()) return {};
    int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
    std::wstring w(static_cast<size_t>(n > 0 ? n : 0), L'\0');
    if (n > 0) MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
    return w;
}

// One argument as CommandLineToArgvW and the C runtime read it back:
// quoted when it has blanks or quotes, backslashes doubled before a quote.
void append_quoted(std::wstring *line, const std::wstring &arg)
{
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
        line->append(arg);
        return;
    }
    line->push_back(L'"');
    size_t slashes = 0;
    for (wchar_t c : arg) {
        if (c == L'\\') {
            ++slashes;
            continue;
        }
        if (c == L'"') line->append(slashes * 2 + 1, L'\\');
        else line->append(slashes, L'\\');
        slashes = 0;
        line->push_back(c);
    }
    line->append(slashes * 2, L'\\');
    line->push_back(L'"');
}

std::wstring command_line(const std::vector<std::string> &argv)
{
    std::wstring line;
    for (size_t i = 0; i < argv.size(); ++i) {
        if (i) line.push_back(L' ');
        // cmd.exe /s /c "...": cmd strips the outer quotes and reads the
        // rest as its own command line, so it goes verbatim.
        if (i == 4 && argv[0] == "cmd.exe" && argv[3] == "/c") {
            line += L"\"" + wide(argv[i]) + L"\"";
            continue;
        }
        append_quoted(&line, wide(argv[i]));
    }
    return line;
}

int errno_of(DWORD err)
{
    switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME: return ENOENT;
    case ERROR_ACCESS_DENIED: return EACCES;
    case ERROR_BAD_EXE_FORMAT: return ENOEXEC;
    case ERROR_NOT_ENOUGH_MEMORY: return ENOMEM;
    default: return EIO;
    }
}

// Ctrl-C and Ctrl-Break: COMMAND gets its own; filelock stays to release
// the lock once COMMAND has exited.  Closing the console ends both.
BOOL WINAPI on_console(DWORD event)
{
    return event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT;
}

} // namespace

SignalForwarder::SignalForwarder(Mode mode) : mode_(mode)
{
    SetConsoleCtrlHandler(on_console, TRUE);
    job_ = CreateJobObjectW(nullptr, nullptr);
    if (job_) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {};
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job_, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    }
}

SignalForwarder::~SignalForwarder()
{
    SetConsoleCtrlHandler(on_console, FALSE);
    for (auto &[pid, h] : children_) CloseHandle(h);
    if (job_) CloseHandle(job_);  // ends what is still running
}

void SignalForwarder::on_signal(std::function<void(int)>) {}

int SignalForwarder::spawn(const std::vector<std::string> &argv, pid_t *pid, bool stdout_to_stderr)
{
    return start(argv, pid, stdout_to_stderr, -1, -1);
}

int SignalForwarder::spawn_into(const std::vector<std::string> &argv, pid_t *pid, int, int)
{
    return start(argv, pid, false, -1, -1);
}

int SignalForwarder::start(const std::vector<std::string> &argv, pid_t *pid, bool stdout_to_stderr, int, int)
{
    if (argv.empty()) return EINVAL;
    std::wstring line = command_line(argv);
    STARTUPINFOW si = {};
    si.cb = sizeof si;
    if (stdout_to_stderr) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
        si.hStdOutput = GetStdHandle(STD_ERROR_HANDLE);
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    }
    PROCESS_INFORMATION pi;
    // Suspended until it is in the job, so nothing it starts escapes it.
    if (!CreateProcessW(nullptr, line.data(), nullptr, nullptr, stdout_to_stderr, CREATE_SUSPENDED, nullptr,
                        nullptr, &si, &pi))
        return errno_of(GetLastError());
    if (job_) AssignProcessToJobObject(job_, pi.hProcess);
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    std::lock_guard<std::mutex> g(mu_);
    children_[static_cast<pid_t>(pi.dwProcessId)] = pi.hProcess;
    *pid = static_cast<pid_t>(pi.dwProcessId);
    return 0;
}

int SignalForwarder::wait(pid_t pid)
{
    HANDLE h;
    {
        std::lock_guard<std::mutex> g(mu_);
        auto it = children_.find(pid);
        if (it == children_.end()) return 127;
        h = it->second;
        children_.erase(it);
    }
    WaitForSingleObject(h, INFINITE);
    DWORD code = 127;
    GetExitCodeProcess(h, &code);
    CloseHandle(h);
    return static_cast<int>(code);
}

void stop_child(pid_t pid)
{
    HANDLE h = OpenProcess(PROCESS_TERMINATE, FALSE, static_cast<DWORD>(pid));
    if (!h) return;
    TerminateProcess(h, 143);  // as a shell reports SIGTERM
    CloseHandle(h);
}

void set_child_env(const std::string &name, const std::string &value)
{
    SetEnvironmentVariableW(wide(name).c_str(), wide(value).c_str());
}

std::vector<std::string> shell_command(const std::string &cmd)
{
    return {"cmd.exe", "/d", "/s", "/c", cmd};
}

int exit_code_of(int wait_status)
{
    return wait_status;
}

} // namespace flcli
