/* mon_test.h - helpers of the black-box monitor suites: lock records
 * written the way another process would write them, and processes that are
 * known to be dead.  Only libc and the public header. */
#ifndef MON_TEST_H
#define MON_TEST_H

#include "fl_test.h"
#include "procs.h"

#include <errno.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#define MON_HOUR_MS ((int64_t)3600 * 1000)

static inline int64_t mon_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Field 22 of /proc/<pid>/stat, counted after the last ')'; -1 if unknown. */

static inline void mon_host_and_boot(char *host, size_t hcap, char *boot, size_t bcap)
{
    if (gethostname(host, hcap) != 0) host[0] = '\0';
    host[hcap - 1] = '\0';
    boot[0] = '\0';
    fl_test_read("/proc/sys/kernel/random/boot_id", boot, bcap);
    boot[strcspn(boot, "\n")] = '\0';
}

/* Write a version-1 record from this host: pid, start token, acquired=. */
static inline void mon_write_record(const char *path, long pid, int64_t start, int64_t acquired_ms)
{
    char host[256], boot[64], text[1024];
    mon_host_and_boot(host, sizeof host, boot, sizeof boot);
    int n = snprintf(text, sizeof text, "%ld\nv=1\nhost=%s\nboot=%s\nstart=%lld\nacquired=%lld\n",
                     pid, host, boot, (long long)start, (long long)acquired_ms);
    fl_test_write(path, text, (size_t)n);
}

/* A record of a dead holder, acquired `age_ms` ago.  Returns the PID. */
static inline long mon_write_dead_record(const char *path, int64_t age_ms)
{
    int64_t start;
    long pid = fl_test_dead_pid(&start);
    mon_write_record(path, pid, start, mon_now_ms() - age_ms);
    return pid;
}

/* Read a whole pipe into buf (NUL-terminated). */
static inline void mon_read_all(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, buf + got, cap - 1 - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
        if (got == cap - 1) break;
    }
    buf[got] = '\0';
}

#endif
