/* fl_test.h - shared helpers for the cmocka suites: a private temp dir per
 * test, file helpers, and an assert that prints the library's message. */
#ifndef FL_TEST_H
#define FL_TEST_H

/* Built with -D_GNU_SOURCE (top-level meson.build), so it may be included in
 * any order.  On Windows (tests/windows/meson.build builds these suites too)
 * the directory and file helpers use the Win32 calls. */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <unistd.h>
#endif

#include <cmocka.h>

#include "filelock.h"

/* Fail with the library's own explanation when a call does not return FL_OK. */
#define FL_ASSERT_RC(expr, want)                                                          \
    do {                                                                                  \
        int fl_rc_ = (expr);                                                              \
        if (fl_rc_ != (want))                                                             \
            fail_msg("%s returned %d (%s), wanted %d: %s", #expr, fl_rc_,                 \
                     fl_strerror(fl_rc_), (int)(want), fl_last_error_message());          \
    } while (0)
#define FL_ASSERT_OK(expr) FL_ASSERT_RC(expr, FL_OK)

typedef struct fl_test_dir {
    char path[256];
} fl_test_dir;

#if defined(_WIN32)
#define fl_test_getpid() ((int64_t)GetCurrentProcessId())

static inline void fl_test_remove_tree(const char *dir)
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
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) fl_test_remove_tree(p);
            else DeleteFileA(p);
        } while (FindNextFileA(f, &fd));
        FindClose(f);
    }
    RemoveDirectoryA(dir);
}

static inline int fl_test_setup_dir(void **state)
{
    static unsigned counter;
    fl_test_dir *d = calloc(1, sizeof *d);
    char tmp[MAX_PATH];
    GetTempPathA(sizeof tmp, tmp);
    do {  /* Wine reuses small PIDs: a name left by an earlier run is skipped */
        snprintf(d->path, sizeof d->path, "%sflcapi-%lu-%u", tmp, (unsigned long)GetCurrentProcessId(), counter++);
    } while (!CreateDirectoryA(d->path, NULL) && GetLastError() == ERROR_ALREADY_EXISTS);
    *state = d;
    return GetFileAttributesA(d->path) == INVALID_FILE_ATTRIBUTES ? -1 : 0;
}

static inline int fl_test_teardown_dir(void **state)
{
    fl_test_dir *d = *state;
    fl_test_remove_tree(d->path);
    free(d);
    return 0;
}
#else
#define fl_test_getpid() ((int64_t)getpid())

static inline int fl_test_setup_dir(void **state)
{
    fl_test_dir *d = calloc(1, sizeof *d);
    snprintf(d->path, sizeof d->path, "/tmp/flcapi-XXXXXX");
    if (!mkdtemp(d->path)) return -1;
    *state = d;
    return 0;
}

static inline int fl_test_teardown_dir(void **state)
{
    fl_test_dir *d = *state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", d->path, d->path);
    if (system(cmd) != 0) return -1;
    free(d);
    return 0;
}

#endif

/* "<dir>/<name>" in a static rotating buffer (enough for a few per call). */
static inline const char *fl_test_path(void **state, const char *name)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ % 8];
    size_t n = strlen(((fl_test_dir *)*state)->path);
    memcpy(b, ((fl_test_dir *)*state)->path, n);
#if defined(_WIN32)
    b[n] = '\\';
#else
    b[n] = '/';
#endif
    strncpy(b + n + 1, name, 1024 - n - 2);
    b[1023] = '\0';
    return b;
}

static inline void fl_test_write(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static inline size_t fl_test_read(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

static inline int fl_test_exists(const char *path)
{
#if defined(_WIN32)
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
#else
    struct stat st;
    return lstat(path, &st) == 0;
#endif
}

#endif
