/*
 * lock_bench - filelock's cost against the syscall floor of the same work.
 *
 * One run, one directory, three parts:
 *   1. Uncontended acquire+release cycle: fl_acquire(lock, 0) + fl_release
 *      against the bare syscalls the protocol needs for the same cycle,
 *      measured in this process, interleaved in rounds; medians of the
 *      per-round ns/cycle.  Remove-on-release (default) and keep-file mode.
 *   2. Two-process hand-off latency (holder starts releasing -> the blocked
 *      waiter holds, recorded), stamped through shared memory: ours with a
 *      finite timeout (inotify wake-ups) and with FL_WAIT_FOREVER (kernel
 *      blocking flock), against a floor waiter blocked in flock(2) that then
 *      follows the protocol; keep-file mode against a plain blocking flock.
 *   3. Optionally the Python peers' figures (peers.py), printed beside ours.
 *
 * Usage: lock_bench [options] [DIR]     (lock_bench --help)
 * No figure is built in: everything printed is measured in this run.
 */
#ifndef _GNU_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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

/* ------------------------------------------------------------------------ */
/* small helpers                                                             */
/* ------------------------------------------------------------------------ */

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static _Atomic int *g_peer_failed;  /* hand-off: tells the other process to stop */

static void die(const char *fmt, ...)
{
    if (g_peer_failed) atomic_store(g_peer_failed, 1);
    va_list ap;
    va_start(ap, fmt);
    fputs("lock_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static void check_fl(int rc, const char *what)
{
    if (rc != FL_OK) die("%s: %s (%s)", what, fl_strerror(rc), fl_last_error_message());
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* p-th quantile (0..1) of a sorted array, nearest rank. */
static double quantile(const double *sorted, size_t n, double p)
{
    if (n == 0) return 0;
    size_t i = (size_t)(p * (double)n);
    if (i >= n) i = n - 1;
    return sorted[i];
}

static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    if (n == 0) return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void sleep_us(int64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) die("out of memory");
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* ------------------------------------------------------------------------ */
/* settings                                                                  */
/* ------------------------------------------------------------------------ */

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

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lock_bench [options] [DIR]\n"
            "  DIR                  directory for the lock files (default: a fresh\n"
            "                       directory under /tmp, removed afterwards)\n"
            "  --rounds N           uncontended rounds (default 15)\n"
            "  --batch-ms N         duration of one uncontended batch (default 60)\n"
            "  --handoff-rounds N   hand-off rounds per variant (default 8, plus 1 warm-up)\n"
            "  --handoffs N         hand-offs per variant per round (default 50)\n"
            "  --hold-us MIN:MAX    holder's random hold before releasing (default 200:4000)\n"
            "  --timeout-ms N       finite timeout of the inotify waiter (default 10000)\n"
            "  --peers PATH         also run PATH (peers.py) and print its figures;\n"
            "                       default: $FILELOCK_BENCH_PEERS if set\n"
            "  --python PATH        interpreter for peers.py (default /usr/bin/python3)\n"
            "  --peers-n U:H        peers.py uncontended and hand-off counts (default 10000:40)\n"
            "  --quick              fewer rounds (a smoke run, figures are rougher)\n");
}

static int parse_int_arg(const char *s, const char *name, long lo, long hi)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !end || *end || v < lo || v > hi) die("bad value for %s: %s", name, s);
    return (int)v;
}

static void parse_pair(const char *s, const char *name, int *a, int *b)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *colon = strchr(buf, ':');
    if (!colon) die("%s wants MIN:MAX, got %s", name, s);
    *colon = 0;
    *a = parse_int_arg(buf, name, 1, 100000000);
    *b = parse_int_arg(colon + 1, name, 1, 100000000);
}

