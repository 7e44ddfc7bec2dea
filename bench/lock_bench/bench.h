/* bench.h - what the parts of lock_bench share (see main.c for what it
 * measures): settings, the syscall floor's lock, results, helpers. */
#ifndef LOCK_BENCH_H
#define LOCK_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "filelock.h"

typedef struct {
    const char *dir;
    int made_dir;
    int rounds;           /* uncontended rounds */
    int64_t batch_ms;     /* target duration of one uncontended batch */
    int ho_rounds;        /* hand-off rounds (plus one warm-up round) */
    int ho_per_round;     /* hand-offs per variant per round (even) */
    int hold_min_us, hold_max_us;
    int64_t finite_timeout_ms;
    const char *peers;    /* peers.py path or NULL */
    const char *python;
    int peers_uncontended, peers_handoff;
} settings;

typedef struct {
    const char *path;  /* the lock file */
    const char *rec;   /* record bytes to write (same length as ours) */
    size_t rec_len;
    int fd;
    dev_t dev;
    ino_t ino;
    int dirfd;         /* PROTOCOL A0: the directory, open from acquire to release */
    int expect_absent; /* lock files removed on release: O_CREAT|O_EXCL first */
} floor_lock;

enum { U_OURS_RM, U_FLOOR_RM, U_OURS_KEEP, U_FLOOR_KEEP, U_N };

typedef struct {
    double med_ns[U_N];
    double ratio_rm, ratio_keep;
    size_t record_len;
} u_result;

enum {
    H_FLOOR_RM,      /* waiter blocked in flock(2), then the protocol (remove) */
    H_OURS_RM_FIN,   /* fl_acquire(finite timeout): inotify + backoff */
    H_OURS_RM_INF,   /* fl_acquire(FL_WAIT_FOREVER): blocking flock */
    H_FLOOR_KEEP,    /* plain blocking flock on a kept file */
    H_FLOOR_KEEP_PROTO, /* flock wait, then identity check and record (context) */
    H_OURS_KEEP_FIN,
    H_OURS_KEEP_INF,
    H_N
};

typedef struct {
    double p50[H_N], p99[H_N], max[H_N];
    size_t n;
} h_result;

extern const char *const h_names[H_N];
extern _Atomic int *g_peer_failed;  /* hand-off: tells the other process to stop */
extern uint64_t rng_state;

int64_t now_ns(void);
void die(const char *fmt, ...);
void check_fl(int rc, const char *what);
int cmp_double(const void *a, const void *b);
double quantile(const double *sorted, size_t n, double p);
double median_of(double *v, size_t n);
uint64_t rng_next(void);
void sleep_us(int64_t us);
char *join(const char *dir, const char *name);
void parse_args(int argc, char **argv, settings *st);
void print_machine(const settings *st);
double loadavg1(void);  /* the 1-minute load average, -1 if unknown */
int h_is_floor(int v);  /* is hand-off variant v a floor? */
floor_lock floor_init(const char *path, const char *rec, size_t rec_len, int expect_absent);
const char *floor_name(const floor_lock *l);
void floor_open_dir(floor_lock *l);
int floor_open(floor_lock *l);
int floor_acquire(floor_lock *l, int block, int *retired);
void floor_release(floor_lock *l, int remove);
void run_uncontended(const settings *st, const char *rec, size_t rec_len, fl_lock *ours_rm, fl_lock *ours_keep, u_result *out);
void run_handoff(const settings *st, const char *rec, size_t rec_len, h_result *out);

#endif /* LOCK_BENCH_H */
