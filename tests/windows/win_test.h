/* win_test.h - what the Windows cmocka suites share beside fl_test.h:
 * win_child (and other) processes started with CreateProcessA, talked to
 * through pipes, ended by closing their input or by TerminateProcess.
 * Public API only. */
#ifndef WIN_TEST_H
#define WIN_TEST_H

#include "fl_test.h"  /* FL_ASSERT_*, the per-test directory, file helpers */

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

/* Start "win_child hold TARGET [OPTIONS]" and wait until it holds; its PID. */
static inline DWORD win_hold(win_proc *p, const char *target, const char *options)
{
    char args[2 * MAX_PATH + 64];
    snprintf(args, sizeof args, "hold \"%s\" %s", target, options ? options : "");
    win_spawn(p, args);
    return win_expect_held(p);
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