static void parse_args(int argc, char **argv, settings *st)
{
    st->dir = NULL;
    st->rounds = 15;
    st->batch_ms = 60;
    st->ho_rounds = 8;
    st->ho_per_round = 50;
    st->hold_min_us = 200;
    st->hold_max_us = 4000;
    st->finite_timeout_ms = 10000;
    st->peers = getenv("FILELOCK_BENCH_PEERS");
    if (st->peers && !*st->peers) st->peers = NULL;
    st->python = "/usr/bin/python3";
    st->peers_uncontended = 10000;
    st->peers_handoff = 40;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED() do { if (!v) die("%s needs a value", a); ++i; } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--rounds")) {
            NEED(); st->rounds = parse_int_arg(v, a, 1, 1000);
        } else if (!strcmp(a, "--batch-ms")) {
            NEED(); st->batch_ms = parse_int_arg(v, a, 1, 10000);
        } else if (!strcmp(a, "--handoff-rounds")) {
            NEED(); st->ho_rounds = parse_int_arg(v, a, 1, 1000);
        } else if (!strcmp(a, "--handoffs")) {
            NEED(); st->ho_per_round = parse_int_arg(v, a, 2, 100000);
        } else if (!strcmp(a, "--hold-us")) {
            NEED(); parse_pair(v, a, &st->hold_min_us, &st->hold_max_us);
            if (st->hold_max_us < st->hold_min_us) die("--hold-us: MAX < MIN");
        } else if (!strcmp(a, "--timeout-ms")) {
            NEED(); st->finite_timeout_ms = parse_int_arg(v, a, 1, 86400000);
        } else if (!strcmp(a, "--peers")) {
            NEED(); st->peers = v;
        } else if (!strcmp(a, "--python")) {
            NEED(); st->python = v;
        } else if (!strcmp(a, "--peers-n")) {
            NEED(); parse_pair(v, a, &st->peers_uncontended, &st->peers_handoff);
        } else if (!strcmp(a, "--quick")) {
            st->rounds = 5;
            st->batch_ms = 30;
            st->ho_rounds = 3;
            st->ho_per_round = 30;
            st->peers_uncontended = 3000;
            st->peers_handoff = 30;
        } else if (a[0] == '-') {
            usage(stderr);
            die("unknown option %s", a);
        } else if (!st->dir) {
            st->dir = a;
        } else {
            die("more than one directory given");
        }
#undef NEED
    }
    if (st->ho_per_round % 2) ++st->ho_per_round;  /* each round ends with process 0 holding */
}

/* ------------------------------------------------------------------------ */
/* machine description                                                       */
/* ------------------------------------------------------------------------ */

static const char *fs_name(unsigned long t)
{
    switch (t) {
    case 0xEF53UL: return "ext2/3/4";
    case 0x01021994UL: return "tmpfs";
    case 0x58465342UL: return "xfs";
    case 0x9123683EUL: return "btrfs";
    case 0x794C7630UL: return "overlayfs";
    case 0x6969UL: return "nfs";
    case 0x2FC12FC1UL: return "zfs";
    case 0xF2F52010UL: return "f2fs";
    case 0x65735546UL: return "fuse";
    default: return "other";
    }
}

/* Mount entry (type and options) whose mount point is the longest prefix of dir. */
static void mount_of(const char *dir, char *type, size_t tn, char *opts, size_t on)
{
    snprintf(type, tn, "?");
    snprintf(opts, on, "?");
    char real[PATH_MAX];
    if (!realpath(dir, real)) return;
    FILE *f = fopen("/proc/self/mounts", "r");
    if (!f) return;
    char line[4096];
    size_t best = 0;
    while (fgets(line, sizeof line, f)) {
        char dev[1024], mnt[1024], ty[128], op[2048];
        if (sscanf(line, "%1023s %1023s %127s %2047s", dev, mnt, ty, op) != 4) continue;
        size_t ml = strlen(mnt);
        int prefix = strncmp(real, mnt, ml) == 0 &&
                     (ml == 1 || real[ml] == '/' || real[ml] == 0);
        if (prefix && ml >= best) {
            best = ml;
            snprintf(type, tn, "%s", ty);
            snprintf(opts, on, "%s", op);
        }
    }
    fclose(f);
}

static double loadavg1(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1) l = -1;
        fclose(f);
    }
    return l;
}

static void print_machine(const settings *st)
{
    struct utsname u;
    uname(&u);
    char date[64];
    time_t t = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z", localtime(&t));
    char load[128] = "?";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fgets(load, sizeof load, f)) load[strcspn(load, "\n")] = 0;
        fclose(f);
    }
    struct statfs sf;
    unsigned long fst = statfs(st->dir, &sf) == 0 ? (unsigned long)sf.f_type : 0;
    char mtype[128], mopts[2048];
    mount_of(st->dir, mtype, sizeof mtype, mopts, sizeof mopts);
    printf("lock_bench  libfilelock %s  %s\n", fl_version_string(), date);
    printf("machine     %ld CPUs online, %s %s %s, loadavg %s\n", sysconf(_SC_NPROCESSORS_ONLN),
           u.sysname, u.release, u.machine, load);
    printf("directory   %s  (%s, mounted %s %s)\n", st->dir, fs_name(fst), mtype, mopts);
}

/* ------------------------------------------------------------------------ */
/* the floor: the protocol's syscalls, nothing else                          */
/* ------------------------------------------------------------------------ */

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

