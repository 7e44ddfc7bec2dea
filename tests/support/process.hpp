// process.hpp - what the C++ black-box tests share about processes and
// files: run code in a forked child, a dead PID, this host's name, this
// process's open descriptors, and a snapshot of a file's every observable
// property (to prove it was left untouched).
#pragma once

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "procs.h"
#include "tempdir.hpp"

namespace filelock::test {

// Run `fn` in a forked child; its return value is the exit status (100+N
// when signal N ended it).
inline int in_child(const std::function<int()> &fn)
{
    pid_t p = ::fork();
    if (p == 0) _exit(fn());
    int st = 0;
    ::waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

inline int64_t dead_pid()
{
    return fl_test_dead_pid(nullptr);
}

inline std::string host_name()
{
    char h[256] = {0};
    ::gethostname(h, sizeof h - 1);
    return h;
}

inline int open_fds()
{
    int n = 0;
    if (DIR *d = ::opendir("/proc/self/fd")) {
        while (struct dirent *e = ::readdir(d))
            if (e->d_name[0] != '.') ++n;
        ::closedir(d);
        --n;  // the one opendir used
    }
    return n;
}

// Everything about a file a lock library could change by mistake.
struct Snapshot {
    bool exists = false;
    std::string content;
    ino_t ino = 0;
    mode_t mode = 0;
    off_t size = 0;
    nlink_t nlink = 0;
    struct timespec mtime {};
    bool operator==(const Snapshot &o) const
    {
        return exists == o.exists && content == o.content && ino == o.ino && mode == o.mode &&
               size == o.size && nlink == o.nlink && mtime.tv_sec == o.mtime.tv_sec &&
               mtime.tv_nsec == o.mtime.tv_nsec;
    }
};

inline Snapshot snapshot(const std::string &path)
{
    Snapshot s;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.ino = st.st_ino;
    s.mode = st.st_mode;
    s.size = st.st_size;
    s.nlink = st.st_nlink;
    s.mtime = st.st_mtim;
    if (S_ISREG(st.st_mode)) s.content = read_file(path);
    return s;
}

} // namespace filelock::test
