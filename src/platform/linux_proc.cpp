// linux_proc.cpp - what /proc tells about processes on Linux: the boot id,
// the PID namespace, process start times (the start token) and zombies.
#include "linux_proc.hpp"
#include "platform.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <mutex>

#include "posix_detail.hpp"

namespace filelock::platform {

using detail::read_text;

namespace {

std::string trim(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s;
}

} // namespace

const std::string &boot_id()
{
    static const std::string id = [] {
        std::string s;
        if (!read_text("/proc/sys/kernel/random/boot_id", &s, 128)) return std::string();
        return trim(s);
    }();
    return id;
}

const std::string &pid_namespace()
{
    static const std::string ns = [] {
        char buf[128];
        ssize_t n = ::readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
        if (n <= 0) return std::string();
        std::string s(buf, static_cast<size_t>(n)); // "pid:[4026531836]"
        size_t a = s.find('['), b = s.find(']');
        if (a == std::string::npos || b == std::string::npos || b <= a + 1) return std::string();
        return s.substr(a + 1, b - a - 1);
    }();
    return ns;
}

int64_t parse_stat_start_token(const std::string &text, char *state)
{
    size_t close = text.rfind(')');
    if (close == std::string::npos) return -1;
    // After ") " come field 3 (state), 4, ... ; field 22 is the 20th of them.
    size_t i = close + 1;
    int field = 2;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
        if (start == i) break;
        ++field;
        if (field == 3 && state) *state = text[start];
        if (field == 22) {
            std::string tok = text.substr(start, i - start);
            char *end = nullptr;
            errno = 0;
            unsigned long long v = std::strtoull(tok.c_str(), &end, 10);
            if (errno || !end || *end || tok.empty() || v > static_cast<unsigned long long>(INT64_MAX))
                return -1;
            return static_cast<int64_t>(v);
        }
    }
    return -1;
}

int64_t self_start_token()
{
    static std::mutex mu;
    static int64_t cached_pid = -1;
    static int64_t cached = -1;
    int64_t pid = current_pid();
    std::lock_guard<std::mutex> g(mu);
    if (pid != cached_pid) {
        std::string text;
        cached = read_text("/proc/self/stat", &text, 4096) ? parse_stat_start_token(text, nullptr) : -1;
        cached_pid = pid;
    }
    return cached;
}

namespace {
// "Threads:" of /proc/<pid>/status; 0 when unreadable.
int64_t live_threads(int64_t pid)
{
    std::string text;
    std::string path = "/proc/" + std::to_string(pid) + "/status";
    if (!read_text(path.c_str(), &text, 8192)) return 0;
    size_t at = text.find("\nThreads:");
    if (at == std::string::npos) return 0;
    return std::strtoll(text.c_str() + at + 9, nullptr, 10);
}
} // namespace

ProcessState process_state(int64_t pid)
{
    ProcessState ps;
    if (pid < 1 || pid > INT32_MAX) return ps;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return ps;
    ps.exists = true;
    std::string text;
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    if (read_text(path.c_str(), &text, 4096)) {
        char state = 0;
        ps.start_token = parse_stat_start_token(text, &state);
        // A process whose main thread has exited (pthread_exit in main)
        // shows its leader as a zombie while other threads run on: only a
        // zombie with no other thread has exited.
        ps.zombie = (state == 'Z' || state == 'X') && live_threads(pid) <= 1;
    }
    return ps;
}

} // namespace filelock::platform