static floor_lock floor_init(const char *path, const char *rec, size_t rec_len, int expect_absent)
{
    return (floor_lock){path, rec, rec_len, -1, 0, 0, -1, expect_absent};
}

static const char *floor_name(const floor_lock *l)
{
    const char *slash = strrchr(l->path, '/');
    return slash ? slash + 1 : l->path;
}

/* A0: open the directory (by path, once per acquire). */
static void floor_open_dir(floor_lock *l)
{
    if (l->dirfd >= 0) return;
    const char *slash = strrchr(l->path, '/');
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - l->path) : 1, slash ? l->path : ".");
    l->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (l->dirfd < 0) die("floor open dir %s: %s", dir, strerror(errno));
}

/* A1: O_CREAT|O_EXCL (never opens what is there), else look (fstatat),
 * then open what was looked at; fstat what was opened. */
static int floor_open(floor_lock *l)
{
    const int acc = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int create = l->expect_absent;
    for (;;) {
        if (create) {
            int fd = openat(l->dirfd, floor_name(l), acc | O_CREAT | O_EXCL, 0644);
            if (fd >= 0) return fd;
            if (errno != EEXIST) die("floor create %s: %s", l->path, strerror(errno));
            create = 0;
        }
        struct stat pre;
        if (fstatat(l->dirfd, floor_name(l), &pre, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) die("floor fstatat: %s", strerror(errno));
            create = 1;
            continue;
        }
        int fd = openat(l->dirfd, floor_name(l), acc);
        if (fd >= 0) return fd;
        if (errno != ENOENT) die("floor open %s: %s", l->path, strerror(errno));
        create = 1;
    }
}

/* A1-A4 with a non-blocking attempt; on contention (and block != 0) waits
 * in flock(LOCK_EX) and then re-checks identity as the protocol says.
 * A descriptor of a removed file is parked in *retired (closed later,
 * off the measured path).  Returns 0 held, 1 busy (block == 0). */
static int floor_acquire(floor_lock *l, int block, int *retired)
{
    floor_open_dir(l);
    for (;;) {
        int fd = floor_open(l);
        struct stat a, b;
        if (fstat(fd, &a) != 0) die("floor fstat: %s", strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK) die("floor flock: %s", strerror(errno));
            if (!block) {
                close(fd);
                close(l->dirfd);
                l->dirfd = -1;
                return 1;
            }
            if (flock(fd, LOCK_EX) != 0) die("floor flock (blocking): %s", strerror(errno));
        }
        if (fstatat(l->dirfd, floor_name(l), &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino && b.st_nlink == 1) {
            if (b.st_size > 0) {  /* A4: look at what is there before writing */
                char buf[4097];
                if (pread(fd, buf, sizeof buf, 0) < 0) die("floor pread: %s", strerror(errno));
            }
            if (pwrite(fd, l->rec, l->rec_len, 0) != (ssize_t)l->rec_len)
                die("floor pwrite: %s", strerror(errno));
            if (ftruncate(fd, (off_t)l->rec_len) != 0) die("floor ftruncate: %s", strerror(errno));
            l->fd = fd;
            l->dev = a.st_dev;
            l->ino = a.st_ino;
            return 0;
        }
        /* released-and-removed under us: start over on the new file */
        flock(fd, LOCK_UN);
        if (retired && *retired < 0)
            *retired = fd;
        else
            close(fd);
    }
}

/* C2-C3: identity check, content still our record, unlink while holding
 * (if remove), unlock, close. */
static void floor_release(floor_lock *l, int remove)
{
    if (remove) {
        struct stat b;
        char buf[4097];
        if (fstatat(l->dirfd, floor_name(l), &b, AT_SYMLINK_NOFOLLOW) == 0 && b.st_dev == l->dev &&
            b.st_ino == l->ino && b.st_nlink == 1 && b.st_size == (off_t)l->rec_len &&
            pread(l->fd, buf, sizeof buf, 0) == (ssize_t)l->rec_len && !memcmp(buf, l->rec, l->rec_len))
            unlinkat(l->dirfd, floor_name(l), 0);
    }
    flock(l->fd, LOCK_UN);
    close(l->fd);
    l->fd = -1;
    close(l->dirfd);
    l->dirfd = -1;
}

/* ------------------------------------------------------------------------ */
/* 1. uncontended cycle                                                      */
/* ------------------------------------------------------------------------ */

enum { U_OURS_RM, U_FLOOR_RM, U_OURS_KEEP, U_FLOOR_KEEP, U_N };

typedef struct {
    fl_lock *ours[2];     /* remove, keep */
    floor_lock floor[2];  /* remove, keep */
} u_ctx;

