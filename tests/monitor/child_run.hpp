// child_run.hpp - run a piece of a test in a forked child (to drop
// privileges or enter a private mount namespace without touching the test
// process) and collect what it prints on a pipe.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "file/scan.hpp"

namespace filelock::test {

// Exit code a child uses to say "this cannot be set up here".
constexpr int kChildCannot = 77;

struct ChildOutput {
    int exit_code = -1;
    std::string text;
};

// `body` runs in the child with the write end of a pipe and returns the exit
// code.  The parent reads until the child closes the pipe, then reaps it.
inline ChildOutput run_in_child(const std::function<int(int out_fd)> &body)
{
    ChildOutput out;
    int p[2];
    if (::pipe(p) != 0) return out;
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(p[0]);
        ::_exit(body(p[1]));
    }
    ::close(p[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) out.text.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    out.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return out;
}

inline void put(int fd, const std::string &s)
{
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

// A scan result as lines "lock <path>" and "error <code> <path>", so a child
// can hand it to the parent.
inline std::string serialise(const ScanResult &r)
{
    std::string s;
    for (const LockInfo &i : r.locks) s += "lock " + i.lock_path + "\n";
    for (const ScanError &e : r.errors) s += "error " + std::to_string(e.code) + " " + e.path + "\n";
    return s;
}

struct Lines {
    std::vector<std::string> locks;
    std::vector<std::pair<int, std::string>> errors;
};

inline Lines parse_lines(const std::string &text)
{
    Lines l;
    std::istringstream in(text);
    std::string kind;
    while (in >> kind) {
        std::string path;
        if (kind == "lock") {
            std::getline(in >> std::ws, path);
            l.locks.push_back(path);
        } else if (kind == "error") {
            int code = 0;
            in >> code;
            std::getline(in >> std::ws, path);
            l.errors.emplace_back(code, path);
        }
    }
    return l;
}

} // namespace filelock::test
