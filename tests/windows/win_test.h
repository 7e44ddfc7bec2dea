/* win_test.h - what the Windows cmocka suites share: a private temporary
 * directory per test, and win_child processes started with CreateProcessW,
 * talked to through pipes, ended by closing their input or by
 * TerminateProcess.  Public API only. */
#ifndef WIN_TEST_H
#define WIN_TEST_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "filelock.h"

#define FL_ASSERT_RC(expr, want)                                                          \
    do {                                                                                  \
        int fl_rc_ = (expr);                                                              \
        if (fl_rc_ != (want))                                                             \
            fail_msg("%s returned %d (%s), wanted %d: %s", #expr, fl_rc_,                 \
                     fl_strerror(fl_rc_), (int)(want), fl_last_error_message());          \
    } while (0)
#define FL_ASSERT_OK(expr) FL_ASSERT_RC(expr, FL_OK)

static inline int win_exists(const char *path)
{
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

typedef struct win_dir {
    char path[MAX_PATH];
} win_dir;

static inline int win_setup_dir(void **state)
{
    static unsigned counter;
    win_dir *d = calloc(1, sizeof *d);
    char tmp[MAX_PATH];
    GetTempPathA(sizeof tmp, tmp);
    /* Wine reuses small PIDs: a name left by an earlier run is skipped. */
    do {
        snprintf(d->path, sizeof d->path, "%sflwin-%lu-%u", tmp, (unsigned long)GetCurrentProcessId(), counter++);
    } while (!CreateDirectoryA(d->path, NULL) && GetLastError() == ERROR_ALREADY_EXISTS);
    if (!win_exists(d->path)) return -1;
    *state = d;
    return 0;
}

static inline void win_remove_tree(const char *dir)
{
    char pattern[MAX_PATH + 4];
    snprintf(pattern, sizeof pattern, "%s\\*", dir);
    WIN32_FIND_DATAA fd;
    HANDLE f = FindFirstFileA(pattern, &fd);
    if (f != INVALID_HANDLE_VALUE) {
        do {
            if (strcmp(fd.cFileName, ".") == 0 || strcmp(fd.cFileName, "..") == 0) continue;
            char p[2 * MAX_PATH];
            snprintf(p, sizeof p, "%s\\%s", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) win_remove_tree(p);
            else DeleteFileA(p);
        } while (FindNextFileA(f, &fd));
        FindClose(f);
    }
    RemoveDirectoryA(dir);
}

static inline int win_teardown_dir(void **state)
{
    win_dir *d = *state;
    win_remove_tree(d->path);
    free(d);
    return 0;
}

/* "<dir>\<name>" in a static rotating buffer. */
static inline const char *win_path(void **state, const char *name)
{
    static char bufs[8][2 * MAX_PATH];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, 2 * MAX_PATH, "%s\\%s", ((win_dir *)*state)->path, name);
    return b;
}

typedef struct win_proc {
    PROCESS_INFORMATION pi;
    HANDLE in;   /* its standard input: closing it ends a holder */
    HANDLE out;  /* its standard output and error */
} win_proc;

/* The directory this test program is in, with a trailing backslash. */
static inline const char *win_here(void)
{
    static char dir[MAX_PATH];
    DWORD n = GetModuleFileNameA(NULL, dir, sizeof dir);
    while (n > 0 && dir[n - 1] != '\\' && dir[n - 1] != '/') n--;
    dir[n] = '\0';
    return dir;
}

/* Start the program `exe` with `args`, its input and output through pipes. */
static inline void win_spawn_exe(win_proc *p, const char *exe, const char *args)
{
    char cmd[4 * MAX_PATH];
    snprintf(cmd, sizeof cmd, "\"%s\" %s", exe, args);
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE in_r, in_w, out_r, out_w;
    assert_true(CreatePipe(&in_r, &in_w, &sa, 0));
    assert_true(CreatePipe(&out_r, &out_w, &sa, 0));
    SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = out_w;
    memset(p, 0, sizeof *p);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &p->pi))
        fail_msg("CreateProcess %s: error %lu", cmd, (unsigned long)GetLastError());
    CloseHandle(in_r);
    CloseHandle(out_w);
    p->in = in_w;
    p->out = out_r;
}

/* Start win_child (beside this test program) with `args`. */
static inline void win_spawn(win_proc *p, const char *args)
{
    char exe[MAX_PATH];
    snprintf(exe, sizeof exe, "%swin_child.exe", win_here());
    win_spawn_exe(p, exe, args);
}

/* One line of its output (without the newline); "" at end of output. */
static inline const char *win_line(win_proc *p)
{
    static char buf[1024];
    size_t n = 0;
    char c;
    DWORD got;
    while (n + 1 < sizeof buf && ReadFile(p->out, &c, 1, &got, NULL) && got == 1 && c != '\n')
        if (c != '\r') buf[n++] = c;
    buf[n] = '\0';
    return buf;
}

/* Read its "held <pid>" line; fail the test on anything else. */
static inline DWORD win_expect_held(win_proc *p)
{
    const char *line = win_line(p);
    if (strncmp(line, "held ", 5) != 0) fail_msg("child said \"%s\", not held", line);
    return (DWORD)strtoul(line + 5, NULL, 10);
}

/* Close its input and wait for its exit code. */
static inline DWORD win_finish(win_proc *p)
{
    if (p->in) CloseHandle(p->in);
    p->in = NULL;
    assert_int_equal(WaitForSingleObject(p->pi.hProcess, 120000), WAIT_OBJECT_0);
    DWORD code = 0;
    GetExitCodeProcess(p->pi.hProcess, &code);
    CloseHandle(p->out);
    CloseHandle(p->pi.hProcess);
    CloseHandle(p->pi.hThread);
    return code;
}

/* The crash: TerminateProcess, and wait until it is gone. */
static inline void win_kill(win_proc *p)
{
    assert_true(TerminateProcess(p->pi.hProcess, 137));
    assert_int_equal(WaitForSingleObject(p->pi.hProcess, 60000), WAIT_OBJECT_0);
    win_finish(p);
}

#endif