static void u_cycles(u_ctx *c, int variant, long n)
{
    switch (variant) {
    case U_OURS_RM:
    case U_OURS_KEEP: {
        fl_lock *l = c->ours[variant == U_OURS_KEEP];
        for (long i = 0; i < n; ++i) {
            int rc = fl_acquire(l, 0);
            if (rc != FL_OK) check_fl(rc, "fl_acquire (uncontended)");
            fl_release(l);
        }
        break;
    }
    default: {
        int keep = variant == U_FLOOR_KEEP;
        floor_lock *l = &c->floor[keep];
        for (long i = 0; i < n; ++i) {
            if (floor_acquire(l, 0, NULL) != 0) die("floor lock unexpectedly busy");
            floor_release(l, !keep);
        }
        break;
    }
    }
}

typedef struct {
    double med_ns[U_N];
    double ratio_rm, ratio_keep;
    size_t record_len;
} u_result;

static void run_uncontended(const settings *st, const char *rec, size_t rec_len,
                            fl_lock *ours_rm, fl_lock *ours_keep, u_result *out)
{
    u_ctx c;
    c.ours[0] = ours_rm;
    c.ours[1] = ours_keep;
    char *fp_rm = join(st->dir, "u-floor-rm.lock");
    char *fp_keep = join(st->dir, "u-floor-keep.lock");
    c.floor[0] = floor_init(fp_rm, rec, rec_len, 1);
    c.floor[1] = floor_init(fp_keep, rec, rec_len, 0);

    /* warm up every variant, then size a batch to about batch_ms */
    long n[U_N];
    for (int v = 0; v < U_N; ++v) {
        u_cycles(&c, v, 50);
        int64_t t0 = now_ns();
        u_cycles(&c, v, 200);
        double per = (double)(now_ns() - t0) / 200;
        n[v] = (long)((double)st->batch_ms * 1e6 / (per > 1 ? per : 1));
        if (n[v] < 20) n[v] = 20;
    }
    /* same cycle count for ours and its floor: the smaller of the two */
    long nrm = n[U_OURS_RM] < n[U_FLOOR_RM] ? n[U_OURS_RM] : n[U_FLOOR_RM];
    long nkp = n[U_OURS_KEEP] < n[U_FLOOR_KEEP] ? n[U_OURS_KEEP] : n[U_FLOOR_KEEP];
    n[U_OURS_RM] = n[U_FLOOR_RM] = nrm;
    n[U_OURS_KEEP] = n[U_FLOOR_KEEP] = nkp;

    double *per_round[U_N];
    for (int v = 0; v < U_N; ++v) per_round[v] = calloc((size_t)st->rounds, sizeof(double));
    for (int r = 0; r < st->rounds; ++r) {
        for (int k = 0; k < U_N; ++k) {
            int v = (r + k) % U_N;  /* rotate the order every round */
            int64_t t0 = now_ns();
            u_cycles(&c, v, n[v]);
            per_round[v][r] = (double)(now_ns() - t0) / (double)n[v];
        }
    }
    for (int v = 0; v < U_N; ++v) {
        out->med_ns[v] = median_of(per_round[v], (size_t)st->rounds);
        free(per_round[v]);
    }
    out->ratio_rm = out->med_ns[U_OURS_RM] / out->med_ns[U_FLOOR_RM];
    out->ratio_keep = out->med_ns[U_OURS_KEEP] / out->med_ns[U_FLOOR_KEEP];
    out->record_len = rec_len;
    printf("uncontended: %d rounds, %ld (remove) / %ld (keep) cycles per batch, record %zu bytes\n",
           st->rounds, nrm, nkp, rec_len);
    unlink(fp_rm);
    unlink(fp_keep);
    free(fp_rm);
    free(fp_keep);
}

/* ------------------------------------------------------------------------ */
/* 2. two-process hand-off                                                   */
/* ------------------------------------------------------------------------ */

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
static const char *const h_names[H_N] = {
    "floor remove (flock wait + protocol)",
    "ours remove, timeout",
    "ours remove, forever",
    "floor keep (plain blocking flock)",
    "  context: keep + protocol (A3-A4) floor",
    "ours keep, timeout",
    "ours keep, forever"};
static const char *const h_files[H_N] = {"h-floor-rm",         "h-ours-rm-fin",   "h-ours-rm-inf",
                                         "h-floor-keep",       "h-floor-keep-pr", "h-ours-keep-fin",
                                         "h-ours-keep-inf"};

typedef struct {
    _Atomic int64_t t_release;
    _Atomic int barrier;
    _Atomic int failed;
    /* followed by: _Atomic int ready[total], got[total]; double lat[H_N][per_variant] */
} h_shm;

