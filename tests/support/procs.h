/* procs.h - processes for tests, in C and C++: a PID that is certainly
 * dead, a process's start token, this host's name. */
#ifndef FL_TEST_PROCS_H
#define FL_TEST_PROCS_H

#include <stdint.h>
#include <string.h>
#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

/* The PID of a process that has exited and whose object is closed. */
static inline long fl_test_dead_pid(int64_t *start)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    char cmd[] = "cmd.exe /c exit 0";
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi)) return -1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    if (start) {
        FILETIME c, e, k, u;
        *start = GetProcessTimes(pi.hProcess, &c, &e, &k, &u)
                     ? (int64_t)(((uint64_t)c.dwHighDateTime << 32) | c.dwLowDateTime) : -1;
    }
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (long)pi.dwProcessId;
}
#else
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

/* Field 22 of /proc/PID/stat, counted after the last ')'; -1 if unreadable. */
static inline int64_t fl_test_start_token(long pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    p++;
    for (int field = 3; field <= 22; field++) {
        while (*p == ' ') p++;
        if (field == 22) return strtoll(p, NULL, 10);
        while (*p && *p != ' ') p++;
    }
    return -1;
}

/* The PID of a child that has exited and been reaped; *start (may be NULL)
 * receives its start token, read while it was a zombie. */
static inline long fl_test_dead_pid(int64_t *start)
{
    pid_t p = fork();
    if (p == 0) _exit(0);
    siginfo_t si;
    waitid(P_PID, (id_t)p, &si, WEXITED | WNOWAIT);
    if (start) *start = fl_test_start_token((long)p);
    waitpid(p, NULL, 0);
    return (long)p;
}

#endif /* _WIN32 */

#endif /* FL_TEST_PROCS_H */