typedef struct {
    h_shm *s;
    _Atomic int *ready, *got;
    double *lat;  /* [H_N][per_variant] */
    size_t per_variant;
    int me;
    int barrier_gen;
} h_ctx;

static void spin_until(h_ctx *h, _Atomic int *flag)
{
    int64_t start = 0;
    for (unsigned i = 0; !atomic_load_explicit(flag, memory_order_acquire); ++i) {
        if (atomic_load(&h->s->failed)) _exit(3);
        sched_yield();
        if ((i & 1023) == 1023) {
            int64_t t = now_ns();
            if (!start)
                start = t;
            else if (t - start > (int64_t)60 * 1000000000) {
                atomic_store(&h->s->failed, 1);
                fprintf(stderr, "lock_bench: hand-off stalled (peer gone?)\n");
                _exit(3);
            }
        }
    }
}

static void barrier(h_ctx *h)
{
    h->barrier_gen += 2;
    atomic_fetch_add(&h->s->barrier, 1);
    int64_t start = now_ns();
    while (atomic_load(&h->s->barrier) < h->barrier_gen) {
        if (atomic_load(&h->s->failed)) _exit(3);
        sched_yield();
        if (now_ns() - start > (int64_t)60 * 1000000000) {
            atomic_store(&h->s->failed, 1);
            fprintf(stderr, "lock_bench: hand-off barrier stalled\n");
            _exit(3);
        }
    }
}

static void h_fail(h_ctx *h, const char *what, int rc)
{
    atomic_store(&h->s->failed, 1);
    fprintf(stderr, "lock_bench: process %d: %s: %s (%s)\n", h->me, what, fl_strerror(rc),
            fl_last_error_message());
    _exit(3);
}

typedef struct {
    fl_lock *ours[H_N];
    floor_lock floor[H_N];
} h_locks;

static int h_is_floor(int v)
{
    return v == H_FLOOR_RM || v == H_FLOOR_KEEP || v == H_FLOOR_KEEP_PROTO;
}
static int h_removes(int v) { return v <= H_OURS_RM_INF; }
static int64_t h_timeout(const settings *st, int v)
{
    return (v == H_OURS_RM_FIN || v == H_OURS_KEEP_FIN) ? st->finite_timeout_ms : FL_WAIT_FOREVER;
}

/* The keep-mode floor holds one descriptor open for the whole run and only
 * flocks/unlocks it, as a plain flock user would. */
static void h_take(h_ctx *h, h_locks *L, const settings *st, int v, int block, int *retired)
{
    if (v == H_FLOOR_KEEP) {
        if (flock(L->floor[v].fd, block ? LOCK_EX : LOCK_EX | LOCK_NB) != 0)
            h_fail(h, "plain flock", FL_EBUSY);
    } else if (v == H_FLOOR_RM || v == H_FLOOR_KEEP_PROTO) {
        if (floor_acquire(&L->floor[v], block, retired) != 0) h_fail(h, "floor acquire", FL_EBUSY);
    } else {
        int rc = fl_acquire(L->ours[v], block ? h_timeout(st, v) : 0);
        if (rc != FL_OK) h_fail(h, "fl_acquire", rc);
    }
}

static void h_give(h_locks *L, int v)
{
    if (v == H_FLOOR_KEEP)
        flock(L->floor[v].fd, LOCK_UN);
    else if (v == H_FLOOR_RM || v == H_FLOOR_KEEP_PROTO)
        floor_release(&L->floor[v], v == H_FLOOR_RM);
    else
        fl_release(L->ours[v]);
}

/* Both processes run this with the same schedule.  Per (round, variant):
 * process 0 takes the lock; then hand-off j has releaser j%2 and the other
 * process as waiter; with an even count process 0 holds at the end and lets go. */
static void h_run(h_ctx *h, const settings *st, const char *rec, size_t rec_len)
{
    rng_state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)getpid() << 17) ^ (uint64_t)now_ns();
    if (!rng_state) rng_state = 1;
    h_locks L;
    fl_options *keep_opts = NULL;
    check_fl(fl_options_new(&keep_opts), "fl_options_new");
    check_fl(fl_options_set_remove_on_release(keep_opts, 0), "fl_options_set_remove_on_release");
    for (int v = 0; v < H_N; ++v) {
        char *target = join(st->dir, h_files[v]);
        L.ours[v] = NULL;
        L.floor[v] = floor_init(NULL, rec, rec_len, v == H_FLOOR_RM);
        if (h_is_floor(v)) {
            size_t n = strlen(target) + 6;
            char *p = malloc(n);
            snprintf(p, n, "%s.lock", target);
            L.floor[v].path = p;
            if (v == H_FLOOR_KEEP) {
                L.floor[v].fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (L.floor[v].fd < 0) die("open %s: %s", p, strerror(errno));
            }
        } else {
            check_fl(fl_lock_new(&L.ours[v], target, h_removes(v) ? NULL : keep_opts), "fl_lock_new");
        }
        free(target);
    }
    fl_options_free(keep_opts);

    const int K = st->ho_per_round;
    size_t g = 0;  /* global hand-off index: same in both processes */
    for (int r = 0; r <= st->ho_rounds; ++r) {  /* round 0 is a warm-up, not recorded */
        for (int k = 0; k < H_N; ++k) {
            int v = (r + k) % H_N;
            barrier(h);
            if (h->me == 0) h_take(h, &L, st, v, 0, NULL);
            barrier(h);
            for (int j = 0; j < K; ++j, ++g) {
                if (h->me == j % 2) {  /* holder: let the waiter block, then release */
                    spin_until(h, &h->ready[g]);
                    int64_t span = st->hold_max_us - st->hold_min_us + 1;
                    sleep_us(st->hold_min_us + (int64_t)(rng_next() % (uint64_t)span));
                    atomic_store_explicit(&h->s->t_release, now_ns(), memory_order_release);
                    h_give(&L, v);
                    spin_until(h, &h->got[g]);
                } else {  /* waiter */
                    int retired = -1;
                    atomic_store_explicit(&h->ready[g], 1, memory_order_release);
                    h_take(h, &L, st, v, 1, &retired);
                    int64_t t = now_ns();
                    int64_t t0 = atomic_load_explicit(&h->s->t_release, memory_order_acquire);
                    if (r > 0) h->lat[(size_t)v * h->per_variant + (size_t)(r - 1) * K + j] = (double)(t - t0) / 1000.0;
                    atomic_store_explicit(&h->got[g], 1, memory_order_release);
                    if (retired >= 0) close(retired);  /* freeing the removed file: after the stamp */
                }
            }
            if (h->me == 0) h_give(&L, v);
        }
    }
    barrier(h);
    for (int v = 0; v < H_N; ++v) {
        if (L.ours[v]) {
            if (h->me == 0 && !h_removes(v)) unlink(fl_lock_path(L.ours[v]));  /* kept file */
            fl_lock_free(L.ours[v]);
        }
        if (L.floor[v].fd >= 0) close(L.floor[v].fd);
        if (L.floor[v].path) {
            if (h->me == 0) unlink(L.floor[v].path);
            free((char *)L.floor[v].path);
        }
    }
}

typedef struct {
    double p50[H_N], p99[H_N], max[H_N];
    size_t n;
} h_result;

static void run_handoff(const settings *st, const char *rec, size_t rec_len, h_result *out)
{
    const size_t K = (size_t)st->ho_per_round;
    const size_t per_variant = (size_t)st->ho_rounds * K;
    const size_t total = (size_t)(st->ho_rounds + 1) * H_N * K;
    size_t bytes = sizeof(h_shm) + 2 * total * sizeof(_Atomic int) + 8 /* align */ +
                   (size_t)H_N * per_variant * sizeof(double);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) die("mmap: %s", strerror(errno));
    h_ctx h;
    memset(&h, 0, sizeof h);
    h.s = mem;
    h.ready = (_Atomic int *)((char *)mem + sizeof(h_shm));
    h.got = h.ready + total;
    uintptr_t lat_at = (uintptr_t)(h.got + total);
    lat_at = (lat_at + 7) & ~(uintptr_t)7;
    h.lat = (double *)lat_at;
    h.per_variant = per_variant;
    g_peer_failed = &h.s->failed;

    fflush(stdout);
    pid_t c = fork();
    if (c < 0) die("fork: %s", strerror(errno));
    h.me = c == 0 ? 1 : 0;
    if (c == 0) {
        h_run(&h, st, rec, rec_len);
        _exit(0);
    }
    h_run(&h, st, rec, rec_len);
    int status = 0;
    waitpid(c, &status, 0);
    if (atomic_load(&h.s->failed) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("hand-off measurement failed");

    double *tmp = malloc(per_variant * sizeof(double));
    for (int v = 0; v < H_N; ++v) {
        memcpy(tmp, h.lat + (size_t)v * per_variant, per_variant * sizeof(double));
        qsort(tmp, per_variant, sizeof(double), cmp_double);
        out->p50[v] = quantile(tmp, per_variant, 0.50);
        out->p99[v] = quantile(tmp, per_variant, 0.99);
        out->max[v] = tmp[per_variant - 1];
    }
    out->n = per_variant;
    free(tmp);
    g_peer_failed = NULL;
    munmap(mem, bytes);
    printf("hand-off:    %d rounds x %zu hand-offs per variant (+1 warm-up round), holder waits "
           "%d..%d us before releasing, timeout variant %lld ms\n",
           st->ho_rounds, K, st->hold_min_us, st->hold_max_us, (long long)st->finite_timeout_ms);
}

/* ------------------------------------------------------------------------ */
/* 3. Python peers                                                           */
/* ------------------------------------------------------------------------ */

static void run_peers(const settings *st, const u_result *u, const h_result *ho)
{
    printf("\nPython peers (%s under %s, their default settings; not a floor):\n", st->peers,
           st->python);
    if (access(st->peers, R_OK) != 0) {
        printf("  skipped: %s: %s\n", st->peers, strerror(errno));
        return;
    }
    if (access(st->python, X_OK) != 0) {
        printf("  skipped: %s: %s\n", st->python, strerror(errno));
        return;
    }
    char *pdir = join(st->dir, "peers");
    if (mkdir(pdir, 0755) != 0 && errno != EEXIST) die("mkdir %s: %s", pdir, strerror(errno));
    fflush(stdout);
    int pfd[2];
    if (pipe(pfd) != 0) die("pipe: %s", strerror(errno));
    pid_t c = fork();
    if (c == 0) {
        char nu[32], nh[32];
        snprintf(nu, sizeof nu, "%d", st->peers_uncontended);
        snprintf(nh, sizeof nh, "%d", st->peers_handoff);
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        close(pfd[0]);
        close(pfd[1]);
        execl(st->python, st->python, st->peers, pdir, nu, nh, (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", st->python, strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    FILE *f = fdopen(pfd[0], "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) printf("  %s", line);
    if (f) fclose(f);
    int status = 0;
    waitpid(c, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("  (peers.py failed: status %d)\n", status);
    printf("  %-18s uncontended_us %8.1f   (keep-file: %.1f)\n", "filelock (ours)",
           u->med_ns[U_OURS_RM] / 1000, u->med_ns[U_OURS_KEEP] / 1000);
    printf("  %-18s handoff_us p50 %9.1f p99 %9.1f max %9.1f (timeout wait)\n", "filelock (ours)",
           ho->p50[H_OURS_RM_FIN], ho->p99[H_OURS_RM_FIN], ho->max[H_OURS_RM_FIN]);
    printf("  %-18s handoff_us p50 %9.1f p99 %9.1f max %9.1f (FL_WAIT_FOREVER)\n", "filelock (ours)",
           ho->p50[H_OURS_RM_INF], ho->p99[H_OURS_RM_INF], ho->max[H_OURS_RM_INF]);
    printf("  (peers' hand-off holds are 0.5..20 ms; their lock files and defaults differ from "
           "ours)\n");
    /* peers.py leaves its lock files behind: remove the *.lock regular files */
    DIR *d = opendir(pdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len > 5 && strcmp(e->d_name + len - 5, ".lock") == 0) {
                char *p = join(pdir, e->d_name);
                struct stat sp;
                if (lstat(p, &sp) == 0 && S_ISREG(sp.st_mode)) unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    rmdir(pdir);  /* only if empty */
    free(pdir);
}

/* ------------------------------------------------------------------------ */
/* main                                                                      */
/* ------------------------------------------------------------------------ */

static const char *verdict(int ok) { return ok ? "met" : "NOT MET"; }

int main(int argc, char **argv)
{
    settings st;
    parse_args(argc, argv, &st);
    setvbuf(stdout, NULL, _IOLBF, 0);
    fl_log_set_level(FL_LOG_OFF);

    char tmpl[] = "/tmp/lock_bench.XXXXXX";
    if (!st.dir) {
        if (!mkdtemp(tmpl)) die("mkdtemp: %s", strerror(errno));
        st.dir = tmpl;
        st.made_dir = 1;
    } else {
        struct stat sd;
        if (stat(st.dir, &sd) != 0 || !S_ISDIR(sd.st_mode)) die("%s is not a directory", st.dir);
        st.made_dir = 0;
    }
    print_machine(&st);
    const double load_start = loadavg1();

    /* Our handles for part 1; the record is read back from a held lock file
     * so the floor writes exactly as many bytes as we do. */
    fl_options *keep = NULL;
    check_fl(fl_options_new(&keep), "fl_options_new");
    check_fl(fl_options_set_remove_on_release(keep, 0), "fl_options_set_remove_on_release");
    fl_lock *ours_rm = NULL, *ours_keep = NULL;
    char *t_rm = join(st.dir, "u-ours-rm"), *t_keep = join(st.dir, "u-ours-keep");
    check_fl(fl_lock_new(&ours_rm, t_rm, NULL), "fl_lock_new");
    check_fl(fl_lock_new(&ours_keep, t_keep, keep), "fl_lock_new");
    fl_options_free(keep);

    char rec[4097];
    size_t rec_len = 0;
    check_fl(fl_acquire(ours_keep, 0), "fl_acquire");
    {
        int fd = open(fl_lock_path(ours_keep), O_RDONLY | O_CLOEXEC);
        if (fd < 0) die("open record: %s", strerror(errno));
        ssize_t n = read(fd, rec, sizeof rec - 1);
        if (n <= 0) die("read record: %s", n < 0 ? strerror(errno) : "empty");
        rec_len = (size_t)n;
        close(fd);
    }
    fl_release(ours_keep);

    u_result u;
    run_uncontended(&st, rec, rec_len, ours_rm, ours_keep, &u);
    unlink(fl_lock_path(ours_keep));  /* kept file of keep mode */
    fl_lock_free(ours_rm);
    fl_lock_free(ours_keep);

    h_result ho;
    run_handoff(&st, rec, rec_len, &ho);

    /* ---- table ---- */
    const double u_target = 1.3, h_ratio_target = 3.0, h_p99_target_us = 2000.0;
    int all_ok = 1;
    printf("\n%-44s %12s %12s %7s  %s\n", "uncontended acquire+release (median ns/cycle)", "ours",
           "floor", "ratio", "target <= 1.3x");
    printf("%-44s %12.0f %12.0f %6.2fx  %s\n", "  remove on release (default)", u.med_ns[U_OURS_RM],
           u.med_ns[U_FLOOR_RM], u.ratio_rm, verdict(u.ratio_rm <= u_target));
    printf("%-44s %12.0f %12.0f %6.2fx  %s\n", "  keep file", u.med_ns[U_OURS_KEEP],
           u.med_ns[U_FLOOR_KEEP], u.ratio_keep, verdict(u.ratio_keep <= u_target));
    all_ok &= u.ratio_rm <= u_target && u.ratio_keep <= u_target;

    printf("\n%-44s %9s %9s %9s %7s  %s\n", "hand-off, us (n per row)", "p50", "p99", "max",
           "p50/fl", "target p50 <= 3x floor, p99 < 2 ms");
    for (int v = 0; v < H_N; ++v) {
        int fl = v < H_FLOOR_KEEP ? H_FLOOR_RM : H_FLOOR_KEEP;
        if (h_is_floor(v)) {
            if (v == H_FLOOR_KEEP_PROTO)
                printf("%-44s %9.1f %9.1f %9.1f %6.2fx  (not a target)\n", h_names[v], ho.p50[v],
                       ho.p99[v], ho.max[v], ho.p50[v] / ho.p50[H_FLOOR_KEEP]);
            else
                printf("%-44s %9.1f %9.1f %9.1f %7s  (floor, n=%zu)\n", h_names[v], ho.p50[v],
                       ho.p99[v], ho.max[v], "", ho.n);
            continue;
        }
        double ratio = ho.p50[v] / ho.p50[fl];
        int ok_ratio = ratio <= h_ratio_target, ok_p99 = ho.p99[v] < h_p99_target_us;
        all_ok &= ok_ratio && ok_p99;
        char note[96] = "";
        if (!ok_p99 && ho.p99[fl] >= h_p99_target_us)
            snprintf(note, sizeof note, " (the floor's p99 is %.0f us too: machine busy?)", ho.p99[fl]);
        printf("%-44s %9.1f %9.1f %9.1f %6.2fx  p50 %s, p99 %s%s\n", h_names[v], ho.p50[v],
               ho.p99[v], ho.max[v], ratio, verdict(ok_ratio), verdict(ok_p99), note);
    }
    printf("\nall targets: %s\n", all_ok ? "met" : "NOT all met");
    const double load_end = loadavg1();
    const double busy = 0.5 * (double)sysconf(_SC_NPROCESSORS_ONLN);
    if (load_start > busy || load_end > busy)
        printf("note: the machine was not idle (1-min loadavg %.2f at start, %.2f at end, %ld CPUs):\n"
               "      tails (p99, max) then measure the other load as much as the lock\n",
               load_start, load_end, sysconf(_SC_NPROCESSORS_ONLN));

    if (st.peers) run_peers(&st, &u, &ho);

    if (st.made_dir) rmdir(st.dir);
    free(t_rm);
    free(t_keep);
    return 0;
}
